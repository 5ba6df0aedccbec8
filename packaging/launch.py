"""Entry point of the packaged app (PyInstaller): the same as the ``planner`` command."""

import sys

from planner.app import main

if __name__ == "__main__":
    sys.exit(main())
