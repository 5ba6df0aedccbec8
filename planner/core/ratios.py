"""Nutrient ratios beside the totals: calcium to magnesium, potassium to sodium, zinc to
copper, omega-6 to omega-3, each with its reference range and where the range comes from.

A ratio is information about the balance of a day or week, not a target: the reference
ranges are those the cited sources discuss, and a ratio outside its range is shown as
such, never as a diagnosis. A ratio is ``None`` when either side is unknown or the lower
side is (nearly) zero; a side with entries lacking a value makes the ratio approximate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from planner.core.references import (
    ROSANOFF_2016,
    SANDSTEAD_1995,
    SIMOPOULOS_2002,
    WHO_2012,
    Reference,
)
from planner.core.totals import NutrientTotal

__all__ = ["RATIOS", "Ratio", "RatioValue", "ratio_values"]

#: Below this much of the lower side a ratio says nothing (1 mg over 1e-320 mg is
#: infinite): 0.01 of the side's unit.
_MIN_DENOMINATOR: Final = 0.01


@dataclass(frozen=True, slots=True)
class Ratio:
    """A ratio of two sums of nutrients, in one unit, with its reference range."""

    key: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    #: Factor that puts both sides in one unit (zinc mg over copper µg: 1000).
    scale: float
    low: float | None
    high: float | None
    #: The range in words: ``at most 4 : 1``.
    range_text: str
    reference: Reference
    #: Why the range matters, in a sentence (for a tooltip or a report's note).
    note: str = ""

    def value(self, totals: Mapping[str, NutrientTotal]) -> RatioValue | None:
        """The ratio of ``totals``; ``None`` when a side is unknown or too small."""
        top = _sum(totals, self.numerator)
        bottom = _sum(totals, self.denominator)
        if top is None or bottom is None or bottom[0] < _MIN_DENOMINATOR:
            return None
        value = top[0] * self.scale / bottom[0]
        return RatioValue(self, value, approximate=top[1] or bottom[1])


@dataclass(frozen=True, slots=True)
class RatioValue:
    """A ratio worked out, and where it stands against the reference range."""

    ratio: Ratio
    value: float
    #: Some entries behind a side have no value: the ratio is a rough figure.
    approximate: bool = False

    @property
    def in_range(self) -> bool:
        low, high = self.ratio.low, self.ratio.high
        return (low is None or self.value >= low) and (high is None or self.value <= high)

    @property
    def text(self) -> str:
        """``2.9 : 1`` (``≈`` in front when approximate)."""
        digits = 1 if self.value < 100 else 0
        return f"{'≈' if self.approximate else ''}{self.value:.{digits}f} : 1"


def _sum(totals: Mapping[str, NutrientTotal], keys: tuple[str, ...]) -> tuple[float, bool] | None:
    """The sum of the known totals at ``keys`` and whether any of them is incomplete."""
    values = [totals[key] for key in keys if key in totals]
    known = [total for total in values if total.value is not None]
    if not known:
        return None
    incomplete = len(known) < len(keys) or any(total.unknown for total in values)
    return sum(total.value or 0.0 for total in known), incomplete


RATIOS: Final[tuple[Ratio, ...]] = (
    # The upper end is the ca_mg_ratio_high rule's default (settings: ca_mg_ratio_max).
    Ratio("ca_mg", "Calcium : magnesium", ("calcium_mg",), ("magnesium_mg",), 1.0,
          None, 2.6, "at most 2.6 : 1", ROSANOFF_2016,
          "Much more calcium than magnesium (by weight) goes with magnesium falling short; "
          "about 2 : 1 is the balance usually cited."),
    Ratio("k_na", "Potassium : sodium", ("potassium_mg",), ("sodium_mg",), 1.0,
          1.7, None, "at least 1.7 : 1", WHO_2012,
          "WHO's potassium (3,510 mg or more) and sodium (under 2,000 mg) advice together: "
          "at least as many potassium as sodium atoms, 1.7 : 1 by weight."),
    Ratio("zn_cu", "Zinc : copper", ("zinc_mg",), ("copper_ug",), 1000.0,
          8.0, 15.0, "8 : 1 to 15 : 1", SANDSTEAD_1995,
          "Much more zinc than copper (by weight) hinders copper uptake; much less is "
          "usually a sign of little zinc."),
    Ratio("n6_n3", "Omega-6 : omega-3", ("linoleic_acid_g",),
          ("alpha_linolenic_acid_g", "epa_g", "dpa_g", "dha_g"), 1.0,
          None, 4.0, "at most 4 : 1", SIMOPOULOS_2002,
          "Linoleic acid against the omega-3s (ALA, EPA, DPA, DHA); western diets are often "
          "15 : 1 or more."),
)


def ratio_values(totals: Mapping[str, NutrientTotal]) -> list[RatioValue]:
    """Every ratio that can be worked out from ``totals``, in :data:`RATIOS` order."""
    found = (ratio.value(totals) for ratio in RATIOS)
    return [value for value in found if value is not None]
