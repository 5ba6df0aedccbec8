"""Printing: HTML pages to PDF (QPdfWriter), to a QPrinter and through the print preview.

No test touches a real printer: every QPrinter here prints to a PDF file. The PDFs are
read back with ``pdftotext`` (poppler-utils, installed by ``bootstrap.sh --test``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QPageLayout
from PySide6.QtPrintSupport import QPrinter

from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan
from planner.services.database import Database
from planner.services.outputs import OutputExistsError, ProtectedFileError
from planner.services.shopping import ShoppingService
from planner.ui.common.printing import (
    MARGINS_MM,
    PrintError,
    ensure_gui_app,
    html_to_pdf,
    paint_html,
    preview_dialog,
    print_html,
    qt_html,
)

MONDAY = dt.date(2026, 11, 23)
RICE = FoodRef("usda-sr28", "20045")
A4_POINTS = (595, 842)


def pdf_text(path: Path) -> str:
    """The text of a PDF as ``pdftotext`` reads it (as is: ligatures are off, see below)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; run bootstrap.sh --test")
    command = ["pdftotext", str(path), "-"]
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return result.stdout


def pdf_pages(path: Path) -> tuple[int, tuple[int, int]]:
    """Page count and the first page's size in points, from ``pdfinfo``."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed; run bootstrap.sh --test")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    width, _x, height = fields["Page size"].split()[:3]
    return int(fields["Pages"]), (round(float(width)), round(float(height)))


def page(body: str, title: str = "Test page") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body>{body}</body></html>")


def test_ensure_gui_app_returns_the_running_application(qapp) -> None:
    assert ensure_gui_app() is qapp
    assert isinstance(QGuiApplication.instance(), QGuiApplication)


def test_html_to_pdf_writes_an_a4_pdf_with_the_text(qapp, tmp_path: Path) -> None:
    target = tmp_path / "page.pdf"
    html_to_pdf(page("<h1>Shopping</h1><p>1 fillet cooked salmon (356 g)</p>"), target)

    assert target.read_bytes().startswith(b"%PDF")
    assert pdf_pages(target) == (1, A4_POINTS)
    text = pdf_text(target)
    assert "Shopping" in text
    assert "1 fillet cooked salmon (356 g)" in text
    # The footer: the page's title and its number.
    assert "Test page" in text and "page 1 of 1" in text


def test_ligatures_are_off_so_the_pdf_text_reads_as_typed(qapp, tmp_path: Path) -> None:
    target = tmp_path / "page.pdf"
    html_to_pdf(page("<p>fillet fluid office</p>"), target)
    text = pdf_text(target)
    assert "fillet fluid office" in text
    assert "\ufb01" not in text and "\ufb02" not in text


def test_a_long_page_breaks_into_numbered_pages(qapp, tmp_path: Path) -> None:
    target = tmp_path / "long.pdf"
    rows = "".join(f"<tr><td>item {n}</td><td>{n} g</td></tr>" for n in range(1, 201))
    html_to_pdf(page(f"<table>{rows}</table>"), target)

    count, _size = pdf_pages(target)
    assert count >= 3
    text = pdf_text(target)
    assert f"page {count} of {count}" in text
    for n in (1, 100, 200):
        assert f"item {n}\n" in text or f"item {n} " in text


def test_a_pdf_in_a_missing_folder_is_a_clean_error(qapp, tmp_path: Path) -> None:
    with pytest.raises(PrintError, match="does not exist"):
        html_to_pdf(page("<p>x</p>"), tmp_path / "no" / "page.pdf")
    assert isinstance(PrintError("x"), OSError)


def test_print_html_on_a_pdf_printer(qapp, tmp_path: Path) -> None:
    target = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    print_html(page("<p>Printed on a PDF printer</p>"), printer)

    assert "Printed on a PDF printer" in pdf_text(target)


def test_the_printers_page_range_is_honoured(qapp, tmp_path: Path) -> None:
    target = tmp_path / "range.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setFromTo(2, 2)
    rows = "".join(f"<p>line {n}</p>" for n in range(1, 301))
    total = paint_html(page(rows), printer)

    assert total >= 3
    assert pdf_pages(target)[0] == 1
    text = pdf_text(target)
    assert f"page 2 of {total}" in text
    assert "line 1\n" not in text


def test_the_preview_paints_the_page_on_its_printer(qtbot, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "preview.pdf"))
    dialog = preview_dialog(page("<p>Preview</p>", "Shopping list"), None, printer)
    qtbot.addWidget(dialog)

    with qtbot.waitSignal(dialog.paintRequested, timeout=5000):
        dialog.show()
    assert printer.docName() == "Shopping list"
    margins = printer.pageLayout().margins(QPageLayout.Unit.Millimeter)
    assert round(margins.left()) == round(MARGINS_MM.left())
    QTimer.singleShot(0, dialog.reject)
    dialog.close()


def test_qt_html_turns_pt_lengths_into_px_but_leaves_font_sizes() -> None:
    source = ("<style>td { padding: 2pt 6pt; font-size: 9pt; }\n"
              "h2 { margin-top: 12pt; border-bottom: 1.5pt solid #888 }</style>"
              "<p>12pt of text stays</p>")
    converted = qt_html(source)
    assert "padding: 2.7px 8.0px" in converted
    assert "font-size: 9pt" in converted
    assert "margin-top: 16.0px" in converted
    assert "border-bottom: 2.0px solid #888" in converted
    assert "<p>12pt of text stays</p>" in converted


def test_the_shopping_list_pdf_contains_every_item(qapp, db: Database, tmp_path: Path) -> None:
    from planner.services.plans import PlanService

    service = ShoppingService(db)
    plan = PlanService(db).load_file_text(
        (Path(__file__).resolve().parent.parent.parent / "data" / "demo_week.json")
        .read_text(encoding="utf-8")
    ).plan
    extra = Plan(plan.profile, (*plan.days, Day(MONDAY + dt.timedelta(days=7), (
        Meal("Lunch", (Entry(RICE, 200, "g"),)),))), plan.supplements, plan.name)
    sl = service.build(extra, None, MONDAY, MONDAY + dt.timedelta(days=6))
    target = tmp_path / "list.pdf"
    html_to_pdf(service.export(sl, "html", title="Shopping list"), target)

    text = " ".join(pdf_text(target).split())
    assert len(sl.items) == 24
    for item in sl.items:
        assert item.display in text, item.display
    assert "This list supplies" in text


def test_a_pdf_never_replaces_the_database_and_needs_force_over_a_file(
    qapp, db_path: Path, tmp_path: Path
) -> None:
    before = db_path.read_bytes()
    for force in (False, True):
        with pytest.raises(ProtectedFileError, match="the planner database"):
            html_to_pdf(page("<p>x</p>"), db_path, force=force)
    assert db_path.read_bytes() == before

    mine = tmp_path / "mine.pdf"
    mine.write_bytes(b"my own PDF")
    with pytest.raises(OutputExistsError):
        html_to_pdf(page("<p>x</p>"), mine)
    assert mine.read_bytes() == b"my own PDF"
    html_to_pdf(page("<p>Replaced</p>"), mine, force=True)
    assert "Replaced" in pdf_text(mine)
    assert not list(tmp_path.glob(".*.partial"))


def test_a_pdf_printer_goes_through_write_output(qapp, db_path: Path, tmp_path: Path) -> None:
    """Print to file: the dialog asked before replacing a file, never the database."""
    link = tmp_path / "printed.pdf"
    link.symlink_to(db_path)
    before = db_path.read_bytes()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(link))
    with pytest.raises(ProtectedFileError):
        print_html(page("<p>Printed</p>"), printer)
    assert db_path.read_bytes() == before

    target = tmp_path / "old.pdf"
    target.write_bytes(b"the old printout")
    printer.setOutputFileName(str(target))
    print_html(page("<p>Printed again</p>"), printer)
    assert "Printed again" in pdf_text(target)
    assert printer.outputFileName() == str(target)
    assert not list(tmp_path.glob(".*.partial"))
