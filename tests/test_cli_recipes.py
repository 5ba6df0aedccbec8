"""``planner recipes list|show|import|export`` and recipes in plan files, over the real data.

``PLANNER_DATA_DIR`` points at a copy of the loaded database. Expected figures are the
SR28 values per 100 g and portion weights, written out next to each number.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from nutrient_coverage import core_unknown

from planner import cli, paths

SAMPLES = Path(str(paths.shipped("recipes.json")))
RECIPE_TABLES = ("recipe", "recipe_ingredient")

#: The omelette sample: 3 large eggs (150 g x 2.0 µg/100 g = 3.0), 1 cup UV portabella
#: (86 g x 28.4 = 24.424), 1 fl oz milk (30.5 g x 1.2 = 0.366), 20 g cheddar (x 0.6 = 0.12).
OMELETTE_VD = 3.0 + 24.424 + 0.366 + 0.12  # 27.91 µg, one serving, 280 g cooked


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(arg) for arg in args], out, err)
    return code, out.getvalue(), err.getvalue()


def run_json(*args: str | Path) -> Any:
    code, out, err = run(*args, "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def counts(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(db_path) as connection:
        found = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                 for table in RECIPE_TABLES}
    connection.close()
    return found


def _import_samples() -> dict[str, str]:
    """Sample file id -> stored reference."""
    return dict(run_json("recipes", "import", SAMPLES)["recipes"])


@pytest.mark.usefixtures("db_path")
def test_import_list_and_show_the_samples() -> None:
    code, out, err = run("recipes", "list")
    assert (code, err) == (0, "")
    assert out == "No recipes yet. Import some with: planner recipes import FILE\n"

    code, out, err = run("recipes", "import", SAMPLES)
    assert (code, err) == (0, "")
    assert out.startswith("Imported 6 recipes (6 new, 0 already stored).\n")
    again = run_json("recipes", "import", SAMPLES)
    assert again["created"] == [] and len(again["recipes"]) == 6

    listed = run_json("recipes", "list")
    assert [r["name"] for r in listed] == [
        "Black bean and avocado bowl", "Mackerel on whole-wheat toast",
        "Mushroom omelette with UV mushrooms", "Overnight oats with pumpkin seeds and almonds",
        "Salmon with quinoa and greens", "Spinach and chickpea curry"]
    omelette = next(r for r in listed if r["name"].startswith("Mushroom"))
    assert omelette["per_serving"]["vitamin_d_ug"] == pytest.approx(OMELETTE_VD)
    assert omelette["serving_grams"] == 280 and omelette["ingredients"] == 6

    code, out, _ = run("recipes", "list")
    assert f"{omelette['recipe']:<12} Mushroom omelette with UV mushrooms  (1 serving of 280 g; " \
           "per serving: magnesium 59 mg, vitamin D 27.9 µg)" in out


@pytest.mark.usefixtures("db_path")
def test_show_gives_ingredients_yield_and_values_with_coverage() -> None:
    refs = _import_samples()
    oats = refs["recipe:3"]
    shown = run_json("recipes", "show", oats)
    assert shown["name"] == "Overnight oats with pumpkin seeds and almonds"
    assert [(i["food"], i["amount"], i["unit"], i["grams"]) for i in shown["ingredients"]] == [
        ("usda:08120", 1, "cup", 81.0), ("usda:01079", 1.5, "cup", 366.0),
        ("usda:01256", 0.5, "container", 85.0), ("usda:12006", 15, "g", 15.0),
        ("usda:12014", 30, "g", 30.0), ("usda:12061", 20, "almond", pytest.approx(24.0)),
        ("usda:09040", 1, "medium", 118.0)]
    total = 81 + 366 + 85 + 15 + 30 + 24 + 118  # 719 g
    # Magnesium: 81 x 1.38 + 366 x 0.11 + 85 x 0.11 + 15 x 3.35 + 30 x 5.92 + 24 x 2.70
    # + 118 x 0.27 = 111.78 + 40.26 + 9.35 + 50.25 + 177.6 + 64.8 + 31.86 = 485.9 mg.
    magnesium = 111.78 + 40.26 + 9.35 + 50.25 + 177.6 + 64.8 + 31.86
    assert shown["total_grams"] == pytest.approx(total) == shown["yield_grams"]
    assert shown["per_serving"]["magnesium_mg"] == pytest.approx(magnesium / 2)
    assert shown["per_100g"]["magnesium_mg"] == pytest.approx(magnesium / total * 100)
    assert shown["coverage"]["foods"] == 7
    assert core_unknown(shown["coverage"]["unknown"]) == {"sugars_g": 1, "vitamin_d_ug": 1,
                                                           "vitamin_k_ug": 1}
    # Every nutrient of the panel is accounted for: SR28 has fluoride for 2 of the 7.
    assert shown["coverage"]["unknown"]["fluoride_mg"] == 5

    code, out, err = run("recipes", "show", oats)
    assert (code, err) == (0, "")
    assert "Yield: 2 servings, 719 g; 1 serving = 360 g" in out
    assert "1 of 7 ingredients has no vitamin D value" in out
    assert "  20 almond Nuts, almonds (24 g)  [usda:12061]" in out

    curry = run_json("recipes", "show", refs["recipe:1"])
    assert curry["cooked_grams"] == 850 and curry["serving_grams"] == pytest.approx(212.5)
    code, out, _ = run("recipes", "show", refs["recipe:1"])
    assert "Yield: 4 servings, 850 g cooked (ingredients 954 g); 1 serving = 212 g" in out


@pytest.mark.usefixtures("db_path")
def test_export_writes_a_file_that_imports_again(tmp_path: Path) -> None:
    refs = _import_samples()
    target = tmp_path / "two.json"
    code, out, err = run("recipes", "export", refs["recipe:6"], refs["recipe:2"], "-o", target)
    assert (code, err) == (0, "")
    assert out == f"Wrote the recipes to {target}.\n"
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "planner.recipes/1"
    assert [r["name"] for r in data["recipes"]] == ["Salmon with quinoa and greens",
                                                    "Mushroom omelette with UV mushrooms"]
    samples = {r["name"]: r for r in json.loads(SAMPLES.read_text(encoding="utf-8"))["recipes"]}
    for recipe in data["recipes"]:
        sample = samples[recipe["name"]]
        assert {**recipe, "id": sample["id"]} == sample  # the same content, another id
    assert run_json("recipes", "import", target)["created"] == []
    code, out, _ = run("recipes", "export", refs["recipe:5"])
    assert json.loads(out)["recipes"][0]["name"] == "Mackerel on whole-wheat toast"


def test_errors_are_one_line_and_change_nothing(db_path: Path, tmp_path: Path) -> None:
    code, out, err = run("recipes", "show", "recipe:424242")
    assert (code, out, err) == (1, "", "planner: there is no recipe recipe:424242\n")
    code, _, err = run("recipes", "show", "usda:11457")
    assert (code, err) == (1, "planner: there is no recipe usda:11457\n")

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "planner.recipes/1", "recipes": [
        {"id": "recipe:1", "name": "Fine", "ingredients": [
            {"food": "usda:08120", "amount": 1, "unit": "cup"}]},
        {"id": "recipe:2", "name": "Cake", "ingredients": [
            {"food": "usda:08120", "amount": -1, "unit": "cup"}]}]}), encoding="utf-8")
    before = counts(db_path)
    code, out, err = run("recipes", "import", broken)
    assert (code, out) == (1, "")
    assert err == ("planner: recipe 2 ('Cake'), ingredient 1: amount must be more than zero, "
                   "got -1\n")
    assert counts(db_path) == before
    code, _, err = run("recipes", "import", tmp_path / "missing.json")
    assert (code, err) == (1, f"planner: {tmp_path / 'missing.json'}: no such file\n")


def _plan_with_recipes() -> dict[str, Any]:
    """A day with 1 serving of the curry and 1 of the omelette, in a plan file."""
    samples = json.loads(SAMPLES.read_text(encoding="utf-8"))["recipes"]
    return {
        "format": "planner.plan/1",
        "name": "Recipe day",
        "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
        "supplements": [],
        "days": [{"date": "2026-11-23", "meals": [
            {"name": "Breakfast", "entries": [
                {"food": "recipe:6", "amount": 1, "unit": "serving"}]},
            {"name": "Dinner", "entries": [
                {"food": "recipe:1", "amount": 1, "unit": "serving"}]}]}],
        "recipes": [samples[0], samples[5]],
    }


def test_a_plan_file_with_recipes_analyses_shops_and_round_trips(
    db_path: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "recipe-day.json"
    plan_file.write_text(json.dumps(_plan_with_recipes(), ensure_ascii=False),
                         encoding="utf-8")

    analysis = run_json("analyze", plan_file)
    vitamin_d = analysis["days"][0]["totals"]["vitamin_d_ug"]["value"]
    assert vitamin_d == pytest.approx(OMELETTE_VD)  # the curry has none

    shopping = run_json("shopping-list", plan_file)
    foods = {item["food"] for item in shopping["items"]}
    # The dishes are bought as their ingredients: eggs, UV mushrooms, chickpeas, ...
    assert {"usda:01123", "usda:11998", "usda:16057", "usda:11457"} <= foods
    assert not any(food.startswith("recipe:") for food in foods)
    spinach = next(i for i in shopping["items"] if i["food"] == "usda:11457")
    # 1 cup in the omelette, and a quarter of the curry's 6 cups: 30 + 45 g.
    assert spinach["grams"] == pytest.approx(75.0)

    code, out, err = run("import-plan", plan_file, "--json")
    assert (code, err) == (0, "")
    plan_id = json.loads(out)["plan"]
    code, exported, err = run("export-plan", plan_id)
    assert (code, err) == (0, "")
    data = json.loads(exported)
    assert [r["name"] for r in data["recipes"]] == ["Spinach and chickpea curry",
                                                    "Mushroom omelette with UV mushrooms"]
    # Stored, and found by the recipe commands.
    assert {r["name"] for r in run_json("recipes", "list")} == {
        "Spinach and chickpea curry", "Mushroom omelette with UV mushrooms"}
    again = tmp_path / "again.json"
    again.write_text(exported, encoding="utf-8")
    code, _, err = run("import-plan", again)
    assert (code, err) == (0, "")
    assert counts(db_path)["recipe"] == 2  # reused, not copied
    code, exported_again, _ = run("export-plan", plan_id + 1)
    assert exported_again == exported

    # optimize -o keeps the recipes the plan uses.
    optimized = tmp_path / "optimized.json"
    code, _, err = run("optimize", plan_file, "-o", optimized)
    assert (code, err) == (0, "")
    assert len(json.loads(optimized.read_text(encoding="utf-8"))["recipes"]) == 2
