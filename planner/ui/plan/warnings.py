"""The warnings banner and the dialog that explains one finding.

:class:`WarningsBanner` lists the findings of the shown day and of the week average, most
severe first, a few rows at a time; "Why?" on a row emits :attr:`finding_activated` and
opens a :class:`FindingDialog` with the numbers, the reasoning, the references and the
statement that this is information, not medical advice.

Findings arrive as data (:class:`~planner.core.rules.Finding`): every sentence about
nutrition comes from the core rules except the few lines of guidance written here, and
the widgets compute nothing.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QDate, QLocale, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.core.nutrients import BY_KEY
from planner.core.references import DISCLAIMER
from planner.core.rules import (
    BELOW_EAR,
    CA_MG_RATIO_HIGH,
    LOW_COVERAGE,
    MG_SUPPLEMENT_ABOVE_UL,
    SEVERITIES,
    VITD_ABOVE_UL,
    VITD_HIGH_MG_LOW,
    Finding,
    Severity,
)
from planner.core.targets import Targets
from planner.core.units import format_nutrient
from planner.ui.common.widgets import SignalColor, signal_color

__all__ = ["NOT_ADVICE", "FindingDialog", "WarningsBanner", "finding_title", "ordered_findings"]

#: Rows shown before the "N more" expander.
MAX_ROWS: Final = 3
NOT_ADVICE: Final = "This is information, not medical advice."
NO_WARNINGS: Final = "No warnings for this day."
# Section headings of the dialog, spaced a little more than Qt's default rich text.
_HEADING: Final = "<h4 style='margin-top: 12px'>{}</h4>"

_TITLES: Final = {
    VITD_HIGH_MG_LOW: "Vitamin D high, magnesium low",
    VITD_ABOVE_UL: "Vitamin D above the upper limit",
    MG_SUPPLEMENT_ABOVE_UL: "Magnesium supplements above the upper limit",
    CA_MG_RATIO_HIGH: "Much calcium for the magnesium",
    LOW_COVERAGE: "Some foods have no value",
}
_SEVERITY_COLORS: Final[dict[Severity, SignalColor]] = {
    "alert": "red", "warning": "amber", "info": "blue",
}
_SEVERITY_NAMES: Final[dict[Severity, str]] = {
    "alert": "Alert", "warning": "Warning", "info": "Note",
}
_RANK: Final = {severity: rank for rank, severity in enumerate(reversed(SEVERITIES))}


def finding_title(finding: Finding) -> str:
    """A short heading for ``finding``: ``Vitamin D high, magnesium low``."""
    return _TITLES.get(finding.code, finding.code.replace("_", " ").capitalize())


def scope_text(finding: Finding) -> str:
    """``Week average`` or the finding's day, ``Mon 23 Nov``."""
    if finding.day is None:
        return "Week average"
    day = QDate(finding.day.year, finding.day.month, finding.day.day)
    return QLocale().toString(day, "ddd d MMM")


def ordered_findings(
    day_findings: Sequence[Finding], week_findings: Sequence[Finding]
) -> tuple[Finding, ...]:
    """Alerts, then warnings, then notes; the day's before the week's within each.

    A week finding that says exactly what a day finding says (a plan of one day) is
    shown once. A nutrient below its EAR on the week (``below_ear:``) is not repeated
    here: the full panel marks it beside its value, and the report lists it.
    """
    said = {(finding.code, finding.message) for finding in day_findings}
    week = [f for f in week_findings if (f.code, f.message) not in said
            and not f.code.startswith(f"{BELOW_EAR}:")]
    return tuple(sorted((*day_findings, *week), key=lambda finding: _RANK[finding.severity]))


def severity_icon(severity: Severity, palette: QPalette, size: int = 16) -> QPixmap:
    """A round (alert, note) or triangular (warning) badge in the severity's colour."""
    color = signal_color(_SEVERITY_COLORS[severity], palette)
    return _badge(color, "i" if severity == "info" else "!", size, triangle=severity == "warning")


