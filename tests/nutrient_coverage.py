"""Coverage helpers shared by the recipe tests."""

from __future__ import annotations

from collections.abc import Mapping

from planner.core.nutrients import CORE_KEYS


def core_unknown(unknown: Mapping[str, int]) -> dict[str, int]:
    """The entries without a value among the fifteen nutrients tracked before the full panel
    (SR28 lacks some of the others, fluoride and starch above all, for many foods)."""
    return {key: count for key, count in unknown.items() if key in CORE_KEYS}
