"""The weekly report: profile and targets, daily totals, the findings explained with their
references, the charts as named PNG images, each day's meals, the shopping list, the data
source and the not-medical-advice note; and the same report on paper (Qt, PDF).

The HTML is checked as a reader sees it (tags out); the PDFs are read back with
``pdftotext`` and ``pdfimages`` (poppler-utils).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from planner.core.analysis import Analysis, analyze
from planner.core.foods import Food, FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, Profile
from planner.core.references import DISCLAIMER, UWITONZE_2018
from planner.core.rules import VITD_HIGH_MG_LOW
from planner.core.shopping import Aisles, ShoppingList, build_shopping_list
from planner.core.targets import DriTables
from planner.paths import read_shipped_text
from planner.reports.charts import CHART_KINDS
from planner.reports.weekly import (
    CHART_SIZES,
    Report,
    chart_image_name,
    report_title,
    weekly_report,
)
from planner.sources.plan_file import load_plan

DEMO_WEEK = Path(__file__).resolve().parent.parent.parent / "data" / "demo_week.json"
MONDAY = dt.date(2026, 11, 23)
SUNDAY = MONDAY + dt.timedelta(days=6)
RICE = FoodRef("usda-sr28", "20045")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMG_SRC = re.compile(r'<img src="([^"]+)"')


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


@pytest.fixture(scope="module")
def tables() -> DriTables:
    return DriTables.from_csv(read_shipped_text("dri_all.csv"))


@pytest.fixture(scope="module")
def aisles() -> Aisles:
    return Aisles.from_json(read_shipped_text("aisles.json"))


def _parts(plan: Plan, foods: Mapping[FoodRef, Food], tables: DriTables, aisles: Aisles,
           start: dt.date | None = None, end: dt.date | None = None,
           ) -> tuple[Analysis, ShoppingList]:
    """The analysis and shopping list of ``plan``'s days from ``start`` to ``end``."""
    days = tuple(day for day in plan.days
                 if (start is None or day.date >= start) and (end is None or day.date <= end))
    targets = plan.profile.targets(tables)
    analysis = analyze(replace(plan, days=days), foods, targets)
    sl = build_shopping_list(plan, foods, aisles, start=start, end=end, targets=targets)
    return analysis, sl


def _report(plan: Plan, foods: Mapping[FoodRef, Food], tables: DriTables, aisles: Aisles,
            start: dt.date | None = None, end: dt.date | None = None, *,
            charts: bool = True) -> tuple[Report, Analysis, ShoppingList]:
    analysis, sl = _parts(plan, foods, tables, aisles, start, end)
    report = weekly_report(plan, analysis, foods, sl, start=start, end=end, charts=charts)
    return report, analysis, sl


@pytest.fixture(scope="module")
def demo_plan(foods: Mapping[FoodRef, Food]) -> Plan:
    return load_plan(DEMO_WEEK.read_text(encoding="utf-8"), foods.get).plan


@pytest.fixture(scope="module")
def demo(demo_plan: Plan, foods: Mapping[FoodRef, Food], tables: DriTables,
         aisles: Aisles) -> tuple[Report, Analysis, ShoppingList]:
    return _report(demo_plan, foods, tables, aisles, MONDAY, SUNDAY)


def _text_of(page: str) -> str:
    """The words of an HTML page as a reader sees them (tags out, entities decoded)."""
    page = re.sub(r"<head>.*?</head>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_report_has_the_profile_and_targets(demo: tuple[Report, Analysis, ShoppingList],
                                                ) -> None:
    report, _analysis, _sl = demo
    words = _text_of(report.html)

    assert report.title == "Weekly report \u2014 Demo week"
    assert words.startswith("Weekly report \u2014 Demo week Monday 23 November 2026 to "
                            "Sunday 29 November 2026")
    assert "Profile: Ana, female, 45 years" in words
    assert "Magnesium: RDA 320 mg a day, EAR 265 mg, UL 350 mg (supplements only)" in words
    assert "Vitamin D: RDA 15 \u00b5g a day, EAR 10 \u00b5g, UL 100 \u00b5g" in words
    assert "Calcium: RDA 1000 mg a day, EAR 800 mg, UL 2500 mg" in words
    assert "Vitamin D3 2000 IU: 2000 IU, daily" in words


