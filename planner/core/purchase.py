"""What you buy for what you eat: cooked rice is bought dry, a roast chicken breast raw.

A plan names what is on the plate; a shopping list names what is in the shop. For a food
eaten cooked, brewed or prepared, :func:`purchase_index` finds what is bought and how much
of it one gram eaten takes:

* **SR28's own pairs.** A cooked food of the grain, pasta, legume, meat, poultry or fish
  groups and its raw or dry form are found by their descriptions: the same parts once the
  words of the state are set aside ("Rice, white, long-grain, regular, enriched, cooked"
  and "Rice, white, long-grain, regular, raw, enriched"; "Beef, ground, 80% lean meat /
  20% fat, loaf, cooked, baked" and "..., raw"). The yield comes from the pair's values
  per 100 g: for grains, pasta and legumes the **water-free mass** is kept while they
  soak up water (cooked rice, 31.6 % solids, from dry rice, 88.4 %: 0.357 g dry per g
  cooked); meat, poultry and fish lose water and fat, and their **protein** is kept
  (chicken breast, 31.0 g protein roasted, 22.5 g raw: 1.38 g raw per g roasted).
* **Drinks made up** from a powder or a concentrate ("Lemonade, frozen concentrate,
  white, prepared with water") are bought as it, by water-free mass too.
* **A table** (``data/purchase.json``) for what SR28 does not pair: brewed coffee and tea
  (ground coffee or tea leaves per litre brewed), and for pairs the rule gets wrong, each
  with its reason.

The eaten amount stays on the list ("270 g white rice, dry (for 790 g cooked)"), and a
shopping list item says which foods of the plan it covers (``ShoppingItem.sources``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

from planner.core.data_files import json_object
from planner.core.foods import Food, FoodRef

__all__ = ["PURCHASE_FORMAT", "Purchase", "PurchaseRules", "PurchaseRulesError",
           "purchase_index"]

PURCHASE_FORMAT: Final = "planner.purchase/1"

Method = Literal["water-free mass", "protein", "table"]

#: USDA food groups whose cooked foods are bought dry or raw, and by which value the
#: yield is worked out.
_BY_SOLIDS: Final = frozenset({"2000", "1600", "0800"})  # grains, pasta; legumes; cereals
_BY_PROTEIN: Final = frozenset({"0500", "1000", "1300", "1500", "1700"})  # meat, fish
#: Parts of a name that say a food is cooked, and how.
_COOKED_PARTS: Final = re.compile(
    r"^(?:cooked|boiled|roasted|baked|broiled|braised|stewed|simmered|pan-fried|fried|"
    r"pan-broiled|grilled|steamed|microwaved|drained|dry heat|moist heat|loaf|patty|"
    r"crumbles|pan-browned|(?:with|without)(?: added)? salt|cooked without salt|"
    r"cooked with salt|heated|rotisserie|oven-heated|cooked, .*)$"
)
_COOKED_WORD: Final = re.compile(r"\b(?:cooked|boiled|roasted|baked|broiled|braised|stewed|"
                                 r"grilled|steamed|fried|dry heat|moist heat)\b", re.I)
#: Parts of a name that say a food is as bought.
_RAW_PARTS: Final = re.compile(r"^(?:raw|dry|uncooked|unprepared|unheated)$")
#: Drinks made up from a powder or a concentrate, and the parts that say so.
_MADE_UP: Final = frozenset({"1400", "0900"})
_PREPARED_PARTS: Final = re.compile(r"^(?:prepared(?: with| from)? .*|diluted with .*)$")
_AS_SOLD_PARTS: Final = re.compile(r"^(?:undiluted|unprepared|not reconstituted)$")


class PurchaseRulesError(ValueError):
    """A purchase file that cannot be used (says where and why)."""


@dataclass(frozen=True, slots=True)
class Purchase:
    """What is bought for a food eaten: ``factor`` g of ``food`` (or of the thing named
    ``name`` when the data holds no such food) per g eaten, found by ``method``."""

    food: Food | None
    name: str
    factor: float
    #: The form bought, as a shopper reads it: "dry", "raw", "ground", "leaves".
    form: str
    method: Method
    #: The word for the eaten form ("cooked", "brewed").
    eaten_form: str
    why: str = ""

    @property
    def key(self) -> str:
        """What items are merged by: the bought food, or the bought thing's name."""
        return str(self.food.ref) if self.food is not None else f"buy:{self.name}"


@dataclass(frozen=True, slots=True)
class _Brew:
    pattern: re.Pattern[str]
    name: str
    grams_per_100g: float
    form: str
    why: str


@dataclass(frozen=True, slots=True)
class _Pair:
    eaten: str
    bought: str
    factor: float | None
    why: str


@dataclass(frozen=True, slots=True)
class PurchaseRules:
    """The table of ``data/purchase.json``: brews and explicit pairs."""

    brews: tuple[_Brew, ...] = ()
    pairs: Mapping[str, _Pair] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_json(cls, text: str) -> PurchaseRules:
        data = json_object(text, PURCHASE_FORMAT, "the purchase file", PurchaseRulesError)
        brews = []
        for number, raw in enumerate(data.get("brews", []), start=1):
            where = f"brew {number}"
            try:
                pattern = re.compile(str(raw["match"]), re.IGNORECASE)
                grams = float(raw["grams_per_100g"])
                brews.append(_Brew(pattern, str(raw["name"]), grams, str(raw["form"]),
                                   str(raw["why"])))
            except (KeyError, TypeError, ValueError, re.error) as error:
                raise PurchaseRulesError(f"{where}: {error}") from None
            if not 0 < grams <= 100:
                raise PurchaseRulesError(f"{where}: grams_per_100g must be above 0, at most 100")
        pairs = {}
        for number, raw in enumerate(data.get("pairs", []), start=1):
            try:
                factor = None if raw.get("factor") is None else float(raw["factor"])
                pair = _Pair(str(raw["eaten"]), str(raw["bought"]), factor, str(raw["why"]))
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise PurchaseRulesError(f"pair {number}: {error}") from None
            if factor is not None and not 0 < factor <= 20:
                raise PurchaseRulesError(f"pair {number}: factor must be above 0, at most 20")
            pairs[pair.eaten] = pair
        return cls(tuple(brews), MappingProxyType(pairs))


