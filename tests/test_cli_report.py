"""``planner report``: the weekly report as PDF or HTML, over the real USDA data.

As in ``test_cli_shopping.py``, most tests call :func:`planner.cli.main` in-process (with
pytest-qt's ``qapp`` where a PDF is made) and one runs the installed console script, which
makes its own offscreen ``QGuiApplication``. PDFs are read back with ``pdftotext`` and
``pdfimages`` (poppler-utils).
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner import cli
from planner.core.references import DISCLAIMER
from planner.services.database import Database
from planner.services.plans import PlanService
from planner.services.shopping import ShoppingService

ROOT = Path(__file__).resolve().parent.parent
DEMO_WEEK = ROOT / "data" / "demo_week.json"
_SCRIPT = Path(sys.executable).with_name("planner")
PLANNER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "planner"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: The vitd_high_mg_low finding of the demo week's average, as the rule words it.
WEEK_FINDING = ("Vitamin D 59.0 \u00b5g is at or above your RDA (15 \u00b5g) "
        "while magnesium is 200 mg, "
                "below the 265 mg EAR.")

pytestmark = pytest.mark.usefixtures("db_path")


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([str(arg) for arg in args], out, err)
    return code, out.getvalue(), err.getvalue()


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed; run bootstrap.sh --test")
    return path


def pdf_text(path: Path) -> str:
    result = subprocess.run([_poppler("pdftotext"), str(path), "-"], capture_output=True,
                            text=True, check=True, timeout=60)
    return " ".join(result.stdout.split())


def pdf_image_count(path: Path) -> int:
    result = subprocess.run([_poppler("pdfimages"), "-list", str(path)], capture_output=True,
                            text=True, check=True, timeout=60)
    return len(result.stdout.splitlines()) - 2  # a header line and a rule


def test_the_report_pdf_has_everything(qapp, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    code, out, err = run("report", DEMO_WEEK, "-o", target)
    assert (code, err) == (0, ""), err
    assert out == f"Wrote the weekly report to {target}.\n"
    assert target.read_bytes().startswith(b"%PDF")

    text = pdf_text(target)
    # Profile and targets, with units.
    assert "Ana, female, 45" in text
    assert "Magnesium: RDA 320 mg a day, EAR 265 mg" in text
    assert "320 mg" in text and "265 mg" in text
    assert "Vitamin D: RDA 15 \u00b5g a day" in text
    # Each day and its totals.
    for name, day in (("Monday", 23), ("Tuesday", 24), ("Wednesday", 25), ("Thursday", 26),
                      ("Friday", 27), ("Saturday", 28), ("Sunday", 29)):
        assert f"{name} {day} November 2026" in text
    assert "Mon 23 Nov 1,548 kcal 170 mg (53 %) 64.5 \u00b5g 511 mg" in text
    assert "Day total (with supplements): Energy 1,548 kcal, Magnesium 170 mg (53 %)" in text
    # The finding as the rule says it, its explanation and references.
    assert WEEK_FINDING in text
    assert "Both enzymes depend on magnesium" in text
    assert "Uwitonze AM, Razzaque MS" in text and "Dai Q, et al." in text
    # The shopping list, the data source and the disclaimer.
    assert "4 large eggs (200 g)" in text and "18 slices white bread (522 g)" in text
    assert "USDA National Nutrient Database for Standard Reference" in text
    assert "not medical advice" in text and " ".join(DISCLAIMER.split()) in text
    # The four charts, as images.
    assert pdf_image_count(target) == 4


def test_a_range_of_the_plan(qapp, tmp_path: Path) -> None:
    target = tmp_path / "two-days.pdf"
    code, _out, err = run("report", DEMO_WEEK, "--from", "2026-11-24", "--to", "2026-11-25",
                          "-o", target)
    assert (code, err) == (0, ""), err
    text = pdf_text(target)
    assert "Tuesday 24 November 2026 to Wednesday 25 November 2026" in text
    assert "Monday 23 November 2026" not in text and "Thursday 26" not in text
    assert "2026-11-24 to 2026-11-25" in text
    assert "Average (2 days)" in text
    assert pdf_image_count(target) == 4


def test_html_is_one_file_with_the_charts_inside(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, err = run("report", DEMO_WEEK, "-o", target)
    assert (code, err) == (0, "")
    assert out == f"Wrote the weekly report to {target}.\n"
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Weekly report \u2014 Demo week</title>" in page
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 4
    assert all(base64.b64decode(image).startswith(PNG_SIGNATURE) for image in images)
    assert not list(tmp_path.glob("*.png"))

    # Without -o the page goes to stdout; --format says html over the suffix.
    code, out, err = run("report", DEMO_WEEK)
    assert (code, err) == (0, "")
    assert out.startswith("<!DOCTYPE html>") and "Ana, female, 45 years" in out
    other = tmp_path / "report.txt"
    code, _out, err = run("report", DEMO_WEEK, "--format", "html", "-o", other)
    assert (code, err) == (0, "")
    assert other.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_stored_plan_with_its_ticks_and_items(qapp, db: Database, tmp_path: Path) -> None:
    saved = PlanService(db).import_text(DEMO_WEEK.read_text(encoding="utf-8"))
    monday, sunday = date(2026, 11, 23), date(2026, 11, 29)
    shopping = ShoppingService(db)
    shopping.add_extra(saved.id, monday, sunday, "Dish soap")
    shopping.set_options(saved.id, monday, sunday, 2.0, "metric")

    target = tmp_path / "stored.pdf"
    code, _out, err = run("report", "--plan", str(saved.id), "--from", "2026-11-23",
                          "--to", "2026-11-29", "-o", target)
    assert (code, err) == (0, ""), err
    text = pdf_text(target)
    assert "Dish soap" in text
    # The household factor chosen for this list: eggs for two.
    assert "8 large eggs (400 g)" in text and "household factor \u00d7 2" in text
    code, _out, err = run("report", "--plan", "999", "-o", target, "--force")
    assert (code, err) == (1, "planner: there is no plan 999\n")


def test_clean_errors(tmp_path: Path) -> None:
    code, out, err = run("report", DEMO_WEEK, "--format", "pdf")
    assert (code, out, err) == (1, "", "planner: PDF output needs a file: add -o FILE.pdf\n")
    code, _out, err = run("report", DEMO_WEEK, "--from", "23.11.2026")
    assert code == 1
    assert err == ("planner: --from '23.11.2026' is not a date; write it as YYYY-MM-DD, "
                   "e.g. 2026-11-23\n")
    code, _out, err = run("report", DEMO_WEEK, "--from", "2026-11-29", "--to", "2026-11-23")
    assert (code, err) == (1, "planner: the range starts 2026-11-29, after its end "
                              "2026-11-23; swap the dates\n")
    code, _out, err = run("report")
    assert (code, err) == (1, "planner: give a plan file or --plan ID\n")
    code, _out, err = run("report", tmp_path / "missing.json")
    assert (code, err) == (1, f"planner: {tmp_path / 'missing.json'}: no such file\n")
    assert run("report", DEMO_WEEK, "--format", "docx")[0] == 2


def test_the_console_script_makes_the_report_headless(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    result = subprocess.run(
        [*PLANNER, "report", str(DEMO_WEEK), "-o", str(target)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False,
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    assert WEEK_FINDING in pdf_text(target)
    assert pdf_image_count(target) == 4
    result = subprocess.run(
        [*PLANNER, "report", str(DEMO_WEEK), "-o", str(tmp_path / "missing" / "r.pdf")],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("planner: ") and result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr
