"""The analysis worker's entry point: ``python -m triage.core.analysis DESK``."""

import sys

from triage.core.analysis.worker import main

raise SystemExit(main(sys.argv[1:]))
