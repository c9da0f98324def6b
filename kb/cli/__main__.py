"""`python -m kb.cli …` runs `kb …`."""

import sys

from kb.cli import main

sys.exit(main())
