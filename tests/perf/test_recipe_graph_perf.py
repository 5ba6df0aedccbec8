"""Benchmarks: recipe graphs that used to be quadratic or exponential.

Goals: a plan file whose recipes form a chain 200 deep imports in under 1 s (it took
18 s, and 250 deep overflowed Python's stack); the shopping list of the 34 recipes each
made of the two before them (2**24 paths) in under 100 ms (it ran past 2 minutes and
594 MB). They report figures and assert what the results must be, never a time.

Run with ``pytest tests/perf/test_recipe_graph_perf.py --benchmark-enable``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from planner.core.foods import Food, FoodRef
from planner.core.shopping import Aisles, ShoppingList, build_shopping_list
from planner.paths import read_shipped_text
from planner.services.database import Database
from planner.services.plans import PlanService, SavedPlan
from planner.services.shopping import ShoppingService
from planner.sources.plan_file import LoadedPlan, load_plan

SPINACH, EGG = "usda:11457", "usda:01123"
CHAIN_DEPTH = 200
SHARED_COUNT = 34


def _entry(food: str, amount: float = 100, unit: str = "g") -> dict[str, Any]:
    return {"food": food, "amount": amount, "unit": unit}


def _plan(recipes: list[dict[str, Any]], top: str) -> str:
    return json.dumps({
        "format": "planner.plan/1",
        "profile": {"name": "Ana", "sex": "female", "age": 45, "life_stage": "none"},
        "days": [{"date": "2026-11-23", "meals": [
            {"name": "Lunch", "entries": [_entry(top, 250)]}]}],
        "recipes": recipes,
    })


def chain_file(depth: int, tag: str = "") -> str:
    """Recipe n holds 100 g of recipe n-1 and an egg: ``depth`` levels."""
    recipes = [{"id": "recipe:0", "name": f"Base{tag}", "ingredients": [_entry(SPINACH)]}]
    recipes += [{"id": f"recipe:{n}", "name": f"Level {n}{tag}",
                 "ingredients": [_entry(f"recipe:{n - 1}"), _entry(EGG, 1, "large")]}
                for n in range(1, depth)]
    return _plan(recipes, f"recipe:{depth - 1}")


def shared_file(count: int) -> str:
    """Recipe n holds 100 g of each of recipes n-1 and n-2."""
    recipes = [{"id": "recipe:0", "name": "F0", "ingredients": [_entry(SPINACH)]},
               {"id": "recipe:1", "name": "F1", "ingredients": [_entry(EGG, 1, "large")]}]
    recipes += [{"id": f"recipe:{n}", "name": f"F{n}",
                 "ingredients": [_entry(f"recipe:{n - 1}"), _entry(f"recipe:{n - 2}")]}
                for n in range(2, count)]
    return _plan(recipes, f"recipe:{count - 1}")


@pytest.fixture(scope="module")
def foods() -> Mapping[FoodRef, Food]:
    from planner.services.database import read_shipped_dataset

    return {food.ref: food for food in read_shipped_dataset().foods}


@pytest.mark.benchmark(group="recipe graphs")
def test_import_a_chain_200_deep(benchmark: BenchmarkFixture, db: Database) -> None:
    service = PlanService(db)
    rounds = itertools.count()

    def fresh() -> tuple[tuple[str], dict[str, Any]]:
        # New names each round: nothing is reused from the round before.
        return (chain_file(CHAIN_DEPTH, f" #{next(rounds)}"),), {}

    saved: SavedPlan = benchmark.pedantic(service.import_text, setup=fresh, rounds=3)

    exported = json.loads(service.export_text(saved.id))
    assert len(exported["recipes"]) == CHAIN_DEPTH
    entry = saved.plan.days[0].meals[0].entries[0]
    assert entry.food.source == "recipe" and entry.amount == 250


@pytest.mark.benchmark(group="recipe graphs")
def test_load_a_chain_200_deep(benchmark: BenchmarkFixture, foods) -> None:
    text = chain_file(CHAIN_DEPTH)
    loaded: LoadedPlan = benchmark(load_plan, text, foods.get)
    assert len(loaded.recipes) == CHAIN_DEPTH


@pytest.mark.benchmark(group="recipe graphs")
def test_shop_the_34_shared_recipes_core(benchmark: BenchmarkFixture, foods) -> None:
    loaded = load_plan(shared_file(SHARED_COUNT), foods.get)
    aisles = Aisles.from_json(read_shipped_text("aisles.json"))

    def shop() -> ShoppingList:
        return build_shopping_list(loaded.plan, loaded.foods, aisles,
                                   recipes=loaded.recipe_map)

    shopping = benchmark(shop)

    grams = {str(item.food): item.grams for item in shopping.items}
    assert set(grams) == {SPINACH, EGG}
    assert sum(g or 0 for g in grams.values()) == pytest.approx(250.0)


@pytest.mark.benchmark(group="recipe graphs")
def test_shop_the_34_shared_recipes_through_the_service(
        benchmark: BenchmarkFixture, db: Database) -> None:
    plans = PlanService(db)
    loaded = plans.load_file_text(shared_file(SHARED_COUNT))
    service = ShoppingService(db)

    def shop() -> ShoppingList:
        # What `planner shopping-list FILE` does after reading the file.
        return service.build(loaded.plan, dict(loaded.foods), None, None, 1.0, "metric",
                             recipes=loaded.recipe_map)

    shopping = benchmark(shop)

    assert shopping.start == date(2026, 11, 23)
    assert {str(item.food) for item in shopping.items} == {SPINACH, EGG}
