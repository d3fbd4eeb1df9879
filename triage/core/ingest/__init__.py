"""Sources in, clean stories stored: feeds, article files, folders and OPML.

:class:`Pipeline` runs an ingest or a refresh (store, then analyse and index);
the modules behind it read feeds (:mod:`.feeds`), article files
(:mod:`.articles`) and OPML (:mod:`.opml`), and decide each entry's identity
(:mod:`.identity`)."""

from triage.core.ingest.feeds import Entry, ParsedFeed, parse_feed
from triage.core.ingest.opml import OpmlFeed, parse_opml, render_opml
from triage.core.ingest.pipeline import Pipeline
from triage.core.ingest.sources import plan_sources, prepare_entries, read_file

__all__ = [
    "Entry",
    "OpmlFeed",
    "ParsedFeed",
    "Pipeline",
    "parse_feed",
    "parse_opml",
    "plan_sources",
    "prepare_entries",
    "read_file",
    "render_opml",
]
