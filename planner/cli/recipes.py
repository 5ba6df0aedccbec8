"""``planner recipes list|show|import|export``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TextIO

from planner.cli.common import (
    EXIT_OK,
    FORCE_HELP,
    JSON_FLAG,
    Commands,
    Context,
    check_output_file,
    count,
    count_number,
    fmt,
    read_plan_file,
)
from planner.services.outputs import write_output


def _recipe_values(values: Mapping[str, float | None] | None) -> dict[str, float | None] | None:
    return None if values is None else dict(values)


def recipe_summary_json(summary: Any) -> dict[str, Any]:
    keys = ("energy_kcal", "magnesium_mg", "vitamin_d_ug")
    per_serving = None
    if summary.serving_grams is not None:
        per_serving = {key: summary.per_serving(key) for key in keys}
    return {
        "recipe": str(summary.ref),
        "name": summary.name,
        "servings": summary.servings,
        "cooked_grams": summary.cooked_grams,
        "yield_grams": summary.yield_grams,
        "serving_grams": summary.serving_grams,
        "ingredients": summary.ingredient_count,
        "tags": list(summary.tags),
        "per_serving": per_serving,
        "per_100g": dict(summary.per_100g),
        "coverage": {"foods": summary.food_count, "unknown": dict(summary.unknown)},
    }


def cmd_recipes_list(ctx: Context) -> int:
    summaries = ctx.services.recipes.list()
    if ctx.args.json:
        ctx.emit_json([recipe_summary_json(s) for s in summaries])
        return EXIT_OK
    if not summaries:
        print("No recipes yet. Import some with: planner recipes import FILE", file=ctx.out)
    for s in summaries:
        if s.serving_grams is not None:
            amount = f"{count_number(s.servings, 'serving')} of {s.serving_grams:.0f} g"
            mg, vd = s.per_serving("magnesium_mg"), s.per_serving("vitamin_d_ug")
            per = "per serving"
        else:
            amount = f"{s.yield_grams:.0f} g"
            mg, vd = s.per_100g.get("magnesium_mg"), s.per_100g.get("vitamin_d_ug")
            per = "per 100 g"
        print(f"{str(s.ref):<12} {s.name}  ({amount}; {per}: magnesium "
              f"{fmt(mg, 'mg', 0)}, vitamin D {fmt(vd, 'µg')})", file=ctx.out)
    return EXIT_OK


def _saved_recipe_json(saved: Any) -> dict[str, Any]:
    from planner.core.units import grams_for

    recipe, nutrients = saved.recipe, saved.nutrients
    ingredients = []
    for item in recipe.ingredients:
        food = saved.foods.get(item.food)
        ingredients.append({
            "food": str(item.food),
            "name": food.name if food is not None else None,
            "amount": item.amount,
            "unit": item.unit,
            "grams": None if food is None else grams_for(food, item.amount, item.unit),
        })
    return {
        "recipe": str(saved.ref),
        "name": recipe.name,
        "servings": recipe.servings,
        "cooked_grams": recipe.cooked_grams,
        "total_grams": nutrients.total_grams,
        "yield_grams": nutrients.yield_grams,
        "serving_grams": nutrients.serving_grams,
        "tags": list(recipe.tags),
        "instructions": recipe.instructions,
        "ingredients": ingredients,
        "per_serving": _recipe_values(nutrients.per_serving),
        "per_100g": dict(nutrients.per_100g),
        "coverage": {"foods": nutrients.food_count, "unknown": dict(nutrients.unknown)},
    }


def _yield_line(saved: Any) -> str:
    """``Yield: 4 servings, 900 g cooked (ingredients 1000 g); 1 serving = 225 g``."""
    nutrients = saved.nutrients
    yield_parts = []
    if saved.recipe.servings is not None:
        yield_parts.append(count_number(saved.recipe.servings, "serving"))
    weight = f"{nutrients.yield_grams:.0f} g"
    if saved.recipe.cooked_grams is not None:
        weight += f" cooked (ingredients {nutrients.total_grams:.0f} g)"
    yield_parts.append(weight)
    line = f"Yield: {', '.join(yield_parts)}"
    if nutrients.serving_grams is not None:
        line += f"; 1 serving = {nutrients.serving_grams:.0f} g"
    return line


def _print_recipe_nutrients(nutrients: Any, out: TextIO) -> None:
    """The table per serving and per 100 g, and what the values may be missing."""
    from planner.core.nutrients import NUTRIENTS
    from planner.core.recipes import unknown_note

    print(f"  {'':<14} {'per serving':>14} {'per 100 g':>14}", file=out)
    for nutrient in NUTRIENTS:
        per_serving = (None if nutrients.per_serving is None
                       else nutrients.per_serving[nutrient.key])
        serving_text = "-" if nutrients.per_serving is None else fmt(per_serving, nutrient.unit)
        print(f"  {nutrient.label:<14} {serving_text:>14} "
              f"{fmt(nutrients.per_100g[nutrient.key], nutrient.unit):>14}", file=out)
    notes = [note for n in NUTRIENTS if (note := unknown_note(nutrients, n.key)) is not None]
    if notes:
        print("Coverage (values are lower bounds): " + "; ".join(notes), file=out)


def cmd_recipes_show(ctx: Context) -> int:
    saved = ctx.services.recipes.get(ctx.args.recipe)
    data = _saved_recipe_json(saved)
    if ctx.args.json:
        ctx.emit_json(data)
        return EXIT_OK
    out = ctx.out
    print(f"{saved.recipe.name}  ({saved.ref})", file=out)
    print(_yield_line(saved), file=out)
    if saved.recipe.tags:
        print(f"Tags: {', '.join(saved.recipe.tags)}", file=out)
    print("Ingredients:", file=out)
    for item in data["ingredients"]:
        grams = "" if item["grams"] is None else f" ({item['grams']:.0f} g)"
        print(f"  {item['amount']:g} {item['unit']} {item['name'] or '?'}{grams}  "
              f"[{item['food']}]", file=out)
    _print_recipe_nutrients(saved.nutrients, out)
    if saved.recipe.instructions:
        print(f"Instructions: {saved.recipe.instructions}", file=out)
    return EXIT_OK


def cmd_recipes_import(ctx: Context) -> int:
    text = read_plan_file(ctx.args.file)
    ctx.before_writing()
    imported = ctx.services.recipes.import_text(text)
    if ctx.args.json:
        ctx.emit_json({"recipes": {str(k): str(v) for k, v in imported.refs.items()},
                       "created": [str(ref) for ref in imported.created]})
        return EXIT_OK
    reused = len(imported.refs) - len(imported.created)
    print(f"Imported {count(len(imported.refs), 'recipe')} ({len(imported.created)} new, "
          f"{reused} already stored).", file=ctx.out)
    for file_ref, ref in imported.refs.items():
        print(f"  {file_ref} -> {ref}", file=ctx.out)
    return EXIT_OK


def cmd_recipes_export(ctx: Context) -> int:
    check_output_file(ctx)
    text = ctx.services.recipes.export_text(ctx.args.recipes)
    if ctx.args.output:
        write_output(ctx.args.output, text, force=ctx.args.force)
        print(f"Wrote the recipes to {ctx.args.output}.", file=ctx.out)
    else:
        ctx.out.write(text)
    return EXIT_OK


def register(commands: Commands) -> None:
    """``recipes list``, ``recipes show``, ``recipes import`` and ``recipes export``."""
    recipes = commands.add_parser("recipes", help="list, show, import and export recipes")
    recipe_commands = recipes.add_subparsers(dest="recipes_command", metavar="ACTION",
                                             required=True)
    recipes_list = recipe_commands.add_parser("list", parents=[JSON_FLAG],
                                              help="stored recipes, by name")
    recipes_list.set_defaults(handler=cmd_recipes_list)
    recipes_show = recipe_commands.add_parser(
        "show", parents=[JSON_FLAG],
        help="ingredients, yield, and nutrients per serving and per 100 g with coverage",
    )
    recipes_show.add_argument("recipe", help="recipe reference, e.g. recipe:8790")
    recipes_show.set_defaults(handler=cmd_recipes_show)
    recipes_import = recipe_commands.add_parser(
        "import", parents=[JSON_FLAG],
        help="store the recipes of a planner.recipes/1 file (identical ones are reused)",
    )
    recipes_import.add_argument("file", help="a planner.recipes/1 file ('-' for stdin)")
    recipes_import.set_defaults(handler=cmd_recipes_import)
    recipes_export = recipe_commands.add_parser(
        "export", help="write recipes (with the recipes inside them) as a planner.recipes/1 file"
    )
    recipes_export.add_argument("recipes", nargs="+", metavar="RECIPE",
                                help="recipe references, e.g. recipe:8790")
    recipes_export.add_argument("-o", "--output", metavar="FILE", help="default: stdout")
    recipes_export.set_defaults(handler=cmd_recipes_export)
    recipes_export.add_argument("--force", action="store_true", help=FORCE_HELP)
