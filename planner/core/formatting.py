"""Numbers as a person reads them, written once for the window, the reports and the CLI.

- :func:`format_quantity`: an amount of a unit, as on a list (``1.5`` cup, ``1.67``
  slices, ``1,250`` g).
- :func:`format_value`: a nutrient amount with the precision a reader can use (``270``,
  ``79``, ``23.7``, ``0.45``).
- :func:`planner.core.units.format_nutrient`: a nutrient amount in its own unit with the
  unit's decimals (``55.0 µg``, ``212 mg``).
"""

from __future__ import annotations

__all__ = ["format_quantity", "format_value"]


def format_quantity(amount: float) -> str:
    """``1.6666`` -> ``1.67``, ``255.0`` -> ``255``, ``1250`` -> ``1,250``."""
    if abs(amount) >= 1000:
        return f"{amount:,.0f}"
    text = f"{amount:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def format_value(value: float) -> str:
    """A nutrient amount with the precision a reader can use: 270, 79, 23.7, 0.45, <0.01, 0."""
    size = abs(value)
    if size >= 100:
        text = f"{value:.0f}"
    elif size >= 1:
        text = f"{value:.1f}"
    elif size >= 0.005:
        text = f"{value:.2f}"
    elif size > 0:
        return "<0.01"
    else:
        return "0"
    return text.rstrip("0").rstrip(".") if "." in text else text
