"""Open Food Facts (OFF) API v2: one product by barcode, as a core :class:`Food`.

``GET /api/v2/product/{barcode}.json?fields=...`` answers
``{"code", "product": {...}, "status": 1}``, or ``status: 0`` when the product is not
known (and possibly HTTP 404; both mean "not found").

``product.nutriments`` holds ``<nutrient>_100g`` values normalised to **grams** per
100 g (or 100 ml), energy in kJ, ``energy-kcal_100g`` in kcal: ``magnesium_100g: 0.0563``
is 56.3 mg and ``vitamin-d_100g: 0.00000242`` is 2.42 µg. The data is crowd-sourced, so
values no food can have (magnesium above 1 g per 100 g, say) are dropped and the drop is
noted in the food's attribution. The licence asks for attribution: every food carries
:data:`ATTRIBUTION`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from planner.core.foods import Food, FoodRef, Portion, nutrient_map
from planner.core.nutrients import BY_KEY, empty_values
from planner.sources.http import BadResponseError, JsonClient, NotFoundError

DEFAULT_BASE_URL: Final = "https://world.openfoodfacts.org"
SERVICE: Final = "Open Food Facts"
ATTRIBUTION: Final = "Open Food Facts contributors, ODbL 1.0 (openfoodfacts.org)"
#: Only what the planner reads; OFF's full product is ten times larger.
FIELDS: Final = (
    "code,product_name,product_name_en,generic_name,brands,serving_size,serving_quantity,"
    "nutriments"
)
MAX_NAME: Final = 400
MAX_PORTION_TEXT: Final = 200
_KJ_PER_KCAL: Final = 4.184

#: (OFF nutrient id, planner key, factor from the ``_100g`` unit, upper limit in that unit).
#: Limits are per 100 g, above anything a food holds: pure fat is 900 kcal; the richest
#: foods in SR28 are dried thyme (124 mg iron), bone-in dried fish (~4 g calcium),
#: cod liver oil (250 µg vitamin D), dried herbs (~1.7 mg vitamin K), table salt (39 g Na).
NUTRIMENTS: Final[tuple[tuple[str, str, float, float], ...]] = (
    ("energy-kcal", "energy_kcal", 1.0, 950.0),
    ("proteins", "protein_g", 1.0, 100.0),
    ("fat", "fat_g", 1.0, 100.0),
    ("carbohydrates", "carbs_g", 1.0, 100.0),
    ("fiber", "fiber_g", 1.0, 100.0),
    ("sugars", "sugars_g", 1.0, 100.0),
    ("calcium", "calcium_mg", 1e3, 4.0),
    ("iron", "iron_mg", 1e3, 0.2),
    ("magnesium", "magnesium_mg", 1e3, 1.0),
    ("phosphorus", "phosphorus_mg", 1e3, 2.5),
    ("potassium", "potassium_mg", 1e3, 10.0),
    ("sodium", "sodium_mg", 1e3, 40.0),
    ("zinc", "zinc_mg", 1e3, 0.2),
    ("vitamin-d", "vitamin_d_ug", 1e6, 0.0005),
    ("vitamin-k", "vitamin_k_ug", 1e6, 0.005),
    # The full panel, where a label gives it. Limits: richest SR28 foods, with room.
    ("starch", "starch_g", 1.0, 100.0),
    ("alcohol", "alcohol_g", 1.0, 100.0),
    ("caffeine", "caffeine_mg", 1e3, 5.0),
    ("saturated-fat", "saturated_fat_g", 1.0, 100.0),
    ("monounsaturated-fat", "monounsaturated_fat_g", 1.0, 100.0),
    ("polyunsaturated-fat", "polyunsaturated_fat_g", 1.0, 100.0),
    ("trans-fat", "trans_fat_g", 1.0, 100.0),
    ("cholesterol", "cholesterol_mg", 1e3, 4.0),
    ("linoleic-acid", "linoleic_acid_g", 1.0, 100.0),
    ("alpha-linolenic-acid", "alpha_linolenic_acid_g", 1.0, 100.0),
    ("eicosapentaenoic-acid", "epa_g", 1.0, 100.0),
    ("docosahexaenoic-acid", "dha_g", 1.0, 100.0),
    ("copper", "copper_ug", 1e6, 0.05),
    ("manganese", "manganese_mg", 1e3, 0.2),
    ("selenium", "selenium_ug", 1e6, 0.005),
    ("fluoride", "fluoride_mg", 1e3, 0.01),
    ("iodine", "iodine_ug", 1e6, 0.01),
    ("chromium", "chromium_ug", 1e6, 0.001),
    ("molybdenum", "molybdenum_ug", 1e6, 0.001),
    ("chloride", "chloride_mg", 1e3, 70.0),
    # OFF's vitamin A is in retinol equivalents, as labels give it.
    ("vitamin-a", "vitamin_a_rae_ug", 1e6, 0.03),
    ("beta-carotene", "beta_carotene_ug", 1e6, 0.1),
    ("vitamin-c", "vitamin_c_mg", 1e3, 5.0),
    ("vitamin-e", "vitamin_e_mg", 1e3, 0.2),
    ("vitamin-b1", "thiamin_mg", 1e3, 0.05),
    ("vitamin-b2", "riboflavin_mg", 1e3, 0.05),
    ("vitamin-pp", "niacin_mg", 1e3, 0.2),
    ("pantothenic-acid", "pantothenic_acid_mg", 1e3, 0.05),
    ("vitamin-b6", "vitamin_b6_mg", 1e3, 0.05),
    # Labels give folate (or folic acid) in µg; OFF keeps it as vitamin B9.
    ("vitamin-b9", "folate_dfe_ug", 1e6, 0.005),
    ("vitamin-b12", "vitamin_b12_ug", 1e6, 0.001),
    ("biotin", "biotin_ug", 1e6, 0.001),
    ("choline", "choline_mg", 1e3, 1.0),
)


class ProductNotFoundError(NotFoundError):
    def __init__(self, barcode: str) -> None:
        super().__init__(f"{SERVICE} has no product with barcode {barcode}")
        self.barcode = barcode


def parse_barcode(text: str) -> str:
    """A barcode (EAN-8, UPC-A, EAN-13, GTIN-14): 8 to 14 digits, spaces allowed."""
    code = "".join(str(text).split())
    if code.lower().startswith("off:"):
        code = code[4:]
    if not code.isdigit() or not code.isascii() or not 8 <= len(code) <= 14:
        raise ValueError(f"{text!r} is not a barcode (8 to 14 digits, e.g. 3017620422003)")
    return code


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    return None


def _shown(key: str, value: float) -> str:
    unit = BY_KEY[key].unit
    return f"{value:.4g} {unit}/100 g"


def nutrient_values(nutriments: Any, notes: list[str] | None = None) -> dict[str, float | None]:
    """Per-100 g values in planner units from OFF ``nutriments`` (``*_100g`` in grams)."""
    values = empty_values()
    if not isinstance(nutriments, dict):
        return values
    notes = notes if notes is not None else []
    for name, key, factor, limit in NUTRIMENTS:
        raw = _number(nutriments.get(f"{name}_100g"))
        if raw is None:
            continue
        label = BY_KEY[key].label.lower()
        if raw < 0:
            notes.append(f"dropped {label} {_shown(key, raw * factor)} (negative)")
            continue
        if raw > limit:
            notes.append(f"dropped {label} {_shown(key, raw * factor)} (implausible for a food)")
            continue
        values[key] = raw * factor
    if values["energy_kcal"] is None:
        kj = _number(nutriments.get("energy_100g"))
        if kj is not None and 0 <= kj <= 950 * _KJ_PER_KCAL:
            values["energy_kcal"] = kj / _KJ_PER_KCAL
    if values["sodium_mg"] is None:
        salt = _number(nutriments.get("salt_100g"))
        if salt is not None and 0 <= salt <= 100:
            # Sodium is 39.3 % of salt (NaCl); OFF itself uses salt = sodium x 2.5.
            values["sodium_mg"] = salt / 2.5 * 1e3
    return values


def parse_product(payload: Any, barcode: str) -> Food:
    """A :class:`Food` (``off:<barcode>``) from a product answer with ``status: 1``."""
    if not isinstance(payload, dict):
        raise BadResponseError(f"{SERVICE}: the product answer is not an object")
    status = payload.get("status")
    product = payload.get("product")
    if status == 0 or (status is None and product is None):
        raise ProductNotFoundError(barcode)
    if not isinstance(product, dict):
        raise BadResponseError(f"{SERVICE}: the answer for {barcode} holds no product")
    notes: list[str] = []
    values = nutrient_values(product.get("nutriments"), notes)
    attribution = ATTRIBUTION
    if notes:
        attribution += ". " + "; ".join(notes)
    return Food(
        ref=FoodRef("off", barcode),
        name=_name(product, barcode),
        group_code=None,
        nutrients=nutrient_map(values),
        portions=_portions(product),
        attribution=attribution,
    )


def _name(product: Mapping[str, Any], barcode: str) -> str:
    name = (
        _text(product.get("product_name"))
        or _text(product.get("product_name_en"))
        or _text(product.get("generic_name"))
        or f"Product {barcode}"
    )
    brands = _text(product.get("brands"))
    brand = brands.split(",")[0].strip() if brands else ""
    if brand and brand.lower() not in name.lower():
        name = f"{name}, {brand}"
    return name[:MAX_NAME]


def _portions(product: Mapping[str, Any]) -> tuple[Portion, ...]:
    grams = _number(product.get("serving_quantity"))
    if grams is None or not 0 < grams <= 5000:
        return ()
    size = _text(product.get("serving_size"))
    text = f"serving ({size})" if size else "serving"
    return (Portion(1.0, text[:MAX_PORTION_TEXT], grams),)


class OffClient:
    """Products by barcode from Open Food Facts through a :class:`JsonClient`."""

    def __init__(self, http: JsonClient, base_url: str = DEFAULT_BASE_URL) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    def product(self, barcode: str) -> Food:
        code = parse_barcode(barcode)
        url = f"{self.base_url}/api/v2/product/{code}.json"
        try:
            payload = self.http.get_json(url, {"fields": FIELDS}, cacheable=_found)
        except NotFoundError:
            raise ProductNotFoundError(code) from None
        return parse_product(payload, code)


def _found(body: Any) -> bool:
    """Only found products are cached: an unknown barcode may be added tomorrow."""
    return isinstance(body, dict) and body.get("status") == 1
