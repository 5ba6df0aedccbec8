"""USDA FoodData Central (FDC) API v1: search foods and fetch one, as core values.

- ``GET /foods/search?query=...&dataType=...`` -> :class:`FdcSearchPage`
- ``GET /food/{fdcId}`` -> :class:`planner.core.foods.Food` (``fdc:<fdcId>``)

The API key goes in the ``X-Api-Key`` header only (api.data.gov accepts it there), so it
is never part of a URL that is logged or cached. Without a key the shared ``DEMO_KEY``
is used, which api.data.gov allows with a much lower rate limit.

Nutrients come in two shapes and both are read: search results carry flat entries
``{nutrientId, nutrientNumber, unitName: "MG", value}``; food details carry nested ones
``{nutrient: {id, number, unitName}, amount}`` (and ``format=abridged`` gives
``{number, unitName, amount}``). SR Legacy, Foundation and Survey amounts are per 100 g.
Branded ``foodNutrients`` are per 100 g too (FDC derives them from the label, derivation
``LCCS`` "calculated from value per serving size measure"); the label itself,
``labelNutrients``, is per serving and is converted with ``servingSize`` /
``servingSizeUnit`` (g, or ml taken as g) to fill values the per-100 g list lacks.

Energy is nutrient 1008 (kcal), else Atwater specific (2048) or general (2047) kcal,
else 1062 kJ / 4.184. Vitamin D is 1114 (µg), else 1110 (IU) / 40, else D2 (1111) +
D3 (1112) when both are given. A nutrient that is absent stays unknown (``None``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from planner.core.foods import Food, FoodRef, Portion, nutrient_map
from planner.core.nutrients import (
    IU_PER_UG_VITAMIN_D,
    NUTRIENTS,
    VITAMIN_D_IU_FDC_ID,
    empty_values,
)
from planner.sources.http import (
    ApiKeyError,
    BadResponseError,
    JsonClient,
    NotFoundError,
    RateLimitError,
)

DEFAULT_BASE_URL: Final = "https://api.nal.usda.gov/fdc/v1"
SERVICE: Final = "FoodData Central"
#: api.data.gov's shared key: works without signing up, at a much lower rate limit.
DEMO_KEY: Final = "DEMO_KEY"
KEY_SIGNUP_URL: Final = "https://fdc.nal.usda.gov/api-key-signup"
ATTRIBUTION: Final = "USDA FoodData Central (public domain, CC0 1.0)"

#: The API's data type names.
FOUNDATION: Final = "Foundation"
SR_LEGACY: Final = "SR Legacy"
SURVEY: Final = "Survey (FNDDS)"
BRANDED: Final = "Branded"
DATA_TYPES: Final = (FOUNDATION, SR_LEGACY, SURVEY, BRANDED)
#: Searched when no data type is chosen: the generic foods, where magnesium and
#: vitamin D are measured; Branded foods rarely declare either and would crowd them out.
DEFAULT_DATA_TYPES: Final = (FOUNDATION, SR_LEGACY, SURVEY)
_DATA_TYPE_ALIASES: Final = {
    "foundation": FOUNDATION,
    "sr_legacy": SR_LEGACY,
    "sr legacy": SR_LEGACY,
    "sr-legacy": SR_LEGACY,
    "sr": SR_LEGACY,
    "survey": SURVEY,
    "fndds": SURVEY,
    "survey (fndds)": SURVEY,
    "branded": BRANDED,
}
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = 200
MAX_QUERY_LENGTH: Final = 200
#: Size allowance per requested search result, above the client's usual cap.
SEARCH_BYTES_PER_RESULT: Final = 100_000

# FDC nutrient ids beyond the tracked ones (see NUTRIENTS for those).
ENERGY_KCAL_ID: Final = 1008
ENERGY_KJ_ID: Final = 1062
ENERGY_ATWATER_GENERAL_ID: Final = 2047
ENERGY_ATWATER_SPECIFIC_ID: Final = 2048
VITAMIN_D_ID: Final = 1114
VITAMIN_D2_ID: Final = 1111
VITAMIN_D3_ID: Final = 1112

#: Nutrient numbers (SR style) to FDC ids, for entries that carry only a number.
_ID_BY_NUMBER: Final = {
    **{number: ident for n in NUTRIENTS for number, ident in zip(n.sr_numbers, n.fdc_ids,
                                                                   strict=False)},
    "324": VITAMIN_D_IU_FDC_ID,
    "325": VITAMIN_D2_ID,
    "326": VITAMIN_D3_ID,
    "268": ENERGY_KJ_ID,
    "957": ENERGY_ATWATER_GENERAL_ID,
    "958": ENERGY_ATWATER_SPECIFIC_ID,
}
_WANTED_IDS: Final = frozenset(_ID_BY_NUMBER.values()) | {i for n in NUTRIENTS for i in n.fdc_ids}
#: Tracked nutrients read straight from their FDC ids, the preferred first (energy and
#: vitamin D have rules of their own).
_DIRECT: Final = tuple(
    (n.key, n.fdc_ids, n.unit) for n in NUTRIENTS
    if n.fdc_id not in (ENERGY_KCAL_ID, VITAMIN_D_ID)
)
#: Grams per unit of the mass units FDC uses (``unitName`` is upper-case in search).
_GRAMS: Final = {"g": 1.0, "mg": 1e-3, "ug": 1e-6, "µg": 1e-6, "μg": 1e-6, "mcg": 1e-6}
_KJ_PER_KCAL: Final = 4.184

#: Branded ``labelNutrients`` (per serving, label units) to planner keys.
_LABEL_KEYS: Final = {
    "calories": "energy_kcal",
    "protein": "protein_g",
    "fat": "fat_g",
    "carbohydrates": "carbs_g",
    "fiber": "fiber_g",
    "sugars": "sugars_g",
    "calcium": "calcium_mg",
    "iron": "iron_mg",
    "potassium": "potassium_mg",
    "sodium": "sodium_mg",
}
_GRAM_UNITS: Final = frozenset({"g", "grm", "gram", "grams"})
_ML_UNITS: Final = frozenset({"ml", "mlt", "milliliter", "milliliters", "millilitre"})

MAX_NAME: Final = 400
MAX_PORTION_TEXT: Final = 200
_QUANTITY: Final = re.compile(r"^\s*(\d+(?:\.\d+)?|\d+/\d+|\d+\s+\d+/\d+)\s+(.+)$")

#: ``api_key() -> key or None``: read when a request is made, so a new key applies at once.
KeyProvider = Callable[[], str | None]


class FdcNotFoundError(NotFoundError):
    def __init__(self, fdc_id: int) -> None:
        super().__init__(f"{SERVICE} has no food fdc:{fdc_id}")
        self.fdc_id = fdc_id


def data_type(text: str) -> str:
    """The API's name for a data type given as ``SR_Legacy``, ``survey``, ``Branded``, ..."""
    name = _DATA_TYPE_ALIASES.get(text.strip().lower())
    if name is None:
        known = "Foundation, SR_Legacy, Survey, Branded"
        raise ValueError(f"unknown FoodData Central data type {text!r}; known: {known}")
    return name


