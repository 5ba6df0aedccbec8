"""Small widgets and helpers every room uses: a tool button, signal colours, index types."""

from __future__ import annotations

from typing import Final, Literal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QToolButton

__all__ = ["AnyIndex", "SignalColor", "is_dark", "signal_color", "tool_button"]

#: What Qt's model API passes as an index: a plain or a persistent one.
AnyIndex = QModelIndex | QPersistentModelIndex

#: The colours that carry a meaning (low, near target, fine, information).
SignalColor = Literal["red", "amber", "green", "blue"]

#: Each colour as (on a light theme, on a dark theme): the dark ones are lighter, to stand
#: out on dark grey.
_SIGNAL_SHADES: Final[dict[SignalColor, tuple[str, str]]] = {
    "red": ("#c62828", "#ef6f6c"),
    "amber": ("#d08700", "#f2b33d"),
    "green": ("#2e7d32", "#6cc070"),
    "blue": ("#1565c0", "#64a8f0"),
}


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` is a dark theme (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def signal_color(name: SignalColor, palette: QPalette) -> QColor:
    """A red, amber, green or blue that reads well on ``palette`` (light or dark)."""
    light, dark = _SIGNAL_SHADES[name]
    return QColor(dark if is_dark(palette) else light)


def tool_button(text: str, tip: str) -> QToolButton:
    """A small text button with a tooltip, for the rows of buttons above a table."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    return button