def test_the_report_has_each_day_with_its_meals_and_totals(
        demo: tuple[Report, Analysis, ShoppingList]) -> None:
    report, analysis, _sl = demo
    words = _text_of(report.html)

    for offset, name in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                   "Saturday", "Sunday")):
        assert f"{name} {23 + offset} November 2026" in words
        assert f"{name[:3]} {23 + offset} Nov" in words
    # Monday's row of the totals table, and its own day total under its meals.
    assert "Mon 23 Nov 1,548 kcal 170 mg (53 %) 64.5 \u00b5g 511 mg" in words
    assert ("Day total (with supplements): Energy 1,548 kcal, Magnesium 170 mg (53 %), "
            "Vitamin D 64.5 \u00b5g, Calcium 511 mg") in words
    assert "Average (7 days) 1,710 kcal 200 mg (62 %) 59.0 \u00b5g 773 mg" in words
    assert "2 slice White bread 58 g 13 0.0" in words
    for meal in ("Breakfast", "Lunch", "Dinner", "Snacks"):
        assert meal in words
    assert len(analysis.days) == 7


def test_the_findings_with_their_explanation_and_references(
        demo: tuple[Report, Analysis, ShoppingList]) -> None:
    report, analysis, _sl = demo
    words = _text_of(report.html)

    (week_finding,) = [f for f in analysis.week.findings if f.code == VITD_HIGH_MG_LOW]
    assert week_finding.message == ("Vitamin D 59.0 \u00b5g is at or above your RDA (15 \u00b5g) "
        "while "
                                    "magnesium is 200 mg, below the 265 mg EAR.")
    assert f"Week average Warning: {week_finding.message}" in words
    for day in analysis.days:
        for finding in day.findings:
            assert finding.message in words
    # Each kind of finding is explained once, with its references, however many days have it.
    explanation = " ".join(week_finding.explanation.split())
    assert words.count(explanation) == 1
    assert "Both enzymes depend on magnesium" in words
    assert str(UWITONZE_2018) in words
    assert "Uwitonze AM, Razzaque MS. Role of Magnesium in Vitamin D Activation" in words
    for reference in week_finding.references:
        assert str(reference) in words
    assert "A high calcium-to-magnesium ratio." in words
    # What can be done, once per kind, from the week's finding (an average day).
    assert f"What you can do: {week_finding.advice}" in words
    assert week_finding.advice.startswith("Reaching the EAR takes about 66 mg more magnesium "
                                          "on an average day.")


