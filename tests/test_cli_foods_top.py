"""``planner foods top``: the foods highest in a nutrient, over the real USDA database.

The acceptance command runs as the installed console script; the rest through
``cli.main`` (the same parser and handlers, faster).
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from planner import cli

_SCRIPT = Path(sys.executable).with_name("planner")
PLANNER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "planner"]


def run_planner(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script with this test's environment (PLANNER_DATA_DIR set)."""
    return subprocess.run(
        [*PLANNER, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("db_path")
def test_acceptance_vitamin_c_per_100_kcal_json() -> None:
    result = run_planner("foods", "top", "vitamin_c_mg", "--per", "100kcal", "--limit", "5",
                         "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    foods = json.loads(result.stdout)
    assert len(foods) == 5
    assert [f["name"] for f in foods[:3]] == [
        "Acerola juice, raw",
        "Acerola, (west indian cherry), raw",
        "Babyfood, GERBER, 2nd Foods, apple, carrot and squash, organic",
    ]
    values = [f["value"] for f in foods]
    assert values == sorted(values, reverse=True)
    assert all(f["unit"] == "mg" and f["per"] == "100 kcal" for f in foods)
    first = foods[0]
    assert set(first) >= {"ref", "name", "group", "value", "unit", "per", "per_100g"}
    assert first["ref"] == "usda:09002"
    assert first["group"] == "0900"
    assert first["per_100g"] == 1600
    assert math.isclose(first["value"], 1600 * 100 / 23)  # 23 kcal per 100 g
    assert first["portion"] is None


@pytest.mark.usefixtures("db_path")
def test_text_table_per_100g() -> None:
    code, out, err = call("foods", "top", "magnesium_mg", "--limit", "3")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Foods highest in Magnesium per 100 g"
    assert lines[1].split() == ["#", "Magnesium", "food"]
    assert re.fullmatch(r"\s+1\s+781 mg\s+per 100 g\s+Rice bran, crude\s+\(usda:20060\)",
                        lines[2])
    assert re.fullmatch(r"\s+2\s+770 mg\s+per 100 g\s+Seaweed, agar, dried\s+\(usda:11663\)",
                        lines[3])
    assert lines[4].lstrip().startswith("3")
    assert "Seeds, cottonseed meal, partially defatted (glandless)" in lines[4]
    assert lines[5].startswith("Note: ") and "no Magnesium value (unknown, not zero)" in lines[5]


@pytest.mark.usefixtures("db_path")
def test_text_table_per_portion_in_a_group() -> None:
    code, out, _err = call("foods", "top", "vitamin_k_ug", "--per", "portion", "--group",
                           "1100", "--limit", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("Foods highest in Vitamin K per portion, in Vegetables and Vegetable "
                        "Products")
    assert re.fullmatch(r"\s+1\s+1147 µg\s+per 1 cup \(130 g\)\s+Kale, frozen, cooked, "
                        r"boiled, drained, with salt\s+\(usda:11791\)", lines[2])
    assert lines[-1] == ("Note: 33 foods with a Vitamin K value but no household measure are "
                         "left out of the ranking per portion.")


@pytest.mark.usefixtures("db_path")
def test_json_per_portion_names_the_portion() -> None:
    code, out, _err = call("foods", "top", "vitamin_k_ug", "--per", "portion", "--group",
                           "1100", "--limit", "1", "--json")
    assert code == 0
    [kale] = json.loads(out)
    assert kale["per"] == "1 cup (130 g)"
    assert kale["basis"] == "portion"
    assert kale["portion"] == {"amount": 1.0, "unit": "cup", "grams": 130.0}
    assert math.isclose(kale["value"], kale["per_100g"] * 1.3)


@pytest.mark.usefixtures("db_path")
def test_a_nutrient_without_values_says_so() -> None:
    code, out, _err = call("foods", "top", "biotin_ug")
    assert code == 0
    assert "No food has a known Biotin value to rank." in out
    code, out, _err = call("foods", "top", "biotin_ug", "--json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vitamin_c"], "argument NUTRIENT_KEY: unknown nutrient 'vitamin_c'; did you mean "
                        "vitamin_c_mg?"),
        (["magnesum_mg"], "did you mean magnesium_mg"),
        (["vitamin_c_mg", "--per", "kcal"], "argument --per: invalid choice: 'kcal'"),
        (["vitamin_c_mg", "--limit", "0"], "argument --limit: the limit must be a whole number "
                                           "from 1 to 500"),
        (["vitamin_c_mg", "--limit", "501"], "from 1 to 500"),
        (["vitamin_c_mg", "--limit", "ten"], "argument --limit: 'ten' is not a whole number"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse reports on the process's stderr, before any command runs.
    assert call("foods", "top", *args) == (2, "", "")
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.usefixtures("db_path")
def test_unknown_group_fails_with_one_line() -> None:
    code, out, err = call("foods", "top", "iron_mg", "--group", "1199")
    assert (code, out) == (1, "")
    assert err.startswith("planner: no food group '1199'; the groups are 0100 (Dairy")
    assert err.count("\n") == 1


@pytest.mark.usefixtures("db_path")
def test_usage_error_from_the_console_script() -> None:
    result = run_planner("foods", "top", "vitamin_d")
    assert result.returncode == 2
    assert "did you mean vitamin_d_ug?" in result.stderr
    assert "Traceback" not in result.stderr


def _reject_constant(name: str) -> object:
    raise AssertionError(f"{name} in the JSON")


def test_extreme_foods_still_give_strict_json(db_path: Path) -> None:
    from planner.core.bounds import nutrient_limit
    from planner.core.foods import Food, FoodGroup, FoodRef, Portion, nutrient_map
    from planner.db.foods import FoodRepository
    from planner.services.database import Database

    most = nutrient_limit("vitamin_c_mg")
    extremes = [
        # 5e-324 kcal is 0 kcal to a density: left out, not an infinite value.
        Food(FoodRef("user", "x1"), "Extreme 1", "9900",
             nutrient_map({"vitamin_c_mg": most, "energy_kcal": 5e-324}),
             (Portion(100_000, "g", 100_000),)),
        Food(FoodRef("user", "x2"), "Extreme 2", "9900",
             nutrient_map({"vitamin_c_mg": most, "energy_kcal": 0.5}),
             (Portion(0.001, "cup", 1e-300), Portion(1, "tub", 100_000))),
    ]
    db = Database.open(f"sqlite:///{db_path}")
    with db.writing() as session:
        FoodRepository(session).store_foods(extremes, [FoodGroup("9900", "Extremes")])
    db.close()
    for per in ("100g", "100kcal", "portion"):
        code, out, err = call("foods", "top", "vitamin_c_mg", "--per", per, "--group", "9900",
                              "--json")
        assert (code, err) == (0, ""), err
        foods = json.loads(out, parse_constant=_reject_constant)
        assert all(math.isfinite(f["value"]) for f in foods)
        # Per portion neither ranks: 100 kg and a 100 kg tub are no serving.
        expected = {"100g": ["Extreme 1", "Extreme 2"], "100kcal": ["Extreme 2"],
                    "portion": []}[per]
        assert sorted(f["name"] for f in foods) == expected
    code, out, _err = call("foods", "top", "vitamin_c_mg", "--per", "100kcal", "--group", "9900")
    assert "1 food with a Vitamin C value but 0 kcal or unknown energy" in out