def _badge(color: QColor, glyph: str, size: int, *, triangle: bool = False) -> QPixmap:
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    box = QRectF(0.5, 0.5, size - 1.0, size - 1.0)
    if triangle:
        painter.drawPolygon(QPolygonF([
            QPointF(box.center().x(), box.top()), QPointF(box.right(), box.bottom()),
            QPointF(box.left(), box.bottom()),
        ]))
        glyph_box = box.adjusted(0, size * 0.2, 0, 0)
    else:
        painter.drawEllipse(box)
        glyph_box = box
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.7))
    painter.setFont(font)
    painter.setPen(QPen(QColor("white")))
    painter.drawText(glyph_box, Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return pixmap


class _FindingRow(QFrame):
    """One finding: badge, scope, message and a "Why?" button, on a tint of its colour."""

    def __init__(self, finding: Finding, parent: QWidget) -> None:
        super().__init__(parent)
        self.finding = finding
        self.icon = QLabel(self)
        self.icon.setPixmap(severity_icon(finding.severity, self.palette()))
        self.icon.setToolTip(_SEVERITY_NAMES[finding.severity])
        self.scope = QLabel(scope_text(finding), self)
        bold = QFont(self.scope.font())
        bold.setBold(True)
        self.scope.setFont(bold)
        self.message = QLabel(finding.message, self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why = QToolButton(self)
        self.why.setText("Why?")
        self.why.setToolTip("What this means, the numbers and the studies behind it")
        self.why.setAccessibleName(f"Why? {finding_title(finding)}")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 3, 6, 3)
        layout.setSpacing(8)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.scope, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.why, 0, Qt.AlignmentFlag.AlignTop)
        # Badge, scope and the "Why?" button line up with the first line of the message.
        first_line = max(self.message.fontMetrics().height(), self.why.sizeHint().height())
        for widget in (self.icon, self.scope):
            widget.setFixedHeight(first_line)
        self.message.setMinimumHeight(first_line)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = signal_color(_SEVERITY_COLORS[self.finding.severity], self.palette())
        tint = QColor(color)
        tint.setAlpha(38)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint)
        painter.drawRoundedRect(rect, 4, 4)
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        painter.end()


class WarningsBanner(QWidget):
    """The findings of the shown day and the week, most severe first."""

    #: The :class:`~planner.core.rules.Finding` whose "Why?" was clicked.
    finding_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, opens_dialogs: bool = True) -> None:
        super().__init__(parent)
        #: Whether "Why?" opens a :class:`FindingDialog` (besides the signal).
        self.opens_dialogs = opens_dialogs
        self._findings: tuple[Finding, ...] = ()
        #: False until the first set_findings: the rows must then be built even if empty.
        self._built = False
        self._targets: Targets | None = None
        self._expanded = False
        self._rows: list[_FindingRow] = []
        self.dialog: FindingDialog | None = None

        self.empty_row = QWidget(self)
        ok_icon = QLabel(self.empty_row)
        ok_icon.setPixmap(_badge(signal_color("green", self.palette()), "✓", 14))
        self.empty_label = QLabel(NO_WARNINGS, self.empty_row)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        empty_layout = QHBoxLayout(self.empty_row)
        empty_layout.setContentsMargins(10, 2, 2, 2)
        empty_layout.setSpacing(8)
        empty_layout.addWidget(ok_icon)
        empty_layout.addWidget(self.empty_label, 1)
        self.more_button = QToolButton(self)
        self.more_button.setAutoRaise(True)
        self.more_button.clicked.connect(lambda: self.set_expanded(not self._expanded))

        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.empty_row)
        layout.addLayout(self._rows_layout)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._rebuild()

    # -- API ----------------------------------------------------------------------------

    def set_findings(
        self,
        day_findings: Sequence[Finding],
        week_findings: Sequence[Finding],
        *,
        targets: Targets | None = None,
    ) -> None:
        """Show these findings; ``targets`` only names thresholds in the dialog (RDA, AI)."""
        findings = ordered_findings(day_findings, week_findings)
        if findings == self._findings and targets == self._targets and self._built:
            # Most edits leave the findings as they were: rebuilding the rows is the
            # costly part of an edit's refresh (a widget per finding).
            return
        self._built = True
        self._findings = findings
        self._targets = targets
        self._expanded = False
        self._rebuild()

    def findings(self) -> tuple[Finding, ...]:
        """All findings in display order (shown or behind the expander)."""
        return self._findings

    def visible_messages(self) -> list[str]:
        """The messages of the rows currently shown."""
        return [row.message.text() for row in self._rows if not row.isHidden()]

    def why_buttons(self) -> list[QToolButton]:
        """The "Why?" buttons of the rows currently shown, top to bottom."""
        return [row.why for row in self._rows if not row.isHidden()]

    def is_expanded(self) -> bool:
        return self._expanded

    def set_expanded(self, expanded: bool) -> None:
        """Show every finding (``True``) or the first :data:`MAX_ROWS`."""
        self._expanded = expanded
        self._update_visibility()

    def activate(self, finding: Finding) -> None:
        """What "Why?" does: emit :attr:`finding_activated`, then open the dialog."""
        self.finding_activated.emit(finding)
        if self.opens_dialogs:
            if self.dialog is not None:
                self.dialog.close()
                self.dialog.deleteLater()
            self.dialog = FindingDialog(finding, self, targets=self._targets)
            self.dialog.show()

    # -- display ------------------------------------------------------------------------

    def _rebuild(self) -> None:
        for row in self._rows:
            self._rows_layout.removeWidget(row)
            # Hidden now: deleteLater alone would leave it painted until the event loop runs.
            row.hide()
            row.deleteLater()
        self._rows = []
        for finding in self._findings:
            row = _FindingRow(finding, self)
            row.why.clicked.connect(lambda _checked=False, f=finding: self.activate(f))
            self._rows_layout.addWidget(row)
            self._rows.append(row)
        # One scope column, so the messages start in line.
        scope_width = max((row.scope.sizeHint().width() for row in self._rows), default=0)
        for row in self._rows:
            row.scope.setFixedWidth(scope_width)
        self._update_visibility()

    def _update_visibility(self) -> None:
        count = len(self._rows)
        self.empty_row.setVisible(count == 0)
        for index, row in enumerate(self._rows):
            row.setVisible(self._expanded or index < MAX_ROWS)
        hidden = count - MAX_ROWS
        self.more_button.setVisible(hidden > 0)
        if hidden > 0:
            more = f"{hidden} more finding" + ("" if hidden == 1 else "s")
            self.more_button.setText("Show fewer" if self._expanded else f"Show {more}…")
        self.updateGeometry()


