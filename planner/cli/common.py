"""What every command shares: exit codes, the errors shown as one line, the
:class:`Context` a handler gets (services opened lazily, the day's backup before a change,
strict JSON), argument types, and the text and ``-o`` output helpers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeAlias

from planner.app import Services, open_services
from planner.core.foods import FoodRefError
from planner.db.maintenance import SqliteError
from planner.db.migrate import SchemaTooNewError
from planner.db.plans import PlanConflictError, PlanNotFoundError
from planner.db.recipes import RecipeNotFoundError
from planner.services.backups import BackupError, BackupService
from planner.services.foods import FoodNotFoundError
from planner.services.outputs import check_output, write_output
from planner.sources.food_dataset import DatasetError
from planner.sources.http import OnlineError
from planner.sources.usda_sr import UsdaFormatError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

#: Errors that are the user's input or environment, shown as one clean line.
USER_ERRORS: tuple[type[BaseException], ...] = (
    FoodRefError,
    FoodNotFoundError,
    PlanNotFoundError,
    PlanConflictError,
    RecipeNotFoundError,
    UsdaFormatError,
    DatasetError,
    SchemaTooNewError,
    BackupError,
    OnlineError,
    OSError,
    ValueError,
)

#: The sub-commands a group adds its commands to (what ``add_subparsers`` returns).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

FORCE_HELP = "replace the -o file if it exists (never the database or a backup)"

#: The parent parser of every command that has ``--json``.
JSON_FLAG = argparse.ArgumentParser(add_help=False)
JSON_FLAG.add_argument("--json", action="store_true", help="machine-readable output")


class CliError(Exception):
    """A clean failure with a message for stderr."""


class Context:
    """What a command needs; opens the database lazily, once."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err
        self._services: Services | None = None
        self._backed_up = False

    @property
    def services(self) -> Services:
        """The services of the composition root, opened on first use (once)."""
        if self._services is None:
            self._services = open_services(
                progress=self.progress("Loading the USDA food database"))
        return self._services

    def progress(self, label: str) -> Callable[[int, int], None] | None:
        """A percentage on stderr for a long task, when stderr is a terminal."""
        if not self.err.isatty():
            return None

        def report(done: int, total: int) -> None:
            self.err.write(f"\r{label}: {100 * done // max(total, 1)}%")
            if done >= total:
                self.err.write("\n")
            self.err.flush()

        return report

    def before_writing(self) -> None:
        """Today's automatic backup, before the command's first change to the database.

        As the window does at start: a backup when none is younger than a day (nothing
        on PostgreSQL, whose server backs it up). A backup that cannot be made is a
        warning on stderr, not a refusal: the change still goes ahead.
        """
        if self._backed_up:
            return
        self._backed_up = True
        try:
            if self._services is not None:
                self._services.backups.auto_backup()
            else:
                BackupService().auto_backup()
        except (BackupError, OSError, SqliteError) as exc:
            print(f"planner: warning: today's backup could not be made: {exc}", file=self.err)

    def emit_json(self, value: Any) -> None:
        # Strict JSON: every number was made finite where it was computed (a NaN or an
        # infinity here is a bug, refused rather than printed as invalid JSON).
        # Whole, so that a refusal leaves no half-written output.
        self.out.write(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n")

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


# -- text ----------------------------------------------------------------------------


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def count_number(value: float | None, noun: str) -> str:
    number = f"{value:g}" if value is not None else "?"
    return f"{number} {noun}" if value == 1 else f"{number} {noun}s"


def fmt(value: float | None, unit: str, digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:.{digits}f} {unit}"


def home_relative(text: str) -> str:
    """``~/...`` for a path in the home folder, as a person would type it."""
    home = str(Path.home())
    if text.startswith(home + os.sep):
        return "~" + text[len(home) :]
    return text


# -- arguments -----------------------------------------------------------------------


def limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("the limit must be between 1 and 1000")
    return value


# -- files in and out ----------------------------------------------------------------


MAX_PLAN_FILE_BYTES = 20 * 1024 * 1024


def read_plan_file(path: str) -> str:
    """The text of a plan file, or a clean error (missing, too big, not UTF-8)."""
    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise CliError(f"{path}: no such file")
    if file.stat().st_size > MAX_PLAN_FILE_BYTES:
        raise CliError(f"{path}: too large for a plan file (over 20 MB)")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{path}: not a UTF-8 text file") from None


def check_output_file(ctx: Context) -> None:
    """Refuse a ``-o`` file that must not be written before doing the work (see
    :mod:`planner.services.outputs`: never the database or a backup; another existing
    file only with ``--force``)."""
    if ctx.args.output:
        check_output(ctx.args.output, force=ctx.args.force)


def write_text(ctx: Context, text: str, output: str | None) -> None:
    """``text`` into the ``-o`` file (whole or not at all), else on stdout."""
    if output:
        write_output(output, text, force=ctx.args.force)
    else:
        ctx.out.write(text)
