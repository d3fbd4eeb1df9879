"""TUI figures, run in a child process: cold start, key-press latency, peak memory.

Usage (``run.py`` does this)::

    python benchmarks/_tui.py DESK_DIR START_EPOCH [--feeds DIR] [--presses N]

Prints one JSON object. ``START_EPOCH`` is the parent's ``time.time()`` just before
it started this process, so the cold start includes the interpreter and imports.
With ``--feeds``, a background thread ingests those feed files (parse, store,
analyse, index: a refresh's work without the network) while keys are pressed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _peak_rss_mb() -> float:
    """Peak resident set size of this process, from the kernel's own accounting.

    ``VmHWM`` where there is one: Linux keeps ``ru_maxrss`` across exec, so a
    child started by a 2.5 GB benchmark process reported the parent's 2.5 GB.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _key_to_repaint(app: Any, key: str, moved: Any) -> float:
    """Milliseconds from a key event reaching the app to the repaint that shows its effect.

    ``pilot.press`` and ``pilot.pause`` both wait until the *process* stops using
    CPU (up to 1 s), so with any worker thread busy they measure the worker, not
    the key. Here the key is sent the way Pilot sends it, then we wait for
    ``moved()`` (the cursor changed) and for the next screen refresh after that.
    """
    from textual import events

    loop = asyncio.get_running_loop()
    begin = time.perf_counter()
    event = events.Key(key, key)
    event.set_sender(app)
    app._driver.send_message(event)
    while not moved():
        await asyncio.sleep(0.0005)
    painted: asyncio.Future[float] = loop.create_future()
    app.call_after_refresh(lambda: painted.set_result(time.perf_counter()))
    return (await painted - begin) * 1000


async def _measure(
    desk_dir: Path, start_epoch: float, feeds: Path | None, presses: int
) -> dict[str, Any]:
    from _stats import Samples

    from triage.config import Config
    from triage.core.desk import Desk
    from triage.ui.app import TriageApp
    from triage.ui.widgets.story_list import StoryList

    desk = Desk(desk_dir)
    app = TriageApp(desk, Config(poll_seconds=0, refresh_minutes=0))
    figures: dict[str, Any] = {}
    async with app.run_test(size=(140, 45)) as pilot:
        story_list = app.screen.query_one(StoryList)
        for _ in range(3000):
            if story_list.row_count:
                break
            await asyncio.sleep(0.002)
        await pilot.pause()
        figures["cold_start_s"] = round(time.time() - start_epoch, 3)
        figures["rows"] = story_list.row_count
        quiet = Samples()
        for _ in range(presses):
            begin = time.perf_counter()
            await pilot.press("j")
            await pilot.pause()
            quiet.add((time.perf_counter() - begin) * 1000)
        figures["key_ms"] = quiet.summary()
        figures["key_repaint_ms"] = (await _repaints(app, story_list, presses)).summary()
        figures["key_to_detail_ms"] = (await _details(app, story_list, presses // 3)).summary()
        figures["peak_rss_browsing_mb"] = round(_peak_rss_mb(), 1)
        if feeds is not None:
            busy = Samples()
            done = threading.Event()

            def refresh() -> None:
                # As the app's refresh worker: store, then analyse in a child process
                # and index there too (Pipeline.finish(background=True)).
                try:
                    pipeline = desk.pipeline()
                    pipeline.finish = lambda: None
                    pipeline.run([str(feeds)])
                    desk.pipeline().finish(background=True)
                finally:
                    done.set()

            worker = threading.Thread(target=refresh, daemon=True)
            worker.start()
            during = Samples()
            for _ in range(presses):
                if done.is_set():
                    break
                during.values.extend((await _repaints(app, story_list, 1)).values)
            figures["key_repaint_during_refresh_ms"] = during.summary()
            while not done.is_set() and len(busy.values) < presses * 4:
                begin = time.perf_counter()
                await pilot.press("j" if len(busy.values) % 40 < 20 else "k")
                await pilot.pause()
                busy.add((time.perf_counter() - begin) * 1000)
            figures["key_during_refresh_ms"] = busy.summary()
            worker.join()
    figures["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return figures


async def _repaints(app: Any, story_list: Any, presses: int) -> Any:
    """Key-to-repaint milliseconds for ``presses`` presses of j (k at the bottom)."""
    from _stats import Samples

    samples = Samples()
    for index in range(presses):
        row = story_list.cursor_row
        key = "j" if index % 40 < 20 else "k"
        samples.add(await _key_to_repaint(app, key, lambda r=row: story_list.cursor_row != r))
        await asyncio.sleep(0.02)
    return samples


async def _details(app: Any, story_list: Any, presses: int) -> Any:
    """Milliseconds from one key press, the cursor then resting, to the repaint showing the
    new story in the reader (the detail loads once the selection has settled)."""
    from _stats import Samples

    from triage.ui.widgets.reader import Reader

    reader = app.screen.query_one(Reader)
    samples = Samples()
    for index in range(presses):
        row = story_list.cursor_row
        key = "j" if index % 40 < 20 else "k"
        begin = time.perf_counter()
        await _key_to_repaint(app, key, lambda r=row: story_list.cursor_row != r)
        wanted = story_list.selected.id if story_list.selected else None
        while reader.story is None or reader.story.id != wanted:
            await asyncio.sleep(0.001)
        shown: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        app.call_after_refresh(lambda done=shown: done.set_result(time.perf_counter()))
        samples.add((await shown - begin) * 1000)
        await asyncio.sleep(0.1)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("desk", type=Path)
    parser.add_argument("start", type=float)
    parser.add_argument("--feeds", type=Path)
    parser.add_argument("--presses", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    figures = asyncio.run(_measure(args.desk, args.start, args.feeds, args.presses))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
