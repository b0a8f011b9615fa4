"""``python -m skillsapp`` behaves like the ``skillsapp`` command."""

import sys

from skillsapp.cli import main

sys.exit(main())
