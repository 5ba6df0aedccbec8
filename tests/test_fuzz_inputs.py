"""Hostile input through the command line: plan files, recipe files and settings.

The adversarial files of issue 13 (near-zero yields, servings and targets, recipe chains
250 deep, 34 recipes each made of the two before, JSON nested a thousand deep, a 10 MB
bad value, a byte order mark) and generated ones go through ``cli.main`` as a user runs
them. Every run ends either with strict JSON (no ``NaN``, no ``Infinity``) or with one
short ``planner:`` line; never a traceback, never over 10 s. Every command that has
``--json`` is run once and its output parsed strictly.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import math
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import cli
from planner.core import bounds
from planner.core.analysis import analyze
from planner.core.analysis_format import analysis_to_json
from planner.core.foods import Food, FoodRef
from planner.core.rules import RuleSettings
from planner.core.shopping import Aisles, build_shopping_list
from planner.core.units import grams_per_unit, unit_names
from planner.paths import read_shipped_text
from planner.reports.shopping import shopping_list_to_json
from planner.services.plans import dri_tables
from planner.settings import Settings, load_settings, settings_path
from planner.sources.plan_file import PlanFileError, load_plan

#: A run of any command on a file under 1 MB stays below this (the acceptance bound).
MAX_SECONDS = 10.0
#: A message quoting a 10 MB value shows 60 characters of it.
MAX_MESSAGE = 400

SPINACH = "usda:11457"
EGG = "usda:01123"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(text: str) -> Any:
    """``text`` parsed as RFC 8259 JSON: ``NaN``, ``Infinity`` and ``-Infinity`` refused."""
    return json.loads(text, parse_constant=_refuse_constant)


def test_the_strict_parser_refuses_what_python_would_write() -> None:
    with pytest.raises(ValueError, match="NaN is not JSON"):
        strict_json(json.dumps({"value": math.nan}))
    with pytest.raises(ValueError, match="Infinity is not JSON"):
        strict_json(json.dumps([math.inf]))
    assert strict_json('{"a": 1e308}') == {"a": 1e308}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    code = cli.main(list(argv), out, err)
    assert time.perf_counter() - started < MAX_SECONDS, argv[:2]
    return code, out.getvalue(), err.getvalue()


def finishes_cleanly(code: int, out: str, err: str, *, json_out: bool = True) -> Any:
    """Strict JSON on success; else exactly one short ``planner:`` line."""
    assert "Traceback" not in err and "Traceback" not in out
    if code == 0:
        return strict_json(out) if json_out else out
    assert code == 1, (code, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("planner: "), err[:500]
    assert len(lines[0]) < MAX_MESSAGE, lines[0][:500]
    return None


# -- the adversarial files -------------------------------------------------------------

PROFILE = {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"}


def plan(entries: list[dict[str, Any]], recipes: list[dict[str, Any]] | None = None,
         **top: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"format": "planner.plan/1", "profile": dict(PROFILE),
                            "days": [{"date": "2026-11-23",
                                      "meals": [{"name": "Lunch", "entries": entries}]}]}
    if recipes is not None:
        data["recipes"] = recipes
    data.update(top)
    return data


def entry(food: str = SPINACH, amount: Any = 100, unit: str = "g") -> dict[str, Any]:
    return {"food": food, "amount": amount, "unit": unit}


def one_recipe(**fields: Any) -> dict[str, Any]:
    recipe = {"id": "recipe:1", "name": "R", "ingredients": [entry()], **fields}
    return plan([entry("recipe:1", 100, "g"), entry("recipe:1", 1, "serving")]
                if "servings" in fields else [entry("recipe:1")], [recipe])


def chain(depth: int) -> dict[str, Any]:
    recipes = [{"id": "recipe:0", "name": "R0", "ingredients": [entry()]}]
    recipes += [{"id": f"recipe:{n}", "name": f"R{n}",
                 "ingredients": [entry(f"recipe:{n - 1}"), entry(EGG, 1, "large")]}
                for n in range(1, depth)]
    return plan([entry(f"recipe:{depth - 1}")], recipes)


def fibonacci(count: int = 34) -> dict[str, Any]:
    recipes = [{"id": "recipe:0", "name": "F0", "ingredients": [entry()]},
               {"id": "recipe:1", "name": "F1", "ingredients": [entry(EGG, 1, "large")]}]
    recipes += [{"id": f"recipe:{n}", "name": f"F{n}",
                 "ingredients": [entry(f"recipe:{n - 1}"), entry(f"recipe:{n - 2}")]}
                for n in range(2, count)]
    return plan([entry(f"recipe:{count - 1}", 250, "g")], recipes)


def nested(depth: int, leaf: Any = 1) -> str:
    return "[" * depth + json.dumps(leaf) + "]" * depth


def _deep(where: str, depth: int) -> str:
    """A plan whose value at ``where`` is a list nested ``depth`` deep (spliced as text:
    json.dumps itself would overflow)."""
    marker = "__DEEP__"
    data = plan([entry()], [{"id": "recipe:1", "name": "R", "ingredients": [entry()]}],
                supplements=[{"name": "D3", "nutrient": "vitamin_d", "amount": 1000,
                              "unit": "IU", "schedule": "daily"}])
    data["profile"]["targets"] = {"magnesium_mg": 360}
    spots: dict[str, Callable[[dict[str, Any]], None]] = {
        "format": lambda d: d.update(format=marker),
        "name": lambda d: d.update(name=marker),
        "profile.name": lambda d: d["profile"].update(name=marker),
        "profile.sex": lambda d: d["profile"].update(sex=marker),
        "target": lambda d: d["profile"]["targets"].update(magnesium_mg=marker),
        "date": lambda d: d["days"][0].update(date=marker),
        "meal.name": lambda d: d["days"][0]["meals"][0].update(name=marker),
        "amount": lambda d: d["days"][0]["meals"][0]["entries"][0].update(amount=marker),
        "unit": lambda d: d["days"][0]["meals"][0]["entries"][0].update(unit=marker),
        "days": lambda d: d.update(days=marker),
        "supplement.unit": lambda d: d["supplements"][0].update(unit=marker),
        "recipe.servings": lambda d: d["recipes"][0].update(servings=marker),
        "recipe.tags": lambda d: d["recipes"][0].update(tags=marker),
        "ingredient.amount": lambda d: d["recipes"][0]["ingredients"][0].update(amount=marker),
    }
    spots[where](data)
    return json.dumps(data).replace(f'"{marker}"', nested(depth))


#: One of each kind of place: a top field, the profile, a number, a text, a list, a recipe.
DEEP_SPOTS = ["format", "profile.sex", "target", "date", "amount", "days",
              "supplement.unit", "recipe.tags", "ingredient.amount"]

ADVERSARIAL: dict[str, str] = {
    "cooked 1e-6 g": json.dumps(one_recipe(cooked_grams=1e-6)),
    "cooked 5e-324 g": json.dumps(one_recipe(cooked_grams=5e-324)),
    "servings 5e-324": json.dumps(one_recipe(servings=5e-324)),
    "servings 1e-6": json.dumps(one_recipe(servings=1e-6)),
    "target 5e-324": json.dumps(plan([entry()], profile={**PROFILE,
                                                         "targets": {"magnesium_mg": 5e-324}})),
    "UL 1e-300": json.dumps(plan([entry()], profile={**PROFILE,
                                                     "targets": {"vitamin_d_ug.ul": 1e-300}})),
    "amount 5e-324": json.dumps(plan([entry(amount=5e-324)])),
    "amount 1e400": json.dumps(plan([entry()])).replace('"amount": 100', '"amount": 1e400'),
    "dose 5e-324": json.dumps(plan([entry()], supplements=[
        {"name": "D", "nutrient": "vitamin_d", "amount": 5e-324, "unit": "IU",
         "schedule": "daily"}])),
    "chain 501": json.dumps(chain(501)),
    "34 shared recipes": json.dumps(fibonacci(34)),
    "recipe loop": json.dumps(plan([entry("recipe:1")], [
        {"id": "recipe:1", "name": "A", "ingredients": [entry("recipe:2")]},
        {"id": "recipe:2", "name": "B", "ingredients": [entry("recipe:1")]}])),
    "byte order mark": "\ufeff" + json.dumps(plan([entry()])),
    "1 MB unit": json.dumps(plan([entry(unit="x" * 1_000_000)])),
    "1 MB meal name and bad date": json.dumps(plan([entry()])).replace(
        '"Lunch"', json.dumps("L" * 1_000_000)).replace("2026-11-23", "2026-11-31"),
    "1 MB field name": json.dumps(plan([entry()], **{"y" * 1_000_000: 1})),
    "1 MB food reference": json.dumps(plan([entry(food="usda:" + "9" * 1_000_000)])),
    "10,000-digit amount": json.dumps(plan([entry()])).replace(
        '"amount": 100', '"amount": ' + "9" * 10_000),
    **{f"nested 600 deep at {spot}": _deep(spot, 600) for spot in DEEP_SPOTS},
    **{f"nested 100,000 deep at {spot}": _deep(spot, 100_000) for spot in ("amount", "days")},
}


def test_the_adversarial_files_are_what_they_claim() -> None:
    assert json.loads(ADVERSARIAL["34 shared recipes"])["recipes"][33]["ingredients"][1] == \
        {"food": "recipe:31", "amount": 100, "unit": "g"}
    assert all(len(text.encode("utf-8")) < 1_100_000 for text in ADVERSARIAL.values())


@pytest.fixture(scope="module")
def adversarial_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("adversarial")
    for number, text in enumerate(ADVERSARIAL.values()):
        (folder / f"{number}.json").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.usefixtures("db_path")
@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_an_adversarial_plan_file_gives_strict_json_or_one_line(
        adversarial_dir: Path, name: str) -> None:
    path = str(adversarial_dir / f"{list(ADVERSARIAL).index(name)}.json")
    analysis = finishes_cleanly(*run("analyze", path, "--json"))
    shopping = finishes_cleanly(*run("shopping-list", path, "--json"))
    imported = finishes_cleanly(*run("import-plan", path, "--json"))
    # The file is either good for all three or refused by all three.
    assert (analysis is None) == (shopping is None) == (imported is None), name
    if analysis is not None:
        assert shopping is not None and imported is not None and imported["days"] == 1


@pytest.mark.usefixtures("db_path")
def test_what_the_adversarial_files_say(adversarial_dir: Path) -> None:
    def error(name: str) -> str:
        path = str(adversarial_dir / f"{list(ADVERSARIAL).index(name)}.json")
        code, _out, err = run("analyze", path, "--json")
        assert code == 1
        return err.strip()

    assert error("cooked 1e-6 g") == ("planner: recipe 1 ('R'): cooked weight 1e-06 is too "
                                      "small (at least 1 g)")
    assert error("servings 5e-324").endswith("servings 5e-324 is too small (at least 0.1)")
    assert error("target 5e-324") == ("planner: profile: target override 'magnesium_mg' (mg) "
                                      "5e-324 is too small (at least 0.001)")
    assert error("chain 501").startswith("planner: recipe 501 ('R500'), ingredient 1: "
                                         "recipes are nested more than 500 deep (R500 -> R499")
    assert "'" + "x" * 59 + "…'" in error("1 MB unit")
    assert error("nested 600 deep at amount").endswith("amount must be a number, got a list")


@pytest.mark.usefixtures("db_path")
def test_the_34_shared_recipes_shop_as_two_foods(adversarial_dir: Path) -> None:
    path = str(adversarial_dir / f"{list(ADVERSARIAL).index('34 shared recipes')}.json")
    listed = finishes_cleanly(*run("shopping-list", path, "--json"))
    foods = {item["food"]: item["grams"] for item in listed["items"]}
    assert set(foods) == {SPINACH, EGG}
    assert sum(foods.values()) == pytest.approx(250.0)


@pytest.mark.usefixtures("db_path")
def test_a_chain_250_deep_analyses_shops_imports_and_exports_whole(tmp_path: Path) -> None:
    # 250 deep took Python's stack: RecursionError, after 25 s of quadratic importing.
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(chain(250)), encoding="utf-8")
    assert path.stat().st_size < 100_000
    analysis = finishes_cleanly(*run("analyze", str(path), "--json"))
    assert analysis["days"][0]["totals"]["magnesium_mg"]["value"] > 0
    listed = finishes_cleanly(*run("shopping-list", str(path), "--json"))
    assert {item["food"] for item in listed["items"]} == {SPINACH, EGG}
    imported = finishes_cleanly(*run("import-plan", str(path), "--json"))
    code, out, err = run("export-plan", str(imported["plan"]))
    assert (code, err) == (0, "")
    assert len(strict_json(out)["recipes"]) == 250


# -- generated plans at the edges of every range: the JSON stays finite ------------------


@functools.cache
def shipped_foods() -> dict[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


@functools.cache
def shipped_aisles() -> Aisles:
    return Aisles.from_json(read_shipped_text("aisles.json"))


def _edge(bound: bounds.Bound) -> st.SearchStrategy[float]:
    low = bound.minimum if bound.above is None else bound.above + 1e-9
    return st.sampled_from([low, bound.maximum]) | st.floats(low, bound.maximum)


# Foods with a value of each kind and measures: spinach, egg, milk, salmon, oil, salt.
_FOODS = [SPINACH, EGG, "usda:01079", "usda:15076", "usda:04053", "usda:02047"]


@st.composite
def edge_plans(draw: st.DrawFn) -> str:
    def item(refs: list[str]) -> dict[str, Any]:
        food = draw(st.sampled_from(refs))
        largest = bounds.AMOUNT.maximum
        if food.startswith("recipe"):
            unit = "g"
        else:
            known = shipped_foods()[FoodRef.parse(food)]
            unit = draw(st.sampled_from(unit_names(known)))
            # The most of this unit one entry may weigh (100 kg).
            largest = min(largest, bounds.WEIGHT.maximum / grams_per_unit(known, unit))
        low = bounds.AMOUNT.minimum
        amount = draw(st.sampled_from([low, largest]) | st.floats(low, largest))
        return entry(food, amount, unit)

    recipes = []
    for number in range(draw(st.integers(0, 3))):
        inner = _FOODS + [f"recipe:{n}" for n in range(number)]
        recipe: dict[str, Any] = {"id": f"recipe:{number}", "name": f"R{number}",
                                  "ingredients": [item(inner) for _ in range(2)]}
        if draw(st.booleans()):
            recipe["servings"] = draw(_edge(bounds.SERVINGS))
        if draw(st.booleans()):
            recipe["cooked_grams"] = draw(_edge(bounds.COOKED_WEIGHT))
        recipes.append(recipe)
    targets = {key: draw(_edge(bounds.TARGET))
               for key in draw(st.lists(st.sampled_from(
                   ["magnesium_mg", "magnesium_mg.ear", "vitamin_d_ug", "vitamin_d_ug.ul",
                    "calcium_mg", "energy_kcal", "sodium_mg.ul"]), max_size=4, unique=True))}
    supplements = [
        {"name": "D3", "nutrient": "vitamin_d", "unit": "ug", "schedule": "daily",
         "amount": draw(_edge(bounds.DOSE["vitamin_d_ug"]))},
        {"name": "Mg", "nutrient": "magnesium", "unit": "mg", "schedule": "weekly",
         "weekday": "sun", "amount": draw(_edge(bounds.DOSE["magnesium_mg"]))},
    ]
    refs = _FOODS + [r["id"] for r in recipes]
    data = plan([item(refs) for _ in range(draw(st.integers(1, 4)))], recipes or None,
                supplements=supplements, profile={**PROFILE, "targets": targets})
    return json.dumps(data, allow_nan=False)


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(text=edge_plans(), factor=_edge(bounds.HOUSEHOLD_FACTOR),
       rules=st.builds(RuleSettings, vitd_high_share_of_rda=_edge(bounds.VITD_HIGH_SHARE_OF_RDA),
                       mg_low_share_of_ear=_edge(bounds.MG_LOW_SHARE_OF_EAR),
                       ca_mg_ratio_max=_edge(bounds.CA_MG_RATIO_MAX),
                       low_coverage_share=_edge(bounds.LOW_COVERAGE_SHARE)))
def test_numbers_at_the_edges_of_their_ranges_give_finite_json(
    text: str, factor: float, rules: RuleSettings
) -> None:
    try:
        loaded = load_plan(text, shipped_foods().get)
    except PlanFileError as error:
        # In range, a file is refused only for weight (over 100 kg in one entry) or for
        # a cooked weight too small for what goes in.
        assert "kg is accepted" in str(error) or "too small for its" in str(error), error
        return
    targets = loaded.plan.profile.targets(dri_tables())
    analysis = analyze(loaded.plan, dict(loaded.foods), targets, rules)
    strict_json(json.dumps(analysis_to_json(analysis), allow_nan=False))
    shopping = build_shopping_list(loaded.plan, loaded.foods, shipped_aisles(), factor=factor,
                                   targets=targets, recipes=loaded.recipe_map)
    strict_json(json.dumps(shopping_list_to_json(shopping), allow_nan=False))
    for day in analysis.days:
        for total in day.totals.values():
            assert total.value is None or math.isfinite(total.value)


# -- settings ------------------------------------------------------------------------------

_SETTING_VALUES = (
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.text(max_size=5)
    | st.sampled_from([5e-324, 1e-300, 1e308, 0, -0.0, 0.1, 50, 51, "metric", "us",
                       ["low_coverage"], ["produce", "produce"], ["\x00"]])
    | st.floats()
)
_SETTING_KEYS = st.sampled_from(["units", "household_factor", "aisle_order",
                                 "vitd_high_share_of_rda", "mg_low_share_of_ear",
                                 "ca_mg_ratio_max", "low_coverage_share", "disabled_rules",
                                 "format", "colour", "x" * 200])


@st.composite
def settings_texts(draw: st.DrawFn) -> str:
    values = draw(st.dictionaries(_SETTING_KEYS, _SETTING_VALUES, max_size=6))
    text = json.dumps(values)
    if draw(st.booleans()) and values:  # one value nested deeply (past Python's stack)
        key = draw(st.sampled_from(sorted(values)))
        depth = draw(st.sampled_from([3, 70, 5000, 100_000]))
        opener = draw(st.sampled_from(["[", '{"a":']))
        closer = "]" if opener == "[" else "}"
        text = text.replace(json.dumps(key) + ": ",
                            json.dumps(key) + ": " + opener * depth + "1" + closer * depth + "#",
                            1)
        text = text.replace("#" + json.dumps(values[key]), "", 1)
    if draw(st.booleans()):
        text = "\ufeff" + text
    if draw(st.integers(0, 5)) == 0:  # or broken anywhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["", "{", "]", '"', "\\", "\x00"])) + text[at + 1:]
    return text


@settings(max_examples=80, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=settings_texts())
def test_a_settings_file_gives_settings_in_range_and_says_what_it_ignored(
        isolated_paths: Path, text: str) -> None:
    isolated_paths.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(text, encoding="utf-8")
    loaded = load_settings()
    assert bounds.HOUSEHOLD_FACTOR.contains(loaded.household_factor)
    rules = loaded.rule_settings()  # in range, or this raises
    assert bounds.LOW_COVERAGE_SHARE.contains(rules.low_coverage_share)
    for problem in loaded.problems:
        assert problem.startswith("settings.json") and len(problem) < MAX_MESSAGE, problem
    assert settings_path().read_text(encoding="utf-8") == text  # left as written


def test_a_deeply_nested_setting_is_named_and_the_others_kept(isolated_paths: Path) -> None:
    isolated_paths.mkdir(parents=True, exist_ok=True)
    text = ('\ufeff{"units": "us", "household_factor": ' + nested(100_000)
            + ', "ca_mg_ratio_max": 3, "aisle_order": ["a \\"] [ b"]}')
    settings_path().write_text(text, encoding="utf-8")
    loaded = load_settings()
    assert (loaded.units, loaded.household_factor, loaded.ca_mg_ratio_max,
            loaded.aisle_order) == ("us", 1.0, 3.0, ('a "] [ b',))
    assert loaded.problems == ("settings.json: household_factor is nested too deeply (more "
                               "than 64 levels); the default is used",)
    settings_path().write_text(nested(100_000), encoding="utf-8")
    assert load_settings().problems == ("settings.json is nested too deeply to be settings; "
                                        "using the defaults",)
    assert load_settings() == Settings()


# -- every --json command --------------------------------------------------------------------


def json_commands() -> set[tuple[str, ...]]:
    """Every command of the parser that takes ``--json``, as its words."""
    found: set[tuple[str, ...]] = set()
    todo: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = [((), cli.build_parser())]
    while todo:
        words, parser = todo.pop()
        if any("--json" in action.option_strings for action in parser._actions):
            found.add(words)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(((*words, name), sub) for name, sub in action.choices.items())
    return found


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The fake FDC and OFF servers, answering with values no food has."""
    from online_server import Reply, load, serve

    food = load("fdc_food_168149.json")
    for nutrient in food["foodNutrients"]:
        if nutrient["nutrient"]["number"] in ("304", "328"):  # magnesium, vitamin D
            nutrient["amount"] = 1e308
    food["foodPortions"][0].update(gramWeight=1e300, amount=1e-300)
    product = load("off_product_038000313295.json")
    product["product"]["nutriments"].update({"magnesium_100g": 1e308,
                                            "vitamin-d_100g": -5})
    for server in serve(monkeypatch):
        monkeypatch.setenv("PLANNER_FDC_URL", server.fdc_base)
        monkeypatch.setenv("PLANNER_OFF_URL", server.off_base)
        server.route("/fdc/v1/foods/search", Reply.json("fdc_search.json"))
        server.route("/fdc/v1/food/168149", Reply.json(food))
        server.route("/off/api/v2/product/038000313295.json", Reply.json(product))
        yield


