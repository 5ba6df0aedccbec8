"""``planner swaps`` (magnesium-rich swaps for one food) and ``planner optimize`` (the
fewest changes that bring each day of a plan file to the magnesium RDA)."""

from __future__ import annotations

import argparse
from typing import Any

from planner.cli.common import (
    EXIT_OK,
    FORCE_HELP,
    JSON_FLAG,
    Commands,
    Context,
    check_output_file,
    limit,
    read_plan_file,
)
from planner.services.outputs import write_output


def _amount(text: str) -> float:
    from planner.core.units import AmountError, parse_amount

    try:
        return parse_amount(text)
    except AmountError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _changes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 20:
        raise argparse.ArgumentTypeError("changes per day must be between 0 and 20")
    return value


def swap_json(swap: Any) -> dict[str, Any]:
    return {
        "food": str(swap.food.ref),
        "name": swap.food.name,
        "amount": swap.amount,
        "unit": swap.unit,
        "grams": round(swap.grams, 1),
        "magnesium_gain_mg": round(swap.magnesium_gain_mg, 1),
        "energy_change_kcal": None
        if swap.energy_change_kcal is None
        else round(swap.energy_change_kcal, 1),
        "changes": {k: round(v, 2) for k, v in swap.changes.items()},
        "group": swap.group,
        "summary": swap.summary,
        "why": swap.why,
        "common": swap.common,
        "obvious": swap.obvious,
        "absorbable_gain_mg": round(swap.absorbable_gain_mg, 1),
    }


def cmd_swaps(ctx: Context) -> int:
    from planner.core.formatting import format_quantity
    from planner.core.swaps import SwapOptions

    args = ctx.args
    options = SwapOptions(keep=args.keep, limit=args.limit, include_excluded=args.all_foods)
    found = ctx.services.swaps.suggest(args.food, args.amount, args.unit, options)
    if args.json:
        ctx.emit_json(
            {
                "food": str(found.food.ref),
                "name": found.food.name,
                "amount": found.amount,
                "unit": found.unit,
                "grams": found.grams,
                "swap_group": found.group,
                "swaps": [swap_json(s) for s in found.swaps],
            }
        )
        return EXIT_OK
    print(
        f"{found.food.name}, {found.amount:g} {found.unit} ({found.grams:g} g)"
        f" — swap group: {found.group or 'none'}",
        file=ctx.out,
    )
    if not found.swaps:
        print("No swap raises magnesium for this food.", file=ctx.out)
    for number, swap in enumerate(found.swaps, start=1):
        mark = "*" if swap.obvious else " "
        print(f"{number:>2}.{mark}{format_quantity(swap.amount)} {swap.unit} {swap.food.name}",
              file=ctx.out)
        print(f"    {swap.why}", file=ctx.out)
        print(f"    {swap.summary}", file=ctx.out)
    if any(swap.obvious for swap in found.swaps):
        print("* the swap a dietitian names first", file=ctx.out)
    return EXIT_OK


def _change_json(c: Any) -> dict[str, Any]:
    return {
        "date": c.date.isoformat(),
        "meal": c.meal_name,
        "kind": c.kind,
        "before": {"food": str(c.before.food), "amount": c.before.amount,
                   "unit": c.before.unit, "name": c.before_food_name},
        "after": {"food": str(c.after.food), "amount": c.after.amount,
                  "unit": c.after.unit, "name": c.after_food_name},
        "magnesium_change_mg": round(c.magnesium_change_mg, 1),
        "energy_change_kcal": round(c.energy_change_kcal, 1),
        "description": c.description,
    }


def _day_json(d: Any) -> dict[str, Any]:
    return {
        "date": d.date.isoformat(),
        "target": d.target,
        "fixed": d.fixed,
        "reason": d.reason,
        "magnesium_before_mg": round(d.magnesium_before, 1),
        "magnesium_after_mg": round(d.magnesium_after, 1),
        "energy_before_kcal": round(d.energy_before, 1),
        "energy_after_kcal": round(d.energy_after, 1),
    }


def _print_optimized(ctx: Context, result: Any) -> None:
    """Each planned day before and after, with its changes (or why it is not fixed)."""
    planned = [d for d in result.days if d.reason != "nothing planned"]
    for day in planned:
        status = "fixed" if day.fixed else "not fixed"
        print(
            f"{day.date:%a %Y-%m-%d}: magnesium {day.magnesium_before:.0f} -> "
            f"{day.magnesium_after:.0f} mg, energy {day.energy_before:.0f} -> "
            f"{day.energy_after:.0f} kcal ({status})",
            file=ctx.out,
        )
        for change in result.changes_on(day.date):
            print(f"    {change.description}", file=ctx.out)
        if day.reason and not day.fixed:
            print(f"    {day.reason}", file=ctx.out)
    if not result.changes:
        print("No change needed or possible.", file=ctx.out)


def cmd_optimize(ctx: Context) -> int:
    from planner.core.optimize import OptimizerSettings
    from planner.sources.plan_file import dump_plan

    args = ctx.args
    check_output_file(ctx)
    loaded = ctx.services.plans.load_file_text(read_plan_file(args.file))
    settings = OptimizerSettings(max_changes_per_day=args.max_changes)
    result = ctx.services.swaps.optimize(loaded.plan, dict(loaded.foods), settings)
    if args.output:
        write_output(args.output, dump_plan(result.plan, recipes=loaded.recipes),
                     force=args.force)
    if args.json:
        ctx.emit_json(
            {
                "changes": [_change_json(c) for c in result.changes],
                "days": [_day_json(d) for d in result.days],
                "output": args.output,
            }
        )
        return EXIT_OK
    _print_optimized(ctx, result)
    if args.output:
        print(f"Wrote the changed plan to {args.output}.", file=ctx.out)
    return EXIT_OK


def register(commands: Commands) -> None:
    """``swaps`` and ``optimize``."""
    swaps = commands.add_parser(
        "swaps", parents=[JSON_FLAG], help="magnesium-rich swaps for an amount of a food"
    )
    swaps.add_argument("food", help="food reference, e.g. usda:20045")
    swaps.add_argument("--amount", type=_amount, default=100.0, help="default 100")
    swaps.add_argument("--unit", default="g", help="g, oz, cup, slice, ... (default g)")
    swaps.add_argument(
        "--keep", choices=("energy", "grams"), default="energy",
        help="keep the energy within a band (default; drinks keep their volume) or the "
             "weight of the entry",
    )
    swaps.add_argument("--limit", type=limit, default=10, metavar="N")
    swaps.add_argument(
        "--all-foods", action="store_true",
        help="show all foods: also brands, powders and mixes, foods outside the dietary "
             "survey, baby, fast-food, restaurant and American Indian/Alaska Native foods",
    )
    swaps.set_defaults(handler=cmd_swaps)

    optimize = commands.add_parser(
        "optimize", parents=[JSON_FLAG],
        help="fewest swaps and portion changes that bring each day to the magnesium RDA",
    )
    optimize.add_argument("file", help="a planner.plan/1 file ('-' for stdin)")
    optimize.add_argument("-o", "--output", metavar="FILE", help="write the changed plan here")
    optimize.add_argument("--force", action="store_true", help=FORCE_HELP)
    optimize.add_argument(
        "--max-changes", type=_changes, default=3, metavar="N", help="per day (default 3)"
    )
    optimize.set_defaults(handler=cmd_optimize)
