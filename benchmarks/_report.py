"""The readable table printed by ``run.py`` (``--json`` prints the raw figures)."""

from __future__ import annotations

from typing import Any

ROWS: tuple[tuple[str, str, str], ...] = (
    ("Ingest end to end, stories/s", "ingest_stories_per_s", ""),
    ("Bare Whoosh writer, stories/s", "bare_whoosh_stories_per_s", ""),
    ("Ingest / bare Whoosh", "ingest_ratio", ">= 0.7"),
    (
        "  bare Whoosh with the desk's codec (no zlib), stories/s",
        "bare_whoosh_same_codec_stories_per_s",
        "",
    ),
    ("  ingest / that", "ingest_ratio_same_codec", ""),
    ("Search term, ms (p95)", "search_term_ms", "p95 <= 50"),
    ("Search two-term, ms (p95)", "search_two-term_ms", "p95 <= 50"),
    ("Search field, ms (p95)", "search_field_ms", "p95 <= 50"),
    ("Search tag, ms (p95)", "search_tag_ms", "p95 <= 50"),
    ("Search date, ms (p95)", "search_date_ms", "p95 <= 50"),
    ("Search phrase, ms (p95)", "search_phrase_ms", "p95 <= 150"),
    ("  newest stories read before a search may stop", "recent_scope_stories", ""),
    ("  index shards", "index_shards", ""),
    ("Archive (--all) term, ms (p95)", "search_all_term_ms", ""),
    ("Archive (--all) two-term, ms (p95)", "search_all_two-term_ms", ""),
    ("Archive (--all) phrase, ms (p95)", "search_all_phrase_ms", ""),
    ("Story list (by date, 300 rows) term, ms (p95)", "list_term_ms", "p95 <= 50"),
    ("Story list two-term, ms (p95)", "list_two-term_ms", "p95 <= 50"),
    ("Story list field, ms (p95)", "list_field_ms", "p95 <= 50"),
    ("Story list tag, ms (p95)", "list_tag_ms", "p95 <= 50"),
    ("Story list date, ms (p95)", "list_date_ms", "p95 <= 50"),
    ("Story list phrase, ms (p95)", "list_phrase_ms", "p95 <= 150"),
    ("Search term, CPU ms", "search_term_cpu_ms", ""),
    ("Search two-term, CPU ms", "search_two-term_cpu_ms", ""),
    ("Search phrase, CPU ms", "search_phrase_cpu_ms", ""),
    ("Term: triage / FTS5", "search_term_vs_fts5", ""),
    ("Two-term: triage / FTS5", "search_two-term_vs_fts5", ""),
    ("Field: triage / FTS5", "search_field_vs_fts5", ""),
    ("Tag: triage / FTS5", "search_tag_vs_fts5", ""),
    ("Date: triage / FTS5", "search_date_vs_fts5", ""),
    ("Phrase: triage / FTS5", "search_phrase_vs_fts5", ""),
    ("Tag, ms", "tag_ms", "<= 20"),
    ("Tag + tag: search, ms", "tag+search_ms", "<= 20"),
    ("Untag, ms", "untag_ms", "<= 20"),
    ("Mark read, ms", "read_ms", "<= 20"),
    ("Mark read + is:read search, ms", "read+search_ms", ""),
    ("Cluster assign, ms (p95)", "assign_ms", "<= 20"),
    ("TUI cold start, s", "tui_cold_start_s", "<= 1.5"),
    ("TUI key to repaint, ms (p95)", "tui_key_repaint_ms", "<= 50"),
    ("TUI one key to its story in the reader, ms (p95)", "tui_key_to_detail_ms", ""),
    ("TUI key to repaint during refresh, ms (p95)", "tui_key_repaint_during_refresh_ms", "<= 50"),
    ("TUI pilot press+pause, ms (p95)", "tui_key_ms", ""),
    ("TUI pilot press+pause during refresh, ms (p95)", "tui_key_during_refresh_ms", ""),
    ("TUI peak RSS browsing, MB", "tui_peak_rss_browsing_mb", "<= 400"),
    ("TUI peak RSS with a refresh in-process, MB", "tui_peak_rss_mb", "<= 400"),
)

REFRESH_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Refresh, one new story per feed: stories listed, s", "refresh_new_s", "<= 3"),
    ("  then analysed and searchable, s (total)", "refresh_new_complete_s", ""),
    ("Refresh, every feed 304, s", "refresh_304_s", "<= 1"),
    ("newsboat, one new story per feed, s", "newsboat_new_s", ""),
    ("newsboat, every feed 304, s", "newsboat_304_s", ""),
)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict) and "median" in value:
        return f"{value['median']:g} ({value['p95']:g})"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def table(results: dict[str, Any]) -> str:
    """A Markdown table: one row per figure, one column per desk size."""
    sizes = results["sizes"]
    head = ["Figure (median, p95 in brackets)", "Target", *[f"{int(s):,} stories" for s in sizes]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, key, target in ROWS:
        cells = [_cell(sizes[s].get(key)) for s in sizes]
        if any(c != "-" for c in cells):
            lines.append("| " + " | ".join([label, target, *cells]) + " |")
    refresh = results.get("refresh")
    if refresh:
        lines += [
            "",
            f"Refresh: {refresh['feeds']} feeds over {refresh['hosts']} loopback"
            f" hosts, {refresh['latency_ms']:g} ms latency each, concurrency"
            f" {refresh['concurrency']} (per host {refresh['per_host']})",
            "",
            "| Figure | Target | Seconds |",
            "|---|---|---|",
        ]
        for label, key, target in REFRESH_ROWS:
            if key in refresh:
                lines.append(f"| {label} | {target} | {_cell(refresh[key])} |")
        if isinstance(refresh.get("newsboat"), str):
            lines.append(f"| newsboat | | {refresh['newsboat']} |")
    machine = results["machine"]
    lines += [
        "",
        f"{machine['cpus']} CPUs, Python {machine['python']}, load average"
        f" {machine['load_1min']} at start, {machine.get('load_1min_end')} at end.",
    ]
    return "\n".join(lines)
