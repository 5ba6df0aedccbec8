"""How a total stands against its target: written once, for the bars, rules, charts
and reports alike.

A UL applies to what its report says it applies to: for magnesium, supplements and
medicines only (food magnesium is never "too much"). :func:`amount_for_ul` is the one
place that decides which part of a total is compared with the UL.
"""

from __future__ import annotations

from enum import StrEnum

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


def amount_for_ul(total: NutrientTotal, target: Target) -> float | None:
    """The part of ``total`` that the target's UL is about: the supplemental part for a
    UL that applies to supplements only, else the whole total."""
    if target.ul_applies_to == "supplements":
        return total.from_supplements
    return total.value


def ul_basis(target: Target) -> str:
    """What the UL counts, in words: ``supplements and medicines only`` or ``total intake``."""
    if target.ul_applies_to == "supplements":
        return "supplements and medicines only"
    return "total intake"


def ul_short_label(target: Target) -> str:
    """``UL``, ``CDRR``, or ``UL (suppl.)`` for a UL on supplements only: a mark's label."""
    return f"{target.ul_kind} (suppl.)" if target.ul_applies_to == "supplements" else target.ul_kind


def ul_applies_note(target: Target) -> str:
    """`` (supplements only)`` after a UL that counts supplements only, else nothing."""
    return " (supplements only)" if target.ul_applies_to == "supplements" else ""


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


def nutrient_status(total: NutrientTotal | None, target: Target | None) -> Status:
    """How ``total`` stands against ``target``; above the UL wins over everything."""
    if total is None or total.value is None:
        return Status.EMPTY
    if target is not None and target.ul is not None:
        compared = amount_for_ul(total, target)
        if compared is not None and compared > target.ul:
            return Status.ABOVE_UL
    if target is None or target.recommended is None or target.kind == "default":
        return Status.NEUTRAL
    if target.ear is not None and total.value < target.ear:
        return Status.LOW
    if total.value < target.recommended:
        return Status.BELOW_TARGET
    return Status.OK
