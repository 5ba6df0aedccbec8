"""Speed goals of the foundation: first start, search over 8,789 and 508,789 foods.

Goals (issue 2): first start (create the database, load 8,789 foods with portions)
under 3 s; search median under 5 ms and p95 under 10 ms over the shipped foods, p95
under 50 ms with 500,000 synthetic foods added. ``search_latency.py`` beside this file
prints median and p95 directly.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from synthetic import QUERIES, add_synthetic_foods

from planner.services.database import Database, ensure_food_data
from planner.services.foods import FoodService


def test_first_start(benchmark, tmp_path: Path) -> None:
    counter = itertools.count()

    def first_start() -> int:
        db = Database.open(f"sqlite:///{tmp_path}/first-{next(counter)}.sqlite3")
        try:
            ensure_food_data(db)
            return FoodService(db).count()
        finally:
            db.close()

    assert benchmark.pedantic(first_start, rounds=3, iterations=1) == 8789


def test_search_shipped_foods(benchmark, db: Database) -> None:
    service = FoodService(db)
    queries = itertools.cycle(QUERIES)
    hits = benchmark(lambda: service.search(next(queries)))
    assert isinstance(hits, list)
    assert service.search("spinach raw")[0].name == "Spinach, raw"


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("big") / "big.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    ensure_food_data(db)
    add_synthetic_foods(db, 500_000)
    yield db
    db.close()


@pytest.mark.slow
def test_search_500k_foods(benchmark, big_db: Database) -> None:
    service = FoodService(big_db)
    assert service.count() == 508_789
    queries = itertools.cycle(QUERIES)
    benchmark(lambda: service.search(next(queries)))
    assert service.search("salmon atlantic wild raw")[0].name == "Fish, salmon, Atlantic, wild, raw"
