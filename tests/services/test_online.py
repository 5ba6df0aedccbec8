"""Online look-up and import over a loaded database (SQLite, and PostgreSQL when set).

The sources are a real HTTP server on 127.0.0.1 serving recorded answers. An imported
food is stored once (importing again updates it in place), found by the local search
and usable in a plan with the network gone.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from online_server import FakeServer, Reply, closed_port, serve
from sqlalchemy import text

from planner import paths
from planner.core.foods import FoodRef, FoodRefError, Portion
from planner.services.database import Database
from planner.services.foods import FoodService
from planner.services.online import (
    ENV_FDC_API_KEY,
    NoDatabaseError,
    OnlineService,
    OnlineSettings,
    fdc_api_key,
    secrets_path,
)
from planner.services.plans import PlanService
from planner.sources.fdc import DEMO_KEY
from planner.sources.http import HttpSettings, NoConnectionError
from planner.sources.off import ATTRIBUTION

KEY = "Qx7TESTKEYw2LmPp0000000000000000000000000"
MACKEREL = "/fdc/v1/food/168149"
CEREAL = "/off/api/v2/product/038000313295.json"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from serve(monkeypatch)


def settings_for(server: FakeServer) -> OnlineSettings:
    settings = OnlineSettings(
        fdc_base_url=server.fdc_base,
        off_base_url=server.off_base,
        http=HttpSettings(read_timeout=2.0),
    )
    assert settings.fdc_base_url.startswith("http://127.0.0.1:")
    assert settings.off_base_url.startswith("http://127.0.0.1:")
    return settings


@pytest.fixture
def online(db: Database, server: FakeServer) -> Iterator[OnlineService]:
    server.route("/fdc/v1/foods/search", Reply.json("fdc_search.json"))
    server.route(MACKEREL, Reply.json("fdc_food_168149.json"))
    server.route("/fdc/v1/food/2345678", Reply.json("fdc_food_branded.json"))
    server.route(CEREAL, Reply.json("off_product_038000313295.json"))
    with OnlineService(db, settings_for(server), sleep=lambda seconds: None) as service:
        yield service


def _count(db: Database, source: str) -> int:
    with db.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM food WHERE source = :s"), {"s": source}
            ).scalar_one()
        )


# -- look-ups ----------------------------------------------------------------------------


def test_search_gives_core_values_per_100_g(online: OnlineService, server: FakeServer) -> None:
    results = online.search_fdc("mackerel", ["SR_Legacy"])
    assert [str(r.ref) for r in results] == ["fdc:168149", "fdc:168557", "fdc:2345678"]
    mackerel = results[0]
    assert (mackerel.magnesium_mg, mackerel.vitamin_d_ug, mackerel.energy_kcal) == (
        60.0, 25.15, 305.0,
    )
    assert "dataType=SR+Legacy&" in server.requests[0].path


def test_lookups_are_not_stored(online: OnlineService, db: Database) -> None:
    food = online.fdc_food(168149)
    assert food.id is None
    assert food.value("magnesium_mg") == 60.0
    product = online.off_product("038000313295")
    assert product.value("magnesium_mg") == pytest.approx(56.3)
    assert _count(db, "fdc") == _count(db, "off") == 0


def test_a_cached_lookup_makes_no_request(
    online: OnlineService, server: FakeServer, db: Database
) -> None:
    first = online.fdc_food(168149)
    assert online.fdc_food("168149") == first
    assert server.hits(MACKEREL) == 1
    # The cache is on disk: a new service (a new start) is served from it too.
    with OnlineService(db, settings_for(server)) as again:
        assert again.lookup("fdc:168149") == first
    assert server.hits(MACKEREL) == 1
    cached = list((paths.cache_dir() / "online").glob("*.json"))
    assert len(cached) == 1


def test_connection_refused_is_a_clear_error(db: Database, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    from online_server import guard_requests

    guard_requests(monkeypatch)
    settings = OnlineSettings(fdc_base_url=f"http://127.0.0.1:{closed_port()}/fdc/v1")
    with OnlineService(db, settings) as service, pytest.raises(
        NoConnectionError, match=r"^FoodData Central: 127\.0\.0\.1 refused the connection"
    ):
        service.fdc_food(168149)


# -- import --------------------------------------------------------------------------------


def test_import_stores_the_food_for_search_and_plans(
    online: OnlineService, db: Database
) -> None:
    stored = online.import_food("fdc:168149")
    assert stored.id is not None
    assert stored.ref == FoodRef("fdc", "168149")
    assert stored.value("magnesium_mg") == 60.0
    assert stored.value("vitamin_d_ug") == 25.15
    assert (stored.group_code, stored.group_name) == ("1500", "Finfish and Shellfish Products")
    assert stored.portions[0] == Portion(1.0, 'piece (5-1/2" x 1-1/2" x 1/2")', 80.0)
    assert FoodService(db).get("fdc:168149") == stored
    hits = FoodService(db).search("mackerel salted")
    assert stored.ref in [hit.ref for hit in hits]


def test_importing_twice_updates_in_place(
    online: OnlineService, db: Database, server: FakeServer
) -> None:
    first = online.import_food("fdc:168149")
    again = online.import_food(FoodRef("fdc", "168149"))
    assert again == first
    assert server.hits(MACKEREL) == 1  # the second import came from the cache
    # The source corrects a value; a fresh import updates the same row.
    corrected = json.loads(Path(__file__).parents[1].joinpath(
        "data", "online", "fdc_food_168149.json").read_text(encoding="utf-8"))
    for entry in corrected["foodNutrients"]:
        if entry["nutrient"]["id"] == 1090:
            entry["amount"] = 62.0
    corrected["foodPortions"] = corrected["foodPortions"][:1]
    server.route(MACKEREL, Reply.json(corrected))
    online.clear_cache()
    updated = online.import_food("fdc:168149")
    assert updated.id == first.id
    assert updated.value("magnesium_mg") == 62.0
    assert len(updated.portions) == 1
    assert _count(db, "fdc") == 1


def test_import_open_food_facts_keeps_the_attribution(
    online: OnlineService, db: Database
) -> None:
    stored = online.import_food("off:038000313295")
    assert stored.ref == FoodRef("off", "038000313295")
    assert stored.attribution == ATTRIBUTION
    assert stored.value("magnesium_mg") == pytest.approx(56.3)
    assert stored.group_code is None
    online.import_food("off: 0380 0031 3295")
    assert _count(db, "off") == 1


def test_import_branded_unknown_group_is_left_out(online: OnlineService) -> None:
    stored = online.import_food("fdc:2345678")
    assert stored.group_code is None
    assert stored.value("calcium_mg") == pytest.approx(380.0)
    assert stored.portions == (Portion(1.0, "serving (1 can)", 85.0),)


def test_imported_foods_work_in_plans_offline(
    online: OnlineService, db: Database, server: FakeServer
) -> None:
    online.import_food("fdc:168149")
    online.import_food("off:038000313295")
    server.stop()  # the network is gone; the plan needs none
    plan = {
        "format": "planner.plan/1",
        "profile": {"name": "Ana", "sex": "female", "age": 40, "life_stage": "none"},
        "days": [{"date": "2026-11-23", "meals": [{"name": "Lunch", "entries": [
            {"food": "fdc:168149", "amount": 1, "unit": "piece"},
            {"food": "off:038000313295", "amount": 50, "unit": "g"},
        ]}]}],
    }
    plans = PlanService(db)
    loaded = plans.load_file_text(json.dumps(plan))
    analysis = plans.analyze(loaded.plan, dict(loaded.foods))
    magnesium = analysis.days[0].totals["magnesium_mg"]
    # 80 g of mackerel at 60 mg/100 g + 50 g of cereal at 56.3 mg/100 g.
    assert magnesium.value == pytest.approx(48.0 + 28.15)
    assert (magnesium.known, magnesium.unknown) == (2, 0)
    saved = plans.import_text(json.dumps(plan))
    assert saved.id is not None


@pytest.mark.parametrize("ref", ["usda:11457", "user:1", "recipe:3"])
def test_only_online_foods_are_imported(online: OnlineService, ref: str) -> None:
    with pytest.raises(ValueError, match="is not an online food; give fdc:ID"):
        online.import_food(ref)


def test_bad_references(online: OnlineService, server: FakeServer) -> None:
    with pytest.raises(FoodRefError):
        online.import_food("168149")
    with pytest.raises(ValueError, match="not a barcode"):
        online.import_food("off:12")
    with pytest.raises(ValueError, match="not a FoodData Central id"):
        online.import_food("fdc:abc")
    assert server.requests == []


def test_import_needs_a_database(server: FakeServer) -> None:
    with OnlineService(None, settings_for(server)) as service, pytest.raises(NoDatabaseError):
        service.import_food("fdc:168149")


# -- the API key -----------------------------------------------------------------------------


def test_key_is_saved_privately_and_sent_in_the_header(
    online: OnlineService, server: FakeServer
) -> None:
    assert online.fdc_api_key() is None
    online.search_fdc("mackerel")
    assert server.requests[-1].headers["X-Api-Key"] == DEMO_KEY
    path = online.set_fdc_api_key(f"  {KEY} ")
    assert path == secrets_path() == paths.data_dir() / "secrets.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text(encoding="utf-8")) == {"fdc_api_key": KEY}
    assert online.fdc_api_key() == KEY
    online.search_fdc("mackerel salted")
    seen = server.requests[-1]
    assert seen.headers["X-Api-Key"] == KEY
    assert all(KEY not in s.path for s in server.requests)
    for file in paths.cache_dir().rglob("*"):
        if file.is_file():
            assert KEY not in file.read_text(encoding="utf-8")


def test_environment_key_wins(online: OnlineService, monkeypatch: pytest.MonkeyPatch) -> None:
    online.set_fdc_api_key(KEY)
    monkeypatch.setenv(ENV_FDC_API_KEY, "ENVKEY123")
    assert online.fdc_api_key() == fdc_api_key() == "ENVKEY123"
    monkeypatch.setenv(ENV_FDC_API_KEY, "  ")
    assert online.fdc_api_key() == KEY


def test_removing_and_refusing_keys(online: OnlineService) -> None:
    online.set_fdc_api_key(KEY)
    online.set_fdc_api_key(None)
    assert online.fdc_api_key() is None
    assert stat.S_IMODE(os.stat(secrets_path()).st_mode) == 0o600
    with pytest.raises(ValueError, match="that is not an API key") as failure:
        online.set_fdc_api_key("my key\nwith spaces")
    assert "my key" not in str(failure.value)


def test_a_damaged_secrets_file_means_no_key(online: OnlineService) -> None:
    secrets_path().write_text("{not json", encoding="utf-8")
    assert online.fdc_api_key() is None
    online.set_fdc_api_key(KEY)
    assert online.fdc_api_key() == KEY


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_FDC_URL", "http://127.0.0.1:1/fdc/v1")
    monkeypatch.delenv("PLANNER_OFF_URL", raising=False)
    settings = OnlineSettings.from_environment()
    assert settings.fdc_base_url == "http://127.0.0.1:1/fdc/v1"
    assert settings.off_base_url == "https://world.openfoodfacts.org"
    assert OnlineSettings().fdc_base_url == "https://api.nal.usda.gov/fdc/v1"
