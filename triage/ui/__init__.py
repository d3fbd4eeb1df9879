"""The Textual user interface of triage."""
