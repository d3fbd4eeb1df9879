"""Measure how many real feed entries get a trustworthy date, and why the rest do not.

Reads every feed file in ``../shared/realfeeds-dev/feeds/`` (RSS, Atom, RDF, JSON
Feed). Per entry, the date fields in the order ingest reads them (published,
updated, created; JSON Feed date_published, date_modified) are classified:

- ``feedparser``: feedparser's own parse of the string was used;
- ``fallback``: feedparser could not read it, ``dateparser`` (feed language as a
  hint) did;
- ``untrusted``: read, but before 1990 or more than a day in the future;
- ``unreadable``: a date string neither parser reads;
- ``no date``: the entry has no date field at all.

Then the same files go through the real pipeline (``Desk.ingest``) into a
temporary desk, and the store's ``dated`` flag and latest ``published`` are
counted, so the parse-level figures can be checked against what is stored.

Usage::

    python benchmarks/dates.py                 # counts, and up to 5 examples per class
    python benchmarks/dates.py --examples 20
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
from feedparser.datetimes import _parse_date as _feedparser_date

from triage.core.desk import Desk
from triage.core.ingest.dates import parse_date_text, trustworthy

FEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "realfeeds-dev" / "feeds"


def classify(strings: list[object], parsed: list[Any], language: object, now: datetime) -> str:
    """The class of one entry's date, from its raw strings and feedparser's readings."""
    if not any(strings):
        return "no date"
    read_any = False
    for text, struct in zip(strings, parsed, strict=True):
        if not text:
            continue
        how = "feedparser" if struct or _feedparser_date(str(text)) else "fallback"
        moment = parse_date_text(text, language)
        if moment is None:
            continue
        read_any = True
        if trustworthy(moment, now) is not None:
            return how
    return "untrusted" if read_any else "unreadable"


def entries_of(path: Path) -> tuple[list[tuple[list[object], list[Any]]], object]:
    data = path.read_bytes()
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        try:
            doc = json.loads(data.decode("utf-8-sig", errors="replace"))
        except json.JSONDecodeError:
            return [], ""
        items = doc.get("items") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            return [], ""
        out = []
        for item in items:
            if isinstance(item, dict):
                strings = [item.get("date_published"), item.get("date_modified")]
                out.append((strings, [None, None]))
        return out, doc.get("language") or ""
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=False, resolve_relative_uris=False)
    keys = ("published", "updated", "created")
    out = [([e.get(k) for k in keys], [e.get(f"{k}_parsed") for k in keys]) for e in parsed.entries]
    return out, parsed.feed.get("language") or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=Path, default=FEEDS)
    parser.add_argument("--examples", type=int, default=5)
    parser.add_argument(
        "--no-store", action="store_true", help="parse level only (skip the ~3 min ingest)"
    )
    args = parser.parse_args()
    files = sorted(p for p in args.feeds.iterdir() if p.is_file())
    now = datetime.now(UTC)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for path in files:
        entries, language = entries_of(path)
        for strings, structs in entries:
            kind = classify(strings, structs, language, now)
            counts[kind] += 1
            shown = [str(s)[:60] for s in strings if s]
            if shown and len(examples.setdefault(kind, [])) < args.examples:
                examples[kind].append(f"{path.name[:40]}: {shown[0]!r} (lang {language!r})")
    total = sum(counts.values())
    print(f"{len(files)} feed files, {total} entries (parse level)")
    for kind in ("feedparser", "fallback", "untrusted", "unreadable", "no date"):
        print(f"  {kind:<11} {counts[kind]:>6}")
        for line in examples.get(kind, []) if kind not in ("feedparser",) else []:
            print(f"      {line}")
    if args.no_store:
        return
    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk(Path(tmp) / "desk")
        report = desk.ingest([str(p) for p in files])
        desk.close()
        conn = sqlite3.connect(Path(tmp) / "desk" / "triage.sqlite3")
        dated, undated = (
            conn.execute("SELECT count(*) FROM stories WHERE dated = ?", (flag,)).fetchone()[0]
            for flag in (1, 0)
        )
        after = datetime.now(UTC)
        latest = conn.execute("SELECT max(published) FROM stories WHERE dated = 1").fetchone()[0]
        future = conn.execute(
            "SELECT count(*) FROM stories WHERE dated = 1 AND published > ?",
            (after.strftime("%Y-%m-%dT%H:%M:%SZ"),),
        ).fetchone()[0]
        conn.close()
    print(
        f"stored through Desk.ingest: {dated + undated} stories ({report.added} added,"
        f" {len(report.errors)} sources failed)"
    )
    print(f"  dated {dated}, undated {undated}, latest dated {latest}, dated after now: {future}")


if __name__ == "__main__":
    main()