# -- the dialog -----------------------------------------------------------------------------


def _unit(name: str) -> str:
    """The unit at the end of a number's name: ``magnesium_threshold_mg`` -> ``mg``."""
    suffix = name.rsplit("_", 1)[-1]
    return {"ug": "µg", "mg": "mg", "g": "g", "kcal": "kcal"}.get(suffix, "")


def _threshold(value: float, unit: str) -> str:
    return f"{value:g} {unit}".strip()


def _amount_against(key: str, value: float, threshold: float | None = None) -> str:
    """``value`` as the rules write it, with a decimal more if it would round onto ``threshold``
    (259.6 mg shown as "260 mg" beside an EAR of 260 mg would not read as below it)."""
    text = format_nutrient(key, value)
    if threshold is not None and value != threshold and float(text.split()[0]) == threshold:
        text = f"{value:.{2 if BY_KEY[key].unit == 'µg' else 1}f} {BY_KEY[key].unit}"
    return text


def _kind_label(targets: Targets | None, key: str, threshold: float, default: str) -> str:
    """``RDA``, ``AI`` or ``your target`` when ``threshold`` is that target, else a plain word."""
    if targets is None:
        return default
    target = targets.get(key)
    if target is None:
        return "threshold"
    if target.recommended is not None and math.isclose(threshold, target.recommended):
        return "your target" if target.kind == "user" else target.kind
    if target.ear is not None and math.isclose(threshold, target.ear):
        return "EAR"
    return "threshold"


def number_rows(finding: Finding, targets: Targets | None = None) -> list[tuple[str, str, str]]:
    """The table of a finding: (what, amount, compared with)."""
    n = finding.numbers
    if finding.code == VITD_HIGH_MG_LOW:
        vitd_limit, mg_limit = n["vitamin_d_threshold_ug"], n["magnesium_threshold_mg"]
        vitd_kind = _kind_label(targets, "vitamin_d_ug", vitd_limit, "RDA")
        mg_kind = _kind_label(targets, "magnesium_mg", mg_limit, "EAR")
        return [
            ("Vitamin D", format_nutrient("vitamin_d_ug", n["vitamin_d_ug"]),
             f"{vitd_kind} {_threshold(vitd_limit, 'µg')}, high at or above"),
            ("Magnesium", _amount_against("magnesium_mg", n["magnesium_mg"], mg_limit),
             f"{mg_kind} {_threshold(mg_limit, 'mg')}, low below"),
        ]
    if finding.code == VITD_ABOVE_UL:
        rows = [("Vitamin D", format_nutrient("vitamin_d_ug", n["vitamin_d_ug"]),
                 f"UL {_threshold(n['vitamin_d_ul_ug'], 'µg')}")]
        if n.get("vitamin_d_from_supplements_ug"):
            rows.append(("of it from supplements",
                         format_nutrient("vitamin_d_ug", n["vitamin_d_from_supplements_ug"]), ""))
        return rows
    if finding.code == MG_SUPPLEMENT_ABOVE_UL:
        return [("Magnesium from supplements",
                 format_nutrient("magnesium_mg", n["magnesium_from_supplements_mg"]),
                 f"UL {_threshold(n['magnesium_ul_mg'], 'mg')} (supplements only)")]
    if finding.code == CA_MG_RATIO_HIGH:
        return [
            ("Calcium", format_nutrient("calcium_mg", n["calcium_mg"]), ""),
            ("Magnesium", format_nutrient("magnesium_mg", n["magnesium_mg"]), ""),
            ("Calcium : magnesium", f"{n['ratio']:.1f}", f"at most {n['ratio_max']:g}"),
        ]
    if finding.code == LOW_COVERAGE:
        rows = [("Foods with a value", f"{n['known']:g}", ""),
                ("Foods without a value", f"{n['unknown']:g}", "")]
        for key, value in n.items():
            if key in BY_KEY:
                rows.append((f"{BY_KEY[key].label} (known part)", format_nutrient(key, value), ""))
        return rows
    return [(name.replace("_", " "), _threshold(value, _unit(name)), "")
            for name, value in n.items()]


