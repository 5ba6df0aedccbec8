"""The ``planner`` command (and ``python -m planner``): the window, or a command.

``planner`` opens the window, ``planner COMMAND ...`` runs it headless
(:mod:`planner.cli`), ``planner --self-test`` checks that the window starts. Each is
imported only when asked for: the command line loads no Qt.
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
    from planner.ui.shell.application import run

    return run()


if __name__ == "__main__":
    sys.exit(main())
