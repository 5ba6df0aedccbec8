"""What the commands that lay out a plan's days share (``shopping-list``, ``print-plan``,
``report``): the plan to read (a file or ``--plan ID``) and its ``--from``/``--to`` days,
the ``--format`` to write, and PDF through Qt (loaded only for PDF)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from planner.cli.common import CliError, Context, read_plan_file
from planner.core.foods import Food
from planner.services.outputs import format_of


def add_plan_source(command: argparse.ArgumentParser) -> None:
    """The plan file (or ``--plan ID``) and the ``--from``/``--to`` days of a command."""
    command.add_argument("file", nargs="?", help="a planner.plan/1 file ('-' for stdin)")
    command.add_argument("--plan", dest="plan_id", type=int, metavar="ID",
                         help="a stored plan instead")
    command.add_argument("--from", dest="start", metavar="DATE",
                         help="first day, YYYY-MM-DD (default: the plan's first)")
    command.add_argument("--to", dest="end", metavar="DATE",
                         help="last day, YYYY-MM-DD (default: the plan's last)")


def date_option(text: str | None, option: str) -> dt.date | None:
    """A ``--from``/``--to`` date, or a clean error (exit 1) that says how to write one."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            f"{option} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-23"
        ) from None


def date_range(args: argparse.Namespace) -> tuple[dt.date | None, dt.date | None]:
    """The ``--from`` and ``--to`` days (``None`` for the plan's first or last)."""
    return date_option(args.start, "--from"), date_option(args.end, "--to")


def output_format(args: argparse.Namespace, formats: Sequence[str], default: str) -> str:
    """``--format``, else ``--json``, else the suffix of ``-o``, else ``default``; a PDF
    only into a file."""
    fmt = _chosen_format(args, formats, default)
    if fmt == "pdf" and not args.output:
        raise CliError("PDF output needs a file: add -o FILE.pdf")
    return fmt


def _chosen_format(args: argparse.Namespace, formats: Sequence[str], default: str) -> str:
    if args.format:
        return str(args.format)
    if getattr(args, "json", False) and "json" in formats:
        return "json"
    if args.output:
        suffix = format_of(args.output)
        if suffix is not None and suffix in formats:
            return suffix
    return default


def plan_and_foods(
    ctx: Context,
) -> tuple[Any, dict[Any, Food] | None, int | None, Mapping[Any, Any] | None]:
    """The plan of ``--plan ID`` (with its id) or of the plan file, its foods, and the
    file's recipes (``None`` for a stored plan: the database's are used)."""
    service = ctx.services.plans
    if ctx.args.plan_id is not None:
        saved = service.get(ctx.args.plan_id)
        return saved.plan, None, saved.id, None
    if ctx.args.file is None:
        raise CliError("give a plan file or --plan ID")
    loaded = service.load_file_text(read_plan_file(ctx.args.file))
    return loaded.plan, dict(loaded.foods), None, loaded.recipe_map


def write_pdf(ctx: Context, html: str, images: Mapping[str, bytes] | None = None,
              *, paper: str = "a4") -> None:
    """Lay the page out with Qt (headless) and write it as the PDF file of ``-o``, on A4
    or US Letter paper."""
    try:
        from planner.ui.common.printing import ensure_gui_app, html_to_pdf, paper_size
    except ImportError as exc:
        raise CliError(f"PDF output needs Qt (PySide6), which could not be loaded: {exc}") from None
    ensure_gui_app()
    html_to_pdf(html, ctx.args.output, images=images, force=ctx.args.force,
                page_size=paper_size(paper))
