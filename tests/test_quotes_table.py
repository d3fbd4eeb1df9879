"""``triage quotes`` stays readable at 80 columns and when piped.

Every text here is invented for the test; the names are fictional.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from triage.cli import render
from triage.core.models import Quote, StoredQuote

LONG_ROLE = (
    "deputy assistant director of regional strategic planning and community outreach "
    "for the Tollan and District Harbour Authority"
)
QUOTE = "We will reopen the harbour road before the winter storms arrive, whatever it costs us."


def _stored(number: int) -> StoredQuote:
    quote = Quote(
        text=QUOTE,
        start=0,
        end=len(QUOTE),
        speaker="Ines Varro",
        speaker_start=None,
        speaker_end=None,
        cue="said",
        confidence=0.9,
        role=LONG_ROLE,
    )
    return StoredQuote(id=f"q{number}", story_id="s1", quote=quote, tags=())


def test_long_role_does_not_squeeze_the_quote_at_80_columns(capsys) -> None:  # type: ignore[no-untyped-def]
    render.console.width = 80
    try:
        render.quotes_table([_stored(1)], {})
    finally:
        render.console.width = None  # type: ignore[assignment]
    out = capsys.readouterr().out
    words = " ".join(
        line.split("│")[3].strip() for line in out.splitlines() if line.count("│") >= 4
    )
    assert "before the winter storms arrive" in " ".join(words.split())
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "harbour authority" not in out.lower()  # the role is cut, not the quote


def test_quotes_piped_into_a_closed_reader_exits_without_traceback(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from triage.cli import render\n"
        "with render.tolerate_closed_pipe():\n"
        "    for n in range(20000):\n"
        "        print('line', n)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err
