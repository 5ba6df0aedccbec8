"""``planner foods search|show|top`` and ``planner import-usda``; a food as JSON and as
text (also for the online commands)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from planner.cli.common import EXIT_OK, JSON_FLAG, Commands, Context, fmt, limit
from planner.core.foods import Food, FoodHit
from planner.services.foods import (
    BASES,
    TOP_DEFAULT_LIMIT,
    TopFood,
    TopFoods,
    check_top_limit,
    nutrient_for,
)


def hit_json(hit: FoodHit) -> dict[str, Any]:
    portion = hit.default_portion
    return {
        "food": str(hit.ref),
        "name": hit.name,
        "group": hit.group_code,
        "group_name": hit.group_name,
        "per_100g": {
            "energy_kcal": hit.energy_kcal,
            "magnesium_mg": hit.magnesium_mg,
            "vitamin_d_ug": hit.vitamin_d_ug,
        },
        "default_portion": None
        if portion is None
        else {"label": portion.label, "grams": portion.grams},
    }


def food_json(food: Food) -> dict[str, Any]:
    return {
        "food": str(food.ref),
        "name": food.name,
        "group": food.group_code,
        "group_name": food.group_name,
        "per_100g": dict(food.nutrients),
        "portions": [
            {"amount": p.amount, "unit": p.description, "label": p.label, "grams": p.grams}
            for p in food.portions
        ],
        "attribution": food.attribution,
    }


def print_food(food: Food, out: TextIO) -> None:
    """A food as text: name, group, nutrients per 100 g, portions, source."""
    from planner.core.nutrients import NUTRIENTS

    print(f"{food.name}  ({food.ref})", file=out)
    print(f"Group: {food.group_name or food.group_code or '-'}", file=out)
    print("Per 100 g:", file=out)
    for nutrient in NUTRIENTS:
        value = food.nutrients[nutrient.key]
        print(f"  {nutrient.label:<14} {fmt(value, nutrient.unit, 2)}", file=out)
    if food.portions:
        print("Portions:", file=out)
        for portion in food.portions:
            print(f"  {portion.label} = {portion.grams:g} g", file=out)
    if food.attribution:
        print(f"Source: {food.attribution}", file=out)


def cmd_foods_search(ctx: Context) -> int:
    args = ctx.args
    hits = ctx.services.foods.search(args.text, group=args.group, limit=args.limit)
    if args.json:
        ctx.emit_json([hit_json(h) for h in hits])
        return EXIT_OK
    if not hits:
        print(f"No food matches {args.text!r}.", file=ctx.out)
        return EXIT_OK
    print(f"{'food':<12} {'Mg mg/100g':>10} {'vit D µg/100g':>13}  name", file=ctx.out)
    for hit in hits:
        mg = "?" if hit.magnesium_mg is None else f"{hit.magnesium_mg:g}"
        vd = "?" if hit.vitamin_d_ug is None else f"{hit.vitamin_d_ug:g}"
        print(f"{str(hit.ref):<12} {mg:>10} {vd:>13}  {hit.name}", file=ctx.out)
    return EXIT_OK


def cmd_foods_show(ctx: Context) -> int:
    food = ctx.services.foods.get(ctx.args.food)
    if ctx.args.json:
        ctx.emit_json(food_json(food))
        return EXIT_OK
    print_food(food, ctx.out)
    return EXIT_OK


def nutrient_key(text: str) -> str:
    """A nutrient key argument; an unknown one is a usage error naming the close keys."""
    try:
        return nutrient_for(text).key
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def top_limit(text: str) -> int:
    """``--limit`` of ``foods top``: 1 to 500."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    try:
        return check_top_limit(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _clean(value: float) -> float:
    """12 significant digits: 3930.0, not the division's 3929.9999999999995."""
    return float(f"{value:.12g}")


def top_json(item: TopFood, basis: str) -> dict[str, Any]:
    measure = item.measure
    return {
        "rank": item.rank,
        "ref": str(item.hit.ref),
        "name": item.hit.name,
        "group": item.hit.group_code,
        "group_name": item.hit.group_name,
        "value": _clean(item.value),
        "unit": item.unit,
        "per": item.per,
        "basis": basis,
        "per_100g": item.per_100g,
        "portion": None
        if measure is None
        else {"amount": measure[0], "unit": measure[1], "grams": _clean(measure[2])},
    }


def print_top(top: TopFoods, out: TextIO) -> None:
    """The ranking as a table: rank, value with its unit, what it is per, the food."""
    print(f"Foods highest in {top.title}", file=out)
    if not top.foods:
        print(f"No food has a known {top.nutrient.label} value to rank.", file=out)
    else:
        values = [item.value_text for item in top.foods]
        pers = [f"per {item.per}" for item in top.foods]
        width = max(len(top.nutrient.label), *map(len, values))
        per_width = max(len(p) for p in pers)
        print(f"{'#':>3}  {top.nutrient.label:>{width}}  {'':<{per_width}}  food", file=out)
        for item, value, per in zip(top.foods, values, pers, strict=True):
            print(f"{item.rank:>3}  {value:>{width}}  {per:<{per_width}}  {item.hit.name}"
                  f"  ({item.hit.ref})", file=out)
    for note in top.notes:
        print(f"Note: {note}", file=out)


def cmd_foods_top(ctx: Context) -> int:
    args = ctx.args
    top = ctx.services.foods.top(args.nutrient, per=args.per, group=args.group, limit=args.limit)
    if args.json:
        ctx.emit_json([top_json(item, top.basis) for item in top.foods])
        return EXIT_OK
    print_top(top, ctx.out)
    return EXIT_OK


def cmd_import_usda(ctx: Context) -> int:
    ctx.before_writing()
    service = ctx.services.foods
    count = service.import_usda(ctx.args.directory, ctx.progress("Importing"))
    if ctx.args.json:
        ctx.emit_json({"imported": count, "total_foods": service.count()})
    else:
        print(f"Imported {count} foods; the database holds {service.count()}.", file=ctx.out)
    return EXIT_OK


def register(commands: Commands) -> None:
    """``foods search``, ``foods show``, ``foods top`` and ``import-usda``."""
    foods = commands.add_parser("foods", help="search and show foods")
    food_commands = foods.add_subparsers(dest="foods_command", metavar="ACTION", required=True)
    search = food_commands.add_parser("search", parents=[JSON_FLAG], help="search foods by name")
    search.add_argument("text", help="words to find, e.g. 'spinach raw'")
    search.add_argument("--group", metavar="CODE", help="USDA food group code, e.g. 1100")
    search.add_argument("--limit", type=limit, default=20, metavar="N")
    search.set_defaults(handler=cmd_foods_search)
    show = food_commands.add_parser("show", parents=[JSON_FLAG], help="show one food")
    show.add_argument("food", help="food reference, e.g. usda:11457")
    show.set_defaults(handler=cmd_foods_show)
    top = food_commands.add_parser(
        "top",
        parents=[JSON_FLAG],
        help="the foods highest in a nutrient",
        description="The foods highest in a nutrient, best first. Foods whose value is "
        "unknown never rank (unknown is not zero).",
    )
    top.add_argument("nutrient", type=nutrient_key, metavar="NUTRIENT_KEY",
                     help="e.g. vitamin_c_mg, magnesium_mg, vitamin_k_ug")
    top.add_argument("--per", choices=BASES, default="100g",
                     help="rank per 100 g (default), per 100 kcal, or per household "
                     "portion (the one adding the food gives)")
    top.add_argument("--group", metavar="CODE", help="USDA food group code, e.g. 1100")
    top.add_argument("--limit", type=top_limit, default=TOP_DEFAULT_LIMIT, metavar="N",
                     help=f"how many foods, 1 to 500 (default {TOP_DEFAULT_LIMIT})")
    top.set_defaults(handler=cmd_foods_top)

    importer = commands.add_parser(
        "import-usda", parents=[JSON_FLAG], help="load a USDA SR release (ASCII files)"
    )
    importer.add_argument("directory", help="folder with FOOD_DES, FD_GROUP, NUT_DATA, WEIGHT")
    importer.set_defaults(handler=cmd_import_usda)
