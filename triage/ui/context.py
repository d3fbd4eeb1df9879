"""What the screens need from the app, handed to them instead of the app itself.

Screens and widgets never import :mod:`triage.ui.app`: the app builds a
:class:`DeskContext` and passes it down, so the import graph has the app on top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from triage.config import Config
from triage.core.desk import Desk

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class DeskContext:
    """The desk to work on, the editor's settings and the clock ("now", UTC)."""

    desk: Desk
    config: Config
    clock: Clock
