"""``planner foods search|show`` and ``planner import-usda``; a food as JSON and as text
(also for the online commands)."""

from __future__ import annotations

from typing import Any, TextIO

from planner.cli.common import EXIT_OK, JSON_FLAG, Commands, Context, fmt, limit
from planner.core.foods import Food, FoodHit


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
    """``foods search``, ``foods show`` and ``import-usda``."""
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

    importer = commands.add_parser(
        "import-usda", parents=[JSON_FLAG], help="load a USDA SR release (ASCII files)"
    )
    importer.add_argument("directory", help="folder with FOOD_DES, FD_GROUP, NUT_DATA, WEIGHT")
    importer.set_defaults(handler=cmd_import_usda)
