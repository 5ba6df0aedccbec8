"""Shopping lists: the foods of a date range of a plan, summed, in units one can buy.

:func:`build_shopping_list` sums every entry of the days from ``start`` to ``end`` by food
(across days and meals), multiplies by a household factor (cook for 2: ``factor=2``) and
gives each food an aisle (:class:`Aisles`, from ``data/aisles.json``) and a quantity text.
A recipe is bought as its ingredients: an entry of 1 serving of a 4-serving curry adds a
quarter of each ingredient (recipes inside recipes expanded the same way), summed with
the same foods of other entries. All recipe entries are expanded together, each recipe
once however many recipes share it (:meth:`RecipeBook.expand_all`), so the cost grows with
the size of the recipe graph, not with the number of paths through it. A recipe entry
whose foods lack a magnesium or vitamin D value counts once among the entries without it.

How a quantity is shown (``display``), first choice that applies:

1. A pack of the food (bunch, head, can, package, jar, bar, ...), the one that wastes least,
   in whole packs, if that is at most twice what the plan needs: 300 g of spinach is
   ``1 bunch spinach (340 g)``; 100 g is not a reason to show a bunch.
2. The household measure the entries use, when all measured entries use the same one
   (mass units aside): ``2 large`` eggs on 2 days is ``4 large eggs (200 g)``. Countable
   measures (large, slice, clove, ...) round up to whole items; volumes (cup, tbsp, tsp,
   fl oz) round up to a tenth (a decimal reads, sorts and exports better than 2 3/8).
3. A whole item of the food (medium, large, small, ...; large first for eggs; then fillet,
   clove, stalk, ...), or a slice, piece, roll, ... of a baked product, in whole items,
   again at most twice the need.
4. The weight: ``1.4 kg cooked white rice``.

Weights are rounded up: metric in whole grams below 1 kg, else in kg to 10 g; US in
ounces to 0.1 oz below 1 lb, else in pounds to 0.1 lb. A count shows the weight of the
whole items in brackets (what is bought). A volume goes with the weight the plan needs;
in metric the weight leads: ``195 g oats (2.4 cups)``, in US units the volume does:
``2.4 cups oats (6.9 oz)``. :attr:`ShoppingItem.grams` is always the unrounded need.

The food's name in ``display`` is a short form of the USDA name (``Cereals, oats, ...``
-> ``oats``; ``Rice, white, ..., cooked`` -> ``cooked white rice``); :attr:`ShoppingItem.name`
keeps the full name. Weights of cooked foods stay weights of the cooked food: dry-to-cooked
yields vary too much to guess what to buy.

Core does no file I/O: the services layer reads ``aisles.json`` and passes its text to
:meth:`Aisles.from_json`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any, Final, Literal

from planner.core.bounds import HOUSEHOLD_FACTOR, quote
from planner.core.data_files import json_object
from planner.core.foods import Food, FoodRef, Portion
from planner.core.nutrients import scaled
from planner.core.plan import Day, Entry, Plan
from planner.core.portions import is_liquid
from planner.core.purchase import Purchase
from planner.core.recipes import Recipe, RecipeBook, RecipeError, RecipeNutrients
from planner.core.targets import Targets
from planner.core.units import (
    MASS_UNITS,
    UnitError,
    find_portion,
    grams_per_unit,
    mass_unit,
    normalize_unit,
    portion_unit_name,
)

__all__ = [
    "AISLES_FORMAT",
    "MAX_FACTOR",
    "MIN_FACTOR",
    "AisleRule",
    "Aisles",
    "AislesError",
    "ListNutrition",
    "ShoppingItem",
    "ShoppingList",
    "Units",
    "build_shopping_list",
    "check_household_factor",
    "extra_item",
    "short_food_name",
    "weight_text",
]

Units = Literal["metric", "us"]

AISLES_FORMAT: Final = "planner.aisles/1"
#: Largest household factor: a typing error beyond this, not a household
#: (:data:`~planner.core.bounds.HOUSEHOLD_FACTOR`).
MAX_FACTOR: Final = HOUSEHOLD_FACTOR.maximum
MIN_FACTOR: Final = HOUSEHOLD_FACTOR.minimum
_UNITS: Final[tuple[Units, ...]] = ("metric", "us")


# --- Aisles -------------------------------------------------------------------------------


class AislesError(ValueError):
    """An aisles file or aisle order that cannot be used (says what and where)."""


@dataclass(frozen=True, slots=True)
class AisleRule:
    """Foods whose name matches ``pattern`` (and whose group is in ``groups``) go to ``aisle``.

    An empty ``groups`` means any food group.
    """

    pattern: re.Pattern[str]
    aisle: str
    groups: frozenset[str] = frozenset()

    def matches(self, name: str, group_code: str | None) -> bool:
        if self.groups and group_code not in self.groups:
            return False
        return self.pattern.search(name) is not None


@dataclass(frozen=True, slots=True)
class Aisles:
    """Shop aisles in walking order, and the rules that place a food in one."""

    order: tuple[str, ...]
    rules: tuple[AisleRule, ...]
    #: USDA food group code -> aisle.
    groups: Mapping[str, str]
    default: str
    _rank: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        order = tuple(self.order)
        if not order:
            raise AislesError("aisles: the order names no aisle")
        for name in order:
            if not isinstance(name, str) or not name.strip():
                raise AislesError(f"aisles: {name!r} is not an aisle name")
        if len(set(order)) != len(order):
            twice = sorted({name for name in order if order.count(name) > 1})
            raise AislesError(f"aisles: {', '.join(twice)} listed twice in the order")
        known = set(order)
        used = [("default", self.default)]
        used += [(f"rule {rule.pattern.pattern!r}", rule.aisle) for rule in self.rules]
        used += [(f"group {code}", aisle) for code, aisle in self.groups.items()]
        for where, aisle in used:
            if aisle not in known:
                raise AislesError(f"aisles: {where} names aisle {aisle!r}, which is not in "
                                  f"the order ({', '.join(order)})")
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))
        object.__setattr__(self, "_rank", MappingProxyType({a: i for i, a in enumerate(order)}))

    @classmethod
    def from_json(cls, text: str) -> Aisles:
        """Aisles from the text of an aisles file (format ``planner.aisles/1``)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise AislesError(f"aisles: not JSON ({error})") from None
        if not isinstance(data, dict):
            raise AislesError("aisles: expected a JSON object")
        if data.get("format") != AISLES_FORMAT:
            raise AislesError(
                f"aisles: format must be {AISLES_FORMAT!r}, got {data.get('format')!r}"
            )
        unknown = set(data) - {"format", "comment", "order", "default", "rules", "groups"}
        if unknown:
            raise AislesError(f"aisles: unknown keys {', '.join(sorted(unknown))}")
        order = data.get("order")
        if not isinstance(order, list) or not all(isinstance(a, str) for a in order):
            raise AislesError("aisles: 'order' must be a list of aisle names")
        default = data.get("default", order[-1] if order else "")
        if not isinstance(default, str):
            raise AislesError("aisles: 'default' must be an aisle name")
        groups = data.get("groups", {})
        if not isinstance(groups, dict) or not all(
            isinstance(code, str) and isinstance(aisle, str) for code, aisle in groups.items()
        ):
            raise AislesError("aisles: 'groups' must map food group codes to aisle names")
        for code in groups:
            if not re.fullmatch(r"\d{4}", code):
                raise AislesError(f"aisles: {code!r} is not a USDA food group code (e.g. 0100)")
        raw_rules = data.get("rules", [])
        if not isinstance(raw_rules, list):
            raise AislesError("aisles: 'rules' must be a list")
        rules = tuple(_rule(raw, number) for number, raw in enumerate(raw_rules, 1))
        return cls(tuple(order), rules, groups, default)

    def to_json(self) -> str:
        """The aisles as the text of an aisles file (to save a user's own order)."""
        rules: list[dict[str, Any]] = []
        for rule in self.rules:
            entry: dict[str, Any] = {"pattern": rule.pattern.pattern, "aisle": rule.aisle}
            if rule.groups:
                entry["groups"] = sorted(rule.groups)
            rules.append(entry)
        data = {
            "format": AISLES_FORMAT,
            "order": list(self.order),
            "default": self.default,
            "rules": rules,
            "groups": dict(self.groups),
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def with_order(self, order: Sequence[str]) -> Aisles:
        """A copy walking the aisles in ``order``; aisles left out keep their turn after it."""
        if isinstance(order, str):
            raise AislesError("aisles: the order is a list of aisle names, not one string")
        wanted = list(order)
        unknown = [name for name in wanted if name not in self._rank]
        if unknown:
            raise AislesError(f"aisles: unknown aisle {unknown[0]!r}; aisles: "
                              f"{', '.join(self.order)}")
        if len(set(wanted)) != len(wanted):
            raise AislesError("aisles: an aisle is listed twice in the new order")
        rest = [name for name in self.order if name not in set(wanted)]
        return replace(self, order=(*wanted, *rest))

    def aisle_of(self, name: str, group_code: str | None) -> str:
        """The aisle of a food: first matching rule, else its group's aisle, else the default."""
        for rule in self.rules:
            if rule.matches(name, group_code):
                return rule.aisle
        if group_code is not None:
            return self.groups.get(group_code, self.default)
        return self.default

    def rank(self, aisle: str) -> int:
        """Position of ``aisle`` in the walk; an aisle not in the order comes last."""
        return self._rank.get(aisle, len(self.order))


def _rule(raw: object, number: int) -> AisleRule:
    where = f"aisles: rule {number}"
    if not isinstance(raw, dict):
        raise AislesError(f"{where} must be an object with 'pattern' and 'aisle'")
    unknown = set(raw) - {"pattern", "aisle", "groups"}
    if unknown:
        raise AislesError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    pattern, aisle, groups = raw.get("pattern"), raw.get("aisle"), raw.get("groups", [])
    if not isinstance(pattern, str) or not pattern:
        raise AislesError(f"{where}: 'pattern' must be a regular expression")
    if not isinstance(aisle, str):
        raise AislesError(f"{where}: 'aisle' must be an aisle name")
    if not isinstance(groups, list) or not all(isinstance(code, str) for code in groups):
        raise AislesError(f"{where}: 'groups' must be a list of food group codes")
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise AislesError(f"{where}: pattern {pattern!r} is not a regular expression "
                          f"({error})") from None
    return AisleRule(compiled, aisle, frozenset(groups))


# --- The pantry ---------------------------------------------------------------------------

PANTRY_FORMAT: Final = "planner.pantry/1"
#: Where pantry staples go with ``pantry="check"``: after every aisle of the walk.
PANTRY_AISLE: Final = "check the pantry"
PantryMode = Literal["check", "omit", "list"]
PANTRY_MODES: Final[tuple[PantryMode, ...]] = ("check", "omit", "list")


@dataclass(frozen=True, slots=True)
class Pantry:
    """Staples most kitchens have (salt, oil, spices, flour): name patterns."""

    staples: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_json(cls, text: str) -> Pantry:
        data = json_object(text, PANTRY_FORMAT, "the pantry file", AislesError)
        staples = data.get("staples", [])
        if not isinstance(staples, list) or not all(isinstance(p, str) for p in staples):
            raise AislesError("pantry: 'staples' must be a list of patterns")
        try:
            return cls(tuple(re.compile(p, re.IGNORECASE) for p in staples))
        except re.error as error:
            raise AislesError(f"pantry: a staple pattern is not valid: {error}") from None

    def is_staple(self, name: str) -> bool:
        return any(pattern.search(name) for pattern in self.staples)


def _pantry(items: list[ShoppingItem], pantry: Pantry | None, mode: PantryMode
            ) -> tuple[list[ShoppingItem], list[str]]:
    """The items with the staples moved to :data:`PANTRY_AISLE` or left out, and a note."""
    if pantry is None or mode == "list":
        return items, []
    staples = [item for item in items if item.food is not None and pantry.is_staple(item.name)]
    if not staples:
        return items, []
    if mode == "omit":
        names = ", ".join(sorted({item.display.split(" (for ")[0] for item in staples}))
        kept = [item for item in items if item not in staples]
        return kept, [f"Left out as pantry staples you have: {names}."]
    return [replace(item, aisle=PANTRY_AISLE) if item in staples else item
            for item in items], []


# --- Items and lists ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShoppingItem:
    """One line of a shopping list: a food of the plan or an item added by hand.

    ``grams`` is what the plan needs (after the household factor), unrounded; ``None`` for
    an item added by hand or a food none of whose entries could be weighed.
    """

    food: FoodRef | None
    name: str
    grams: float | None
    display: str
    aisle: str
    checked: bool = False
    note: str = ""
    #: The food bought when it is not the food eaten (dry rice for cooked rice); ``None``
    #: when they are the same, or when what is bought is not in the data (ground coffee).
    buy_food: FoodRef | None = None
    #: The foods of the plan this item covers and the grams of each eaten (after the
    #: household factor): ``((usda:20045, 790.0),)`` for dry rice.
    sources: tuple[tuple[FoodRef, float], ...] = ()
    #: The tick's identity when the item is bought as something else (``usda:20044``,
    #: ``buy:ground coffee``).
    buy_key: str | None = None

    @property
    def key(self) -> str:
        """Stable identity for remembering the tick: ``usda:01123`` or ``extra:dish soap``."""
        if self.buy_key is not None:
            return self.buy_key
        if self.food is not None:
            return str(self.food)
        return "extra:" + " ".join(self.name.split()).casefold()


def extra_item(
    name: str, *, quantity: str = "", aisle: str = "other", note: str = "",
    checked: bool = False,
) -> ShoppingItem:
    """An item added by hand: ``extra_item("Dish soap")``, ``extra_item("Limes", quantity="2")``."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValueError("an item added by hand needs a name")
    display = f"{quantity.strip()} {cleaned}".strip()
    return ShoppingItem(None, cleaned, None, display, aisle, checked, note.strip())


@dataclass(frozen=True, slots=True)
class ListNutrition:
    """Magnesium and vitamin D the foods of the list supply (food only, no supplements).

    ``days`` counts the days of the range with at least one entry; a target is the daily
    recommended amount x ``days`` x the household factor (``None`` without targets).
    ``*_unknown`` counts entries without a value (unknown food, unit or nutrient), so
    the amounts are lower bounds when it is above zero.
    """

    days: int
    factor: float
    magnesium_mg: float
    vitamin_d_ug: float
    magnesium_unknown: int = 0
    vitamin_d_unknown: int = 0
    magnesium_target_mg: float | None = None
    vitamin_d_target_ug: float | None = None

    @property
    def magnesium_percent(self) -> float | None:
        return _percent(self.magnesium_mg, self.magnesium_target_mg)

    @property
    def vitamin_d_percent(self) -> float | None:
        return _percent(self.vitamin_d_ug, self.vitamin_d_target_ug)


def _percent(value: float, target: float | None) -> float | None:
    return value * 100.0 / target if target else None


@dataclass(frozen=True, slots=True)
class ShoppingList:
    """A shopping list: items sorted by aisle order, then name.

    ``start`` and ``end`` are the range asked for; an open end is the first or last day
    with entries (``None`` when there is none). ``notes`` say what the list could not do
    (an empty range, entries that could not be weighed). ``nutrition`` is ``None`` when
    the range has no entries.
    """

    start: date | None
    end: date | None
    factor: float
    items: tuple[ShoppingItem, ...]
    notes: tuple[str, ...] = ()
    nutrition: ListNutrition | None = None
    units: Units = "metric"
    #: Aisle names in walking order (the order :meth:`by_aisle` groups by).
    aisle_order: tuple[str, ...] = ()

    def by_aisle(self) -> tuple[tuple[str, tuple[ShoppingItem, ...]], ...]:
        """The items grouped by aisle, aisles in walking order, empty aisles left out."""
        groups: dict[str, list[ShoppingItem]] = {}
        for item in self.items:
            groups.setdefault(item.aisle, []).append(item)
        return tuple((aisle, tuple(items)) for aisle, items in groups.items())

    def with_checked(self, key: str, checked: bool = True) -> ShoppingList:
        """A copy with the item of ``key`` (see :attr:`ShoppingItem.key`) ticked or not."""
        if not any(item.key == key for item in self.items):
            raise KeyError(key)
        items = tuple(replace(item, checked=checked) if item.key == key else item
                      for item in self.items)
        return replace(self, items=items)

    @property
    def checked_keys(self) -> frozenset[str]:
        return frozenset(item.key for item in self.items if item.checked)


# --- Names and quantities -----------------------------------------------------------------

# USDA names lead with a category ("Nuts, almonds"); the next segment names the food.
_CATEGORY_HEADS: Final = frozenset({
    "alcoholic beverage", "babyfood", "beverages", "candies", "cereals",
    "cereals ready-to-eat", "crustaceans", "fast food", "fast foods", "fish",
    "frozen novelties", "game meat", "mollusks", "nuts", "seeds", "snacks", "spices",
    "restaurant", "school lunch", "usda commodity", "infant formula",
})
# Heads whose next segment is the kind: "Rice, white" -> "white rice".
_QUALIFIED_HEADS: Final = frozenset({
    "beans", "bread", "cheese", "flour", "lentils", "milk", "oil", "pasta", "rice", "sauce",
    "soup", "squash", "wheat flour", "yogurt",
})
# Segments that describe a state, not a kind: "Pasta, dry" stays "pasta".
_STATE_WORDS: Final = frozenset({
    "all types", "boiled", "canned", "commercial", "commercially prepared", "cooked",
    "dried", "drained", "dry", "enriched", "fluid", "fresh", "frozen", "mature seeds",
    "plain", "prepared", "raw", "ready-to-serve", "regular", "unenriched", "uncooked",
})
_COOKED_RE: Final = re.compile(
    r"\b(cooked|boiled|baked|roasted|fried|steamed|grilled|braised|broiled|stewed|"
    r"simmered|microwaved|poached|scrambled|dry heat|moist heat)\b",
    re.IGNORECASE,
)
# Groups whose foods are bought as they are eaten (roasted nuts, baked bread, a brewed
# drink, a restaurant meal): "cooked" would suggest cooking them at home.
_BOUGHT_READY_GROUPS: Final = frozenset({
    "0300", "0600", "1200", "1400", "1800", "1900", "2100", "2200", "2500", "3600",
})
_BAKED_PRODUCTS: Final = "1800"
_BRAND_WORD: Final = re.compile(r"\b[A-Z][A-Z'&.-]+\b")


def _segment_text(segment: str) -> str:
    text = " ".join(re.sub(r"\([^)]*\)?", " ", segment).split())
    # A brand stays as printed (KEEBLER, CAMPBELL'S Homestyle); the rest reads in lower case.
    return text if _BRAND_WORD.search(text) else text.lower()


def short_food_name(food: Food) -> str:
    """The name of ``food`` as written on a shopping list: ``Nuts, almonds`` -> ``almonds``."""
    segments = [_segment_text(part) for part in food.name.split(",")]
    segments = [part for part in segments if part] or [food.name.strip()]
    head = segments[0]
    if len(segments) == 1:
        short = head
    elif head.lower() == "babyfood":
        short = f"baby food, {_first_kind(segments[1:])}"
    elif head.lower() in _CATEGORY_HEADS:
        short = _first_kind(segments[1:])
    elif head.lower() in _QUALIFIED_HEADS and _is_kind(segments[1]):
        short = f"{segments[1]} {head}"
    elif head.isupper():
        # A name that starts with a brand: "PACE, Diced Green Chilies", "KFC, Fried Chicken".
        short = f"{head} {segments[1]}"
    else:
        short = head
    if _FRIES_RE.search(food.name):
        return "frozen french fries" if "frozen" in food.name.lower() else "french fries"
    if (food.group_code not in _BOUGHT_READY_GROUPS and _COOKED_RE.search(food.name)
            and not _COOKED_RE.search(short) and not _AS_SOLD_RE.search(food.name)):
        short = f"cooked {short}"
    return short


_FRIES_RE: Final = re.compile(r"\bfrench fr(?:ied|ies)\b", re.IGNORECASE)
#: Words that say a food is as sold, however it was made ("par fried, ..., unprepared").
_AS_SOLD_RE: Final = re.compile(r"\b(?:unprepared|unheated|uncooked)\b", re.IGNORECASE)


# Words that describe rather than name ("Beverages, carbonated, cola", "Fast Food, Pizza
# Chain, 14" pizza"): the shopper buys the cola or the pizza.
_DESCRIPTORS: Final = frozenset({
    "carbonated", "pizza chain", "ready-to-eat", "prepared",
    # Cuisines and baby-food courses say what kind of dish, not which.
    "chinese", "italian", "mexican", "latino", "family style", "japanese", "thai",
    "dinner", "vegetables", "fruit", "juice",
})
_LEADING_SIZE_RE: Final = re.compile(r'^(?:\S*\d\S*\s+)+')


def _first_kind(segments: list[str]) -> str:
    """The first segment that names a food, its leading sizes ('14" pizza') dropped."""
    for index, segment in enumerate(segments):
        name = _LEADING_SIZE_RE.sub("", segment).strip()
        if index < len(segments) - 1 and name.isupper():
            # A maker alone ("SUN COUNTRY") never stands for the item: the next part says
            # what it is ("KRETSCHMER Toasted Wheat Bran").
            continue
        if name and name.lower() not in _DESCRIPTORS and name.lower() not in _STATE_WORDS:
            return name
    return segments[0]


def _is_kind(segment: str) -> bool:
    return (segment.lower() not in _STATE_WORDS and len(segment.split()) <= 3
            and not any(char.isdigit() or char == "%" for char in segment))


_PortionKind = Literal["size", "pack", "item", "part", "volume"]
# Sizes in order of preference: medium is the reference size of produce in SR.
_SIZES: Final = ("medium", "large", "small", "extra large", "extra small", "jumbo")
# ...but large is the egg of recipes and of SR's first egg portion.
_EGG_SIZES: Final = ("large", "medium", "small", "extra large", "extra small", "jumbo")
_DAIRY_AND_EGGS: Final = "0100"
_PRODUCE: Final = frozenset({"0900", "1100"})
_PACKS: Final = frozenset({
    "bag", "bar", "bottle", "box", "bunch", "can", "carton", "container", "head", "jar",
    "loaf", "package", "packet", "stick",
})
_ITEMS: Final = frozenset({
    "breast", "chop", "clove", "drumstick", "ear", "fillet", "leg", "link", "patty", "stalk",
    "steak", "thigh", "wing",
})
# Countable parts: shown when the entries use them; chosen unasked for baked products only.
_PARTS: Final = frozenset({
    "bagel", "cookie", "cracker", "leaf", "muffin", "pancake", "piece", "roll", "slice",
    "spear", "strip", "tortilla", "waffle", "wedge",
})
_AUTO_PARTS: Final = frozenset({"bagel", "muffin", "piece", "roll", "slice", "tortilla"})
_VOLUMES: Final = frozenset({"cup", "tbsp", "tablespoon", "tsp", "teaspoon", "fl oz"})
_KINDS: Final[tuple[tuple[_PortionKind, frozenset[str]], ...]] = (
    ("pack", _PACKS), ("item", _ITEMS), ("part", _PARTS), ("volume", _VOLUMES),
)
_PLURALS: Final = MappingProxyType({
    "box": "boxes", "bunch": "bunches", "leaf": "leaves", "loaf": "loaves", "patty": "patties",
    "tbsp": "tbsp", "tsp": "tsp", "fl oz": "fl oz",
})
# An automatic count may buy at most this many times what the plan needs.
_MAX_OVERBUY: Final = 2.0


def _portion_kind(portion: Portion) -> tuple[_PortionKind, str] | None:
    """What kind of measure ``portion`` is, and its label, if the list can use it."""
    if portion.grams_per_unit <= 0:
        return None
    label = normalize_unit(portion_unit_name(portion))
    if label == "can or bottle":
        # "can or bottle (12 fl oz)": the shopper buys cans.
        label = "can"
    if label.endswith(" whole"):
        # "medium whole (2-3/5" dia)" is a medium tomato.
        label = label[: -len(" whole")]
    if label in _SIZES:
        return "size", label
    # "bar, miniature" is a miniature bar, "head, large" a large head: not just a bar.
    size = _PACK_SIZE_RE.search(portion.description)
    prefix = f"{size.group(1).lower()} " if size else ""
    for kind, words in _KINDS:
        if label in words:
            return kind, prefix + label
    return None


_PACK_SIZE_RE: Final = re.compile(r",\s*(miniature|extra large|large|medium|small)\b", re.I)
_PACK_SIZES: Final = ("miniature ", "extra large ", "large ", "medium ", "small ")


def _ceil_to(value: float, decimals: int) -> float:
    scale = 10.0**decimals
    # Rounding first drops float noise, so 4.0000000001 large eggs stay 4.
    return math.ceil(round(value * scale, 6)) / scale


def _number_text(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def weight_text(grams: float, units: Units) -> str:
    """A weight rounded up for shopping: ``195 g``, ``1.4 kg``, ``7.1 oz``, ``3.1 lb``."""
    if units == "metric":
        rounded = _ceil_to(grams, 0)
        if rounded < 1000:
            return f"{_number_text(rounded, 0)} g"
        return f"{_number_text(_ceil_to(grams / 1000.0, 2), 2)} kg"
    ounces = _ceil_to(grams / MASS_UNITS["oz"], 1)
    if ounces < 16:
        return f"{_number_text(ounces, 1)} oz"
    return f"{_number_text(_ceil_to(grams / MASS_UNITS['lb'], 1), 1)} lb"


_CUP_ML: Final = 236.5882365
_QUART_ML: Final = 946.352946
_GALLON_ML: Final = 3785.411784


def volume_text(millilitres: float, units: Units) -> str:
    """A volume rounded up for shopping: ``0.8 l``, ``12 l``; ``0.9 qt``, ``1.2 gal``."""
    if units == "metric":
        litres = millilitres / 1000.0
        if litres >= 10:
            return f"{_number_text(_ceil_to(litres, 0), 0)} l"
        return f"{_number_text(max(0.1, _ceil_to(litres, 1)), 1)} l"
    quarts = millilitres / _QUART_ML
    if quarts >= 4:
        return f"{_number_text(_ceil_to(millilitres / _GALLON_ML, 1), 1)} gal"
    return f"{_number_text(max(0.1, _ceil_to(quarts, 1)), 1)} qt"


def _density(food: Food) -> float:
    """Grams per millilitre, from the food's cup or fluid ounce; water's when it has none."""
    for portion in food.portions:
        label = normalize_unit(portion_unit_name(portion))
        if label == "cup":
            return portion.grams_per_unit / _CUP_ML
        if label == "fl oz":
            return portion.grams_per_unit / (_CUP_ML / 8)
    return 1.0


def _plural_unit(label: str, amount: float) -> str:
    for size in _PACK_SIZES:
        if label.startswith(size):
            return size + _plural_unit(label[len(size):], amount)
    if amount <= 1:
        return label
    return _PLURALS.get(label, label + "s")


def _noun_form(name: str, count: int) -> str:
    """``name`` with its last word singular for one item and plural for several."""
    if name.isupper():
        return name
    head, _, last = name.rpartition(" ")
    if count == 1:
        if last.endswith("ies") and len(last) > 4:
            last = last[:-3] + "y"
        elif last.endswith(("oes", "ches", "shes", "xes")):
            last = last[:-2]
        elif last.endswith("s") and not last.endswith("ss"):
            last = last[:-1]
    elif not last.endswith("s"):
        if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
            last = last[:-1] + "ies"
        elif last.endswith(("o", "ch", "sh", "x")):
            last += "es"
        else:
            last += "s"
    return f"{head} {last}" if head else last


def _count_text(kind: _PortionKind, label: str, count: int, short: str) -> str:
    if kind == "size":
        text = f"{count} {label} {_noun_form(short, count)}"
        if count >= 12 and short.lower().startswith("egg"):
            dozens, rest = divmod(count, 12)
            text += f", {dozens} dozen" + (f" + {rest}" if rest else "")
        return text
    singular = _noun_form(short, 1)
    if singular == label or singular.endswith(" " + label):
        # The measure is the food itself: "9 rolls", "10 fruit and juice bars".
        return f"{count} {_noun_form(short, count)}"
    return f"{count} {_plural_unit(label, count)} {short}"


@dataclass(frozen=True, slots=True)
class _Measure:
    kind: _PortionKind
    label: str
    grams_per_unit: float


def _count_of(measure: _Measure, grams: float) -> int:
    return max(1, math.ceil(round(grams / measure.grams_per_unit, 6)))


def _fits(measure: _Measure, grams: float) -> bool:
    return _count_of(measure, grams) * measure.grams_per_unit <= _MAX_OVERBUY * grams + 1e-9


def _measures(food: Food) -> list[_Measure]:
    measures = []
    for portion in food.portions:
        kind = _portion_kind(portion)
        if kind is not None:
            measures.append(_Measure(kind[0], kind[1], portion.grams_per_unit))
    return measures


def _pick_measure(food: Food, grams: float, used: Sequence[Portion]) -> _Measure | None:
    """The measure to show ``grams`` of ``food`` in (module docstring), or ``None``: weight."""
    measures = _measures(food)
    packs = [m for m in measures if m.kind == "pack" and _fits(m, grams)]
    if packs:
        # Least bought wins; among equals the earlier SR portion (the commoner one).
        return min(packs, key=lambda m: _count_of(m, grams) * m.grams_per_unit)
    preference = _EGG_SIZES if food.group_code == _DAIRY_AND_EGGS else _SIZES
    sizes = sorted((m for m in measures if m.kind == "size"),
                   key=lambda m: preference.index(m.label))
    if food.group_code in _PRODUCE:
        # Fruit and vegetables are bought by the piece where SR28 weighs one: 5 medium
        # apples, not 5 cups of them.
        fitting = [m for m in sizes if _fits(m, grams)]
        if fitting:
            return fitting[0]
    own = {kind: portion for portion in used if (kind := _portion_kind(portion)) is not None}
    if len(own) == 1:
        ((own_kind, own_label), portion), = own.items()
        if not (own_kind == "volume" and is_liquid(food)):
            return _Measure(own_kind, own_label, portion.grams_per_unit)
    items = [m for m in measures if m.kind == "item"]
    parts = ([m for m in measures if m.kind == "part" and m.label in _AUTO_PARTS]
             if food.group_code == _BAKED_PRODUCTS else [])
    for measure in (*sizes, *items, *parts):
        if _fits(measure, grams):
            return measure
    return None


def _quantity_text(food: Food, short: str, grams: float, used: Sequence[Portion],
                   units: Units) -> str:
    measure = _pick_measure(food, grams, used)
    if measure is None or (measure.kind == "volume" and is_liquid(food)):
        if is_liquid(food):
            # Milk, juice and drinks by the litre (quarts or gallons in US units).
            return f"{volume_text(grams / _density(food), units)} {short}"
        return f"{weight_text(grams, units)} {short}"
    if measure.kind == "volume":
        amount = max(0.1, _ceil_to(grams / measure.grams_per_unit, 1))
        volume = f"{_number_text(amount, 1)} {_plural_unit(measure.label, amount)}"
        if units == "metric":
            return f"{weight_text(grams, units)} {short} ({volume})"
        return f"{volume} {short} ({weight_text(grams, units)})"
    count = _count_of(measure, grams)
    bought = (volume_text(count * measure.grams_per_unit / _density(food), units)
              if is_liquid(food) else weight_text(count * measure.grams_per_unit, units))
    return f"{_count_text(measure.kind, measure.label, count, short)} ({bought})"


# --- Building the list --------------------------------------------------------------------


class _Tally:
    """What the entries of one food add up to (mutable while the list is built)."""

    __slots__ = ("grams", "weighed", "used", "unweighed", "magnesium", "vitamin_d",
                 "mg_unknown", "vd_unknown")

    def __init__(self) -> None:
        self.grams = 0.0
        self.weighed = 0
        self.used: list[Portion] = []
        #: Amounts (after the factor) by unit as typed, for entries that could not be weighed.
        self.unweighed: dict[str, float] = {}
        self.magnesium = 0.0
        self.vitamin_d = 0.0
        self.mg_unknown = 0
        self.vd_unknown = 0


def check_household_factor(factor: float) -> float:
    """``factor`` as a float if it is a household factor in range, else ValueError."""
    if not isinstance(factor, bool) and isinstance(factor, int | float) \
            and HOUSEHOLD_FACTOR.contains(factor):
        return float(factor)
    raise ValueError(f"the household factor must be {HOUSEHOLD_FACTOR.range_text}, "
                     f"got {quote(factor)}")


def _empty_note(start: date | None, end: date | None) -> str:
    if start and end:
        return f"No meals planned between {start.isoformat()} and {end.isoformat()}."
    if start:
        return f"No meals planned from {start.isoformat()} on."
    if end:
        return f"No meals planned up to {end.isoformat()}."
    return "No meals planned yet."


def _weigh(food: Food | None, ref: FoodRef, unit: str) -> tuple[float, Portion | None] | str:
    """Grams in one ``unit`` and the measure it is (``None``: a mass unit), or why not."""
    if food is None:
        return f"food {ref} is not in the database"
    try:
        grams = grams_per_unit(food, unit)
    except UnitError as error:
        return str(error)
    return grams, None if mass_unit(unit) else find_portion(food, unit)


def build_shopping_list(
    plan: Plan,
    foods: Mapping[FoodRef, Food],
    aisles: Aisles,
    *,
    start: date | None = None,
    end: date | None = None,
    factor: float = 1.0,
    units: Units = "metric",
    targets: Targets | None = None,
    extra_items: Sequence[ShoppingItem] = (),
    checked: Collection[str] = (),
    recipes: Mapping[FoodRef, Recipe] | None = None,
    purchases: Mapping[FoodRef, Purchase] | None = None,
    pantry: Pantry | None = None,
    pantry_mode: PantryMode = "check",
) -> ShoppingList:
    """The shopping list of ``plan`` from ``start`` to ``end`` (inclusive; ``None``: open).

    ``purchases`` (:func:`planner.core.purchase.purchase_index`) says what is bought for a
    food eaten cooked, brewed or made up: its item buys that, by weight, says what it is
    for ("283 g white rice, dry (for 790 g cooked)") and lists the foods it covers.

    ``factor`` multiplies every amount (cook for 2: ``2``). ``extra_items`` are added as
    given; an item is ticked when it is ticked already or its key is in ``checked``.
    An entry of a recipe in ``recipes`` is bought as its ingredients (recipes inside it
    too), scaled by the grams eaten / the recipe's yield; ``foods`` must then hold the
    ingredients' foods. A recipe that cannot be expanded is listed as itself, with a note.
    An empty range gives an empty list with a note, not an error.
    """
    if start is not None and end is not None and start > end:
        raise ValueError(f"the list starts {start.isoformat()}, after its end "
                         f"{end.isoformat()}; swap the dates")
    factor = check_household_factor(factor)
    if units not in _UNITS:
        raise ValueError(f"units must be metric or us, got {units!r}")

    builder = _ListBuilder(RecipeBook(recipes or {}, foods), foods, factor)
    for day in plan.days:
        if (start is not None and day.date < start) or (end is not None and day.date > end):
            continue
        if not day.is_empty:
            builder.add_day(day)
    builder.expand_recipes()
    planned = builder.planned

    if pantry_mode not in PANTRY_MODES:
        raise ValueError(f"pantry must be one of {', '.join(PANTRY_MODES)}, got {pantry_mode!r}")
    keys = frozenset(checked)
    items, pantry_notes = _pantry(builder.items(aisles, units, keys, purchases or {}), pantry,
                                  pantry_mode)
    for extra in extra_items:
        items.append(replace(extra, checked=True) if extra.key in keys else extra)
    items.sort(key=lambda item: (aisles.rank(item.aisle), item.name.casefold(), item.display))

    notes = ([] if planned else [_empty_note(start, end)]) + builder.notes() + pantry_notes
    nutrition = None
    if planned:
        nutrition = _nutrition(builder.tallies.values(), len(planned), factor, targets,
                               builder.recipe_unknown)
    return ShoppingList(
        start if start is not None else (planned[0] if planned else None),
        end if end is not None else (planned[-1] if planned else None),
        factor, tuple(items), tuple(notes), nutrition, units, aisles.order,
    )


class _ListBuilder:
    """The tallies of one shopping list, entry by entry, and what could not be bought."""

    def __init__(self, book: RecipeBook, foods: Mapping[FoodRef, Food], factor: float) -> None:
        self.book = book
        self.foods = foods
        self.factor = factor
        self.tallies: dict[FoodRef, _Tally] = {}
        self.weights: dict[tuple[FoodRef, str], tuple[float, Portion | None] | str] = {}
        #: Per recipe: its nutrients (so it can be expanded), or why it cannot be.
        self.expandable: dict[FoodRef, RecipeNutrients | str] = {}
        #: The grams of recipes eaten, expanded together at the end (each shared recipe
        #: once).
        self.eaten: list[tuple[Recipe, float]] = []
        #: Recipe entries whose foods lack a magnesium or vitamin D value (each once).
        self.recipe_unknown = [0, 0]
        #: (food, unit) -> (reason, entries, first date) of entries not weighed.
        self.problems: dict[tuple[FoodRef, str], tuple[str, int, date]] = {}
        #: recipe -> (reason, entries, first date) of recipes bought as themselves.
        self.unexpanded: dict[FoodRef, tuple[str, int, date]] = {}
        self.planned: list[date] = []

    def tally_of(self, ref: FoodRef) -> _Tally:
        tally = self.tallies.get(ref)
        if tally is None:
            tally = self.tallies[ref] = _Tally()
        return tally

    def add_day(self, day: Day) -> None:
        self.planned.append(day.date)
        for entry in day.entries:
            self.add_entry(entry, day.date)

    def add_entry(self, entry: Entry, when: date) -> None:
        food = self.foods.get(entry.food)
        if food is None and entry.food in self.book.recipes:
            food = self.book.food(entry.food)
        key = (entry.food, entry.unit)
        weighed = self.weights.get(key)
        if weighed is None:
            weighed = self.weights[key] = _weigh(food, entry.food, entry.unit)
        amount = entry.amount * self.factor
        if isinstance(weighed, str) or food is None:
            self._unweighed(entry, amount, str(weighed), when)
            return
        grams_each, portion = weighed
        grams = amount * grams_each
        recipe = self.book.recipes.get(entry.food)
        if recipe is not None and self._eat_recipe(recipe, entry.food, grams, when):
            return
        _add(self.tally_of(entry.food), food, grams, portion)

    def _unweighed(self, entry: Entry, amount: float, reason: str, when: date) -> None:
        tally = self.tally_of(entry.food)
        unit = " ".join(entry.unit.split())
        tally.unweighed[unit] = tally.unweighed.get(unit, 0.0) + amount
        tally.mg_unknown += 1
        tally.vd_unknown += 1
        key = (entry.food, entry.unit)
        reason, count, first = self.problems.get(key, (reason, 0, when))
        self.problems[key] = (reason, count + 1, first)

    def _eat_recipe(self, recipe: Recipe, ref: FoodRef, grams: float, when: date) -> bool:
        """Count ``grams`` of ``recipe`` as its ingredients; ``False`` (and a note) when
        it cannot be expanded and is bought as the dish."""
        state = self.expandable.get(ref)
        if state is None:
            state = self.expandable[ref] = _expandable(self.book, recipe)
        if not isinstance(state, str):
            self.eaten.append((recipe, grams))
            self.recipe_unknown[0] += bool(state.unknown.get("magnesium_mg"))
            self.recipe_unknown[1] += bool(state.unknown.get("vitamin_d_ug"))
            return True
        reason, count, first = self.unexpanded.get(ref, (state, 0, when))
        self.unexpanded[ref] = (reason, count + 1, first)
        return False

    def expand_recipes(self) -> None:
        for ingredient, grams in self.book.expand_all(self.eaten):
            food = self.foods[ingredient.food]  # expand_all weighed it: it is there
            used = None if mass_unit(ingredient.unit) else find_portion(food, ingredient.unit)
            _add(self.tally_of(ingredient.food), food, grams, used, count_unknown=False)

    def items(self, aisles: Aisles, units: Units, keys: frozenset[str],
              purchases: Mapping[FoodRef, Purchase]) -> list[ShoppingItem]:
        bought: dict[str, _Bought] = {}
        for ref, tally in self.tallies.items():
            purchase = purchases.get(ref)
            if purchase is not None and tally.weighed and not tally.unweighed:
                eaten = self.foods.get(ref)
                bought.setdefault(purchase.key, _Bought(purchase, eaten)).add(ref, tally)
        items = []
        for ref, tally in self.tallies.items():
            if ref in purchases and str(ref) not in bought and purchases[ref].key in bought:
                continue
            food = self.foods.get(ref) or self.book.food(ref)
            merged = bought.get(str(ref))
            if merged is not None and tally.weighed and not tally.unweighed:
                merged.add_as_bought(ref, tally)  # the plan eats the bought form too
                continue
            items.append(_food_item(ref, tally, food, aisles, units, keys))
        items.extend(b.item(aisles, units, keys) for b in bought.values())
        return items

    def notes(self) -> list[str]:
        notes = []
        for (ref, unit), (reason, count, first) in self.problems.items():
            entries = "1 entry" if count == 1 else f"{count} entries"
            notes.append(f"{entries} of {ref} in {unit!r} (first on {first.isoformat()}) "
                         f"could not be weighed: {reason}")
        for ref, (reason, count, first) in self.unexpanded.items():
            entries = "1 entry" if count == 1 else f"{count} entries"
            notes.append(f"{entries} of the recipe {ref} (first on {first.isoformat()}) is "
                         f"listed as the dish, not its ingredients: {reason}")
        return notes


def _expandable(book: RecipeBook, recipe: Recipe) -> RecipeNutrients | str:
    """The nutrients of ``recipe`` when it can be expanded (its foods and units are known,
    it holds no loop), else why not."""
    try:
        return book.nutrients(recipe)
    except RecipeError as error:
        return str(error)


def _add(tally: _Tally, food: Food | None, grams: float, portion: Portion | None, *,
         count_unknown: bool = True) -> None:
    """Count ``grams`` of ``food`` (weighed in ``portion``, ``None``: a mass unit).

    ``count_unknown``: a missing value counts as an entry without it (a food of a recipe
    does not: its recipe entry is counted once).
    """
    tally.grams += grams
    tally.weighed += 1
    if portion is not None and portion not in tally.used:
        tally.used.append(portion)
    nutrients = food.nutrients if food is not None else {}
    magnesium = nutrients.get("magnesium_mg")
    vitamin_d = nutrients.get("vitamin_d_ug")
    if magnesium is None:
        tally.mg_unknown += count_unknown
    else:
        tally.magnesium += scaled(magnesium, grams)
    if vitamin_d is None:
        tally.vd_unknown += count_unknown
    else:
        tally.vitamin_d += scaled(vitamin_d, grams)


def _food_item(ref: FoodRef, tally: _Tally, food: Food | None, aisles: Aisles, units: Units,
               checked: frozenset[str]) -> ShoppingItem:
    short = short_food_name(food) if food is not None else str(ref)
    parts = []
    if tally.weighed:
        assert food is not None
        parts.append(_quantity_text(food, short, tally.grams, tally.used, units))
    unweighed = " + ".join(f"{_number_text(amount, 2)} {unit}"
                           for unit, amount in tally.unweighed.items())
    if unweighed:
        parts.append(unweighed if parts else f"{unweighed} {short}")
    if food is None:
        name, aisle = str(ref), aisles.default
    else:
        name, aisle = food.name, aisles.aisle_of(food.name, food.group_code)
    note = "some amounts could not be weighed" if tally.unweighed else ""
    return ShoppingItem(
        ref, name, tally.grams if tally.weighed else None, " + ".join(parts), aisle,
        str(ref) in checked, note, sources=((ref, tally.grams),) if tally.weighed else (),
    )


class _Bought:
    """One thing bought for foods eaten in another form (dry rice for cooked rice)."""

    def __init__(self, purchase: Purchase, eaten_food: Food | None = None) -> None:
        self.purchase = purchase
        self.eaten_food = eaten_food
        self.grams = 0.0
        self.eaten = 0.0
        self.sources: list[tuple[FoodRef, float]] = []

    def add(self, ref: FoodRef, tally: _Tally) -> None:
        self.grams += tally.grams * self.purchase.factor
        self.eaten += tally.grams
        self.sources.append((ref, tally.grams))

    def add_as_bought(self, ref: FoodRef, tally: _Tally) -> None:
        self.grams += tally.grams
        self.sources.append((ref, tally.grams))

    def item(self, aisles: Aisles, units: Units, checked: frozenset[str]) -> ShoppingItem:
        purchase = self.purchase
        food = purchase.food
        short = short_food_name(food) if food is not None else purchase.name
        form = ("" if purchase.form == "as bought" or purchase.form in short.lower()
                else f", {purchase.form}")
        amount = (volume_text(self.eaten / _density(self.eaten_food), units)
                  if self.eaten_food is not None and is_liquid(self.eaten_food)
                  else weight_text(self.eaten, units))
        eaten = f" (for {amount} {purchase.eaten_form})" if self.eaten else ""
        display = f"{weight_text(self.grams, units)} {short}{form}{eaten}"
        if food is not None:
            name, aisle = food.name, aisles.aisle_of(food.name, food.group_code)
        else:
            # Not in the data (ground coffee): in the aisle of what it is for.
            source = self.eaten_food
            name = purchase.name
            aisle = (aisles.aisle_of(source.name, source.group_code) if source is not None
                     else aisles.default)
        # Only a brew's basis is worth a shopper's reading ("55 g per litre"); a pair's
        # method is in the JSON.
        note = purchase.why if food is None else ""
        key = purchase.key
        first_eaten = self.sources[0][0]
        return ShoppingItem(
            first_eaten, name, self.grams, display, aisle, key in checked, note,
            food.ref if food is not None and food.ref != first_eaten else None,
            tuple(self.sources), key,
        )


def _nutrition(tallies: Iterable[_Tally], days: int, factor: float,
               targets: Targets | None, recipe_unknown: Sequence[int] = (0, 0)) -> ListNutrition:
    magnesium = vitamin_d = 0.0
    mg_unknown, vd_unknown = recipe_unknown
    for tally in tallies:
        magnesium += tally.magnesium
        vitamin_d += tally.vitamin_d
        mg_unknown += tally.mg_unknown
        vd_unknown += tally.vd_unknown
    mg_target = vd_target = None
    if targets is not None:
        mg_daily = targets.recommended("magnesium_mg")
        vd_daily = targets.recommended("vitamin_d_ug")
        mg_target = mg_daily * days * factor if mg_daily else None
        vd_target = vd_daily * days * factor if vd_daily else None
    return ListNutrition(days, factor, magnesium, vitamin_d, mg_unknown, vd_unknown,
                         mg_target, vd_target)
