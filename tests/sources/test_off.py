"""Open Food Facts: grams per 100 g to planner units, implausible values, barcodes, and the
client against a local server (found, not found as status 0 or 404, attribution).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from online_server import FakeServer, Reply, load, serve

from planner.core.foods import FoodRef, Portion
from planner.sources.http import BadResponseError, HttpSettings, JsonClient, ResponseCache
from planner.sources.off import (
    ATTRIBUTION,
    FIELDS,
    OffClient,
    ProductNotFoundError,
    nutrient_values,
    parse_barcode,
    parse_product,
)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from serve(monkeypatch)


def test_grams_per_100_g_become_planner_units() -> None:
    food = parse_product(load("off_product_038000313295.json"), "038000313295")
    assert food.ref == FoodRef("off", "038000313295")
    assert str(food.ref) == "off:038000313295"
    assert food.name == "Kelloggs cereal in a cup, kellogg-s"
    assert food.value("magnesium_mg") == pytest.approx(56.3, rel=1e-12)  # 0.0563 g
    assert food.value("vitamin_d_ug") == 0.0  # declared zero is zero
    assert food.value("calcium_mg") == pytest.approx(14.1, rel=1e-12)
    assert food.value("energy_kcal") == 352.0  # energy-kcal_100g is in kcal
    assert food.value("protein_g") == 8.45
    assert food.value("fiber_g") == 9.86
    assert food.value("zinc_mg") is None  # absent: unknown
    assert food.attribution == ATTRIBUTION
    assert ATTRIBUTION == "Open Food Facts contributors, ODbL 1.0 (openfoodfacts.org)"


def test_vitamin_d_grams_to_micrograms() -> None:
    food = parse_product(load("off_product_811620020633.json"), "811620020633")
    assert food.value("vitamin_d_ug") == pytest.approx(2.42, rel=1e-12)  # 0.00000242 g
    assert food.name == "Core Power Elite Chocolate, fairlife"
    assert food.portions == (Portion(1.0, "serving (414 ml)", 414.0),)


def test_implausible_values_are_dropped_with_a_note() -> None:
    food = parse_product(load("off_product_implausible.json"), "4000000000001")
    assert food.value("magnesium_mg") is None  # 56.3 g/100 g: entered in mg
    assert food.value("vitamin_d_ug") is None  # 2.42 g/100 g: entered in µg
    assert food.value("fiber_g") is None
    assert food.value("calcium_mg") == pytest.approx(120.0)
    assert food.value("energy_kcal") == 46.0
    assert food.attribution is not None
    assert food.attribution.startswith(ATTRIBUTION + ". ")
    assert "dropped magnesium 5.63e+04 mg/100 g (implausible for a food)" in food.attribution
    assert "dropped vitamin d 2.42e+06 µg/100 g (implausible for a food)" in food.attribution
    assert "dropped fibre -1 g/100 g (negative)" in food.attribution


def test_limits_keep_real_foods() -> None:
    # Pumpkin seeds (~590 mg Mg), cod liver oil (250 µg vitamin D), dried thyme (124 mg Fe).
    values = nutrient_values(
        {"magnesium_100g": 0.592, "vitamin-d_100g": 0.00025, "iron_100g": 0.1236,
         "sodium_100g": 38.758}
    )
    assert values["magnesium_mg"] == pytest.approx(592.0)
    assert values["vitamin_d_ug"] == pytest.approx(250.0)
    assert values["iron_mg"] == pytest.approx(123.6)
    assert values["sodium_mg"] == pytest.approx(38758.0)


def test_energy_from_kilojoules_and_sodium_from_salt() -> None:
    values = nutrient_values({"energy_100g": 1046, "salt_100g": 1.25, "magnesium_100g": "0.1"})
    assert values["energy_kcal"] == pytest.approx(250.0, abs=0.01)
    assert values["sodium_mg"] == pytest.approx(500.0)
    assert values["magnesium_mg"] == pytest.approx(100.0)  # numbers as strings happen


def test_product_without_nutriments_or_name() -> None:
    food = parse_product({"code": "12345670", "status": 1, "product": {}}, "12345670")
    assert food.name == "Product 12345670"
    assert all(value is None for value in food.nutrients.values())
    assert food.portions == ()


def test_not_found_answer() -> None:
    with pytest.raises(ProductNotFoundError, match="Open Food Facts has no product with barcode"):
        parse_product(load("off_not_found.json"), "12345678")
    with pytest.raises(BadResponseError, match="holds no product"):
        parse_product({"status": 1, "product": []}, "12345678")


@pytest.mark.parametrize(
    ("text", "code"),
    [("3017620422003", "3017620422003"), (" 3017 6204 22003 ", "3017620422003"),
     ("12345670", "12345670"), ("off:038000313295", "038000313295"),
     ("12345678901234", "12345678901234")],
)
def test_barcodes(text: str, code: str) -> None:
    assert parse_barcode(text) == code


@pytest.mark.parametrize("text", ["1234567", "123456789012345", "30176204220O3", "", "٣٠١٧٦٢٠٤"])
def test_bad_barcodes(text: str) -> None:
    with pytest.raises(ValueError, match="is not a barcode .8 to 14 digits"):
        parse_barcode(text)


# -- the client ------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path, server: FakeServer) -> Iterator[OffClient]:
    cache = ResponseCache(tmp_path / "cache", ttl=3600)
    with JsonClient("Open Food Facts", HttpSettings(read_timeout=2), cache=cache) as http:
        yield OffClient(http, server.off_base)


def test_product_request(server: FakeServer, client: OffClient) -> None:
    server.route("/off/api/v2/product/038000313295.json",
                 Reply.json("off_product_038000313295.json"))
    food = client.product("038000313295")
    assert food.value("magnesium_mg") == pytest.approx(56.3)
    (seen,) = server.requests
    fields = FIELDS.replace(",", "%2C")
    assert seen.path == f"/off/api/v2/product/038000313295.json?fields={fields}"
    assert "nutriments" in FIELDS
    assert seen.headers["User-Agent"] == "planner/0.1 (desktop meal planner; offline-first)"
    client.product("038000313295")
    assert len(server.requests) == 1  # cached


def test_status_0_is_not_found_and_not_cached(server: FakeServer, client: OffClient) -> None:
    server.route("/off/api/v2/product/12345678.json", Reply.json("off_not_found.json"))
    for _ in range(2):
        with pytest.raises(ProductNotFoundError, match="no product with barcode 12345678"):
            client.product("12345678")
    assert server.hits("/off/api/v2/product/12345678.json") == 2


def test_404_is_not_found_too(server: FakeServer, client: OffClient) -> None:
    server.route("/off/api/v2/product/12345678.json",
                 Reply.json("off_not_found.json", status=404))
    with pytest.raises(ProductNotFoundError):
        client.product("12345678")


def test_a_bad_barcode_makes_no_request(server: FakeServer, client: OffClient) -> None:
    with pytest.raises(ValueError, match="not a barcode"):
        client.product("../../etc")
    assert server.requests == []


def test_the_full_panel_where_a_label_gives_it() -> None:
    values = nutrient_values({
        "vitamin-c_100g": 0.0281, "vitamin-b12_100g": 0.0000005, "iodine_100g": 0.00015,
        "saturated-fat_100g": 1.2, "copper_100g": 0.00013, "vitamin-a_100g": 0.000469,
        "cholesterol_100g": 0.215, "vitamin-b9_100g": 0.000194,
    })
    assert values["vitamin_c_mg"] == pytest.approx(28.1)
    assert values["vitamin_b12_ug"] == pytest.approx(0.5)
    assert values["iodine_ug"] == pytest.approx(150.0)
    assert values["saturated_fat_g"] == 1.2
    assert values["copper_ug"] == pytest.approx(130.0)
    assert values["vitamin_a_rae_ug"] == pytest.approx(469.0)
    assert values["cholesterol_mg"] == pytest.approx(215.0)
    assert values["folate_dfe_ug"] == pytest.approx(194.0)
    assert values["selenium_ug"] is None
