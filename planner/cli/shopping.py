"""``planner shopping-list``: what to buy for a plan's days, by aisle."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, cast

from planner.cli.common import (
    EXIT_OK,
    FORCE_HELP,
    JSON_FLAG,
    CliError,
    Commands,
    Context,
    check_output_file,
    count,
    write_text,
)
from planner.cli.documents import (
    add_plan_source,
    date_range,
    output_format,
    plan_and_foods,
    write_pdf,
)

if TYPE_CHECKING:
    from planner.core.shopping import Units
    from planner.services.shopping import ExportFormat


def _factor(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _people(text: str) -> float:
    """``1,1,0.6``: each person's portion; the list scales by their sum."""
    try:
        portions = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of portions such as 1,1,0.6") from None
    if not portions or not all(0 < portion <= 3 for portion in portions):
        raise argparse.ArgumentTypeError("each portion must be above 0 and at most 3")
    return sum(portions)


def cmd_shopping_list(ctx: Context) -> int:
    from planner.reports.plan import plan_title
    from planner.services.shopping import EXPORT_FORMATS

    args = ctx.args
    start, end = date_range(args)
    fmt = output_format(args, (*EXPORT_FORMATS, "pdf"), "txt")
    check_output_file(ctx)
    plan, foods, plan_id, recipes = plan_and_foods(ctx)
    service = ctx.services.shopping
    # A stored plan's list carries the ticks and hand-added items of its exact range.
    stored_id = plan_id if start is not None and end is not None else None
    # The user's defaults (settings.json) unless the command line says otherwise.
    defaults = ctx.services.settings.current
    if args.factor is not None and args.people is not None:
        raise CliError("give --factor or --people, not both")
    factor = args.people if args.people is not None else args.factor
    if factor is None:
        factor = defaults.shopping_factor()
    units = defaults.units if args.units is None else args.units
    sl = service.build(plan, foods, start, end, factor, cast("Units", units),
                       plan_id=stored_id, recipes=recipes, pantry=args.pantry)
    title = f"Shopping list \u2014 {plan_title(plan)}"
    if fmt == "pdf":
        # US units print on US Letter unless asked otherwise; metric on A4.
        paper = args.paper or ("letter" if units == "us" else "a4")
        write_pdf(ctx, service.export(sl, "html", title=title), paper=paper)
    else:
        text = service.export(sl, cast("ExportFormat", fmt), title=title)
        write_text(ctx, text, args.output)
    if args.output:
        print(f"Wrote {count(len(sl.items), 'item')} to {args.output}.", file=ctx.out)
        for note in sl.notes:
            print(f"Note: {note}", file=ctx.err)
    return EXIT_OK


def register(commands: Commands) -> None:
    """``shopping-list``."""
    shopping = commands.add_parser(
        "shopping-list", parents=[JSON_FLAG],
        help="what to buy for a plan's days, by aisle (text, JSON, CSV, Markdown, PDF)",
    )
    add_plan_source(shopping)
    shopping.add_argument("--factor", type=_factor, default=None, metavar="N",
                          help="household factor: cook for 2 -> 2 (default: the people "
                               "or household_factor setting, 1)")
    shopping.add_argument("--people", type=_people, default=None, metavar="P,P,...",
                          help="the portion of each person eating the plan, e.g. 1,1,0.6 "
                               "for two adults and a child (default: the people setting)")
    shopping.add_argument("--pantry", choices=("check", "omit", "list"), default=None,
                          help="pantry staples (salt, oil, spices, flour...): in their own "
                               "section, left out, or listed as usual (default: the pantry "
                               "setting, check)")
    shopping.add_argument("--units", choices=("metric", "us"), default=None,
                          help="g and kg, or oz and lb (default: the units setting, metric)")
    shopping.add_argument("--paper", choices=("a4", "letter"), default=None,
                          help="the PDF's paper (default: letter with --units us, else a4)")
    shopping.add_argument("--format", choices=("json", "csv", "md", "txt", "html", "pdf"),
                          help="default: from the -o suffix, else txt (pdf needs -o)")
    shopping.add_argument("-o", "--output", metavar="FILE", help="default: stdout")
    shopping.set_defaults(handler=cmd_shopping_list)
    shopping.add_argument("--force", action="store_true", help=FORCE_HELP)
