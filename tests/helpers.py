"""Small helpers shared by test modules (importable as ``helpers`` under pytest)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from triage.core.clusters.conflicts import event_markers
from triage.core.clusters.signals import term_counts

WORDS = (
    "harbour council ferry budget storm rail museum festival bridge school clinic market "
    "bakery airport lifeboat library theatre stadium reservoir orchard"
).split()


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write ``count`` distinct plain-text articles and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        topic = WORDS[number % len(WORDS)]
        path = folder / f"article-{number:05d}.txt"
        path.write_text(
            f"{topic.title()} story number {number}\n\n"
            f"The {topic} in town {number} reported news on day {number % 28 + 1}. "
            f"\u201cWe are watching story {number} closely,\u201d said Alex Morgan{number}, "
            f"a spokesperson.\n\nA second paragraph about the {topic} and code {number * 7}.\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def run_triage(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a separate process (for cross-process and crash tests)."""
    return subprocess.run(
        [sys.executable, "-m", "triage", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


def run_benchmark(script: Path, *args: str, timeout: float) -> dict[str, Any]:
    """Run a benchmark script in a separate process; return the JSON figures it prints
    last (and fail the test, with its error output, if it fails)."""
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def story_markers(story: tuple[str, str]) -> frozenset[str]:
    """The event markers the clusterer stores for a (title, body) story."""
    title, body = story
    return event_markers(term_counts(title, body), title, body)
