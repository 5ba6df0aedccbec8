"""Headless commands over the same services as the window (``planner SUBCOMMAND``).

Every command takes ``--json`` for machine-readable output. Errors a user can cause
(a bad reference, a broken file, an unusable database) go to stderr as one line with a
non-zero exit status, never as a traceback.

Every ``-o FILE`` goes through :mod:`planner.services.outputs` (never over the database
or a backup; over another file only with ``--force``; whole or not at all). A command
that changes the database makes the day's automatic backup first
(:meth:`Context.before_writing`).

One module per group of commands, each with a ``register`` that adds its commands and
their handlers; what they share is in :mod:`planner.cli.common` (and, for the commands
that lay out a plan's days, :mod:`planner.cli.documents`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from planner import __version__
from planner.cli import backups, foods, online, plans, recipes, reports, shopping, swaps
from planner.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    USER_ERRORS,
    CliError,
    Context,
)
from planner.db.maintenance import EngineError, SqliteError
from planner.db.migrate import SchemaTooNewError

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_USAGE",
    "USER_ERRORS",
    "CliError",
    "Context",
    "build_parser",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Meal and micronutrient planner. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"planner {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # In the order `planner --help` lists them.
    foods.register(commands)  # foods, import-usda
    online.register(commands)
    plans.register_plan_files(commands)  # analyze, import-plan, export-plan
    swaps.register(commands)  # swaps, optimize
    shopping.register(commands)  # shopping-list
    reports.register(commands)  # print-plan, report
    plans.register_stored_plans(commands)  # plans
    recipes.register(commands)
    backups.register(commands)  # backup
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(out)
        return EXIT_USAGE
    ctx = Context(args, out, err)
    try:
        return int(handler(ctx))
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours. Point stdout at
        # devnull so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except CliError as exc:
        print(f"planner: {exc}", file=err)
    except (SchemaTooNewError, EngineError, SqliteError) as exc:
        # A damaged, locked, read-only or too new database: name it and the way out.
        print(f"planner: {backups.database_error_line(exc)}", file=err)
    except USER_ERRORS as exc:
        print(f"planner: {exc}", file=err)
    except KeyboardInterrupt:
        print("planner: interrupted", file=err)
    finally:
        ctx.close()
    return EXIT_ERROR