def _explanation(finding: Finding) -> str:
    # The rules end their explanations with the disclaimer; the dialog shows it as its own note.
    return finding.explanation.removesuffix(DISCLAIMER).rstrip()


class FindingDialog(QDialog):
    """Everything about one finding: message, numbers, why it matters, references.

    The body is a read-only text browser, so all of it wraps and can be selected and
    copied; "Copy" puts the whole text on the clipboard.
    """

    _WIDTH: Final = 640
    _MAX_HEIGHT: Final = 640

    def __init__(
        self,
        finding: Finding,
        parent: QWidget | None = None,
        *,
        targets: Targets | None = None,
    ) -> None:
        super().__init__(parent)
        self.finding = finding
        self.setWindowTitle(f"{finding_title(finding)} – {scope_text(finding)}")

        icon = QLabel(self)
        icon.setPixmap(severity_icon(finding.severity, self.palette(), 22))
        self.title = QLabel(finding_title(finding), self)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scope = "week average" if finding.day is None else QLocale().toString(
            QDate(finding.day.year, finding.day.month, finding.day.day), "dddd d MMMM yyyy")
        self.subtitle = QLabel(f"{_SEVERITY_NAMES[finding.severity]} · {scope}", self)
        self.subtitle.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.body = QTextBrowser(self)
        self.body.setOpenLinks(False)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        markup, self._text = self._build(targets)
        self.body.setHtml(markup)
        # Outside the scrolled text, so it is seen without scrolling to the end.
        self.note = QLabel(f"<b>{html.escape(NOT_ADVICE)}</b> {html.escape(DISCLAIMER)}", self)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy text", self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_text)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        heading = QHBoxLayout()
        heading.setSpacing(10)
        heading.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        heading.addLayout(titles, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(self.sizeHint())

    def sizeHint(self) -> QSize:
        # As tall as the text needs at this width, within what fits on a laptop screen.
        document = self.body.document().clone(self)
        document.setTextWidth(self._WIDTH - 40)
        chrome = super().sizeHint().height() - self.body.sizeHint().height()
        height = chrome + int(document.size().height()) + 8
        document.deleteLater()
        return QSize(self._WIDTH, max(320, min(height, self._MAX_HEIGHT)))

    def text(self) -> str:
        """The dialog's text as plain text (what "Copy text" copies)."""
        return self._text

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self._text)

    def _build(self, targets: Targets | None) -> tuple[str, str]:
        """The body as HTML for the browser and as plain text for the clipboard."""
        finding = self.finding
        esc = html.escape
        markup = [f"<p>{esc(finding.message)}</p>"]
        plain = [f"{self.title.text()} ({self.subtitle.text()})", "", finding.message]

        def section(heading: str, paragraph: str) -> None:
            markup.append(f"{_HEADING.format(esc(heading))}<p>{esc(paragraph)}</p>")
            plain.extend(["", heading, paragraph])

        rows = number_rows(finding, targets)
        if rows:
            amount_heading = "This day" if finding.day is not None else "Week average"
            header = ("<tr><th align='left'>Nutrient</th>"
                      f"<th align='right'>{amount_heading}</th>"
                      "<th align='left'>Compared with</th></tr>")
            cells = "".join(
                f"<tr><td>{esc(what)}</td><td align='right'><b>{esc(amount)}</b></td>"
                f"<td>{esc(against)}</td></tr>"
                for what, amount, against in rows
            )
            markup.append(_HEADING.format("The numbers") +
                          f"<table cellspacing='0' cellpadding='3' style='margin-bottom: 6px'>"
                          f"{header}{cells}</table>")
            plain.extend(["", "The numbers"])
            plain.extend(
                f"  {what}: {amount}" + (f" – {against}" if against else "")
                for what, amount, against in rows
            )
        if finding.advice:
            section("What you can do", finding.advice)
        section("Why it matters", _explanation(finding))
        if finding.references:
            items = "".join(f"<li>{esc(str(reference))}</li>" for reference in finding.references)
            markup.append(f"{_HEADING.format('References')}<ol>{items}</ol>")
            plain.extend(["", "References"])
            plain.extend(f"  {n}. {reference}"
                         for n, reference in enumerate(finding.references, 1))
        plain.extend(["", f"{NOT_ADVICE} {DISCLAIMER}"])
        return "".join(markup), "\n".join(plain) + "\n"
