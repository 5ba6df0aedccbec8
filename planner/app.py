"""Composition root: ``planner`` opens the window, ``planner COMMAND`` runs headless.

Nothing happens at import time: no engine, no QApplication. Qt is imported only when
the window is asked for, so the command line starts fast and runs without a display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--self-test"]:
        from planner.selftest import main as self_test

        return self_test()
    if args:
        from planner import cli

        return cli.main(args)
    from planner.ui.application import run

    return run()


if __name__ == "__main__":
    sys.exit(main())
