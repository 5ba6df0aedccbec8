"""One nutrient's total over a day or a week average, with its coverage.

A missing food value is unknown, never zero: a total sums the known values and counts the
food entries with and without one, so "at least 12 µg, 3 of 9 entries unknown" can be said.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NutrientTotal:
    """A total in the unit of ``key``.

    ``value`` is the sum of the known amounts from food plus ``from_supplements`` (so a lower
    bound when ``unknown`` > 0); it is ``None`` only when nothing contributed a value but
    some entry lacked one. ``known`` and ``unknown`` count food entries (for a week average:
    entries over the averaged days); supplements always have a value and are not counted.
    ``percent`` is ``value`` as a percentage of the recommended target, if there is one.
    """

    key: str
    value: float | None
    known: int
    unknown: int
    from_supplements: float = 0.0
    percent: float | None = None

    @property
    def entries(self) -> int:
        return self.known + self.unknown

    @property
    def is_complete(self) -> bool:
        return self.unknown == 0

    @property
    def from_food(self) -> float | None:
        return None if self.value is None else self.value - self.from_supplements

    @property
    def coverage(self) -> float | None:
        """Share of the food entries with a value; ``None`` without entries."""
        return self.known / self.entries if self.entries else None
