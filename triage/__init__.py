"""triage: a keyboard-driven terminal desk for news editors."""

__version__ = "0.1.0"
