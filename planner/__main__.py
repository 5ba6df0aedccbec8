"""``python -m planner``: same as the ``planner`` command."""

import sys

from planner.app import main

sys.exit(main())
