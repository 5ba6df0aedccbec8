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
    assert data["items"] == [{
        "food": "usda:20045",
        "name": "Rice, white, long-grain, regular, enriched, cooked",
        "grams": 1400.0,
        "display": "1.4 kg cooked white rice",
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
    assert rice["grams"] == 3500.0
    # 3500 g = 7.716 lb, rounded up to a tenth.
    assert pytest.approx(7.716, abs=1e-3) == 3500 / POUND_G
    assert rice["display"] == "7.8 lb cooked white rice"


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
