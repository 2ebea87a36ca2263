"""`python -m feedwatch`: the same as the `feedwatch` command."""

import sys

from .cli import main

sys.exit(main())
