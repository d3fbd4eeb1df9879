"""Writers take turns: a writer that commits and begins again cannot starve another.

SQLite's busy handler retries in naps that grow to 100 ms, so against a busy
writer whose lock is free only for a fraction of a millisecond between
transactions (the analyser's cluster batches during an ingest) a second writer
(the indexer marking its pass done, an editor's tag) could wait until the busy
writer stopped. The turnstile wakes it at the first gap. (Without it, the first
test failed 4 runs in 5.)
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from triage.core.store.database import Store
from triage.core.store.writer_lock import WriterTurnstile

BUSY_SECONDS = 2.0
HOLD_SECONDS = 0.05
GAP_SECONDS = 0.0002


def test_a_waiting_writer_gets_in_while_a_busy_writer_keeps_writing(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    busy, editor = Store(path), Store(path)
    started, busy_done = threading.Event(), threading.Event()

    def keep_writing() -> None:
        deadline = time.monotonic() + BUSY_SECONDS
        while time.monotonic() < deadline:
            with busy.write() as conn:
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('busy', 'x')")
                started.set()
                time.sleep(HOLD_SECONDS)
            time.sleep(GAP_SECONDS)
        busy_done.set()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert started.wait(5)
        editor.set_meta("tag", "energy")
        wrote_while_busy = not busy_done.is_set()
    finally:
        writer.join()
        busy.close()
        editor.close()
    assert wrote_while_busy, "the editor's write waited for the busy writer to stop"
    reopened = Store(path)
    assert reopened.get_meta("tag") == "energy"
    reopened.close()


def test_the_turnstile_is_released_when_its_holder_fails(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    store = Store(path)
    try:
        with store.write() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    other = WriterTurnstile(path)
    acquired = threading.Event()

    def take() -> None:
        with other.turn():
            acquired.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    assert acquired.wait(5), "a failed transaction kept the turnstile"
    assert store.get_meta("a") == ""
    store.close()
    other.close()
