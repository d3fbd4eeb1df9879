"""What the one fetcher of a team desk tells the other terminals while it fetches.

The fetcher announces its progress on a notification channel of its own; every other
open app of the desk shows it (whose terminal fetches, which stage, how far) and
looks for the new stories when the fetch ends. A payload is read as hostile: one
that is not what a fetcher writes is dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

FINISHED = "finished"
"""The stage a fetcher announces when it lets go of the desk's fetch."""


@dataclass(frozen=True, slots=True)
class FetchProgress:
    """How far another terminal's fetch has come.

    Attributes:
        terminal: The fetching terminal's name (its own watcher skips it).
        editor: The editor it runs as (``""``: the default editor).
        stage: The pipeline's stage ("fetch", "store", ...), or :data:`FINISHED`.
        done: Items of the stage done.
        total: Items of the stage in all.
    """

    terminal: str
    editor: str
    stage: str
    done: int
    total: int

    @property
    def finished(self) -> bool:
        """Whether the fetch has ended (its stories are stored)."""
        return self.stage == FINISHED

    def encode(self) -> str:
        """The notification payload (JSON, well under the server's 8,000 bytes)."""
        return json.dumps(
            [self.terminal[:64], self.editor[:64], self.stage[:64], self.done, self.total]
        )

    @classmethod
    def decode(cls, payload: str) -> FetchProgress | None:
        """Read a payload; None when it is not one a fetcher writes."""
        try:
            terminal, editor, stage, done, total = json.loads(payload)
        except (ValueError, TypeError):
            return None
        texts = (terminal, editor, stage)
        if not all(isinstance(t, str) for t in texts):
            return None
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (done, total)):
            return None
        return cls(terminal, editor, stage, max(done, 0), max(total, 0))
