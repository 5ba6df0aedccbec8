"""The full nutrient panel under the totals panel's big bars: every tracked nutrient, group
by group (vitamins, minerals, energy and macronutrients, lipids), and the ratios.

Each nutrient is one row: its name (a part such as retinol indented under its whole), the
amount with its unit (``≥`` in front when some foods have no value, ``–`` when nothing is
known), the percent of the recommended amount and a compact bar with the EAR, RDA/AI and
UL ticks; the tooltip says the numbers and the coverage. A ratio row shows the ratio, its
reference range and a mark when it is outside the range.

Wide, a row is one line (name, amount, percent, bar); narrow (a side panel in a small
window) it is two: name and amount, then the bar and the percent. Groups collapse.

The rows are made once: new totals only change their texts and bars (see
:meth:`FullPanel.show_totals`), so an edit updates the panel without building anything.
What a status is comes from core (:func:`planner.core.status.nutrient_status`,
:attr:`planner.core.ratios.RatioValue.in_range`); its colour from :func:`signal_color`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QToolButton, QWidget

from planner.core.nutrients import BY_KEY, GROUP_LABELS, PANEL
from planner.core.ratios import RATIOS, Ratio
from planner.core.targets import Target, Targets
from planner.core.totals import NutrientTotal
from planner.ui.common.widgets import signal_color
from planner.ui.plan.nutrient_bar import NO_VALUE, NutrientBar, coverage_text, value_text

__all__ = ["GROUPS", "RATIOS_GROUP", "FullPanel", "PanelRow", "RatioRow", "ratio_range"]

#: The group of the ratio rows, after the nutrient groups.
RATIOS_GROUP: Final = "ratios"
#: Every group of the panel, in display order, with its heading.
GROUPS: Final[tuple[tuple[str, str], ...]] = (
    *((group, GROUP_LABELS[group]) for group, _keys in PANEL),
    (RATIOS_GROUP, "Ratios"),
)
#: Collapsed when the panel opens: the micronutrients and ratios are what the panel is
#: about; energy is on top already, and the lipids are a long list most days do not need.
DEFAULT_COLLAPSED: Final = frozenset({"energy", "lipids"})
#: The property that names a row's nutrient (or ratio) on each of its widgets.
KEY_PROPERTY: Final = "nutrient_key"
_INDENT: Final = 12
_SPACING: Final = 6
#: The narrowest bar worth a line of its own beside the numbers.
_WIDE_BAR: Final = 90


def ratio_range(ratio: Ratio) -> str:
    """The reference range in short: ``≤ 2.6 : 1``, ``≥ 1.7 : 1``, ``8–15 : 1``."""
    if ratio.low is not None and ratio.high is not None:
        return f"{ratio.low:g}–{ratio.high:g} : 1"
    if ratio.high is not None:
        return f"≤ {ratio.high:g} : 1"
    return f"≥ {ratio.low:g} : 1"


def _number_label(parent: QWidget) -> QLabel:
    label = QLabel("", parent)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return label


def _small(label: QLabel) -> QLabel:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    return label


class _Line:
    """The widgets of one row and where they go in the grid: the name and the amount
    first, then the percent (or mark) and the bar (or range)."""

    key: str
    name: QLabel
    value: QLabel
    percent: QLabel
    extra: QWidget
    #: Whether the row's group is expanded.
    expanded: bool = True

    def widgets(self) -> tuple[QWidget, ...]:
        return self.name, self.value, self.percent, self.extra

    def place(self, grid: QGridLayout, row: int, *, wide: bool) -> None:
        """Put the row at grid rows ``row`` and ``row + 1`` (the second one narrow only)."""
        for widget in self.widgets():
            grid.removeWidget(widget)
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.value, row, 1)
        if wide:
            grid.addWidget(self.percent, row, 2)
            grid.addWidget(self.extra, row, 3)
        else:
            grid.addWidget(self.extra, row + 1, 0)
            grid.addWidget(self.percent, row + 1, 1)

    def set_shown(self, shown: bool) -> None:
        """Show the row (its group is expanded) or hide it."""
        self.expanded = shown
        for widget in self.widgets():
            widget.setVisible(shown and self._wanted(widget))

    def _wanted(self, widget: QWidget) -> bool:
        return True

    def _tooltip(self, text: str) -> None:
        if self.name.toolTip() != text:
            for widget in self.widgets():
                widget.setToolTip(text)


class PanelRow(_Line):
    """One nutrient of the full panel."""

    def __init__(self, key: str, parent: QWidget) -> None:
        self.key = key
        nutrient = BY_KEY[key]
        self.is_part = nutrient.part_of is not None
        self.name = QLabel(nutrient.label, parent)
        self.name.setWordWrap(True)
        if self.is_part:
            self.name.setIndent(_INDENT)
        self.value = _number_label(parent)
        self.value.setText(NO_VALUE)
        self.percent = _small(_number_label(parent))
        self.bar = NutrientBar(parent, compact=True)
        self.extra = self.bar
        self._coverage = ""
        self._has_target = True
        for widget in self.widgets():
            widget.setProperty(KEY_PROPERTY, key)

    def show_total(self, total: NutrientTotal | None, target: Target | None,
                   totals: Mapping[str, NutrientTotal] | None, *, week: bool) -> None:
        self.bar.set_total(total, target, totals)
        self.value.setText(value_text(total))
        percent = None if total is None else total.percent
        self.percent.setText("" if percent is None or total is None or total.value is None
                             else f"{percent:.0f} %")
        self._coverage = "" if total is None else coverage_text(total, week=week)
        has_target = target is not None
        if has_target != self._has_target:
            # Without a target a bar would only say "this much of itself".
            self._has_target = has_target
            self.set_shown(self.expanded)
        self._tooltip(self.bar.toolTip())

    def _wanted(self, widget: QWidget) -> bool:
        return self._has_target or widget not in (self.bar, self.percent)

    def texts(self) -> dict[str, str]:
        return {
            "name": self.name.text(),
            "value": self.value.text(),
            "percent": self.percent.text(),
            "coverage": self._coverage,
        }


class RatioRow(_Line):
    """One ratio: its value, its reference range and a mark when it is outside it."""

    def __init__(self, ratio: Ratio, parent: QWidget) -> None:
        self.ratio = ratio
        self.key = ratio.key
        self.name = QLabel(ratio.label, parent)
        self.name.setWordWrap(True)
        self.value = _number_label(parent)
        self.value.setText(NO_VALUE)
        self.percent = _number_label(parent)
        self.percent.setMinimumWidth(self.percent.fontMetrics().horizontalAdvance("⚠ "))
        self.range = _small(QLabel(ratio_range(ratio), parent))
        self.range.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.extra = self.range
        self._in_range: bool | None = None
        for widget in self.widgets():
            widget.setProperty(KEY_PROPERTY, ratio.key)

    def show_ratio(self, totals: Mapping[str, NutrientTotal] | None) -> None:
        found = None if totals is None else self.ratio.value(totals)
        reference = f"Range: {self.ratio.range_text} ({self.ratio.reference.short})"
        if found is None:
            self._in_range = None
            self.value.setText(NO_VALUE)
            self.percent.setText("")
            sides = " and ".join(
                " + ".join(BY_KEY[key].label for key in side).lower()
                for side in (self.ratio.numerator, self.ratio.denominator))
            self._tooltip(f"{self.ratio.label}: needs known amounts of {sides}\n{reference}")
            return
        self._in_range = found.in_range
        self.value.setText(found.text)
        self.percent.setText("✓" if found.in_range else "⚠")
        self.recolor()
        where = "within the range" if found.in_range else "outside the range"
        lines = [f"{self.ratio.label}: {found.text}, {where}", reference]
        if found.approximate:
            lines.append("Some foods have no value for a side: a rough figure")
        self._tooltip("\n".join(lines))

    def recolor(self) -> None:
        """The mark in green (within the range) or amber (outside), for the palette."""
        if self._in_range is None:
            return
        color = signal_color("green" if self._in_range else "amber", self.name.palette())
        palette = self.percent.palette()
        if palette.color(QPalette.ColorRole.WindowText) != color:
            palette.setColor(QPalette.ColorRole.WindowText, color)
            self.percent.setPalette(palette)

    def in_range(self) -> bool | None:
        """Whether the ratio is within its range; ``None`` when it cannot be worked out."""
        return self._in_range

    def texts(self) -> dict[str, str]:
        return {
            "name": self.name.text(),
            "value": self.value.text(),
            "mark": self.percent.text(),
            "range": self.range.text(),
        }


class FullPanel(QWidget):
    """Every nutrient group by group, then the ratios; each group collapses."""

    #: A group's key and whether it is now collapsed (by its heading or the API).
    group_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(_SPACING)
        self._grid.setVerticalSpacing(2)
        self.rows: dict[str, PanelRow] = {}
        self.ratios: dict[str, RatioRow] = {}
        self._headers: dict[str, QToolButton] = {}
        self._members: dict[str, list[_Line]] = {}
        self._collapsed: set[str] = set(DEFAULT_COLLAPSED)
        #: Each row's first grid row.
        self._slots: list[tuple[_Line, int]] = []
        self._header_rows: list[int] = []
        self._wide: bool | None = None

        keys_by_group: dict[str, tuple[str, ...]] = dict(PANEL)
        next_row = 0
        for group, title in GROUPS:
            self._grid.setRowMinimumHeight(next_row, 6)
            self._header(group, title)
            self._header_rows.append(next_row + 1)
            next_row += 2
            lines: list[_Line]
            if group == RATIOS_GROUP:
                lines = [RatioRow(ratio, self) for ratio in RATIOS]
                self.ratios.update((line.key, line) for line in lines
                                   if isinstance(line, RatioRow))
            else:
                lines = [PanelRow(key, self) for key in keys_by_group[group]]
                self.rows.update((line.key, line) for line in lines
                                 if isinstance(line, PanelRow))
            self._members[group] = lines
            for line in lines:
                self._slots.append((line, next_row))
                next_row += 2
        self._name_width = self._widest_name()
        metrics = QFontMetrics(self.font())
        # Wide enough for most amounts, so the columns do not move with each edit.
        self._value_width = metrics.horizontalAdvance("≥0000 mg")
        self._percent_width = metrics.horizontalAdvance("0000 %")
        self.set_wide(False)
        for group, lines in self._members.items():
            for line in lines:
                line.set_shown(group not in self._collapsed)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _header(self, group: str, title: str) -> QToolButton:
        header = QToolButton(self)
        header.setText(title)
        header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        header.setAutoRaise(True)
        header.setIconSize(QSize(10, 10))
        header.setCheckable(True)
        header.setChecked(group not in self._collapsed)
        header.setArrowType(Qt.ArrowType.DownArrow if group not in self._collapsed
                            else Qt.ArrowType.RightArrow)
        font = QFont(header.font())
        font.setBold(True)
        header.setFont(font)
        header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header.setToolTip(f"Show or hide the {title.lower()}"
                          + ("" if group == RATIOS_GROUP
                             else "; right-click a nutrient to show it on top"))
        header.toggled.connect(lambda shown, g=group: self.set_collapsed(g, not shown))
        self._headers[group] = header
        return header

    def _widest_name(self) -> int:
        metrics = QFontMetrics(self.font())
        widths = [metrics.horizontalAdvance(row.name.text()) + (_INDENT if row.is_part else 0)
                  for row in self.rows.values()]
        widths += [metrics.horizontalAdvance(row.name.text()) for row in self.ratios.values()]
        # The label's own margin and a pixel of rounding.
        return max(widths) + 2 * self.rows[next(iter(self.rows))].name.margin() + 4

    # -- layout -------------------------------------------------------------------------

    def wide_width(self) -> int:
        """From this width on, each row is one line."""
        return (self._name_width + self._value_width + self._percent_width + _WIDE_BAR
                + 3 * _SPACING)

    def narrow_width(self) -> int:
        """The width a row needs on two lines, its name unwrapped (and every heading)."""
        headings = max(header.sizeHint().width() for header in self._headers.values())
        return max(self._name_width + self._value_width + _SPACING, headings)

    def is_wide(self) -> bool:
        return bool(self._wide)

    def set_wide(self, wide: bool) -> None:
        """One line a row (name, amount, percent, bar) or two (name, amount; bar, percent)."""
        if wide == self._wide:
            return
        self._wide = wide
        grid = self._grid
        for line, row in self._slots:
            line.place(grid, row, wide=wide)
        # A heading across columns that are empty (narrow) would add their spacing.
        for header, row in zip(self._headers.values(), self._header_rows, strict=True):
            grid.removeWidget(header)
            grid.addWidget(header, row, 0, 1, 4 if wide else 2)
        grid.setColumnStretch(0, 0 if wide else 1)
        grid.setColumnStretch(3, 1 if wide else 0)
        grid.setColumnMinimumWidth(0, self._name_width if wide else 0)
        grid.setColumnMinimumWidth(1, self._value_width)
        grid.setColumnMinimumWidth(2, self._percent_width if wide else 0)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for ratio in self.ratios.values():
                ratio.recolor()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.set_wide(event.size().width() >= self.wide_width())

    # -- groups -------------------------------------------------------------------------

    def is_collapsed(self, group: str) -> bool:
        return group in self._collapsed

    def set_collapsed(self, group: str, collapsed: bool) -> None:
        """Hide (or show) the rows of ``group``; the state lasts as long as the panel."""
        if group not in self._members:
            raise KeyError(group)
        header = self._headers[group]
        if header.isChecked() == collapsed:
            header.setChecked(not collapsed)  # comes back here through toggled
            return
        if collapsed == (group in self._collapsed):
            return
        if collapsed:
            self._collapsed.add(group)
        else:
            self._collapsed.discard(group)
        header.setArrowType(Qt.ArrowType.RightArrow if collapsed else Qt.ArrowType.DownArrow)
        for line in self._members[group]:
            line.set_shown(not collapsed)
        self.group_toggled.emit(group, collapsed)

    def header(self, group: str) -> QToolButton:
        return self._headers[group]

    def group_of(self, key: str) -> str:
        for group, lines in self._members.items():
            if any(line.key == key for line in lines):
                return group
        raise KeyError(key)

    # -- data ---------------------------------------------------------------------------

    def show_totals(self, totals: Mapping[str, NutrientTotal] | None, targets: Targets | None,
                    *, week: bool) -> None:
        """Every row for ``totals`` (``None``: nothing to show) against ``targets``."""
        for key, row in self.rows.items():
            target = targets.get(key) if targets is not None else None
            row.show_total(None if totals is None else totals.get(key), target, totals,
                           week=week)
        for ratio in self.ratios.values():
            ratio.show_ratio(totals)
