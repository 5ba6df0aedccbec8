"""How a total stands against its target: written once, for the bars, rules, charts
and reports alike.

A UL applies to what its report says it applies to: for magnesium, supplements and
medicines only (food magnesium is never "too much"); for folate, synthetic folic acid;
for vitamin A, preformed retinol; for niacin and vitamin E, the supplemental forms.
:func:`amount_for_ul` is the one place that decides which part of a total is compared
with the UL.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from planner.core.targets import Target
from planner.core.totals import NutrientTotal

__all__ = [
    "Status", "amount_for_ul", "nutrient_status", "target_parts", "ul_applies_note", "ul_basis",
    "ul_short_label",
]


class Status(StrEnum):
    """Where a total stands, from nothing known to above the UL."""

    #: No value at all (nothing planned, or no food with a value).
    EMPTY = "empty"
    #: There is a total, but no target to judge it by (or only a default goal).
    NEUTRAL = "neutral"
    #: Below the EAR: likely inadequate for most people.
    LOW = "low"
    #: At or above the EAR but below the RDA or AI.
    BELOW_TARGET = "below_target"
    #: At or above the RDA or AI, and not above the UL.
    OK = "ok"
    #: Above the UL (for the part of the intake the UL applies to).
    ABOVE_UL = "above_ul"


#: The part of an intake a restricted UL counts, in a few words (``UL (folic acid)``).
_PART_WORDS: Final = MappingProxyType({
    "folic_acid_ug": "folic acid",
    "retinol_ug": "preformed vitamin A",
    "vitamin_e_added_mg": "added vitamin E",
})


def amount_for_ul(total: NutrientTotal, target: Target,
                  totals: Mapping[str, NutrientTotal] | None = None) -> float | None:
    """The part of ``total`` that the target's UL is about: the supplemental part for a
    UL on supplements only (magnesium, niacin), the total of the part it names for one
    on a part of the intake (folic acid for folate, retinol for vitamin A: looked up in
    ``totals``, the other totals of the same day; ``None`` without them), else the whole.
    Food folate, food magnesium, carotenoids never count towards those ULs."""
    applies = target.ul_applies_to
    if applies == "total":
        return total.value
    if applies == "supplements":
        return total.from_supplements
    part = None if totals is None else totals.get(applies)
    return None if part is None else part.value


def ul_basis(target: Target) -> str:
    """What the UL counts, in words: ``total intake``, ``supplements and medicines only``,
    ``synthetic folic acid from supplements and fortified foods only``."""
    if target.ul_applies_to == "total":
        return "total intake"
    if target.ul_basis != "total":
        return f"{target.ul_basis} only"
    return "supplements and medicines only"


def ul_short_label(target: Target) -> str:
    """``UL``, ``CDRR``, ``UL (suppl.)`` for a UL on supplements only, ``UL (folic acid)``
    for one on a part of the intake: a mark's label."""
    if target.ul_applies_to == "total":
        return target.ul_kind
    if target.ul_applies_to == "supplements":
        return f"{target.ul_kind} (suppl.)"
    return f"{target.ul_kind} ({_PART_WORDS.get(target.ul_applies_to, 'part')})"


def ul_applies_note(target: Target) -> str:
    """`` (supplements only)``, `` (folic acid only)`` after a restricted UL, else nothing."""
    if target.ul_applies_to == "total":
        return ""
    if target.ul_applies_to == "supplements":
        return " (supplements only)"
    return f" ({_PART_WORDS.get(target.ul_applies_to, 'part of the intake')} only)"


def target_parts(target: Target, *, a_day: bool = False) -> list[str]:
    """A target in words, part by part: ``["RDA 320 mg", "EAR 265 mg",
    "UL 350 mg (supplements only)"]`` (``RDA 320 mg a day`` with ``a_day``)."""
    unit = target.unit
    parts = []
    if target.recommended is not None:
        per = " a day" if a_day else ""
        parts.append(f"{target.kind} {target.recommended:g} {unit}{per}")
    if target.ear is not None:
        parts.append(f"EAR {target.ear:g} {unit}")
    if target.ul is not None:
        parts.append(f"{target.ul_kind} {target.ul:g} {unit}{ul_applies_note(target)}")
    return parts


def nutrient_status(total: NutrientTotal | None, target: Target | None,
                    totals: Mapping[str, NutrientTotal] | None = None) -> Status:
    """How ``total`` stands against ``target``; above the UL wins over everything.
    ``totals`` (the day's others) lets a UL on a part of the intake be judged."""
    if total is None or total.value is None:
        return Status.EMPTY
    if target is not None and target.ul is not None:
        compared = amount_for_ul(total, target, totals)
        if compared is not None and compared > target.ul:
            return Status.ABOVE_UL
    if target is None or target.recommended is None or target.kind == "default":
        return Status.NEUTRAL
    if target.ear is not None and total.value < target.ear:
        return Status.LOW
    if total.value < target.recommended:
        return Status.BELOW_TARGET
    return Status.OK
