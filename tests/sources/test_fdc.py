"""FoodData Central: both nutrient shapes, energy and vitamin D rules, portions, Branded
labels, and the client against a local server (where the key travels, errors).

The SR Legacy fixtures carry the SR28 values of NDB 83110 (salted mackerel, fdc 168149)
and 11936 (UV crimini mushrooms, fdc 168557); see ``tests/data/online``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from online_server import FakeServer, Reply, load, serve

from planner.core.foods import FoodRef, Portion
from planner.core.nutrients import NUTRIENT_KEYS
from planner.sources.fdc import (
    DEMO_KEY,
    FdcClient,
    FdcNotFoundError,
    data_type,
    nutrient_values,
    parse_fdc_id,
    parse_food,
    parse_portions,
    parse_search,
)
from planner.sources.http import (
    ApiKeyError,
    BadResponseError,
    HttpSettings,
    JsonClient,
    RateLimitError,
    ResponseCache,
    ResponseTooLargeError,
)

KEY = "Zk3xTESTKEYa9Qm0000000000000000000000000"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from serve(monkeypatch)


# -- parsing: SR Legacy details (nested shape) -----------------------------------------


def test_sr_legacy_mackerel_exact_values() -> None:
    food = parse_food(load("fdc_food_168149.json"))
    assert food.ref == FoodRef("fdc", "168149")
    assert str(food.ref) == "fdc:168149"
    assert food.name == "Fish, mackerel, salted"
    assert (food.group_code, food.group_name) == ("1500", "Finfish and Shellfish Products")
    assert food.value("magnesium_mg") == 60.0
    # Only IU (1110) and D3 (1112) are given: 1006 IU / 40 = 25.15 µg (not D3's 25.2).
    assert food.value("vitamin_d_ug") == 1006 / 40 == 25.15
    assert food.value("energy_kcal") == 305.0
    assert food.value("calcium_mg") == 66.0
    assert food.value("sodium_mg") == 4450.0
    assert food.value("protein_g") == 18.5
    assert food.value("fiber_g") == 0.0
    assert food.value("vitamin_k_ug") == 7.8
    assert set(food.nutrients) == set(NUTRIENT_KEYS)
    assert food.portions == (
        Portion(1.0, 'piece (5-1/2" x 1-1/2" x 1/2")', 80.0),
        Portion(1.0, "cubic inch, boneless", 17.0),
        Portion(1.0, "cup, cooked", 136.0),
    )
    assert food.attribution == "USDA FoodData Central (public domain, CC0 1.0), SR Legacy 168149"


def test_sr_legacy_crimini_prefers_micrograms() -> None:
    food = parse_food(load("fdc_food_168557.json"))
    assert food.value("vitamin_d_ug") == 31.9
    assert food.value("magnesium_mg") == 9.0
    assert food.value("vitamin_k_ug") == 0.0
    assert food.portions[0] == Portion(1.0, "cup whole", 87.0)


def _nested(ident: int, amount: float | None, unit: str, number: str = "") -> dict[str, Any]:
    entry: dict[str, Any] = {"nutrient": {"id": ident, "number": number, "unitName": unit}}
    if amount is not None:
        entry["amount"] = amount
    return entry


def test_vitamin_d_order_micrograms_then_iu_then_d2_plus_d3() -> None:
    both = [_nested(1110, 400.0, "IU"), _nested(1114, 12.0, "µg")]
    assert nutrient_values(both)["vitamin_d_ug"] == 12.0
    assert nutrient_values([_nested(1110, 400.0, "IU")])["vitamin_d_ug"] == 10.0
    d2_d3 = [_nested(1111, 0.5, "µg"), _nested(1112, 2.0, "µg")]
    assert nutrient_values(d2_d3)["vitamin_d_ug"] == 2.5
    # D3 alone is not the total: D2 is unknown, so the total stays unknown.
    assert nutrient_values([_nested(1112, 2.0, "µg")])["vitamin_d_ug"] is None


def test_energy_kcal_then_atwater_then_kilojoules() -> None:
    kcal = [_nested(1008, 100.0, "kcal"), _nested(2048, 90.0, "kcal"), _nested(1062, 500.0, "kJ")]
    assert nutrient_values(kcal)["energy_kcal"] == 100.0
    assert nutrient_values([_nested(2047, 131.0, "kcal")])["energy_kcal"] == 131.0
    assert nutrient_values([_nested(1062, 418.4, "kJ")])["energy_kcal"] == pytest.approx(100.0)
    assert nutrient_values([_nested(1051, 90.0, "g")])["energy_kcal"] is None


def test_foundation_energy_vitamin_d_and_portions() -> None:
    food = parse_food(load("fdc_food_foundation.json"))
    assert food.value("energy_kcal") == 127.0  # Atwater specific before general
    assert food.value("vitamin_d_ug") == pytest.approx(11.2)  # D2 0.2 + D3 11.0
    assert food.value("magnesium_mg") == 29.0
    assert food.value("calcium_mg") is None  # listed without an amount: unknown, not 0
    assert food.portions == (Portion(1.0, "fillet, boneless", 154.0), Portion(3.0, "oz", 85.0))
    assert food.group_code == "1500"


def test_survey_portions_come_from_the_portion_description() -> None:
    food = parse_food(load("fdc_food_survey.json"))
    assert food.portions == (
        Portion(1.0, "cup", 244.0),
        Portion(0.5, "cup", 122.0),
        Portion(1.0, "Quantity not specified", 183.0),
    )
    assert food.value("vitamin_d_ug") == 1.1
    assert food.group_code is None


def test_portions_without_weight_are_skipped() -> None:
    rows = [
        {"gramWeight": 0, "modifier": "pinch"},
        {"gramWeight": None, "modifier": "dash"},
        {"gramWeight": 30, "amount": 2, "modifier": "tbsp"},
        "junk",
    ]
    assert parse_portions(rows) == (Portion(2.0, "tbsp", 30.0),)
    assert parse_portions(None) == ()


# -- parsing: search results (flat shape) and other shapes -------------------------------


def test_search_page_flat_shape() -> None:
    page = parse_search(load("fdc_search.json"))
    assert (page.total_hits, page.page, page.total_pages) == (3, 1, 1)
    mackerel, crimini, sardines = page.results
    assert mackerel.ref == FoodRef("fdc", "168149")
    assert mackerel.data_type == "SR Legacy"
    assert mackerel.magnesium_mg == 60.0
    assert mackerel.vitamin_d_ug == 25.15
    assert mackerel.energy_kcal == 305.0
    assert mackerel.category == "Finfish and Shellfish Products"
    assert crimini.vitamin_d_ug == 31.9
    assert crimini.magnesium_mg == 9.0
    # Branded search values are already per 100 g; what is not listed is unknown.
    assert sardines.data_type == "Branded"
    assert sardines.name == "SARDINES IN OLIVE OIL, Example Seafood Co."
    assert sardines.energy_kcal == 212.0
    assert sardines.nutrients["sodium_mg"] == 400.0
    assert sardines.magnesium_mg is None
    assert sardines.vitamin_d_ug is None
    assert sardines.gtin_upc == "0012345678905"


def test_abridged_shape_and_units_are_converted() -> None:
    abridged = [
        {"number": "304", "name": "Magnesium, Mg", "amount": 0.06, "unitName": "G"},
        {"number": "328", "name": "Vitamin D (D2 + D3)", "amount": 0.002, "unitName": "MG"},
        {"number": "301", "name": "Calcium, Ca", "amount": 120, "unitName": "mg"},
        {"number": "255", "name": "Water", "amount": 80, "unitName": "g"},
    ]
    values = nutrient_values(abridged)
    assert values["magnesium_mg"] == pytest.approx(60.0)
    assert values["vitamin_d_ug"] == pytest.approx(2.0)
    assert values["calcium_mg"] == 120.0


def test_odd_entries_are_ignored() -> None:
    entries = [
        None,
        {"nutrientId": 1090, "value": "60"},
        {"nutrientId": 1090, "value": -1},
        {"nutrientId": 1090, "value": float("nan")},
        {"nutrientId": True, "value": 5},
        {"nutrient": {"id": {"x": 1}}, "amount": 5},
        {"nutrientId": "1087", "unitName": "MG", "value": 50},
        {"nutrientId": 1092, "unitName": "kcal", "value": 50},
    ]
    notes: list[str] = []
    values = nutrient_values(entries, notes)
    assert values["magnesium_mg"] is None
    assert values["calcium_mg"] == 50.0
    assert values["potassium_mg"] is None
    assert notes == ["potassium_mg: unit 'kcal' not understood, left unknown"]


def test_bad_answers_are_clear_errors() -> None:
    with pytest.raises(BadResponseError, match="holds no list of foods"):
        parse_search({"totalHits": 0})
    with pytest.raises(BadResponseError, match="no fdcId"):
        parse_food({"description": "x"})
    with pytest.raises(BadResponseError, match="not an object"):
        parse_food([])


# -- Branded: label per serving to per 100 g ---------------------------------------------


def test_branded_label_per_serving_becomes_per_100_g() -> None:
    food = parse_food(load("fdc_food_branded.json"))
    assert food.name == "SARDINES IN OLIVE OIL, EXAMPLE"
    # foodNutrients are per 100 g already and win over the label.
    assert food.value("energy_kcal") == 212.0
    assert food.value("protein_g") == 24.7
    assert food.value("magnesium_mg") == 39.0
    # Only on the label: 323 mg and 2.55 mg per 85 g serving.
    assert food.value("calcium_mg") == pytest.approx(380.0, rel=1e-12)
    assert food.value("iron_mg") == pytest.approx(3.0, rel=1e-12)
    assert food.value("vitamin_d_ug") is None
    assert food.portions == (Portion(1.0, "serving (1 can)", 85.0),)
    assert food.group_name == "Canned Seafood"
    assert food.attribution is not None
    assert "from the label per serving: calcium_mg, iron_mg" in food.attribution


def test_branded_serving_in_ml_is_taken_as_grams() -> None:
    payload = {
        "fdcId": 5, "description": "OAT DRINK", "dataType": "Branded",
        "servingSize": 240, "servingSizeUnit": "MLT",
        "foodNutrients": [],
        "labelNutrients": {"calcium": {"value": 300}, "calories": {"number": 120}},
    }
    food = parse_food(payload)
    assert food.value("calcium_mg") == pytest.approx(125.0)
    assert food.value("energy_kcal") == pytest.approx(50.0)
    assert food.portions == (Portion(1.0, "serving", 240.0),)
    assert "serving of 240 ml taken as 240 g" in (food.attribution or "")


def test_branded_serving_without_weight_leaves_the_label_out() -> None:
    payload = {
        "fdcId": 6, "description": "CEREAL", "dataType": "Branded",
        "servingSize": 1, "servingSizeUnit": "cup",
        "foodNutrients": [{"nutrientId": 1090, "unitName": "MG", "value": 120}],
        "labelNutrients": {"calcium": {"value": 300}},
    }
    food = parse_food(payload)
    assert food.value("magnesium_mg") == 120.0
    assert food.value("calcium_mg") is None
    assert food.portions == ()
    assert "cannot be weighed" in (food.attribution or "")


# -- small helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [("Foundation", "Foundation"), ("SR_Legacy", "SR Legacy"), ("sr legacy", "SR Legacy"),
     ("Survey", "Survey (FNDDS)"), ("Survey (FNDDS)", "Survey (FNDDS)"), ("branded", "Branded")],
)
def test_data_type_names(text: str, name: str) -> None:
    assert data_type(text) == name


def test_unknown_data_type() -> None:
    with pytest.raises(ValueError, match="unknown FoodData Central data type 'Experimental'"):
        data_type("Experimental")


@pytest.mark.parametrize("text", ["0", "-5", "12a", "", "fdc:", "12345678901"])
def test_bad_fdc_ids(text: str) -> None:
    with pytest.raises(ValueError, match="is not a FoodData Central id"):
        parse_fdc_id(text)


def test_fdc_ids() -> None:
    assert parse_fdc_id(168149) == parse_fdc_id(" fdc:168149 ") == 168149


# -- the client against the local server ----------------------------------------------------


@pytest.fixture
def client(tmp_path: Path, server: FakeServer) -> Iterator[FdcClient]:
    cache = ResponseCache(tmp_path / "cache", ttl=3600)
    with JsonClient("FoodData Central", HttpSettings(read_timeout=2), cache=cache,
                    sleep=lambda s: None) as http:
        yield FdcClient(http, server.fdc_base, api_key=lambda: KEY)


def test_search_request_and_key_header(
    server: FakeServer, client: FdcClient, tmp_path: Path
) -> None:
    server.route("/fdc/v1/foods/search", Reply.json("fdc_search.json"))
    results = client.search("  salted   mackerel ").results
    assert [r.fdc_id for r in results] == [168149, 168557, 2345678]
    (seen,) = server.requests
    assert seen.path == (
        "/fdc/v1/foods/search?query=salted+mackerel"
        "&dataType=Foundation%2CSR+Legacy%2CSurvey+%28FNDDS%29&pageSize=50&pageNumber=1"
    )
    assert seen.headers["X-Api-Key"] == KEY
    # The key travelled in that header and nowhere else.
    assert KEY not in seen.path
    assert [v for k, v in seen.headers.items() if KEY in v] == [KEY]
    for file in (tmp_path / "cache").iterdir():
        assert KEY not in file.read_text(encoding="utf-8")


def test_search_types_and_page_size(server: FakeServer, client: FdcClient) -> None:
    server.route("/fdc/v1/foods/search", Reply.json("fdc_search.json"))
    client.search("sardines", ["Branded", "SR_Legacy", "branded"], page_size=500, page=2)
    (seen,) = server.requests
    assert "dataType=Branded%2CSR+Legacy&pageSize=200&pageNumber=2" in seen.path


def test_a_full_search_page_may_exceed_the_usual_cap(
    server: FakeServer, client: FdcClient
) -> None:
    big = load("fdc_search.json")
    big["padding"] = "x" * (6 * 1024 * 1024)  # a 200-food SR Legacy page is ~6 MB
    server.route("/fdc/v1/foods/search", Reply.json(big))
    assert len(client.search("fish", page_size=200).results) == 3
    with pytest.raises(ResponseTooLargeError, match="over the 5 MB limit"):
        client.search("fish", page_size=50)


def test_search_needs_text(client: FdcClient) -> None:
    with pytest.raises(ValueError, match="type what to search for"):
        client.search("   ")
    with pytest.raises(ValueError, match="too long"):
        client.search("x" * 201)


def test_food_details_request(server: FakeServer, client: FdcClient) -> None:
    server.route("/fdc/v1/food/168149", Reply.json("fdc_food_168149.json"))
    food = client.food("fdc:168149")
    assert food.value("magnesium_mg") == 60.0
    assert [s.path for s in server.requests] == ["/fdc/v1/food/168149"]
    client.food(168149)
    assert server.hits("/fdc/v1/food/168149") == 1  # cached


def test_unknown_food_is_not_found(server: FakeServer, client: FdcClient) -> None:
    server.route("/fdc/v1/food/999", Reply.json({}, status=404))
    with pytest.raises(FdcNotFoundError, match="FoodData Central has no food fdc:999"):
        client.food(999)


def test_a_different_food_in_the_answer_is_refused(server: FakeServer, client: FdcClient) -> None:
    server.route("/fdc/v1/food/1", Reply.json("fdc_food_168149.json"))
    with pytest.raises(BadResponseError, match="asked for food 1, got fdc:168149"):
        client.food(1)


def test_bad_key_names_the_fix(server: FakeServer, client: FdcClient) -> None:
    server.route("/fdc/v1/food/168149", Reply.json("fdc_error_403.json", status=403))
    with pytest.raises(ApiKeyError) as failure:
        client.food(168149)
    message = str(failure.value)
    assert message.startswith("FoodData Central refused the API key (API_KEY_INVALID)")
    assert "https://fdc.nal.usda.gov/api-key-signup" in message
    assert KEY not in message


def test_without_a_key_the_demo_key_is_used(server: FakeServer, client: FdcClient) -> None:
    client.api_key = lambda: None
    server.route("/fdc/v1/food/168149", Reply.json({}, status=429, **{"Retry-After": "3600"}))
    with pytest.raises(RateLimitError, match="The shared DEMO_KEY allows only a few requests"):
        client.food(168149)
    assert server.requests[0].headers["X-Api-Key"] == DEMO_KEY


def test_fixtures_are_the_documented_shapes() -> None:
    """Guard the fixtures themselves: details nested, search flat, as api_shapes.md says."""
    details = load("fdc_food_168149.json")
    assert all("nutrient" in n and "amount" in n for n in details["foodNutrients"])
    search = load("fdc_search.json")
    for food in search["foods"]:
        assert all({"nutrientId", "unitName", "value"} <= set(n) for n in food["foodNutrients"])
    assert json.dumps(search).count('"unitName": "UG"') >= 1


def test_every_nutrient_fdc_sends_is_read_in_planner_units() -> None:
    # The nested details shape: vitamin C in mg, copper in mg (the planner keeps µg), ALA
    # only as 18:3 undifferentiated (1270: the fallback), folate DFE, iodine (no SR28).
    entries = [
        {"amount": 28.1, "nutrient": {"id": 1162, "number": "401", "unitName": "mg"}},
        {"amount": 0.13, "nutrient": {"id": 1098, "number": "312", "unitName": "mg"}},
        {"amount": 0.138, "nutrient": {"id": 1270, "number": "619", "unitName": "g"}},
        {"amount": 194, "nutrient": {"id": 1190, "number": "435", "unitName": "µg"}},
        {"amount": 12, "nutrient": {"id": 1100, "unitName": "µg"}},
        # The abridged shape names only the number: 418 is vitamin B12.
        {"number": "418", "amount": 0.5, "unitName": "UG"},
    ]
    values = nutrient_values(entries)
    assert values["vitamin_c_mg"] == 28.1
    assert values["copper_ug"] == pytest.approx(130.0)
    assert values["alpha_linolenic_acid_g"] == 0.138
    assert values["folate_dfe_ug"] == 194
    assert values["iodine_ug"] == 12
    assert values["vitamin_b12_ug"] == 0.5
    assert values["selenium_ug"] is None  # not sent: unknown, not zero
    # The exact ALA (1404) wins over the undifferentiated 18:3 where both are sent.
    both = nutrient_values([*entries, {"amount": 0.1, "nutrient": {"id": 1404,
                                                                   "unitName": "g"}}])
    assert both["alpha_linolenic_acid_g"] == 0.1