def parse_fdc_id(value: int | str) -> int:
    """An FDC id from ``168149``, ``"168149"`` or ``"fdc:168149"``."""
    text = str(value).strip()
    if text.lower().startswith("fdc:"):
        text = text[4:].strip()
    if not text.isdigit() or not 0 < len(text) <= 10 or int(text) == 0:
        raise ValueError(f"{value!r} is not a FoodData Central id (a number such as 168149)")
    return int(text)


# -- values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FdcSearchResult:
    """One food of a search page, with its nutrients per 100 g."""

    fdc_id: int
    name: str
    data_type: str
    nutrients: Mapping[str, float | None]
    brand: str | None = None
    gtin_upc: str | None = None
    category: str | None = None

    @property
    def ref(self) -> FoodRef:
        return FoodRef("fdc", str(self.fdc_id))

    @property
    def energy_kcal(self) -> float | None:
        return self.nutrients.get("energy_kcal")

    @property
    def magnesium_mg(self) -> float | None:
        return self.nutrients.get("magnesium_mg")

    @property
    def vitamin_d_ug(self) -> float | None:
        return self.nutrients.get("vitamin_d_ug")


@dataclass(frozen=True, slots=True)
class FdcSearchPage:
    results: tuple[FdcSearchResult, ...]
    total_hits: int
    page: int
    total_pages: int


# -- parsing -------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A finite, non-negative number, or ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number) or number < 0:
        return None
    return number


