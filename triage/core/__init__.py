"""The headless core of triage: ingest, store, search, clusters and quotes.

Nothing in this package imports the UI toolkit; the CLI, the TUI, scripts and tests
all use the same functions.
"""