@pytest.mark.usefixtures("db_path", "online")
def test_every_json_command_writes_strict_json(adversarial_dir: Path, tmp_path: Path,
                                               usda_dir: Path) -> None:
    edge = tmp_path / "edge.json"
    edge.write_text(json.dumps(plan(
        [entry(amount=bounds.AMOUNT.minimum), entry(EGG, 100_000 / 50, "g"),
         entry("recipe:1", 1, "serving")],
        [{"id": "recipe:1", "name": "Thick", "servings": 0.1, "cooked_grams": 1_000,
          "ingredients": [entry(amount=2_000)]}],
        profile={**PROFILE, "targets": {"magnesium_mg": 0.001, "vitamin_d_ug.ul": 0.001,
                                        "calcium_mg": 100_000}})), encoding="utf-8")
    recipes = tmp_path / "recipes.json"
    recipes.write_text("\ufeff" + json.dumps({"format": "planner.recipes/1", "recipes": [
        {"id": "recipe:7", "name": "Soup", "cooked_grams": 1, "servings": 1000,
         "ingredients": [entry(amount=0.001)]}]}), encoding="utf-8")
    sr = tmp_path / "sr"
    sr.mkdir()
    import gzip

    for name in ("FD_GROUP", "FOOD_DES", "NUT_DATA", "WEIGHT"):
        source = usda_dir / (f"{name}.subset.txt.gz" if name == "NUT_DATA" else f"{name}.txt.gz")
        with gzip.open(source, "rb") as lines:
            (sr / f"{name}.txt").write_bytes(b"".join(lines.readline() for _ in range(50)))

    covered: set[tuple[str, ...]] = set()

    def check(command: str, *args: str) -> Any:
        words = tuple(command.split())
        code, out, err = run(*words, *args, "--json")
        assert (code, "Traceback" in err) == (0, False), (words, err)
        covered.add(words)
        return strict_json(out)

    check("foods search", "spinach\x00raw\x07", "--group", "1100")
    check("foods search", "\x00", "--group", "\x00")
    check("foods show", SPINACH)
    check("foods top", "vitamin_c_mg", "--per", "portion", "--group", "1100")
    check("analyze", str(edge))
    check("shopping-list", str(edge), "--factor", "50")
    check("optimize", str(edge))
    saved = check("import-plan", str(edge))
    check("analyze", "--plan", str(saved["plan"]))
    check("plans list")
    check("swaps", SPINACH, "--amount", "0.001")
    imported = check("recipes import", str(recipes))
    check("recipes list")
    check("recipes show", next(iter(imported["recipes"].values())))
    check("online search", "cheddar")
    fdc = check("online import", "fdc:168149")
    assert fdc["per_100g"]["magnesium_mg"] is None  # 1e308 mg per 100 g is no value
    barcode = check("online barcode", "038000313295")
    assert barcode["per_100g"]["magnesium_mg"] is None
    assert barcode["per_100g"]["vitamin_d_ug"] is None
    check("import-usda", str(sr))
    check("backup create")
    backups = check("backup list")
    check("backup restore", backups[0]["name"])
    check("backup set-aside", "--force")
    assert json_commands() - covered == set()
