"""Benchmarks: magnesium swaps for one entry over the whole SR28 database (goal: under 50 ms).

Three figures: building the swap index once (all 8,789 foods sorted into swap groups), one
entry's swaps over that index (200 g of cooked white rice, what the window asks for), and the
same swaps over the plain food list, without an index (group lookups cached per food).

Run with ``pytest tests/perf/test_swaps_perf.py --benchmark-enable``; in the default run each
benchmark executes once as a plain test.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.core.foods import Food
from planner.core.swaps import Swap, SwapGroups, SwapIndex, find_swaps
from planner.paths import read_shipped_text

#: The goal for one entry's swaps over the whole database, in seconds.
GOAL_S = 0.050
#: Building the index happens once per process; it should not hold up the first swap much.
INDEX_GOAL_S = 0.5
RICE = "20045"  # Rice, white, long-grain, regular, enriched, cooked


@pytest.fixture(scope="module")
def foods() -> Sequence[Food]:
    from planner.services.database import read_shipped_dataset

    return read_shipped_dataset().foods


@pytest.fixture(scope="module")
def groups() -> SwapGroups:
    return SwapGroups.from_json(read_shipped_text("swap_groups.json"))


def _rice(foods: Sequence[Food]) -> Food:
    return next(food for food in foods if food.ref.source_id == RICE)


def _note_goal(benchmark: BenchmarkFixture, goal_s: float) -> None:
    """Record the goal beside the figures; never assert a time (a shared machine fails
    such an assert for noise, not for code)."""
    benchmark.extra_info["goal_s"] = goal_s


def _check_rice_swaps(swaps: list[Swap]) -> None:
    assert len(swaps) == 10
    assert {"20137", "20010"} <= {swap.food.ref.source_id for swap in swaps[:5]}


@pytest.mark.benchmark(group="swaps")
def test_build_the_swap_index_of_the_whole_database(
    benchmark: BenchmarkFixture, foods: Sequence[Food], groups: SwapGroups
) -> None:
    # A fresh SwapGroups each round: its group lookup cache would otherwise make the later
    # rounds cheaper than the one a user waits for.
    text = read_shipped_text("swap_groups.json")

    def build() -> SwapIndex:
        return SwapIndex.build(foods, SwapGroups.from_json(text))

    index: SwapIndex = benchmark(build)

    assert sum(len(group_foods) for group_foods in index.foods_by_group.values()) > 5000
    _note_goal(benchmark, INDEX_GOAL_S)


@pytest.mark.benchmark(group="swaps")
def test_swaps_for_200_g_white_rice_over_the_index(
    benchmark: BenchmarkFixture, foods: Sequence[Food], groups: SwapGroups
) -> None:
    index = SwapIndex.build(foods, groups)
    rice = _rice(foods)

    swaps: list[Swap] = benchmark(find_swaps, rice, 200, index, groups)

    _check_rice_swaps(swaps)
    _note_goal(benchmark, GOAL_S)


@pytest.mark.benchmark(group="swaps")
def test_swaps_for_200_g_white_rice_over_the_plain_food_list(
    benchmark: BenchmarkFixture, foods: Sequence[Food], groups: SwapGroups
) -> None:
    rice = _rice(foods)
    # The first search fills the group lookup cache, as the first use in a session would.
    find_swaps(rice, 200, foods, groups)

    swaps: list[Swap] = benchmark(find_swaps, rice, 200, foods, groups)

    _check_rice_swaps(swaps)
    _note_goal(benchmark, GOAL_S)
