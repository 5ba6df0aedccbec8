"""Plan files and stored plans: ``planner analyze``, ``import-plan``, ``export-plan``
and ``plans list|delete``."""

from __future__ import annotations

from typing import Any

from planner.cli.common import (
    EXIT_OK,
    FORCE_HELP,
    JSON_FLAG,
    CliError,
    Commands,
    Context,
    check_output_file,
    count,
    read_plan_file,
    write_text,
)


def cmd_analyze(ctx: Context) -> int:
    from planner.core.analysis_format import analysis_to_json, analysis_to_text

    service = ctx.services.plans
    if ctx.args.plan_id is not None:
        plan = service.get(ctx.args.plan_id).plan
        analysis = service.analyze(plan)
    else:
        if ctx.args.file is None:
            raise CliError("give a plan file or --plan ID")
        loaded = service.load_file_text(read_plan_file(ctx.args.file))
        analysis = service.analyze(loaded.plan, dict(loaded.foods))
    if ctx.args.json:
        ctx.emit_json(analysis_to_json(analysis))
    else:
        ctx.out.write(analysis_to_text(analysis))
    return EXIT_OK


def cmd_import_plan(ctx: Context) -> int:
    text = read_plan_file(ctx.args.file)
    ctx.before_writing()
    saved = ctx.services.plans.import_text(text)
    days = len(saved.plan.days)
    if ctx.args.json:
        ctx.emit_json({"plan": saved.id, "name": saved.plan.name, "days": days})
    else:
        title = saved.plan.name or saved.plan.profile.name
        print(f"Imported plan {saved.id} ({title}, {count(days, 'day')}).", file=ctx.out)
    return EXIT_OK


def cmd_export_plan(ctx: Context) -> int:
    check_output_file(ctx)
    text = ctx.services.plans.export_text(ctx.args.plan_id)
    write_text(ctx, text, ctx.args.output)
    return EXIT_OK


def _plan_json(p: Any) -> dict[str, Any]:
    return {
        "plan": p.id,
        "name": p.name,
        "profile": p.profile_name,
        "first_date": p.first_date.isoformat() if p.first_date else None,
        "last_date": p.last_date.isoformat() if p.last_date else None,
        "days": p.day_count,
    }


def cmd_plans_list(ctx: Context) -> int:
    plans = ctx.services.plans.list()
    if ctx.args.json:
        ctx.emit_json([_plan_json(p) for p in plans])
        return EXIT_OK
    if not plans:
        print("No plans yet. Import one with: planner import-plan FILE", file=ctx.out)
    for p in plans:
        span = f"{p.first_date} to {p.last_date}" if p.first_date else "no days"
        print(f"{p.id:>4}  {p.title}  ({span}, {count(p.day_count, 'day')})", file=ctx.out)
    return EXIT_OK


def cmd_plans_delete(ctx: Context) -> int:
    ctx.before_writing()
    ctx.services.plans.delete(ctx.args.plan_id)
    print(f"Deleted plan {ctx.args.plan_id}.", file=ctx.out)
    return EXIT_OK


def register_plan_files(commands: Commands) -> None:
    """``analyze``, ``import-plan`` and ``export-plan``."""
    analyze = commands.add_parser(
        "analyze", parents=[JSON_FLAG], help="totals and findings of a plan file"
    )
    analyze.add_argument("file", nargs="?", help="a planner.plan/1 file ('-' for stdin)")
    analyze.add_argument("--plan", dest="plan_id", type=int, help="a stored plan instead")
    analyze.set_defaults(handler=cmd_analyze)

    import_plan = commands.add_parser(
        "import-plan", parents=[JSON_FLAG], help="store a planner.plan/1 file as a new plan"
    )
    import_plan.add_argument("file")
    import_plan.set_defaults(handler=cmd_import_plan)

    export_plan = commands.add_parser("export-plan", help="write a stored plan as a file")
    export_plan.add_argument("plan_id", type=int, metavar="PLAN")
    export_plan.add_argument("-o", "--output", metavar="FILE", help="default: stdout")
    export_plan.set_defaults(handler=cmd_export_plan)
    export_plan.add_argument("--force", action="store_true", help=FORCE_HELP)


def register_stored_plans(commands: Commands) -> None:
    """``plans list`` and ``plans delete``."""
    plans = commands.add_parser("plans", help="list or delete stored plans")
    plan_commands = plans.add_subparsers(dest="plans_command", metavar="ACTION", required=True)
    plans_list = plan_commands.add_parser("list", parents=[JSON_FLAG], help="stored plans")
    plans_list.set_defaults(handler=cmd_plans_list)
    plans_delete = plan_commands.add_parser("delete", help="delete a stored plan")
    plans_delete.add_argument("plan_id", type=int, metavar="PLAN")
    plans_delete.set_defaults(handler=cmd_plans_delete)