def _parts(name: str) -> list[str]:
    return [" ".join(part.split()).lower() for part in name.split(",") if part.strip()]


def _state_key(name: str, state: re.Pattern[str]) -> frozenset[str] | None:
    """The parts of ``name`` other than those of the state; ``None`` when none is there."""
    parts = _parts(name)
    kept = frozenset(part for part in parts if not state.match(part))
    return kept if len(kept) < len(parts) else None


def purchase_index(foods: Iterable[Food], rules: PurchaseRules) -> dict[FoodRef, Purchase]:
    """For every food eaten in another form than it is bought, what is bought (module
    docstring); foods bought as eaten are left out."""
    foods = list(foods)
    by_source_id = {food.ref.source_id: food for food in foods if food.ref.source == "usda-sr28"}
    bought: dict[tuple[str | None, frozenset[str]], Food] = {}
    for food in foods:
        if food.group_code in _BY_SOLIDS | _BY_PROTEIN:
            key = _state_key(food.name, _RAW_PARTS)
            if key is not None:
                bought.setdefault((food.group_code, key), food)
        elif food.group_code in _MADE_UP and not any(
                _PREPARED_PARTS.match(part) for part in _parts(food.name)):
            kept = frozenset(p for p in _parts(food.name) if not _AS_SOLD_PARTS.match(p))
            bought.setdefault((food.group_code, kept), food)
    index: dict[FoodRef, Purchase] = {}
    for food in foods:
        purchase = _table(food, rules, by_source_id) or _pair(food, bought)
        if purchase is not None:
            index[food.ref] = purchase
    return index


def _table(food: Food, rules: PurchaseRules, by_source_id: Mapping[str, Food]
           ) -> Purchase | None:
    pair = rules.pairs.get(food.ref.source_id) if food.ref.source == "usda-sr28" else None
    if pair is not None:
        other = by_source_id.get(pair.bought)
        if other is not None:
            factor = pair.factor if pair.factor is not None else _yield(food, other)
            if factor is not None:
                form = "dry" if food.group_code in _BY_SOLIDS else _form(other)
                return Purchase(other, other.name, factor, form, "table",
                                _eaten_form(food), pair.why)
    for brew in rules.brews:
        if brew.pattern.search(food.name):
            return Purchase(None, brew.name, brew.grams_per_100g / 100.0, brew.form, "table",
                            "brewed", brew.why)
    return None


def _pair(food: Food, bought: Mapping[tuple[str | None, frozenset[str]], Food]
          ) -> Purchase | None:
    if food.group_code in _MADE_UP:
        return _made_up(food, bought)
    if food.group_code not in _BY_SOLIDS | _BY_PROTEIN or not _COOKED_WORD.search(food.name):
        return None
    key = _state_key(food.name, _COOKED_PARTS)
    if key is None:
        return None
    other = bought.get((food.group_code, key))
    if other is None or other.ref == food.ref:
        return None
    factor = _yield(food, other)
    if factor is None:
        return None
    if food.group_code in _BY_SOLIDS:
        return Purchase(other, other.name, factor, "dry", "water-free mass", "cooked")
    return Purchase(other, other.name, factor, "raw", "protein", "cooked")


def _made_up(food: Food, bought: Mapping[tuple[str | None, frozenset[str]], Food]
             ) -> Purchase | None:
    """A drink prepared from a powder or a concentrate: the powder or concentrate."""
    key = _state_key(food.name, _PREPARED_PARTS)
    if key is None or not any(word in " ".join(key) for word in ("powder", "concentrate",
                                                                  "dry", "mix")):
        return None
    other = bought.get((food.group_code, key))
    if other is None:
        return None
    factor = _yield(food, other)
    if factor is None:
        return None
    form = "powder" if "powder" in " ".join(key) else "concentrate"
    return Purchase(other, other.name, factor, form, "water-free mass", "prepared")


def _yield(eaten: Food, bought: Food) -> float | None:
    """Grams of ``bought`` per gram of ``eaten``: water-free mass for grains and legumes,
    protein for meat and fish; ``None`` when the values are missing or implausible."""
    if eaten.group_code in _BY_PROTEIN:
        have, need = eaten.value("protein_g"), bought.value("protein_g")
    else:
        water_eaten, water_bought = eaten.value("water_g"), bought.value("water_g")
        if water_eaten is None or water_bought is None:
            return None
        have, need = 100.0 - water_eaten, 100.0 - water_bought
    if have is None or need is None or have <= 0 or need <= 0:
        return None
    factor = have / need
    # Cooking neither makes food out of nothing nor loses 95 % of it.
    return factor if 0.02 <= factor <= 2.5 else None


def _form(food: Food) -> str:
    parts = _parts(food.name)
    for word in ("dry", "uncooked", "raw"):
        if word in parts:
            return "dry" if word == "uncooked" else word
    return "as bought"


def _eaten_form(food: Food) -> str:
    match = _COOKED_WORD.search(food.name)
    return "cooked" if match else "prepared"
