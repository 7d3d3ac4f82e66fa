"""``python -m symbp`` — the same command line as ``symbp``."""
import sys

from .cli import main

sys.exit(main())
