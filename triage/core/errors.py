"""Errors the core raises for bad input, shared by every package that reads it."""

from __future__ import annotations


class ParseError(Exception):
    """An input that cannot be read as what it claims to be; the message is one line."""


class ExtractorUnavailable(RuntimeError):
    """trafilatura, a required dependency, cannot be imported: the install is broken.

    Defined here rather than beside the extractor so that the command line can catch it
    without loading the full-text path (HTTP and all) for every command.
    """
