"""The bundled, entirely fictional demo corpus that ``triage --demo`` opens.

The corpus is three feeds (RSS 2.0, Atom 1.0 and a second RSS 2.0 from a tabloid
outlet) plus a few standalone article files, written so that a first-time user sees
every feature work on credible news copy: one event reported by three outlets (with a
rewrite that reuses the original's quotes), one event covered independently by two,
two look-alike but different events, and quotations in the usual constructions.

The files are read through :mod:`importlib.resources` so the demo works from an
installed wheel as well as from a source checkout.
"""

from __future__ import annotations

import pathlib
from importlib import resources

__all__ = ["ARTICLE_SUFFIXES", "DEMO_DIR", "FEED_SUFFIXES", "demo_paths"]

FEED_SUFFIXES: tuple[str, ...] = (".rss", ".atom", ".xml", ".json")
"""Suffixes of the demo feed files (everything else in the folder is not a feed)."""

ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html")
"""Suffixes of the demo article files in ``articles/``."""

# The package is always installed as plain files (setuptools package-data, no zip),
# so the traversable resource root is a real directory on disk.
DEMO_DIR: pathlib.Path = pathlib.Path(str(resources.files(__name__)))
"""Directory holding the demo feeds; articles live in its ``articles`` sub-folder."""


def demo_paths() -> list[pathlib.Path]:
    """Return every demo feed and article file, feeds first, each group sorted.

    Returns a concrete list of paths (not a generator) so callers can hand it to
    ingest as a fixed set of sources and report on exactly these files.
    """
    feeds = sorted(p for p in DEMO_DIR.iterdir() if p.is_file() and p.suffix in FEED_SUFFIXES)
    articles_dir = DEMO_DIR / "articles"
    articles = sorted(
        p for p in articles_dir.iterdir() if p.is_file() and p.suffix in ARTICLE_SUFFIXES
    )
    return feeds + articles
