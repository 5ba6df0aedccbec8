"""Printing and PDF of the HTML pages of :mod:`planner.reports` (shopping list, week plan,
weekly report).

One way to put a page on paper: :func:`paint_html` lays the HTML out with Qt's rich
text (``QTextDocument``) on the page of any paged device and paints it page by page
with a small footer (the page's title and "page 2 of 3"). :func:`html_to_pdf` does it
on a ``QPdfWriter`` (A4, 15 mm margins), :func:`print_html` on a ``QPrinter`` (a real
one from the print dialog, or a PDF file), :func:`print_preview` in Qt's preview dialog.

Every PDF file goes through :func:`planner.services.outputs.write_output` (the page is
painted in memory or in a temporary file first): never over the database or a backup,
and a failed or interrupted write leaves the old file whole.

Qt's own ``QTextDocument.print_`` adds a fixed 2 cm frame inside the printer's margins
and bare page numbers; painting the pages here keeps the margins the page layout says.

A page may name images (``<img src="chart-week.png">``): every function takes their bytes
by name (``images=``, PNG or any format Qt reads) and hands them to the document as
resources, so nothing is read from disk (the weekly report of
:mod:`planner.reports.weekly` carries its charts that way).

The PDF functions need only a ``QGuiApplication`` (the command line makes one with
:func:`ensure_gui_app`, offscreen); the preview needs the window's ``QApplication``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final, cast

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintEngine,
    QPainter,
    QPalette,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from planner.services.outputs import check_output, write_output

__all__ = [
    "MARGINS_MM",
    "PrintError",
    "ensure_gui_app",
    "html_to_pdf",
    "paint_html",
    "pdf_bytes",
    "preview_dialog",
    "print_html",
    "print_preview",
    "qt_html",
]

#: Page margins of every printout, in millimetres (left, top, right, bottom).
MARGINS_MM: Final = QMarginsF(15, 15, 15, 12)
#: Height of the footer band under the text, in millimetres.
_FOOTER_MM: Final = 7.0
_FOOTER_POINT_SIZE: Final = 8
_FOOTER_COLOR: Final = QColor(90, 90, 90)
_MM_PER_INCH: Final = 25.4
_PX_PER_PT: Final = 96 / 72
_STYLE_BLOCK: Final = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
_DECLARATION: Final = re.compile(r"([\w-]+)\s*:([^;{}]*)")
_PT_LENGTH: Final = re.compile(r"(\d+(?:\.\d+)?)pt\b")
_PT_UNAWARE: Final = ("padding", "margin", "border", "width", "height", "text-indent")

# The application ensure_gui_app made: kept referenced so Python does not destroy it.
_own_app: QGuiApplication | None = None


class PrintError(OSError):
    """The page could not be painted (a PDF file that cannot be written, a printer error)."""


def ensure_gui_app() -> QGuiApplication:
    """The running ``QGuiApplication``, or a new one for headless use (the command line).

    On Linux without ``QT_QPA_PLATFORM`` set, the new application uses the offscreen
    platform: making a PDF needs fonts, not a display.
    """
    global _own_app
    app = QGuiApplication.instance()
    if app is None:
        argv = ["planner"]
        if sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ:
            argv += ["-platform", "offscreen"]
        app = _own_app = QGuiApplication(argv)
    if not isinstance(app, QGuiApplication):
        raise RuntimeError("a QCoreApplication is running; printing needs a QGuiApplication")
    return app


def _px(match: re.Match[str]) -> str:
    return f"{float(match.group(1)) * _PX_PER_PT:.1f}px"


def _lengths_in_px(match: re.Match[str]) -> str:
    prop, value = match.group(1), match.group(2)
    if prop.strip().lower().startswith(_PT_UNAWARE):
        value = _PT_LENGTH.sub(_px, value)
    return f"{prop}:{value}"


def qt_html(html: str) -> str:
    """``html`` with the CSS lengths Qt's rich text misreads rewritten for it.

    Qt's CSS parser knows px, em and ex for padding, margins, borders and widths, but not
    pt: ``padding: 2pt 4pt`` comes out as no padding at all. The pages of
    :mod:`planner.reports` are written for print, in pt, and read right in a browser; here
    those lengths become px (1 pt = 4/3 px, CSS's own ratio). Font sizes in pt stay.
    """
    def rewrite_style(block: re.Match[str]) -> str:
        return _DECLARATION.sub(_lengths_in_px, block.group(0))

    return _STYLE_BLOCK.sub(rewrite_style, html)


def _document(html: str, images: Mapping[str, bytes] | None = None) -> QTextDocument:
    """``html`` as a Qt rich-text document, with ``images`` as its image resources."""
    document = QTextDocument()
    if hasattr(QFont, "setFeature"):  # Qt 6.7+
        # Without ligatures the PDF's text reads back as typed: "fillet", not "ﬁllet"
        # (U+FB01), so a search or copy from the PDF finds the word.
        font = document.defaultFont()
        for tag in ("liga", "clig"):
            font.setFeature(QFont.Tag(tag), 0)
        document.setDefaultFont(font)
    # Before the HTML: laying it out looks the images up, and an unknown name would be
    # looked for as a file.
    for name, data in (images or {}).items():
        image = QImage.fromData(data)
        if image.isNull():
            raise PrintError(f"the image {name} of the page could not be read")
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    document.setHtml(qt_html(html))
    return document


def _title(document: QTextDocument) -> str:
    return document.metaInformation(QTextDocument.MetaInformation.DocumentTitle)


def _pages_to_paint(device: QPagedPaintDevice, count: int) -> range:
    """The pages (0-based) the user chose in the print dialog, else all of them."""
    if isinstance(device, QPrinter) and device.fromPage() > 0:
        first = min(device.fromPage(), count) - 1
        last = min(device.toPage() or count, count)
        return range(first, max(last, first + 1))
    return range(count)


def paint_html(html: str, device: QPagedPaintDevice, *,
               images: Mapping[str, bytes] | None = None) -> int:
    """Lay ``html`` out on the pages of ``device`` and paint them; returns the page count.

    The device's page layout (size, margins) is used as it is; a footer with the page's
    ``<title>`` and the page number goes in the bottom margin band. ``images`` are the
    images the page names, by name.
    """
    ensure_gui_app()
    target = _pdf_file_of(device)
    if target is None:
        return _paint(_document(html, images), device)
    # A PDF printer (the print dialog's "Print to file", which asked before replacing a
    # file): Qt would write the file in place, so paint a temporary one and hand its bytes
    # to write_output, which never replaces the database and never leaves half a file.
    printer = cast(QPrinter, device)
    check_output(target, force=True)
    with tempfile.TemporaryDirectory(prefix="planner-print-") as folder:
        printer.setOutputFileName(os.path.join(folder, "page.pdf"))
        try:
            count = _paint(_document(html, images), printer)
        finally:
            printer.setOutputFileName(target)
        data = Path(folder, "page.pdf").read_bytes()
    write_output(target, data, force=True)
    return count


def _pdf_file_of(device: QPagedPaintDevice) -> str | None:
    """The file a PDF printer writes (not while it paints a print preview), else None."""
    if not isinstance(device, QPrinter):
        return None
    if device.outputFormat() != QPrinter.OutputFormat.PdfFormat or not device.outputFileName():
        return None
    engine = device.paintEngine()
    if engine is None or engine.type() != QPaintEngine.Type.Pdf:
        return None  # the preview paints on its own (picture) engine
    return device.outputFileName()


def _paint(document: QTextDocument, device: QPagedPaintDevice) -> int:
    layout = document.documentLayout()
    layout.setPaintDevice(device)
    dpi = device.logicalDpiY()
    footer = _FOOTER_MM / _MM_PER_INCH * dpi
    width, height = float(device.width()), float(device.height())
    page_height = height - footer
    if width <= 0 or page_height <= 0:
        raise PrintError("the page is too small for its margins")
    # Set after the paint device: the page size is what makes the document lay out again.
    document.setPageSize(QSizeF(width, page_height))
    count = document.pageCount()
    title = _title(document)

    painter = QPainter()
    if not painter.begin(device):
        raise PrintError("the page could not be painted (is the file writable?)")
    # Images (the report's charts) go into a PDF as they are: by default Qt re-encodes
    # them as JPEG, which blurs the lines and small labels of a chart.
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)
    try:
        context = QAbstractTextDocumentLayout.PaintContext()
        # Paper is white whatever the desktop theme: text defaults to black, not the palette's.
        palette = QPalette(context.palette)
        palette.setColor(QPalette.ColorRole.Text, QColor(0, 0, 0))
        context.palette = palette
        footer_font = QFont(QGuiApplication.font())
        footer_font.setPointSize(_FOOTER_POINT_SIZE)
        first = True
        for page in _pages_to_paint(device, count):
            if not first and not device.newPage():
                raise PrintError("the printer refused a new page")
            first = False
            top = page * page_height
            painter.save()
            painter.translate(0, -top)
            clip = QRectF(0, top, width, page_height)
            painter.setClipRect(clip)
            context.clip = clip
            layout.draw(painter, context)
            painter.restore()
            painter.save()
            painter.setFont(footer_font)
            painter.setPen(_FOOTER_COLOR)
            band = QRectF(0, page_height, width, footer)
            bottom = Qt.AlignmentFlag.AlignBottom
            if title:
                painter.drawText(band, int(Qt.AlignmentFlag.AlignLeft | bottom), title)
            painter.drawText(band, int(Qt.AlignmentFlag.AlignRight | bottom),
                             f"page {page + 1} of {count}")
            painter.restore()
    finally:
        painter.end()
    return count


def paper_size(paper: str) -> QPageSize.PageSizeId:
    """The page size of a paper name: ``letter`` (US Letter) or ``a4`` (anything else)."""
    return QPageSize.PageSizeId.Letter if paper == "letter" else QPageSize.PageSizeId.A4


def _page_layout(page_size: QPageSize.PageSizeId) -> QPageLayout:
    return QPageLayout(QPageSize(page_size), QPageLayout.Orientation.Portrait, MARGINS_MM,
                       QPageLayout.Unit.Millimeter)


def pdf_bytes(html: str, *, page_size: QPageSize.PageSizeId = QPageSize.PageSizeId.A4,
              images: Mapping[str, bytes] | None = None) -> bytes:
    """``html`` as the bytes of a PDF file (A4 by default, 15 mm margins), in memory."""
    ensure_gui_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(_page_layout(page_size))
    writer.setCreator("planner")
    document = _document(html, images)
    title = _title(document)
    if title:
        writer.setTitle(title)
    _paint(document, writer)
    del writer  # finishes the file in the buffer
    buffer.close()
    return bytes(buffer.data().data())


def html_to_pdf(html: str, path: str | os.PathLike[str], *,
                page_size: QPageSize.PageSizeId = QPageSize.PageSizeId.A4,
                images: Mapping[str, bytes] | None = None, force: bool = False) -> None:
    """Write ``html`` as a PDF file at ``path`` (A4 by default, 15 mm margins).

    The file goes through :func:`planner.services.outputs.write_output`: never over the
    database or a backup, over another existing file only with ``force``, and whole or
    not at all. ``images`` are the images the page names, by name. Raises an
    ``OSError`` (:class:`PrintError`, or :class:`~planner.services.outputs.OutputError`)
    when the file cannot be written or an image cannot be read.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise PrintError(f"{target}: the folder {target.parent} does not exist")
    check_output(target, force=force)  # before the work: a refusal comes at once
    try:
        data = pdf_bytes(html, page_size=page_size, images=images)
    except PrintError as error:
        raise PrintError(f"{target}: {error}") from None
    write_output(target, data, force=force)


def print_html(html: str, printer: QPrinter, *,
               images: Mapping[str, bytes] | None = None) -> None:
    """Print ``html`` on ``printer`` (its own page size; pages chosen in its dialog)."""
    paint_html(html, printer, images=images)


def _prepare(printer: QPrinter, html: str) -> None:
    printer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    # The title alone: the images are not needed to read it.
    title = _title(_document(html))
    if title:
        printer.setDocName(title)


def preview_dialog(html: str, parent: QWidget | None = None,
                   printer: QPrinter | None = None, *,
                   images: Mapping[str, bytes] | None = None) -> QPrintPreviewDialog:
    """Qt's print preview of ``html``, not yet shown (its Print button prints for real).

    Without ``printer`` a high-resolution printer for the system's default is made, with
    the default paper of the user's locale; the margins are set to :data:`MARGINS_MM`.
    ``images`` are the images the page names, by name.
    """
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    _prepare(printer, html)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview \u2014 {printer.docName() or 'planner'}")
    dialog.paintRequested.connect(lambda device: print_html(html, device, images=images))
    # The dialog does not own the printer; keep the Python wrapper alive with it.
    dialog._planner_printer = printer  # type: ignore[attr-defined]
    return dialog


def print_preview(html: str, parent: QWidget | None = None,
                  printer: QPrinter | None = None, *,
                  images: Mapping[str, bytes] | None = None) -> bool:
    """Show the print preview of ``html`` (modal); True if the user printed."""
    dialog = preview_dialog(html, parent, printer, images=images)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
