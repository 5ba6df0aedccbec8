"""Headless commands over the same services as the window (``planner SUBCOMMAND``).

Every command takes ``--json`` for machine-readable output. Errors a user can cause
(a bad reference, a broken file, an unusable database) go to stderr as one line with a
non-zero exit status, never as a traceback.

Every ``-o FILE`` goes through :mod:`planner.services.outputs` (never over the database
or a backup; over another file only with ``--force``; whole or not at all). A command
that changes the database makes the day's automatic backup first
(:meth:`Context.before_writing`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

from sqlalchemy.exc import SQLAlchemyError

from planner import __version__, paths
from planner.app import Services, open_services
from planner.core.foods import Food, FoodHit, FoodRefError
from planner.db.migrate import SchemaTooNewError
from planner.db.plans import PlanConflictError, PlanNotFoundError
from planner.db.recipes import RecipeNotFoundError
from planner.services.backups import BackupError, BackupInfo, BackupService
from planner.services.foods import FoodNotFoundError
from planner.services.health import DatabaseProblem, ProblemKind
from planner.services.outputs import check_output, format_of, write_output
from planner.sources.food_dataset import DatasetError
from planner.sources.http import OnlineError
from planner.sources.usda_sr import UsdaFormatError

if TYPE_CHECKING:
    from planner.core.shopping import Units
    from planner.services.shopping import ExportFormat, PlanFormat

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
                progress=self._progress("Loading the USDA food database"))
        return self._services

    def _progress(self, label: str) -> Callable[[int, int], None] | None:
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
        except (BackupError, OSError, sqlite3.Error) as exc:
            print(f"planner: warning: today's backup could not be made: {exc}", file=self.err)

    def emit_json(self, value: Any) -> None:
        # Strict JSON: every number was made finite where it was computed (a NaN or an
        # infinity here is a bug, refused rather than printed as invalid JSON).
        # Whole, so that a refusal leaves no half-written output.
        self.out.write(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n")

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _fmt(value: float | None, unit: str, digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:.{digits}f} {unit}"


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


# -- commands ----------------------------------------------------------------------


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


def print_food(food: Food, out: TextIO) -> None:
    """A food as text: name, group, nutrients per 100 g, portions, source."""
    from planner.core.nutrients import NUTRIENTS

    print(f"{food.name}  ({food.ref})", file=out)
    print(f"Group: {food.group_name or food.group_code or '-'}", file=out)
    print("Per 100 g:", file=out)
    for nutrient in NUTRIENTS:
        value = food.nutrients[nutrient.key]
        print(f"  {nutrient.label:<14} {_fmt(value, nutrient.unit, 2)}", file=out)
    if food.portions:
        print("Portions:", file=out)
        for portion in food.portions:
            print(f"  {portion.label} = {portion.grams:g} g", file=out)
    if food.attribution:
        print(f"Source: {food.attribution}", file=out)


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
        print(f"Imported plan {saved.id} ({title}, {_count(days, 'day')}).", file=ctx.out)
    return EXIT_OK


def cmd_export_plan(ctx: Context) -> int:

    _check_output(ctx)
    text = ctx.services.plans.export_text(ctx.args.plan_id)
    if ctx.args.output:
        write_output(ctx.args.output, text, force=ctx.args.force)
    else:
        ctx.out.write(text)
    return EXIT_OK


def cmd_plans_list(ctx: Context) -> int:

    plans = ctx.services.plans.list()
    if ctx.args.json:
        ctx.emit_json(
            [
                {
                    "plan": p.id,
                    "name": p.name,
                    "profile": p.profile_name,
                    "first_date": p.first_date.isoformat() if p.first_date else None,
                    "last_date": p.last_date.isoformat() if p.last_date else None,
                    "days": p.day_count,
                }
                for p in plans
            ]
        )
        return EXIT_OK
    if not plans:
        print("No plans yet. Import one with: planner import-plan FILE", file=ctx.out)
    for p in plans:
        span = f"{p.first_date} to {p.last_date}" if p.first_date else "no days"
        print(f"{p.id:>4}  {p.title}  ({span}, {_count(p.day_count, 'day')})", file=ctx.out)
    return EXIT_OK


def cmd_plans_delete(ctx: Context) -> int:

    ctx.before_writing()
    ctx.services.plans.delete(ctx.args.plan_id)
    print(f"Deleted plan {ctx.args.plan_id}.", file=ctx.out)
    return EXIT_OK


# -- recipes -----------------------------------------------------------------------


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
            amount = f"{_count_number(s.servings, 'serving')} of {s.serving_grams:.0f} g"
            mg, vd = s.per_serving("magnesium_mg"), s.per_serving("vitamin_d_ug")
            per = "per serving"
        else:
            amount = f"{s.yield_grams:.0f} g"
            mg, vd = s.per_100g.get("magnesium_mg"), s.per_100g.get("vitamin_d_ug")
            per = "per 100 g"
        print(f"{str(s.ref):<12} {s.name}  ({amount}; {per}: magnesium "
              f"{_fmt(mg, 'mg', 0)}, vitamin D {_fmt(vd, 'µg')})", file=ctx.out)
    return EXIT_OK


def _count_number(value: float | None, noun: str) -> str:
    number = f"{value:g}" if value is not None else "?"
    return f"{number} {noun}" if value == 1 else f"{number} {noun}s"


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


def cmd_recipes_show(ctx: Context) -> int:
    from planner.core.nutrients import NUTRIENTS
    from planner.core.recipes import unknown_note

    saved = ctx.services.recipes.get(ctx.args.recipe)
    data = _saved_recipe_json(saved)
    if ctx.args.json:
        ctx.emit_json(data)
        return EXIT_OK
    out, nutrients = ctx.out, saved.nutrients
    print(f"{saved.recipe.name}  ({saved.ref})", file=out)
    yield_parts = []
    if saved.recipe.servings is not None:
        yield_parts.append(_count_number(saved.recipe.servings, "serving"))
    weight = f"{nutrients.yield_grams:.0f} g"
    if saved.recipe.cooked_grams is not None:
        weight += f" cooked (ingredients {nutrients.total_grams:.0f} g)"
    yield_parts.append(weight)
    line = f"Yield: {', '.join(yield_parts)}"
    if nutrients.serving_grams is not None:
        line += f"; 1 serving = {nutrients.serving_grams:.0f} g"
    print(line, file=out)
    if saved.recipe.tags:
        print(f"Tags: {', '.join(saved.recipe.tags)}", file=out)
    print("Ingredients:", file=out)
    for item in data["ingredients"]:
        grams = "" if item["grams"] is None else f" ({item['grams']:.0f} g)"
        print(f"  {item['amount']:g} {item['unit']} {item['name'] or '?'}{grams}  "
              f"[{item['food']}]", file=out)
    print(f"  {'':<14} {'per serving':>14} {'per 100 g':>14}", file=out)
    for nutrient in NUTRIENTS:
        per_serving = (None if nutrients.per_serving is None
                       else nutrients.per_serving[nutrient.key])
        serving_text = "-" if nutrients.per_serving is None else _fmt(per_serving, nutrient.unit)
        print(f"  {nutrient.label:<14} {serving_text:>14} "
              f"{_fmt(nutrients.per_100g[nutrient.key], nutrient.unit):>14}", file=out)
    notes = [note for n in NUTRIENTS if (note := unknown_note(nutrients, n.key)) is not None]
    if notes:
        print("Coverage (values are lower bounds): " + "; ".join(notes), file=out)
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
    print(f"Imported {_count(len(imported.refs), 'recipe')} ({len(imported.created)} new, "
          f"{reused} already stored).", file=ctx.out)
    for file_ref, ref in imported.refs.items():
        print(f"  {file_ref} -> {ref}", file=ctx.out)
    return EXIT_OK


def cmd_recipes_export(ctx: Context) -> int:

    _check_output(ctx)
    text = ctx.services.recipes.export_text(ctx.args.recipes)
    if ctx.args.output:
        write_output(ctx.args.output, text, force=ctx.args.force)
        print(f"Wrote the recipes to {ctx.args.output}.", file=ctx.out)
    else:
        ctx.out.write(text)
    return EXIT_OK


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
    }


def cmd_swaps(ctx: Context) -> int:
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
        print(f"{number:>2}. {swap.amount:g} {swap.unit} {swap.food.name}", file=ctx.out)
        print(f"    {swap.summary}", file=ctx.out)
    return EXIT_OK


def cmd_optimize(ctx: Context) -> int:
    from planner.core.optimize import OptimizerSettings
    from planner.sources.plan_file import dump_plan

    args = ctx.args
    _check_output(ctx)
    loaded = ctx.services.plans.load_file_text(read_plan_file(args.file))
    settings = OptimizerSettings(max_changes_per_day=args.max_changes)
    result = ctx.services.swaps.optimize(loaded.plan, dict(loaded.foods), settings)
    if args.output:
        write_output(args.output, dump_plan(result.plan, recipes=loaded.recipes),
                     force=args.force)
    planned = [d for d in result.days if d.reason != "nothing planned"]
    if args.json:
        ctx.emit_json(
            {
                "changes": [
                    {
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
                    for c in result.changes
                ],
                "days": [
                    {
                        "date": d.date.isoformat(),
                        "target": d.target,
                        "fixed": d.fixed,
                        "reason": d.reason,
                        "magnesium_before_mg": round(d.magnesium_before, 1),
                        "magnesium_after_mg": round(d.magnesium_after, 1),
                        "energy_before_kcal": round(d.energy_before, 1),
                        "energy_after_kcal": round(d.energy_after, 1),
                    }
                    for d in result.days
                ],
                "output": args.output,
            }
        )
        return EXIT_OK
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
    if args.output:
        print(f"Wrote the changed plan to {args.output}.", file=ctx.out)
    return EXIT_OK


def _date_option(text: str | None, option: str) -> dt.date | None:
    """A ``--from``/``--to`` date, or a clean error (exit 1) that says how to write one."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            f"{option} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-23"
        ) from None


