"""``planner print-plan`` (the plan's days, totals and findings) and ``planner report``
(the weekly report), as PDF, HTML or text."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from planner.cli.common import (
    EXIT_OK,
    FORCE_HELP,
    Commands,
    Context,
    check_output_file,
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
    from planner.services.shopping import PlanFormat


def cmd_print_plan(ctx: Context) -> int:
    args = ctx.args
    start, end = date_range(args)
    fmt = output_format(args, ("pdf", "html", "txt"), "pdf" if args.output else "txt")
    check_output_file(ctx)
    plan, foods, _plan_id, _recipes = plan_and_foods(ctx)
    service = ctx.services.shopping
    if fmt == "pdf":
        write_pdf(ctx, service.plan_report(plan, foods, start, end, fmt="html"))
    else:
        report = service.plan_report(plan, foods, start, end, fmt=cast("PlanFormat", fmt))
        write_text(ctx, report, args.output)
    if args.output:
        print(f"Wrote the plan to {args.output}.", file=ctx.out)
    return EXIT_OK


def cmd_report(ctx: Context) -> int:
    args = ctx.args
    start, end = date_range(args)
    fmt = output_format(args, ("pdf", "html"), "pdf" if args.output else "html")
    check_output_file(ctx)
    plan, foods, plan_id, _recipes = plan_and_foods(ctx)
    # A stored plan's list carries the ticks and hand-added items of its exact range.
    stored_id = plan_id if start is not None and end is not None else None
    report = ctx.services.reports.weekly(plan, foods, start, end, plan_id=stored_id)
    if fmt == "pdf":
        write_pdf(ctx, report.html, report.images)
    else:
        # One file a browser shows whole: the charts go inside the page.
        write_text(ctx, report.standalone_html(), args.output)
    if args.output:
        print(f"Wrote the weekly report to {args.output}.", file=ctx.out)
    return EXIT_OK


def register(commands: Commands) -> None:
    """``print-plan`` and ``report``."""
    print_plan = commands.add_parser(
        "print-plan", help="the plan's days, totals and findings as PDF, HTML or text"
    )
    add_plan_source(print_plan)
    print_plan.add_argument("--format", choices=("pdf", "html", "txt"),
                            help="default: from the -o suffix, else pdf with -o, txt without")
    print_plan.add_argument("-o", "--output", metavar="FILE", help="default: stdout (text)")
    print_plan.set_defaults(handler=cmd_print_plan)
    print_plan.add_argument("--force", action="store_true", help=FORCE_HELP)

    report = commands.add_parser(
        "report",
        help="the weekly report: profile, targets, days, findings explained, charts and "
             "shopping list, as PDF or HTML",
    )
    add_plan_source(report)
    report.add_argument("--format", choices=("pdf", "html"),
                        help="default: from the -o suffix, else pdf with -o, html without")
    report.add_argument("-o", "--output", metavar="FILE", help="default: stdout (HTML)")
    report.set_defaults(handler=cmd_report)
    report.add_argument("--force", action="store_true", help=FORCE_HELP)
