"""`python -m pipelines.samples`: write the synthetic sample exports."""

from pipelines.samples import main

raise SystemExit(main())