def nutrient_amounts(entries: Any) -> dict[int, tuple[float, str]]:
    """``{fdc nutrient id: (amount, unit lower-case)}`` of the nutrients the planner reads.

    Accepts the flat search shape, the nested details shape and the abridged shape.
    """
    amounts: dict[int, tuple[float, str]] = {}
    if not isinstance(entries, list):
        return amounts
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        nested = entry.get("nutrient")
        if isinstance(nested, dict):
            ident = nested.get("id")
            number = nested.get("number")
            unit = nested.get("unitName")
        else:
            ident = entry.get("nutrientId")
            number = entry.get("nutrientNumber") or entry.get("number")
            unit = entry.get("unitName")
        if isinstance(ident, int):
            if ident not in _WANTED_IDS:
                continue
        elif isinstance(ident, str) and ident.isdigit() and int(ident) in _WANTED_IDS:
            ident = int(ident)
        elif isinstance(number, str | int) and str(number) in _ID_BY_NUMBER:
            ident = _ID_BY_NUMBER[str(number)]
        else:
            continue
        value = entry.get("value")
        if value is None:
            value = entry.get("amount")
        amount = _number(value)
        if amount is None:
            continue
        amounts[ident] = (amount, unit.lower() if isinstance(unit, str) else "")
    return amounts


def _in_unit(amount: float, unit: str, target: str) -> float | None:
    """``amount`` of ``unit`` in ``target`` (g, mg or µg); ``None`` if not a mass unit."""
    if unit == target or not unit:
        return amount
    have = _GRAMS.get(unit)
    want = _GRAMS.get(target)
    if have is None or want is None:
        return None
    return amount * have / want


def _energy_kcal(amounts: Mapping[int, tuple[float, str]]) -> float | None:
    # Atwater specific factors are what SR's own energy value used where they exist.
    for ident in (ENERGY_KCAL_ID, ENERGY_ATWATER_SPECIFIC_ID, ENERGY_ATWATER_GENERAL_ID,
                  ENERGY_KJ_ID):
        found = amounts.get(ident)
        if found is None:
            continue
        amount, unit = found
        if unit == "kj" or (ident == ENERGY_KJ_ID and unit != "kcal"):
            return amount / _KJ_PER_KCAL
        if unit in ("kcal", ""):
            return amount
    return None


def _vitamin_d_ug(amounts: Mapping[int, tuple[float, str]]) -> float | None:
    for ident in (VITAMIN_D_ID, VITAMIN_D_IU_FDC_ID):
        found = amounts.get(ident)
        if found is None:
            continue
        amount, unit = found
        if unit == "iu" or (ident == VITAMIN_D_IU_FDC_ID and not unit):
            return amount / IU_PER_UG_VITAMIN_D
        converted = _in_unit(amount, unit, "µg")
        if converted is not None:
            return converted
    d2 = amounts.get(VITAMIN_D2_ID)
    d3 = amounts.get(VITAMIN_D3_ID)
    if d2 is not None and d3 is not None:
        d2_ug = _in_unit(d2[0], d2[1], "µg")
        d3_ug = _in_unit(d3[0], d3[1], "µg")
        if d2_ug is not None and d3_ug is not None:
            return d2_ug + d3_ug
    return None


def nutrient_values(entries: Any, notes: list[str] | None = None) -> dict[str, float | None]:
    """Per-100 g values of every tracked nutrient from an FDC ``foodNutrients`` list."""
    amounts = nutrient_amounts(entries)
    values = empty_values()
    if not amounts:
        return values
    values["energy_kcal"] = _energy_kcal(amounts)
    values["vitamin_d_ug"] = _vitamin_d_ug(amounts)
    for key, idents, unit in _DIRECT:
        found = next((amounts[ident] for ident in idents if ident in amounts), None)
        if found is None:
            continue
        converted = _in_unit(found[0], found[1], unit)
        if converted is None and notes is not None:
            notes.append(f"{key}: unit {found[1]!r} not understood, left unknown")
        values[key] = converted
    return values


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    return None


def _name(payload: Mapping[str, Any]) -> str:
    name = _text(payload.get("description")) or f"FoodData Central food {payload.get('fdcId')}"
    brand = _text(payload.get("brandName")) or _text(payload.get("brandOwner"))
    if brand and brand.lower() not in name.lower():
        name = f"{name}, {brand}"
    return name[:MAX_NAME]


def parse_search(payload: Any) -> FdcSearchPage:
    """The results of ``/foods/search``; foods without an id are skipped."""
    if not isinstance(payload, dict) or not isinstance(payload.get("foods"), list):
        raise BadResponseError(f"{SERVICE}: the search answer holds no list of foods")
    results = []
    for item in payload["foods"]:
        if not isinstance(item, dict):
            continue
        fdc_id = item.get("fdcId")
        if isinstance(fdc_id, bool) or not isinstance(fdc_id, int) or fdc_id <= 0:
            continue
        category = item.get("foodCategory")
        results.append(
            FdcSearchResult(
                fdc_id=fdc_id,
                name=_name(item),
                data_type=_text(item.get("dataType")) or "",
                nutrients=nutrient_values(item.get("foodNutrients")),
                brand=_text(item.get("brandName")) or _text(item.get("brandOwner")),
                gtin_upc=_text(item.get("gtinUpc")),
                category=_text(category)
                or (_text(category.get("description")) if isinstance(category, dict) else None),
            )
        )
    return FdcSearchPage(
        results=tuple(results),
        total_hits=_count(payload.get("totalHits"), len(results)),
        page=_count(payload.get("currentPage"), 1),
        total_pages=_count(payload.get("totalPages"), 1),
    )


