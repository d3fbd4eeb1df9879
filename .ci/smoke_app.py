"""Open an installed ``triage --demo`` in a pseudo-terminal, wait for the story list, quit.

Run by ``.ci/run`` against each tool install (pipx, uv): it proves the console script
starts, builds the bundled demo desk and paints stories, with nothing but the installed
package. Exit status 0 when the screen showed the demo's stories and the app quit on ``q``.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

EXPECTED = re.compile(rb"\b[1-9][0-9]* stories\b")  # the status line, once stories are listed
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]")


def main(command: str, seconds: float = 60.0) -> int:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    child = subprocess.Popen(
        [command, "--demo"], stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not EXPECTED.search(ANSI.sub(b" ", seen)):
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
    painted = EXPECTED.search(ANSI.sub(b" ", seen)) is not None
    os.write(leader, b"q")
    # Keep reading while the app quits: it repaints and restores the terminal on the
    # way out, and a full pseudo-terminal buffer would block it in that write.
    deadline = time.monotonic() + 15
    while child.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                os.read(leader, 65536)
            except OSError:
                break
    try:
        code = child.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        child.kill()
        code = -9
    print(f"smoke: {command} --demo painted the demo: {painted}; exit status {code}")
    return 0 if painted and code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
