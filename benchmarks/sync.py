"""Sync 2,000 items from a real Fever server (coldsweat on 127.0.0.1) against a direct
fetch of the same feeds, each into a fresh desk; prints medians and their ratio.

The feeds are GENERATED (made-up items, 4 feeds x 500), served from a loopback HTTP
server; coldsweat is the one in the test extras, run by tests/coldsweat_server.py
with its outside icon lookup off. Both paths end with analysis and indexing.

    python benchmarks/sync.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "tests" / "coldsweat_server.py"
EMAIL, PASSWORD = "bench@example.org", "bench password"
FEEDS, PER_FEED = 4, 500


def rss(feed: int) -> bytes:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>Feed {feed} item {i} on topic {i % 37}</title>"
        f"<link>http://127.0.0.1/f{feed}/{i}</link><guid>f{feed}-{i}</guid>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate>"
        f"<description>&lt;p&gt;Generated body {i} of feed {feed}, with a council vote"
        f" and &#8220;a quoted line {i}&#8221; said the mayor.&lt;/p&gt;</description></item>"
        for i in range(PER_FEED)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench {feed}</title>'
        f"<link>http://127.0.0.1/f{feed}</link>{items}</channel></rss>"
    ).encode()


BODIES = {f"/feed{n}.xml": rss(n) for n in range(FEEDS)}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = BODIES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        return


def triage(*args: str, env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "triage", *args],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_port}{p}" for p in BODIES]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "coldsweat.db"
        run = [sys.executable, str(RUNNER), str(db)]
        subprocess.run(
            [*run, "setup", EMAIL, PASSWORD, *urls], check=True, cwd=tmp, capture_output=True
        )
        subprocess.run([*run, "fetch"], check=True, cwd=tmp, capture_output=True)
        proc = subprocess.Popen(
            [*run, "serve"], stdout=subprocess.PIPE, text=True, stderr=subprocess.DEVNULL, cwd=tmp
        )
        try:
            assert proc.stdout is not None
            fever = f"http://127.0.0.1:{int(proc.stdout.readline())}/fever/"
            env = {**os.environ, "TRIAGE_SERVER_PASSWORD": PASSWORD}
            synced, direct = [], []
            for n in range(rounds):
                desk = str(Path(tmp) / f"sync{n}")
                triage("servers", "add", "fever", fever, "--user", EMAIL, "--index", desk, env=env)
                synced.append(triage("sync", "--index", desk, env=env))
                direct.append(triage("ingest", *urls, "--index", str(Path(tmp) / f"d{n}"), env=env))
        finally:
            proc.terminate()
            proc.wait()
    server.shutdown()
    items = FEEDS * PER_FEED
    s, d = statistics.median(synced), statistics.median(direct)
    print(f"generated corpus: {FEEDS} feeds x {PER_FEED} = {items} items, {rounds} rounds")
    print(f"triage sync (Fever, coldsweat): median {s:.2f} s ({items / s:.0f} items/s)")
    print(f"triage ingest (direct fetch):   median {d:.2f} s ({items / d:.0f} items/s)")
    print(f"ratio sync / direct: {s / d:.2f}")


if __name__ == "__main__":
    main()
