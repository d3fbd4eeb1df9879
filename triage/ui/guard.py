"""Keep a failing desk call from ending the editor's shift.

A worker that raises would make Textual exit the app. Desk calls can fail for
reasons the editor can act on (a locked or outdated desk, a full disk), so worker
bodies are wrapped: the error is posted as :class:`~triage.ui.messages.WorkFailed`
and shown in the status line instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

from triage.ui.messages import WorkFailed

P = ParamSpec("P")
R = TypeVar("R")


class _Poster(Protocol):
    def post_message(self, message: WorkFailed) -> bool: ...


def guarded(what: str) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Wrap a worker method: exceptions become a ``WorkFailed`` message."""

    def decorate(method: Callable[P, R]) -> Callable[P, R | None]:
        @functools.wraps(method)
        def run(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                owner = args[0]
                if hasattr(owner, "post_message"):
                    owner.post_message(WorkFailed(what, f"{type(exc).__name__}: {exc}"))
                return None

        return run

    return decorate
