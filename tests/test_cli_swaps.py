"""`planner swaps` and `planner optimize`: the acceptance of the swaps issue, end to end."""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from planner import cli
from planner.app import open_database
from planner.core.foods import Food, FoodRef
from planner.core.portions import serving_grams
from planner.core.units import grams_for
from planner.services.foods import FoodService

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo_week.json"
# USDA values per 100 g used below.
WHITE_RICE_MG = 12.0  # usda:20045 Rice, white, long-grain, regular, enriched, cooked


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_swaps_for_white_rice(db_path) -> None:
    code, out, err = run("swaps", "usda:20045", "--amount", "200", "--unit", "g", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["grams"] == 200 and data["swap_group"] == "Cooked grains and pasta"
    names = [s["name"] for s in data["swaps"]]
    assert "Quinoa, cooked" in names
    # The obvious swap first, with its reason; every swap an everyday food.
    first = data["swaps"][0]
    assert first["name"] == "Rice, brown, long-grain, cooked" and first["obvious"] is True
    assert first["why"] == "The whole grain of the same rice, its bran kept"
    assert (first["amount"], first["unit"]) == (1, "cup")
    for swap in data["swaps"]:
        assert swap["magnesium_gain_mg"] >= 5 and swap["common"] is True
        assert set(swap) >= {"why", "common", "summary", "changes", "group"}
        # Energy kept within ±25 % of 200 g of white rice (130 kcal / 100 g).
        assert abs(swap["energy_change_kcal"]) <= 0.25 * 260


def test_swaps_human_output_and_bad_input(db_path) -> None:
    code, out, _err = run("swaps", "usda:19411", "--amount", "1", "--unit", "oz", "--limit", "3")
    assert code == 0
    assert out.splitlines()[0].startswith("Snacks, potato chips, plain, salted, 1 oz")
    assert "Magnesium +" in out
    # The obvious swap marked, with its reason under it.
    assert " 1.*1 oz Seeds, pumpkin and squash seed kernels, dried" in out
    assert "    Nuts, seeds or popcorn: as crunchy, with magnesium the chips lack\n" in out
    assert "* the swap a dietitian names first" in out
    code, _out, err = run("swaps", "usda:20045", "--unit", "slice")
    assert code == 1 and "has no unit 'slice'" in err and "Traceback" not in err
    code, _out, err = run("swaps", "usda:99999")
    assert code == 1 and err.strip() == "planner: no food usda:99999 in the database"


def _foods(db_path: Path, refs: set[str]) -> dict[str, Food]:
    db = open_database(f"sqlite:///{db_path}")
    try:
        service = FoodService(db)
        return {ref: service.get(FoodRef.parse(ref)) for ref in refs}
    finally:
        db.close()


def test_optimize_writes_a_valid_plan_that_reanalyses_clean(db_path, tmp_path) -> None:
    plan_file = tmp_path / "week.json"
    shutil.copyfile(DEMO, plan_file)
    fixed_file = tmp_path / "fixed.json"
    code, out, err = run("optimize", str(plan_file), "--json", "-o", str(fixed_file))
    assert code == 0, err
    report = json.loads(out)
    fixed_days = {d["date"] for d in report["days"] if d["fixed"]}
    assert len(fixed_days) == 7

    code, out, err = run("analyze", str(fixed_file), "--json")
    assert code == 0, err
    analysis = json.loads(out)
    original = json.loads(run("analyze", str(plan_file), "--json")[1])
    for before, after in zip(original["days"], analysis["days"], strict=True):
        assert after["date"] == before["date"]
        if after["date"] in fixed_days:
            assert "vitd_high_mg_low" not in {f["code"] for f in after["findings"]}
        energy_before = before["totals"]["energy_kcal"]["value"]
        energy_after = after["totals"]["energy_kcal"]["value"]
        assert abs(energy_after - energy_before) <= 0.05 * energy_before
        assert after["totals"]["magnesium_mg"]["value"] >= 320 - 1e-6
    per_day: dict[str, int] = {}
    for change in report["changes"]:
        per_day[change["date"]] = per_day.get(change["date"], 0) + 1
    assert max(per_day.values()) <= 3
    # Variety: no replacement food on more than two days; every portion within two of the
    # food's natural household servings; each change says why.
    swapped = Counter(c["after"]["food"] for c in report["changes"] if c["kind"] == "swap")
    assert max(swapped.values()) <= 2
    foods = _foods(db_path, {c["after"]["food"] for c in report["changes"]})
    for change in report["changes"]:
        food = foods[change["after"]["food"]]
        serving = serving_grams(food)  # a drink without measures: a cup
        assert serving is not None
        grams = grams_for(food, change["after"]["amount"], change["after"]["unit"])
        assert grams <= 2 * serving + 1e-6, change["description"]
        assert " — " in change["description"]
    # The written file is a planner.plan/1 file that imports.
    code, out, err = run("import-plan", str(fixed_file))
    assert code == 0 and out.startswith("Imported plan"), err


def test_optimize_with_no_changes_allowed(db_path) -> None:
    code, out, err = run("optimize", str(DEMO), "--max-changes", "0")
    assert code == 0, err
    assert "not fixed" in out and "No change needed or possible." in out


@pytest.mark.parametrize("bad", ["-1", "abc", "21"])
def test_optimize_refuses_bad_change_limits(db_path, bad, capsys) -> None:
    code, _out, _err = run("optimize", str(DEMO), "--max-changes", bad)
    # argparse reports usage errors on the process's stderr itself.
    assert code == 2 and "--max-changes" in capsys.readouterr().err
