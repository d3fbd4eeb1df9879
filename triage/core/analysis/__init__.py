"""Analysis of stored stories: quotes, then clusters, by one worker.

:class:`Analyser` runs both stages over whatever the store has pending (the
durable marks ``quoted`` and ``analysed`` are the job queue);
:func:`analyse_and_index` runs a large backlog in one child process beside this
one's index writes."""

from triage.core.analysis.analyser import ANALYSE_BATCH, Analyser
from triage.core.analysis.worker import analyse_and_index

__all__ = [
    "ANALYSE_BATCH",
    "Analyser",
    "analyse_and_index",
]
