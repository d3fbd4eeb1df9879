"""The command line: ``triage`` and its subcommands, over the same core as the app."""

from triage.cli.main import main

__all__ = ["main"]