def _output_format(args: argparse.Namespace, formats: Sequence[str], default: str) -> str:
    """``--format``, else ``--json``, else the suffix of ``-o``, else ``default``."""
    if args.format:
        return str(args.format)
    if getattr(args, "json", False) and "json" in formats:
        return "json"
    if args.output:
        suffix = format_of(args.output)
        if suffix is not None and suffix in formats:
            return suffix
    return default


def _plan_and_foods(
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


def _check_output(ctx: Context) -> None:
    """Refuse a ``-o`` file that must not be written before doing the work (see
    :mod:`planner.services.outputs`: never the database or a backup; another existing
    file only with ``--force``)."""
    if ctx.args.output:
        check_output(ctx.args.output, force=ctx.args.force)


def _write_pdf(ctx: Context, html: str, images: Mapping[str, bytes] | None = None) -> None:
    """Lay the page out with Qt (headless) and write it as the PDF file of ``-o``."""
    try:
        from planner.ui.common.printing import ensure_gui_app, html_to_pdf
    except ImportError as exc:
        raise CliError(f"PDF output needs Qt (PySide6), which could not be loaded: {exc}") from None
    ensure_gui_app()
    html_to_pdf(html, ctx.args.output, images=images, force=ctx.args.force)


def _write_output(ctx: Context, text: str, output: str | None) -> None:
    if output:
        write_output(output, text, force=ctx.args.force)
    else:
        ctx.out.write(text)


def cmd_shopping_list(ctx: Context) -> int:
    from planner.reports.plan import plan_title
    from planner.services.shopping import EXPORT_FORMATS

    args = ctx.args
    start = _date_option(args.start, "--from")
    end = _date_option(args.end, "--to")
    fmt = _output_format(args, (*EXPORT_FORMATS, "pdf"), "txt")
    if fmt == "pdf" and not args.output:
        raise CliError("PDF output needs a file: add -o FILE.pdf")
    _check_output(ctx)
    plan, foods, plan_id, recipes = _plan_and_foods(ctx)
    service = ctx.services.shopping
    # A stored plan's list carries the ticks and hand-added items of its exact range.
    stored_id = plan_id if start is not None and end is not None else None
    # The user's defaults (settings.json) unless the command line says otherwise.
    defaults = ctx.services.settings.current
    factor = defaults.household_factor if args.factor is None else args.factor
    units = defaults.units if args.units is None else args.units
    sl = service.build(plan, foods, start, end, factor, cast("Units", units),
                       plan_id=stored_id, recipes=recipes)
    title = f"Shopping list \u2014 {plan_title(plan)}"
    if fmt == "pdf":
        _write_pdf(ctx, service.export(sl, "html", title=title))
    else:
        text = service.export(sl, cast("ExportFormat", fmt), title=title)
        _write_output(ctx, text, args.output)
    if args.output:
        print(f"Wrote {_count(len(sl.items), 'item')} to {args.output}.", file=ctx.out)
        for note in sl.notes:
            print(f"Note: {note}", file=ctx.err)
    return EXIT_OK


def cmd_print_plan(ctx: Context) -> int:

    args = ctx.args
    start = _date_option(args.start, "--from")
    end = _date_option(args.end, "--to")
    fmt = _output_format(args, ("pdf", "html", "txt"), "pdf" if args.output else "txt")
    if fmt == "pdf" and not args.output:
        raise CliError("PDF output needs a file: add -o FILE.pdf")
    _check_output(ctx)
    plan, foods, _plan_id, _recipes = _plan_and_foods(ctx)
    service = ctx.services.shopping
    if fmt == "pdf":
        _write_pdf(ctx, service.plan_report(plan, foods, start, end, fmt="html"))
    else:
        report = service.plan_report(plan, foods, start, end, fmt=cast("PlanFormat", fmt))
        _write_output(ctx, report, args.output)
    if args.output:
        print(f"Wrote the plan to {args.output}.", file=ctx.out)
    return EXIT_OK


def cmd_report(ctx: Context) -> int:

    args = ctx.args
    start = _date_option(args.start, "--from")
    end = _date_option(args.end, "--to")
    fmt = _output_format(args, ("pdf", "html"), "pdf" if args.output else "html")
    if fmt == "pdf" and not args.output:
        raise CliError("PDF output needs a file: add -o FILE.pdf")
    _check_output(ctx)
    plan, foods, plan_id, _recipes = _plan_and_foods(ctx)
    # A stored plan's list carries the ticks and hand-added items of its exact range.
    stored_id = plan_id if start is not None and end is not None else None
    report = ctx.services.reports.weekly(plan, foods, start, end, plan_id=stored_id)
    if fmt == "pdf":
        _write_pdf(ctx, report.html, report.images)
    else:
        # One file a browser shows whole: the charts go inside the page.
        _write_output(ctx, report.standalone_html(), args.output)
    if args.output:
        print(f"Wrote the weekly report to {args.output}.", file=ctx.out)
    return EXIT_OK


def _factor(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


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


def cmd_import_usda(ctx: Context) -> int:
    ctx.before_writing()
    service = ctx.services.foods
    count = service.import_usda(ctx.args.directory, ctx._progress("Importing"))
    if ctx.args.json:
        ctx.emit_json({"imported": count, "total_foods": service.count()})
    else:
        print(f"Imported {count} foods; the database holds {service.count()}.", file=ctx.out)
    return EXIT_OK


# -- online sources (FoodData Central, Open Food Facts) --------------------------------


def _online_service(ctx: Context, *, with_db: bool = False) -> Any:
    """The services' online clients (closed with them) for an import; for a search,
    clients without a database, so a search works whatever state the database is in."""
    from planner.services.online import OnlineService

    if with_db:
        return contextlib.nullcontext(ctx.services.online)
    return OnlineService(None)


def online_result_json(result: Any) -> dict[str, Any]:
    return {
        "food": str(result.ref),
        "name": result.name,
        "data_type": result.data_type,
        "brand": result.brand,
        "gtin_upc": result.gtin_upc,
        "category": result.category,
        "per_100g": dict(result.nutrients),
    }


def cmd_online_search(ctx: Context) -> int:
    from planner.sources.fdc import DEFAULT_DATA_TYPES

    args = ctx.args
    with _online_service(ctx) as online:
        results = online.search_fdc(
            args.text, args.types or DEFAULT_DATA_TYPES, page_size=args.limit
        )
    if args.json:
        ctx.emit_json([online_result_json(r) for r in results])
        return EXIT_OK
    if not results:
        print(f"FoodData Central has no food matching {args.text!r}.", file=ctx.out)
        return EXIT_OK
    print(f"{'food':<12} {'Mg mg/100g':>10} {'vit D µg/100g':>13}  {'type':<10} name",
          file=ctx.out)
    for result in results:
        mg = "?" if result.magnesium_mg is None else f"{result.magnesium_mg:g}"
        vd = "?" if result.vitamin_d_ug is None else f"{result.vitamin_d_ug:g}"
        kind = result.data_type.split(" (")[0]
        print(f"{str(result.ref):<12} {mg:>10} {vd:>13}  {kind:<10} {result.name}", file=ctx.out)
    return EXIT_OK


def cmd_online_barcode(ctx: Context) -> int:
    with _online_service(ctx) as online:
        food = online.off_product(ctx.args.code)
    if ctx.args.json:
        ctx.emit_json(food_json(food))
    else:
        print_food(food, ctx.out)
    return EXIT_OK


def cmd_online_import(ctx: Context) -> int:
    ctx.before_writing()
    with _online_service(ctx, with_db=True) as online:
        food = online.import_food(ctx.args.food)
    if ctx.args.json:
        ctx.emit_json(food_json(food))
        return EXIT_OK
    print(
        f"Imported {food.ref} {food.name}: magnesium "
        f"{_fmt(food.value('magnesium_mg'), 'mg')}, vitamin D "
        f"{_fmt(food.value('vitamin_d_ug'), 'µg')} per 100 g.",
        file=ctx.out,
    )
    return EXIT_OK


def cmd_online_key(ctx: Context) -> int:
    from planner.services.online import ENV_FDC_API_KEY, save_fdc_api_key

    if ctx.args.key_command == "clear":
        save_fdc_api_key(None)
        print("Removed the saved FoodData Central API key.", file=ctx.out)
        return EXIT_OK
    key = ctx.args.key
    if key == "-":
        # From stdin, so that the key stays out of the shell history and `ps`.
        key = sys.stdin.readline()
    if not key.strip():
        raise CliError("give the API key (or '-' to read it from stdin)")
    path = save_fdc_api_key(key)
    print(f"Saved the FoodData Central API key in {_home_relative(str(path))} "
          "(readable only by you).", file=ctx.out)
    if os.environ.get(ENV_FDC_API_KEY, "").strip():
        print(f"Note: {ENV_FDC_API_KEY} is set and is used instead while it is.", file=ctx.out)
    return EXIT_OK


# -- backups and a bad database ------------------------------------------------------


def _home_relative(text: str) -> str:
    """``~/...`` for a path in the home folder, as a person would type it."""
    home = str(Path.home())
    if text.startswith(home + os.sep):
        return "~" + text[len(home) :]
    return text


_BACKUP_WAY_OUT = (
    "Restore a backup with `planner backup restore NAME`, or move it aside with "
    "`planner backup set-aside` and start fresh."
)
_WAY_OUT = {
    ProblemKind.CORRUPT: _BACKUP_WAY_OUT,
    ProblemKind.SCHEMA_TOO_NEW: "Use the newer planner. " + _BACKUP_WAY_OUT,
    ProblemKind.LOCKED: "Close the other planner (or the program using it) and try again.",
    ProblemKind.READ_ONLY: (
        "Make the file and its folder writable, or point PLANNER_DB_URL at a writable place."
    ),
    ProblemKind.UNAVAILABLE: "Check the file's permissions (or the server) and try again.",
}


def database_problem_line(problem: DatabaseProblem) -> str:
    """One line for stderr: what is wrong with the database and the commands out of it."""
    way_out = _WAY_OUT[problem.kind]
    if problem.path is None and problem.kind is ProblemKind.SCHEMA_TOO_NEW:
        way_out = "Use the newer planner."
    return f"the database {_home_relative(problem.database)} {problem.summary}. {way_out}"


def _database_error_line(exc: BaseException) -> str:
    from planner.services.health import diagnose

    problem = diagnose(paths.db_url(), exc)
    if problem is not None:
        return database_problem_line(problem)
    orig = getattr(exc, "orig", None)
    detail = str(orig) if orig is not None else str(exc)
    return f"database error: {detail.splitlines()[0] if detail else type(exc).__name__}"


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def backup_json(info: BackupInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "path": str(info.path),
        "created": info.created.isoformat(),
        "reason": info.reason,
        "size": info.size,
        "plans": info.plan_count,
    }


def _plans_in(info: BackupInfo) -> str:
    return "plans unknown" if info.plan_count is None else _count(info.plan_count, "plan")


def cmd_backup_list(ctx: Context) -> int:
    service = BackupService()
    backups = service.list()
    if ctx.args.json:
        ctx.emit_json([backup_json(info) for info in backups])
        return EXIT_OK
    if not backups:
        folder = _home_relative(str(service.folder))
        print(f"No backups yet in {folder}. Make one with: planner backup create", file=ctx.out)
    for info in backups:
        print(f"{info.name}  {_size(info.size):>8}  {_plans_in(info)}", file=ctx.out)
    return EXIT_OK


def cmd_backup_create(ctx: Context) -> int:
    info = BackupService().create()
    if ctx.args.json:
        ctx.emit_json(backup_json(info))
    else:
        where = _home_relative(str(info.path))
        print(f"Backed up the database to {where} ({_size(info.size)}, {_plans_in(info)}).",
              file=ctx.out)
    return EXIT_OK


def cmd_backup_restore(ctx: Context) -> int:
    service = BackupService()
    backup = service.find(ctx.args.name)
    saved_as = service.restore(backup)
    if ctx.args.json:
        ctx.emit_json(
            {"restored": str(backup), "saved_as": None if saved_as is None else str(saved_as)}
        )
        return EXIT_OK
    print(f"Restored {backup.name}.", file=ctx.out)
    if saved_as is not None:
        print(f"The database as it was is kept as {_home_relative(str(saved_as))}.",
              file=ctx.out)
    return EXIT_OK


def cmd_backup_set_aside(ctx: Context) -> int:
    from planner.db.engine import sqlite_path
    from planner.services.health import Choice, check_database, set_aside

    url = paths.db_url()
    live = sqlite_path(url)
    if live is None:
        raise CliError("the database is not a file (PLANNER_DB_URL); nothing to set aside")
    where = _home_relative(str(live))
    if not live.exists():
        raise CliError(f"there is no database at {where}; nothing to set aside")
    problem = check_database(url)
    if problem is None and not ctx.args.force:
        raise CliError(
            f"the database {where} is in order; nothing to set aside "
            "(add --force to move it aside anyway)"
        )
    if problem is not None and Choice.START_FRESH not in problem.choices:
        raise CliError(database_problem_line(problem))
    moved = set_aside(live)
    if ctx.args.json:
        ctx.emit_json({"moved_to": str(moved)})
    else:
        print(f"Moved the database aside to {_home_relative(str(moved))}. The next command "
              "starts with a new database.", file=ctx.out)
    return EXIT_OK


# -- parser ------------------------------------------------------------------------


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("the limit must be between 1 and 1000")
    return value


FORCE_HELP = "replace the -o file if it exists (never the database or a backup)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planner",
        description="Meal and micronutrient planner. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"planner {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="machine-readable output")

    foods = commands.add_parser("foods", help="search and show foods")
    food_commands = foods.add_subparsers(dest="foods_command", metavar="ACTION", required=True)
    search = food_commands.add_parser("search", parents=[json_flag], help="search foods by name")
    search.add_argument("text", help="words to find, e.g. 'spinach raw'")
    search.add_argument("--group", metavar="CODE", help="USDA food group code, e.g. 1100")
    search.add_argument("--limit", type=_limit, default=20, metavar="N")
    search.set_defaults(handler=cmd_foods_search)
    show = food_commands.add_parser("show", parents=[json_flag], help="show one food")
    show.add_argument("food", help="food reference, e.g. usda:11457")
    show.set_defaults(handler=cmd_foods_show)

    importer = commands.add_parser(
        "import-usda", parents=[json_flag], help="load a USDA SR release (ASCII files)"
    )
    importer.add_argument("directory", help="folder with FOOD_DES, FD_GROUP, NUT_DATA, WEIGHT")
    importer.set_defaults(handler=cmd_import_usda)

    online = commands.add_parser(
        "online", help="look foods up in FoodData Central and Open Food Facts, and import them"
    )
    online_commands = online.add_subparsers(dest="online_command", metavar="ACTION",
                                            required=True)
    online_search = online_commands.add_parser(
        "search", parents=[json_flag], help="search FoodData Central (values per 100 g)"
    )
    online_search.add_argument("text", help="words to find, e.g. 'salmon raw'")
    online_search.add_argument(
        "--type", dest="types", action="append", metavar="TYPE",
        choices=("Foundation", "SR_Legacy", "Survey", "Branded"),
        help="Foundation, SR_Legacy, Survey or Branded; repeat for several "
             "(default: all but Branded)",
    )
    online_search.add_argument("--limit", type=_limit, default=25, metavar="N",
                               help="results (default 25, at most 200)")
    online_search.set_defaults(handler=cmd_online_search)
    online_barcode = online_commands.add_parser(
        "barcode", parents=[json_flag], help="show an Open Food Facts product by barcode"
    )
    online_barcode.add_argument("code", help="8 to 14 digits, e.g. 3017620422003")
    online_barcode.set_defaults(handler=cmd_online_barcode)
    online_import = online_commands.add_parser(
        "import", parents=[json_flag], help="store an online food in the local database"
    )
    online_import.add_argument("food", help="fdc:ID or off:BARCODE")
    online_import.set_defaults(handler=cmd_online_import)
    online_key = online_commands.add_parser("key", help="the FoodData Central API key")
    key_commands = online_key.add_subparsers(dest="key_command", metavar="ACTION",
                                             required=True)
    key_set = key_commands.add_parser(
        "set", help="save the key (file readable only by you); FDC_API_KEY overrides it"
    )
    key_set.add_argument("key", help="the key from api.data.gov, or '-' to read it from stdin")
    key_set.set_defaults(handler=cmd_online_key)
    key_clear = key_commands.add_parser("clear", help="forget the saved key")
    key_clear.set_defaults(handler=cmd_online_key)

    analyze = commands.add_parser(
        "analyze", parents=[json_flag], help="totals and findings of a plan file"
    )
    analyze.add_argument("file", nargs="?", help="a planner.plan/1 file ('-' for stdin)")
    analyze.add_argument("--plan", dest="plan_id", type=int, help="a stored plan instead")
    analyze.set_defaults(handler=cmd_analyze)

    import_plan = commands.add_parser(
        "import-plan", parents=[json_flag], help="store a planner.plan/1 file as a new plan"
    )
    import_plan.add_argument("file")
    import_plan.set_defaults(handler=cmd_import_plan)

    export_plan = commands.add_parser("export-plan", help="write a stored plan as a file")
    export_plan.add_argument("plan_id", type=int, metavar="PLAN")
    export_plan.add_argument("-o", "--output", metavar="FILE", help="default: stdout")
    export_plan.set_defaults(handler=cmd_export_plan)
    export_plan.add_argument("--force", action="store_true", help=FORCE_HELP)

    swaps = commands.add_parser(
        "swaps", parents=[json_flag], help="magnesium-rich swaps for an amount of a food"
    )
    swaps.add_argument("food", help="food reference, e.g. usda:20045")
    swaps.add_argument("--amount", type=_amount, default=100.0, help="default 100")
    swaps.add_argument("--unit", default="g", help="g, oz, cup, slice, ... (default g)")
    swaps.add_argument(
        "--keep", choices=("energy", "grams"), default="energy",
        help="keep the energy (default) or the weight of the entry",
    )
    swaps.add_argument("--limit", type=_limit, default=10, metavar="N")
    swaps.add_argument(
        "--all-foods", action="store_true",
        help="also suggest baby, fast-food, restaurant and American Indian/Alaska Native foods",
    )
    swaps.set_defaults(handler=cmd_swaps)

    optimize = commands.add_parser(
        "optimize", parents=[json_flag],
        help="fewest swaps and portion changes that bring each day to the magnesium RDA",
    )
    optimize.add_argument("file", help="a planner.plan/1 file ('-' for stdin)")
    optimize.add_argument("-o", "--output", metavar="FILE", help="write the changed plan here")
    optimize.add_argument("--force", action="store_true", help=FORCE_HELP)
    optimize.add_argument(
        "--max-changes", type=_changes, default=3, metavar="N", help="per day (default 3)"
    )
    optimize.set_defaults(handler=cmd_optimize)

    def add_plan_source(command: argparse.ArgumentParser) -> None:
        command.add_argument("file", nargs="?", help="a planner.plan/1 file ('-' for stdin)")
        command.add_argument("--plan", dest="plan_id", type=int, metavar="ID",
                             help="a stored plan instead")
        command.add_argument("--from", dest="start", metavar="DATE",
                             help="first day, YYYY-MM-DD (default: the plan's first)")
        command.add_argument("--to", dest="end", metavar="DATE",
                             help="last day, YYYY-MM-DD (default: the plan's last)")

    shopping = commands.add_parser(
        "shopping-list", parents=[json_flag],
        help="what to buy for a plan's days, by aisle (text, JSON, CSV, Markdown, PDF)",
    )
    add_plan_source(shopping)
    shopping.add_argument("--factor", type=_factor, default=None, metavar="N",
                          help="household factor: cook for 2 -> 2 (default: the "
                               "household_factor setting, 1)")
    shopping.add_argument("--units", choices=("metric", "us"), default=None,
                          help="g and kg, or oz and lb (default: the units setting, metric)")
    shopping.add_argument("--format", choices=("json", "csv", "md", "txt", "html", "pdf"),
                          help="default: from the -o suffix, else txt (pdf needs -o)")
    shopping.add_argument("-o", "--output", metavar="FILE", help="default: stdout")
    shopping.set_defaults(handler=cmd_shopping_list)
    shopping.add_argument("--force", action="store_true", help=FORCE_HELP)

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

    plans = commands.add_parser("plans", help="list or delete stored plans")
    plan_commands = plans.add_subparsers(dest="plans_command", metavar="ACTION", required=True)
    plans_list = plan_commands.add_parser("list", parents=[json_flag], help="stored plans")
    plans_list.set_defaults(handler=cmd_plans_list)
    plans_delete = plan_commands.add_parser("delete", help="delete a stored plan")
    plans_delete.add_argument("plan_id", type=int, metavar="PLAN")
    plans_delete.set_defaults(handler=cmd_plans_delete)

    recipes = commands.add_parser("recipes", help="list, show, import and export recipes")
    recipe_commands = recipes.add_subparsers(dest="recipes_command", metavar="ACTION",
                                             required=True)
    recipes_list = recipe_commands.add_parser("list", parents=[json_flag],
                                              help="stored recipes, by name")
    recipes_list.set_defaults(handler=cmd_recipes_list)
    recipes_show = recipe_commands.add_parser(
        "show", parents=[json_flag],
        help="ingredients, yield, and nutrients per serving and per 100 g with coverage",
    )
    recipes_show.add_argument("recipe", help="recipe reference, e.g. recipe:8790")
    recipes_show.set_defaults(handler=cmd_recipes_show)
    recipes_import = recipe_commands.add_parser(
        "import", parents=[json_flag],
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

    backup = commands.add_parser("backup", help="list, make and restore database backups")
    backup_commands = backup.add_subparsers(dest="backup_command", metavar="ACTION",
                                            required=True)
    backup_list = backup_commands.add_parser("list", parents=[json_flag],
                                             help="the backups, newest first")
    backup_list.set_defaults(handler=cmd_backup_list)
    backup_create = backup_commands.add_parser("create", parents=[json_flag],
                                               help="back up the database now")
    backup_create.set_defaults(handler=cmd_backup_create)
    backup_restore = backup_commands.add_parser(
        "restore", parents=[json_flag],
        help="replace the database with a backup (what it holds now is backed up first)",
    )
    backup_restore.add_argument("name", metavar="NAME",
                                help="a name from `planner backup list`, or a file")
    backup_restore.set_defaults(handler=cmd_backup_restore)
    set_aside = backup_commands.add_parser(
        "set-aside", parents=[json_flag],
        help="rename a damaged database out of the way; the next start begins fresh",
    )
    set_aside.add_argument("--force", action="store_true",
                           help="also when the database is in order")
    set_aside.set_defaults(handler=cmd_backup_set_aside)
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
    except (SchemaTooNewError, SQLAlchemyError, sqlite3.Error) as exc:
        # A damaged, locked, read-only or too new database: name it and the way out.
        print(f"planner: {_database_error_line(exc)}", file=err)
    except USER_ERRORS as exc:
        print(f"planner: {exc}", file=err)
    except KeyboardInterrupt:
        print("planner: interrupted", file=err)
    finally:
        ctx.close()
    return EXIT_ERROR
