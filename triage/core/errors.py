"""Errors the core raises for bad input, shared by every package that reads it."""

from __future__ import annotations


class ParseError(Exception):
    """An input that cannot be read as what it claims to be; the message is one line."""