def test_the_shopping_list_source_and_disclaimer(
        demo: tuple[Report, Analysis, ShoppingList]) -> None:
    report, _analysis, sl = demo
    words = _text_of(report.html)

    assert len(sl.items) == 24
    for item in sl.items:
        assert item.display in words
    assert "4 large eggs (200 g)" in words
    assert "2026-11-23 to 2026-11-29 \u00b7 24 items" in words
    assert "This list supplies 62 % of the week's magnesium target" in words
    assert ("Food data: USDA National Nutrient Database for Standard Reference, Release 28 "
            "(public domain).") in words
    assert f"Not medical advice. {DISCLAIMER}" in words
    # The sections in their order.
    order = ["Profile and targets", "Daily totals", "Findings", "Charts", "Meals day by day",
             "Shopping list", "Food data:"]
    positions = [words.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_the_charts_are_named_png_images(demo: tuple[Report, Analysis, ShoppingList]) -> None:
    report, _analysis, _sl = demo

    names = IMG_SRC.findall(report.html)
    assert names == [f"chart-{kind}.png" for kind in CHART_KINDS]
    assert set(report.images) == set(names)
    for kind in CHART_KINDS:
        data = report.images[chart_image_name(kind)]
        assert data.startswith(PNG_SIGNATURE)
        # Width and height of the PNG (IHDR): the figure size at 150 dpi.
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        inches = CHART_SIZES[kind]
        assert (width, height) == (round(inches[0] * 150), round(inches[1] * 150))
        # Shown at its own size: 96 CSS pixels an inch, 7 in wide (the text width).
        assert (f'<img src="chart-{kind}.png" alt="' in report.html
                and f'width="672" height="{round(inches[1] * 96)}"' in report.html)
    with pytest.raises(TypeError):
        report.images["chart-week.png"] = b""  # type: ignore[index]


def test_without_charts_there_is_no_image(demo_plan: Plan, foods: Mapping[FoodRef, Food],
                                          tables: DriTables, aisles: Aisles) -> None:
    report, _analysis, _sl = _report(demo_plan, foods, tables, aisles, MONDAY, SUNDAY,
                                     charts=False)
    assert report.images == {}
    assert "<img" not in report.html
    assert "Charts" not in _text_of(report.html)
    assert "Meals day by day" in report.html


def test_the_standalone_page_carries_its_images(
        demo: tuple[Report, Analysis, ShoppingList]) -> None:
    report, _analysis, _sl = demo
    page = report.standalone_html()

    assert 'src="chart-' not in page
    sources = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(sources) == len(CHART_KINDS)
    assert base64.b64decode(sources[0]) == report.images["chart-week.png"]
    assert Report("<p>x</p>").standalone_html() == "<p>x</p>"


def test_a_range_over_two_weeks_has_the_charts_of_each_week(
        foods: Mapping[FoodRef, Food], tables: DriTables, aisles: Aisles) -> None:
    saturday = dt.date(2026, 11, 28)
    days = tuple(Day(saturday + dt.timedelta(days=n), (Meal("Lunch", (Entry(RICE, 200, "g"),)),))
                 for n in range(3))
    plan = Plan(Profile("Ben", "male", 30), days, name="Rice")
    report, _analysis, _sl = _report(plan, foods, tables, aisles)

    mondays = (MONDAY, MONDAY + dt.timedelta(days=7))
    expected = [chart_image_name(kind, monday) for monday in mondays for kind in CHART_KINDS]
    assert IMG_SRC.findall(report.html) == expected
    assert expected[0] == "chart-week-2026-11-23.png"
    assert set(report.images) == set(expected)
    words = _text_of(report.html)
    # An open range: the heading names the days planned.
    assert "Saturday 28 November to Monday 30 November 2026" in words
    assert "Profile: Ben, male, 30 years" in words
    assert "Supplements: none." in words


def test_a_range_without_days(demo_plan: Plan, foods: Mapping[FoodRef, Food],
                              tables: DriTables, aisles: Aisles) -> None:
    start, end = dt.date(2027, 1, 4), dt.date(2027, 1, 10)
    report, analysis, _sl = _report(demo_plan, foods, tables, aisles, start, end)
    words = _text_of(report.html)

    assert analysis.days == ()
    assert report.images == {}
    assert "Monday 4 January 2027 to Sunday 10 January 2027" in words
    assert "The plan has no days in this range." in words
    assert "No days to chart." in words
    assert "Nothing to buy." in words
    assert "No meals planned between 2027-01-04 and 2027-01-10." in words
    assert "Findings None" in words
    assert "Not medical advice." in words


def test_what_the_user_typed_is_escaped(foods: Mapping[FoodRef, Food], tables: DriTables,
                                        aisles: Aisles) -> None:
    day = Day(MONDAY, (Meal("<i>Brunch</i> & co", (Entry(RICE, 200, "g"),)),))
    plan = Plan(Profile("<b>Ana</b>", "female", 45), (day,), name="Ana's <script>week")
    report, _analysis, _sl = _report(plan, foods, tables, aisles, charts=False)

    assert "<script>" not in report.html and "<b>Ana</b>" not in report.html
    assert "<i>Brunch" not in report.html
    assert report_title(plan) == "Weekly report \u2014 Ana's <script>week"
    words = _text_of(report.html)
    assert "Weekly report \u2014 Ana's <script>week" in words
    assert "Profile: <b>Ana</b>, female, 45 years" in words
    assert "<i>Brunch</i> & co" in words


def test_the_report_loads_neither_qt_nor_a_database() -> None:
    code = (
        "import json, sys\n"
        "import planner.reports.weekly\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert not {name for name in loaded
                if name.startswith(("PySide6", "shiboken6", "sqlalchemy", "matplotlib.pyplot"))}


# --- On paper -----------------------------------------------------------------------------


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed; run bootstrap.sh --test")
    return path


def pdf_text(path: Path) -> str:
    result = subprocess.run([_poppler("pdftotext"), str(path), "-"], capture_output=True,
                            text=True, check=True, timeout=60)
    return " ".join(result.stdout.split())


def pdf_images(path: Path) -> list[dict[str, str]]:
    """The images of a PDF as ``pdfimages -list`` reports them (page, width, height, enc)."""
    result = subprocess.run([_poppler("pdfimages"), "-list", str(path)], capture_output=True,
                            text=True, check=True, timeout=60)
    header, _rule, *rows = result.stdout.splitlines()
    names = header.split()
    return [dict(zip(names, row.split(), strict=False)) for row in rows]


def test_the_report_as_pdf_has_its_text_and_charts(
        qapp, demo: tuple[Report, Analysis, ShoppingList], tmp_path: Path) -> None:
    from planner.ui.common.printing import html_to_pdf

    report, analysis, _sl = demo
    target = tmp_path / "report.pdf"
    html_to_pdf(report.html, target, images=report.images)

    text = pdf_text(target)
    assert "Ana, female, 45" in text
    (finding,) = [f for f in analysis.week.findings if f.code == VITD_HIGH_MG_LOW]
    assert finding.message in text
    assert "Uwitonze" in text and "4 large eggs (200 g)" in text
    assert "Weekly report \u2014 Demo week" in text and "page 1 of" in text
    images = pdf_images(target)
    assert [(image["width"], image["height"]) for image in images] == [
        (str(round(w * 150)), str(round(h * 150))) for w, h in
        (CHART_SIZES[kind] for kind in CHART_KINDS)]
    # Lossless: a chart's thin lines and small labels are not blurred by JPEG.
    assert {image["enc"] for image in images} == {"image"}


def test_print_html_and_the_preview_take_the_images(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrinter

    from planner.ui.common.printing import preview_dialog, print_html

    report = Report('<html><head><title>Chart</title></head><body><p>Before</p>'
                    '<p><img src="chart-week.png" width="96" height="96"></p>'
                    "<p>After</p></body></html>",
                    {"chart-week.png": _png(40, 40)})
    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    print_html(report.html, printer, images=report.images)
    assert "Before" in pdf_text(printed) and len(pdf_images(printed)) == 1

    previewed = tmp_path / "preview.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(previewed))
    dialog = preview_dialog(report.html, None, printer, images=report.images)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.paintRequested, timeout=5000):
        dialog.show()
    assert printer.docName() == "Chart"
    QTimer.singleShot(0, dialog.reject)
    dialog.close()


def test_an_unreadable_image_is_a_print_error(qapp, tmp_path: Path) -> None:
    from planner.ui.common.printing import PrintError, html_to_pdf

    with pytest.raises(PrintError, match="chart-week.png"):
        html_to_pdf('<p><img src="chart-week.png"></p>', tmp_path / "x.pdf",
                    images={"chart-week.png": b"not a picture"})
    # Existing callers pass no images, as before.
    html_to_pdf("<p>No pictures</p>", tmp_path / "plain.pdf")
    assert pdf_images(tmp_path / "plain.pdf") == []


def _png(width: int, height: int) -> bytes:
    """A small grey PNG made with matplotlib's writer (no Qt needed to make it)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width / 100, height / 100), dpi=100, facecolor="#888888")
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()



def test_the_report_has_the_full_panel_coloured_by_status(
    demo: tuple[Report, Analysis, ShoppingList],
) -> None:
    report, analysis, _sl = demo
    words = _text_of(report.html)
    panel = words[words.index("The full panel (average a day)"):]
    average = analysis.week.average
    # Vitamin C: the week's average against Ana's RDA of 75 mg, in the Vitamins group.
    vitamin_c = average["vitamin_c_mg"]
    assert vitamin_c.value is not None and vitamin_c.percent is not None
    assert (f"Vitamin C {vitamin_c.value:.0f} mg {vitamin_c.percent:.0f} %"
            in panel.split("Minerals")[0])
    # Folate's UL counts folic acid only; magnesium's supplements only.
    assert "UL 1000 \u00b5g (folic acid only)" in panel
    assert "UL 350 mg (supplements only)" in panel
    # Calcium is below its EAR in the demo week (773 mg < 800 mg): in red, and said.
    assert re.search(r'style="color:#c62828"><b>77 %</b></td><td style="color:#c62828">'
                     r"below EAR", report.html)
    # No food has biotin: a dash, not zero.
    assert "Biotin \u2013 AI 30 \u00b5g" in panel
    assert "Ratios Calcium : magnesium 3.9 : 1 at most 2.6 : 1" in panel
    # The generic findings are explained once, naming each nutrient.
    assert ("Below the estimated average requirement (EAR): Calcium, Vitamin A, Vitamin E"
            in words)