def _count(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _split_quantity(text: str) -> tuple[float, str]:
    """``"1 cup"`` -> ``(1.0, "cup")``; ``"1/2 cup"`` -> ``(0.5, "cup")``; else ``(1, text)``."""
    match = _QUANTITY.match(text)
    if match is None:
        return 1.0, text
    quantity, rest = match.groups()
    total = 0.0
    for part in quantity.split():
        if "/" in part:
            top, bottom = part.split("/")
            if int(bottom) == 0:
                return 1.0, text
            total += int(top) / int(bottom)
        else:
            total += float(part)
    return (total, rest) if total > 0 else (1.0, text)


def parse_portions(items: Any) -> tuple[Portion, ...]:
    """Household measures from ``foodPortions``, in the source's order.

    SR Legacy puts the measure in ``modifier`` (``measureUnit`` is 9999 "undetermined"),
    Foundation in ``measureUnit.name`` (with an optional ``modifier``), Survey (FNDDS)
    in ``portionDescription`` such as ``"1 cup"`` (its ``modifier`` is a numeric code).
    """
    if not isinstance(items, list):
        return ()
    rows = [p for p in items if isinstance(p, dict)]
    rows.sort(key=lambda p: _count(p.get("sequenceNumber"), 0))
    portions: list[Portion] = []
    for row in rows:
        grams = _number(row.get("gramWeight"))
        if not grams or grams > 100_000:
            continue
        amount = _number(row.get("amount")) or 1.0
        modifier = _text(row.get("modifier"))
        if modifier is not None and modifier.replace(".", "").isdigit():
            modifier = None
        unit = row.get("measureUnit")
        unit_name = _text(unit.get("name")) if isinstance(unit, dict) else None
        if unit_name is not None and unit_name.lower() == "undetermined":
            unit_name = None
        description = _text(row.get("portionDescription"))
        if description is not None and description.lower() != "quantity not specified":
            amount, text = _split_quantity(description)
        elif unit_name is not None:
            text = unit_name if modifier in (None, unit_name) else f"{unit_name}, {modifier}"
        elif modifier is not None:
            text = modifier
        elif description is not None:
            text = description
        else:
            continue
        portion = Portion(amount, text[:MAX_PORTION_TEXT], grams)
        if portion not in portions:
            portions.append(portion)
    return tuple(portions)


def _serving_grams(payload: Mapping[str, Any], notes: list[str]) -> float | None:
    size = _number(payload.get("servingSize"))
    unit = (_text(payload.get("servingSizeUnit")) or "").lower()
    if not size:
        return None
    if unit in _GRAM_UNITS:
        return size
    if unit in _ML_UNITS:
        notes.append(f"serving of {size:g} ml taken as {size:g} g")
        return size
    notes.append(f"serving size in {unit or 'no unit'} cannot be weighed")
    return None


def _label_values(
    payload: Mapping[str, Any], serving_g: float | None, notes: list[str]
) -> dict[str, float]:
    """Branded ``labelNutrients`` (per serving) as per-100 g values."""
    label = payload.get("labelNutrients")
    if not isinstance(label, dict) or not label:
        return {}
    if serving_g is None:
        notes.append("label values per serving not used: the serving has no weight")
        return {}
    values: dict[str, float] = {}
    for name, key in _LABEL_KEYS.items():
        box = label.get(name)
        if not isinstance(box, dict):
            continue
        # Real payloads say "value"; the OpenAPI schema says "number".
        amount = _number(box.get("value", box.get("number")))
        if amount is not None:
            values[key] = amount * 100.0 / serving_g
    return values


def parse_food(payload: Any) -> Food:
    """A :class:`Food` from ``/food/{fdcId}`` (``format=full`` or ``abridged``)."""
    if not isinstance(payload, dict):
        raise BadResponseError(f"{SERVICE}: the food answer is not an object")
    fdc_id = payload.get("fdcId")
    if isinstance(fdc_id, bool) or not isinstance(fdc_id, int) or fdc_id <= 0:
        raise BadResponseError(f"{SERVICE}: the food answer has no fdcId")
    notes: list[str] = []
    values = nutrient_values(payload.get("foodNutrients"), notes)
    portions = list(parse_portions(payload.get("foodPortions")))
    kind = _text(payload.get("dataType")) or ""
    if kind == BRANDED or "servingSize" in payload:
        serving_g = _serving_grams(payload, notes)
        filled = []
        for key, value in _label_values(payload, serving_g, notes).items():
            if values.get(key) is None:
                values[key] = value
                filled.append(key)
        if filled:
            notes.append(f"from the label per serving: {', '.join(filled)}")
        if serving_g is not None:
            household = _text(payload.get("householdServingFullText"))
            text = f"serving ({household})" if household else "serving"
            serving = Portion(1.0, text[:MAX_PORTION_TEXT], serving_g)
            if serving not in portions:
                portions.insert(0, serving)
    category = payload.get("foodCategory")
    group_code = group_name = None
    if isinstance(category, dict):
        code = category.get("code")
        group_code = _text(code) if isinstance(code, str) else None
        group_name = _text(category.get("description"))
    elif isinstance(category, str):
        group_name = _text(category)
    group_name = group_name or _text(payload.get("brandedFoodCategory"))
    attribution = f"{ATTRIBUTION}, {kind or 'food'} {fdc_id}"
    if notes:
        attribution += ". " + "; ".join(notes)
    return Food(
        ref=FoodRef("fdc", str(fdc_id)),
        name=_name(payload),
        group_code=group_code,
        group_name=group_name,
        nutrients=nutrient_map(values),
        portions=tuple(portions),
        attribution=attribution,
    )


# -- the client ----------------------------------------------------------------------


class FdcClient:
    """Search and fetch foods from FoodData Central through a :class:`JsonClient`."""

    def __init__(
        self,
        http: JsonClient,
        base_url: str = DEFAULT_BASE_URL,
        api_key: KeyProvider | None = None,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key or (lambda: None)

    def _headers(self) -> dict[str, str]:
        return {"X-Api-Key": self.api_key() or DEMO_KEY}

    def _get(self, path: str, params: Mapping[str, str], max_bytes: int | None = None) -> Any:
        headers = self._headers()
        try:
            return self.http.get_json(
                f"{self.base_url}{path}", params, headers=headers, max_bytes=max_bytes
            )
        except ApiKeyError as exc:
            raise ApiKeyError(
                f"{SERVICE} refused the API key ({exc.code or 'HTTP 403'}); get a free key "
                f"at {KEY_SIGNUP_URL} and save it in the planner's settings",
                exc.code,
            ) from None
        except RateLimitError as exc:
            if headers["X-Api-Key"] != DEMO_KEY:
                raise
            raise RateLimitError(
                f"{exc}. The shared DEMO_KEY allows only a few requests an hour; get a free "
                f"key at {KEY_SIGNUP_URL}",
                exc.retry_after,
            ) from None

    def search(
        self,
        text: str,
        data_types: Iterable[str] = DEFAULT_DATA_TYPES,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        page: int = 1,
    ) -> FdcSearchPage:
        query = " ".join(text.split())
        if not query:
            raise ValueError("type what to search for, e.g. 'spinach raw'")
        if len(query) > MAX_QUERY_LENGTH:
            raise ValueError(f"the search text is too long (over {MAX_QUERY_LENGTH} characters)")
        kinds = _data_types(data_types)
        size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        params = {
            "query": query,
            "dataType": ",".join(kinds),
            "pageSize": str(size),
            "pageNumber": str(max(1, int(page))),
        }
        # An SR Legacy result lists ~100 nutrients (~30 kB): a full page of 200 is ~6 MB.
        limit = max(self.http.settings.max_bytes, size * SEARCH_BYTES_PER_RESULT)
        return parse_search(self._get("/foods/search", params, limit))

    def food(self, fdc_id: int | str) -> Food:
        ident = parse_fdc_id(fdc_id)
        try:
            payload = self._get(f"/food/{ident}", {})
        except NotFoundError:
            raise FdcNotFoundError(ident) from None
        food = parse_food(payload)
        if food.ref.source_id != str(ident):
            raise BadResponseError(f"{SERVICE}: asked for food {ident}, got {food.ref}")
        return food


def _data_types(values: Iterable[str]) -> Sequence[str]:
    kinds: list[str] = []
    for value in values:
        kind = data_type(value)
        if kind not in kinds:
            kinds.append(kind)
    return kinds or list(DEFAULT_DATA_TYPES)
