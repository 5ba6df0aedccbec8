"""``planner shopping-list`` and ``planner print-plan`` over the real USDA data.

Most tests call :func:`planner.cli.main` in-process (with pytest-qt's ``qapp`` where a PDF
is made, so the one Qt application of the test run is a full ``QApplication``); one runs
the installed console script to see the headless PDF path a user gets (the command makes
its own offscreen ``QGuiApplication``). PDFs are read back with ``pdftotext``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from planner import cli
from planner.services.database import Database
from planner.services.plans import PlanService
from planner.services.shopping import ShoppingService

ROOT = Path(__file__).resolve().parent.parent
DEMO_WEEK = ROOT / "data" / "demo_week.json"
ISSUE_EXAMPLE = Path(__file__).resolve().parent / "data" / "issue_example.json"
_SCRIPT = Path(sys.executable).with_name("planner")
PLANNER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "planner"]
POUND_G = 453.59237

pytestmark = pytest.mark.usefixtures("db_path")


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(arg) for arg in args], out, err)
    return code, out.getvalue(), err.getvalue()


def run_json(*args: str | Path) -> Any:
    code, out, err = run(*args, "--format", "json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; run bootstrap.sh --test")
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                            check=True, timeout=60)
    return " ".join(result.stdout.split())


@pytest.fixture
def rice_week(tmp_path: Path) -> Path:
    """A plan file: 200 g of cooked white rice (usda:20045) every day of a week."""
    days = [
        {"date": f"2026-11-{23 + n}",
         "meals": [{"name": "Lunch", "entries": [
             {"food": "usda:20045", "amount": 200, "unit": "g"}]}]}
        for n in range(7)
    ]
    plan = {"format": "planner.plan/1", "name": "Rice week",
            "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
            "supplements": [], "days": days}
    path = tmp_path / "rice_week.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def test_json_lists_the_items(rice_week: Path) -> None:
    data = run_json("shopping-list", rice_week, "--from", "2026-11-23", "--to", "2026-11-29")

    assert data["format"] == "planner.shopping/1"
    assert (data["start"], data["end"], data["factor"], data["units"]) == (
        "2026-11-23", "2026-11-29", 1.0, "metric")
    # Cooked rice is bought dry (its water-free mass: 31.56 % cooked, 88.38 % dry).
    assert data["items"] == [{
        "food": "usda:20045",
        "name": "Rice, white, long-grain, regular, raw, enriched",
        "grams": round(1400 * 31.56 / 88.38, 4),
        "display": "500 g white rice, dry (for 1.4 kg cooked)",
        "buy": "500 g white rice, dry (for 1.4 kg cooked)",
        "buy_food": "usda:20044",
        "from": [{"food": "usda:20045", "grams": 1400.0}],
        "aisle": "grains and pasta",
        "checked": False,
        "note": "",
    }]
    assert data["nutrition"]["days"] == 7
    # The --json flag of every command says the same.
    code, out, _err = run("shopping-list", rice_week, "--json")
    assert code == 0 and json.loads(out)["items"] == data["items"]


def test_factor_and_us_units(rice_week: Path) -> None:
    data = run_json("shopping-list", rice_week, "--factor", "2.5", "--units", "us")
    (rice,) = data["items"]
    assert rice["from"] == [{"food": "usda:20045", "grams": 3500.0}]
    # 3500 g cooked = 7.716 lb; 1,250 g dry = 2.76 lb, each rounded up to a tenth.
    assert pytest.approx(7.716, abs=1e-3) == 3500 / POUND_G
    assert rice["display"] == "2.8 lb white rice, dry (for 7.8 lb cooked)"


def test_the_demo_week_in_every_text_format(tmp_path: Path) -> None:
    data = run_json("shopping-list", DEMO_WEEK)
    assert len(data["items"]) == 24

    code, out, err = run("shopping-list", DEMO_WEEK, "--format", "csv")
    assert (code, err) == (0, "")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 24
    code, out, _err = run("shopping-list", DEMO_WEEK, "--format", "md")
    assert out.startswith("# Shopping list \u2014 Demo week")
    assert "- [ ] 18 slices white bread (522 g)" in out
    code, out, _err = run("shopping-list", DEMO_WEEK)
    assert code == 0
    assert "  [ ] 18 slices white bread (522 g)" in out
    assert "Food data: USDA SR28." in out

    target = tmp_path / "list.md"
    code, out, _err = run("shopping-list", DEMO_WEEK, "-o", target)
    assert (code, out) == (0, f"Wrote 24 items to {target}.\n")
    assert target.read_text(encoding="utf-8").startswith("# Shopping list")


def test_a_bad_date_is_a_clean_error(rice_week: Path) -> None:
    for option, value in (("--from", "2026-13-01"), ("--to", "next week"),
                          ("--from", "23.11.2026")):
        code, out, err = run("shopping-list", rice_week, option, value)
        assert (code, out) == (1, "")
        assert err == (f"planner: {option} {value!r} is not a date; write it as "
                       "YYYY-MM-DD, e.g. 2026-11-23\n")


def test_a_start_after_the_end_is_a_clean_error(rice_week: Path) -> None:
    code, _out, err = run("shopping-list", rice_week, "--from", "2026-11-29", "--to",
                          "2026-11-23")
    assert code == 1
    assert err == ("planner: the list starts 2026-11-29, after its end 2026-11-23; "
                   "swap the dates\n")


def test_an_empty_range_is_an_empty_list_with_the_note(rice_week: Path) -> None:
    data = run_json("shopping-list", rice_week, "--from", "2027-01-04", "--to", "2027-01-10")
    assert data["items"] == []
    assert data["notes"] == ["No meals planned between 2027-01-04 and 2027-01-10."]
    code, out, err = run("shopping-list", rice_week, "--from", "2027-01-04")
    assert (code, err) == (0, "")
    assert "No meals planned from 2027-01-04 on." in out


def test_bad_factor_units_and_files(rice_week: Path, tmp_path: Path) -> None:
    code, _out, err = run("shopping-list", rice_week, "--factor", "0")
    assert code == 1 and "household factor must be 0.1 to 50, got 0.0" in err
    # Malformed options are usage errors (exit 2, argparse's message on stderr).
    assert run("shopping-list", rice_week, "--factor", "two")[0] == 2
    assert run("shopping-list", rice_week, "--units", "imperial")[0] == 2
    code, _out, err = run("shopping-list", tmp_path / "missing.json")
    assert (code, err) == (1, f"planner: {tmp_path / 'missing.json'}: no such file\n")
    code, _out, err = run("shopping-list")
    assert (code, err) == (1, "planner: give a plan file or --plan ID\n")


def test_pdf_needs_a_file(rice_week: Path) -> None:
    code, out, err = run("shopping-list", rice_week, "--format", "pdf")
    assert (code, out) == (1, "")
    assert err == "planner: PDF output needs a file: add -o FILE.pdf\n"


def test_the_pdf_lists_every_item(qapp, tmp_path: Path) -> None:
    target = tmp_path / "list.pdf"
    code, out, err = run("shopping-list", DEMO_WEEK, "-o", target)
    assert (code, err) == (0, ""), err
    assert out == f"Wrote 24 items to {target}.\n"

    text = pdf_text(target)
    data = run_json("shopping-list", DEMO_WEEK)
    for item in data["items"]:
        assert item["display"] in text, item["display"]
    assert "Shopping list \u2014 Demo week" in text


def test_no_aisle_heading_stays_alone_at_the_bottom_of_a_page(qapp, tmp_path: Path) -> None:
    """A list of 140 foods over five pages: every page ends with an item, never with the
    heading of an aisle whose items start on the next page (A4 and Letter alike)."""
    with (ROOT / "data" / "foods" / "foods.csv").open(encoding="utf-8") as foods:
        survey = [row["ndb"] for row in csv.DictReader(foods) if row["survey"]]
    # 140 everyday foods drawn once: with headings printed apart from their tables, page 4
    # of this list ended with "Other" alone.
    names = random.Random(3).sample(survey, 140)
    days = [{"date": f"2026-11-{23 + n}", "meals": [{"name": "Lunch", "entries": [
        {"food": f"usda:{ndb}", "amount": 50, "unit": "g"}
        for ndb in names[n * 20:(n + 1) * 20]]}]} for n in range(7)]
    plan = tmp_path / "long.json"
    plan.write_text(json.dumps({
        "format": "planner.plan/1", "name": "Long",
        "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
        "supplements": [], "days": days}), encoding="utf-8")
    headings = {aisle[:1].upper() + aisle[1:] for aisle in
                (*json.loads((ROOT / "data" / "aisles.json").read_text())["order"],
                 "check the pantry")}
    target = tmp_path / "long.pdf"
    code, _out, err = run("shopping-list", plan, "-o", target)
    assert code == 0, err
    pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True,
                           check=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines()
                     if line.startswith("Pages:")))
    assert count >= 3
    for page in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout",
                               str(target), "-"], capture_output=True, text=True,
                              check=True).stdout
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith("Shopping list \u2014")]
        assert body[-1] not in headings, f"page {page} ends with the heading {body[-1]!r}"
    assert pdf_text(target).count("not medical advice") == 1


def test_a_stored_plan_with_its_ticks_and_items(db: Database) -> None:
    saved = PlanService(db).import_text(DEMO_WEEK.read_text(encoding="utf-8"))
    shopping = ShoppingService(db)
    from datetime import date

    monday, sunday = date(2026, 11, 23), date(2026, 11, 29)
    shopping.set_checked(saved.id, monday, sunday, "usda:18069")
    shopping.add_extra(saved.id, monday, sunday, "Dish soap")

    data = run_json("shopping-list", "--plan", str(saved.id), "--from", "2026-11-23",
                    "--to", "2026-11-29")
    ticked = {item["food"] or item["name"]: item["checked"] for item in data["items"]}
    assert ticked["usda:18069"] is True
    assert ticked["Dish soap"] is False
    # Without a closed range there is no stored list to apply.
    data = run_json("shopping-list", "--plan", str(saved.id))
    assert not any(item["checked"] for item in data["items"])
    code, _out, err = run("shopping-list", "--plan", "999")
    assert (code, err) == (1, "planner: there is no plan 999\n")


def test_print_plan_pdf(qapp, tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    code, out, err = run("print-plan", DEMO_WEEK, "-o", target)
    assert (code, err) == (0, ""), err
    assert out == f"Wrote the plan to {target}.\n"

    text = pdf_text(target)
    for day in ("Monday 23 November 2026", "Tuesday 24 November 2026",
                "Wednesday 25 November 2026", "Thursday 26 November 2026",
                "Friday 27 November 2026", "Saturday 28 November 2026",
                "Sunday 29 November 2026"):
        assert day in text
    for food in ("White bread", "Cooked white rice", "Cooked salmon", "Cheddar cheese"):
        assert food in text
    assert "Magnesium" in text and "magnesium" in text
    # Monday's totals row, read cell by cell.
    assert "Mon 23 Nov 1,548 kcal 170 mg (53 %) 64.5 µg 511 mg" in text
    assert "not medical advice" in text


def test_print_plan_text_and_html(tmp_path: Path) -> None:
    code, out, err = run("print-plan", DEMO_WEEK, "--from", "2026-11-23", "--to",
                         "2026-11-23")
    assert (code, err) == (0, "")
    assert "MONDAY 23 NOVEMBER 2026" in out and "TUESDAY" not in out
    assert "Not medical advice." in out

    target = tmp_path / "plan.html"
    code, out, err = run("print-plan", ISSUE_EXAMPLE, "-o", target)
    assert (code, err) == (0, "")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Monday 23 November 2026" in page
    code, _out, err = run("print-plan", DEMO_WEEK, "--format", "pdf")
    assert (code, err) == (1, "planner: PDF output needs a file: add -o FILE.pdf\n")
    code, _out, err = run("print-plan", DEMO_WEEK, "--to", "someday")
    assert code == 1 and "--to 'someday' is not a date" in err


def test_the_console_script_makes_a_pdf_headless(tmp_path: Path) -> None:
    target = tmp_path / "list.pdf"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [*PLANNER, "shopping-list", str(DEMO_WEEK), "--units", "us", "-o", str(target)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    text = pdf_text(target)
    assert "18 slices white bread (1.2 lb)" in text
    result = subprocess.run(
        [*PLANNER, "print-plan", str(DEMO_WEEK), "-o", str(tmp_path / "missing" / "p.pdf")],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("planner: ") and result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr


def test_the_demo_weeks_list_buys_what_is_in_the_shop() -> None:
    """The acceptance of the shopping issue: what a shopper takes to the shop."""
    data = run_json("shopping-list", DEMO_WEEK)
    by_food = {source["food"]: item for item in data["items"] for source in item["from"]}
    buy = {food: item["buy"] for food, item in by_food.items()}
    assert buy["usda:20045"].startswith("283 g white rice, dry (for 790 g cooked)")
    assert buy["usda:20121"] == "235 g pasta, dry (for 558 g cooked)"
    assert buy["usda:23576"].endswith("beef, raw (for 220 g cooked)")
    assert by_food["usda:05064"]["buy_food"] == "usda:05062"  # the raw breast
    assert "raw (for 400 g cooked)" in buy["usda:05064"]
    assert buy["usda:14180"] == "69 g ground coffee (for 1.2 l brewed)"
    assert by_food["usda:14180"]["aisle"] == "drinks"
    assert buy["usda:01123"] == "4 large eggs (200 g)"
    assert buy["usda:01079"].startswith("0.8 l ")  # milk by the litre
    assert buy["usda:09003"] == "4 medium apples (728 g)"
    assert buy["usda:11408"].startswith("1 package frozen french fries")
    assert buy["usda:19120"].startswith("12 miniature bars milk chocolate")
    # Every food of the plan is covered, each item by what it is.
    assert len(by_food) == 24
    for item in data["items"]:
        assert not re.search(r"\bcooked\b", item["buy"].split(" (for ")[0]), item["buy"]
    us = run_json("shopping-list", DEMO_WEEK, "--units", "us")
    us_buy = {source["food"]: item["buy"] for item in us["items"] for source in item["from"]}
    assert us_buy["usda:01079"].startswith("0.9 qt ")
    assert us_buy["usda:20045"] == "10 oz white rice, dry (for 1.8 lb cooked)"


def test_people_and_the_pantry_on_the_command_line(rice_week: Path) -> None:
    two_and_a_child = run_json("shopping-list", rice_week, "--people", "1,1,0.6")
    assert two_and_a_child["factor"] == pytest.approx(2.6)
    (rice,) = two_and_a_child["items"]
    assert rice["from"] == [{"food": "usda:20045", "grams": pytest.approx(1400 * 2.6)}]
    code, _out, err = run("shopping-list", rice_week, "--people", "1", "--factor", "2")
    assert code == 1 and "give --factor or --people, not both" in err
    code, _out, _err = run("shopping-list", rice_week, "--people", "1,x")
    assert code == 2
    # Rice is no staple: every pantry choice lists it.
    for mode in ("check", "omit", "list"):
        data = run_json("shopping-list", rice_week, "--pantry", mode)
        assert [item["food"] for item in data["items"]] == ["usda:20045"]


def test_us_units_print_on_letter_and_metric_on_a4(qapp, tmp_path: Path) -> None:
    sizes = {}
    for units in ("metric", "us"):
        target = tmp_path / f"{units}.pdf"
        code, _out, err = run("shopping-list", DEMO_WEEK, "--units", units, "-o", target)
        assert code == 0, err
        info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True,
                              check=True).stdout
        sizes[units] = next(line for line in info.splitlines() if line.startswith("Page size"))
    assert "(A4)" in sizes["metric"] and "(letter)" in sizes["us"]
    target = tmp_path / "asked.pdf"
    assert run("shopping-list", DEMO_WEEK, "--units", "us", "--paper", "a4", "-o", target)[0] == 0


def test_drinks_by_the_can_or_the_litre(tmp_path: Path) -> None:
    plan = tmp_path / "drinks.json"
    plan.write_text(json.dumps({
        "format": "planner.plan/1", "name": "Drinks",
        "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
        "supplements": [], "days": [{"date": "2026-11-23", "meals": [{"name": "Lunch",
            "entries": [
                {"food": "usda:14148", "amount": 3, "unit": "can or bottle (12 fl oz)"},
                {"food": "usda:09206", "amount": 2, "unit": "cup"},
                {"food": "usda:14555", "amount": 1500, "unit": "g"}]}]}]}), encoding="utf-8")
    buy = {item["food"]: item["buy"] for item in run_json("shopping-list", plan)["items"]}
    assert buy["usda:14148"] == "3 cans cola (1.1 l)"  # 3 x 370 g, 1.11 l
    # Orange juice: 2 cups of 248 g are 473 ml (its own density), 0.5 l rounded up.
    assert buy["usda:09206"] == "0.5 l orange juice"
    assert buy["usda:14555"] == "1.5 l water"
    us = {item["food"]: item["buy"] for item in
          run_json("shopping-list", plan, "--units", "us")["items"]}
    assert us["usda:14555"] == "1.6 qt water"
