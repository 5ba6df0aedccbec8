"""Benchmarks: parsing a 200-food FDC search page (goal: under 20 ms) and a cached online
look-up (goal: under 5 ms).

The page is generated from the foods of ``tests/data/online/fdc_search.json``, each padded
with nutrients the planner does not track (amino and fatty acids), to the sizes real
answers have: about 100 entries per SR Legacy food, 20 per Branded one.

Run with ``pytest tests/perf/test_online_perf.py --benchmark-enable``; in the default run
each benchmark executes once as a plain test.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from online_server import FakeServer, Reply, load, serve
from pytest_benchmark.fixture import BenchmarkFixture

from planner.services.online import OnlineService, OnlineSettings
from planner.sources.fdc import parse_search
from planner.sources.http import HttpSettings

PAGE_SIZE = 200
#: Goals in seconds.
PARSE_GOAL_S = 0.020
CACHED_GOAL_S = 0.005
#: FDC ids of untracked nutrients (amino acids, fatty acids) used as padding.
_PADDING_IDS = list(range(1210, 1340))


def _padded(food: dict[str, Any], size: int, serial: int) -> dict[str, Any]:
    food = copy.deepcopy(food)
    food["fdcId"] = 100_000 + serial
    food["description"] = f"{food['description']} #{serial}"
    nutrients = food["foodNutrients"]
    for ident in _PADDING_IDS[: max(0, size - len(nutrients))]:
        nutrients.append({"nutrientId": ident, "nutrientName": f"Nutrient {ident}",
                          "nutrientNumber": str(ident - 700), "unitName": "G",
                          "derivationCode": "A", "value": 0.123})
    return food


def search_page(size: int = PAGE_SIZE) -> dict[str, Any]:
    """A search answer of ``size`` foods in the documented flat shape."""
    template = load("fdc_search.json")
    foods = template["foods"]
    page = {key: value for key, value in template.items() if key != "foods"}
    page["foods"] = [
        _padded(foods[n % len(foods)], 20 if foods[n % len(foods)]["dataType"] == "Branded"
                else 100, n)
        for n in range(size)
    ]
    page["totalHits"] = 5_000
    page["totalPages"] = 25
    return page


@pytest.fixture(scope="module")
def page_json() -> bytes:
    return json.dumps(search_page()).encode("utf-8")


def _note_goal(benchmark: BenchmarkFixture, goal_s: float) -> None:
    """Record the goal beside the figures; never assert a time (a shared machine fails
    such an assert for noise, not for code)."""
    benchmark.extra_info["goal_s"] = goal_s


def test_parse_200_food_search_page(benchmark: BenchmarkFixture, page_json: bytes) -> None:
    payload = json.loads(page_json)
    entries = sum(len(food["foodNutrients"]) for food in payload["foods"])
    assert entries > 13_000
    page = benchmark(parse_search, payload)
    assert len(page.results) == PAGE_SIZE
    assert page.results[0].magnesium_mg == 60.0
    assert page.results[0].vitamin_d_ug == 25.15
    _note_goal(benchmark, PARSE_GOAL_S)


def test_decode_and_parse_200_food_search_page(
    benchmark: BenchmarkFixture, page_json: bytes
) -> None:
    """The same with JSON decoding of the ~3 MB body included, as a cache hit does it.

    Reported, not held to the goal: the stdlib decoder takes about three quarters of it.
    """
    page = benchmark(lambda: parse_search(json.loads(page_json)))
    assert len(page.results) == PAGE_SIZE


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from serve(monkeypatch)


@pytest.fixture
def online(server: FakeServer) -> Iterator[OnlineService]:
    settings = OnlineSettings(
        fdc_base_url=server.fdc_base, off_base_url=server.off_base,
        http=HttpSettings(read_timeout=2.0),
    )
    with OnlineService(None, settings) as service:
        yield service


def test_cached_fdc_lookup(
    benchmark: BenchmarkFixture, server: FakeServer, online: OnlineService
) -> None:
    server.route("/fdc/v1/food/168149", Reply.json("fdc_food_168149.json"))
    online.fdc_food(168149)  # fills the cache
    food = benchmark(online.fdc_food, 168149)
    assert food.value("magnesium_mg") == 60.0
    assert server.hits("/fdc/v1/food/168149") == 1
    _note_goal(benchmark, CACHED_GOAL_S)


def test_cached_barcode_lookup(
    benchmark: BenchmarkFixture, server: FakeServer, online: OnlineService
) -> None:
    server.route("/off/api/v2/product/038000313295.json",
                 Reply.json("off_product_038000313295.json"))
    online.off_product("038000313295")
    food = benchmark(online.off_product, "038000313295")
    assert food.value("magnesium_mg") == pytest.approx(56.3)
    assert len(server.requests) == 1
    _note_goal(benchmark, CACHED_GOAL_S)


def test_cached_search(
    benchmark: BenchmarkFixture, server: FakeServer, online: OnlineService
) -> None:
    server.route("/fdc/v1/foods/search", Reply.json(search_page(50)))
    online.search_fdc("mackerel")
    results = benchmark(online.search_fdc, "mackerel")
    assert len(results) == 50
    assert len(server.requests) == 1
