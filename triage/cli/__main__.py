"""``python -m triage.cli``: the same as the ``triage`` command."""

from triage.cli.main import main

raise SystemExit(main())
