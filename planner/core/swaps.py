"""Magnesium swaps: foods that can take an entry's place in a meal and bring more magnesium.

**Swap groups** (``data/swap_groups.json``, format ``planner.swap_groups/1``) say which foods
are interchangeable, i.e. have the same role in a meal: cooked grains with cooked grains,
breads with breads, chips with chips and (through ``also_from``) with nuts, seeds and
popcorn, a soft drink with water and milks, meat with fish, tofu and beans. A food belongs
to the *first* group, in file order, that lists its USDA food group code and whose name
patterns match: one of the ``include`` regular expressions (or ``include`` is empty) and none
of the ``exclude`` ones, searched case-insensitively. The form of a food is part of its
group (``cooked_grains``, ``dry_grains``, ``flours_brans``; ``fish_raw``, ``fish_cooked``),
so that 200 g of cooked rice is never offered 60 g of flour.

**Everyday foods only, by default.** A candidate must be a food of SR28's dietary survey
(the ``Survey`` flag: foods people report eating), not a brand or restaurant item
(:func:`planner.core.search_rank.is_branded`; the file's ``generic_brands`` stand for their
kind: SR28's only mineral water is a brand), not of a form in ``not_everyday`` (powders,
mixes, energy drinks, roe) and not flavoured (``flavours``: no chocolate soy milk for plain
milk), each unless the entry is such a food itself. Foods of ``excluded_food_groups`` (baby,
fast, restaurant and American Indian/Alaska Native foods) are never suggested either.
``SwapOptions.include_excluded`` ("show all foods") lifts all of this. An entry from an
excluded group still gets suggestions: what the user already eats is not a suggestion.

**Amounts a person serves.** With ``keep="energy"`` (the default) the amount carries about
the entry's energy (``grams * kcal_old / kcal_new``), held between half of one and two of the
candidate's natural household servings (:func:`planner.core.portions.natural_portion`) and
within :data:`MAX_AMOUNT_RATIO` times the entry's weight, then rounded to that measure (cups
in quarters and thirds, slices, ounces and spoons in halves, fluid ounces whole): energy
then stays within a band, ``max_energy_change`` (±25 %), not matched exactly. When the
entry's own household unit is one the candidate has, the same amount is offered if it fits
the band (1 cup of brown rice for 1 cup of white rice). Drinks (the file's ``by_volume``
groups) keep their volume and may bring less energy, never more than the band. With
``keep="grams"`` the same grams are offered. ``units.grams_for(food, amount, unit)`` gives
back ``Swap.grams``.

**Upper limits.** A serving that alone passes one of the profile's daily upper limits
(``SwapOptions.upper_limits``) is never suggested: 1 oz of Brazil nuts holds 544 µg of
selenium, above the 400 µg UL.

**Ranking.** A swap must add at least :data:`MIN_MAGNESIUM_GAIN_MG` and
:data:`MIN_RELATIVE_GAIN` of the entry's own magnesium (no 2 mg of another cookie). The
*obvious* swaps of the file (``obvious``: brown rice for white rice, whole-wheat bread for
white, nuts, seeds or popcorn for chips, milk, soy milk or mineral water for cola) come
first; then by score. The score is the **absorbable** magnesium gained: foods whose
magnesium is partly bound (``absorption``: oxalate in spinach, chard and rhubarb, counted at
72 % after Bohn et al., Br J Nutr 2004; phytate in brans and germ, 40 % after Bohn et al.,
Am J Clin Nutr 2004) count only that share, and the swap says so. Penalties come off in
the same currency: a change worth 1 % of a day's reference costs as much as 1 % of the day's
magnesium (400 mg, the adult RDA). So each mg of *added* sodium costs 400/2300 mg, each g
of *added* sugars 400/90 mg and each µg of vitamin D *lost* 400/15 mg. Less sodium or sugar
and more vitamin D earn nothing: the swap is about magnesium. A nutrient unknown on either
side costs nothing and is left out of ``Swap.changes``.

**Each kind once.** Variants of one kind of food (:func:`kind_key`: "Nuts, almonds, dry
roasted" and "..., oil roasted"; salt and enrichment variants) count once, the best kept,
and so do two names of one food (the same first word, magnesium and energy within 5 %:
"Milk, fluid, 1% fat" and "Milk, lowfat, fluid, 1% milkfat"); variants of the entry
itself are not offered. Every swap says why (``Swap.why``) and
whether it is an everyday food (``Swap.common``).

**Speed.** :meth:`SwapIndex.build` sorts a whole food list into swap groups once (about
0.3 s for the 8,789 SR28 foods); :func:`find_swaps` over the index then looks at a few
hundred foods and takes a few milliseconds. :func:`find_swaps` also accepts any iterable
of foods (e.g. fetched by :meth:`SwapGroups.food_group_codes`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final, Literal

from planner.core.foods import Food
from planner.core.nutrients import BY_KEY, NUTRIENT_KEYS, scaled
from planner.core.portions import natural_portion, serving_grams
from planner.core.search_rank import CATEGORY_PARTS, is_branded
from planner.core.units import (
    check_amount,
    find_portion,
    format_nutrient,
    grams_per_unit,
    mass_unit,
    portion_unit_name,
)

#: The ``format`` value of a swap groups file this module reads.
FORMAT: Final = "planner.swap_groups/1"

#: A swap must add at least this much magnesium, and at least :data:`MIN_RELATIVE_GAIN` of
#: the entry's own: a swap worth making is not 2 mg of another cookie.
MIN_MAGNESIUM_GAIN_MG: Final = 5.0
MIN_RELATIVE_GAIN: Final = 0.35
#: Keeping energy may change the weight at most this many times, either way: a food that
#: needs 700 g to stand in for 100 g of French fries is not eaten in its place.
MAX_AMOUNT_RATIO: Final = 2.5
#: The default energy band of a swap: ±25 % of the entry's energy (a household serving
#: is suggested, not an exact energy match).
MAX_ENERGY_CHANGE: Final = 0.25
#: A suggested amount is from half of one to two of the candidate's natural servings.
MIN_SERVINGS: Final = 0.5
MAX_SERVINGS: Final = 2.0

_MAGNESIUM_REFERENCE_MG: Final = 400.0
#: Score penalty per unit of change, in mg of magnesium: (nutrient key, weight, direction).
#: Direction +1 penalises an increase (sodium, sugars), -1 a decrease (vitamin D).
PENALTIES: Final[tuple[tuple[str, float, int], ...]] = (
    ("sodium_mg", _MAGNESIUM_REFERENCE_MG / 2300.0, +1),
    ("sugars_g", _MAGNESIUM_REFERENCE_MG / 90.0, +1),
    ("vitamin_d_ug", _MAGNESIUM_REFERENCE_MG / 15.0, -1),
)

#: Nutrients reported in ``Swap.changes``: every tracked one but those with their own field.
CHANGE_KEYS: Final = tuple(k for k in NUTRIENT_KEYS if k not in ("magnesium_mg", "energy_kcal"))
#: The changes named in ``Swap.summary``, after magnesium and energy: the ones that cost score.
SUMMARY_KEYS: Final = ("sodium_mg", "sugars_g", "vitamin_d_ug")

# group_of results kept per SwapGroups; the SR28 data needs 8,789, user foods add a few.
_CACHE_LIMIT: Final = 50_000

Keep = Literal["energy", "grams"]
_KEEPS: Final = ("energy", "grams")

_KEY_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE_RE: Final = re.compile(r"^\d{4}$")
_FILE_KEYS: Final = frozenset({
    "format", "about", "excluded_food_groups", "groups", "not_everyday", "by_volume",
    "obvious", "absorption", "flavours", "generic_brands",
})
_OBVIOUS_KEYS: Final = frozenset({"from", "to", "why"})
_ABSORPTION_KEYS: Final = frozenset({"match", "factor", "why", "source"})
_GROUP_KEYS: Final = frozenset({"key", "label", "food_groups", "include", "exclude", "also_from"})


class SwapGroupsError(ValueError):
    """A swap groups file or definition that cannot be used (says where and why)."""


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise SwapGroupsError(
            f"{where}: {pattern!r} is not a valid regular expression ({error})"
        ) from None


@dataclass(frozen=True, slots=True)
class SwapGroup:
    """Foods interchangeable in a meal: USDA food group codes refined by name patterns."""

    key: str
    label: str
    food_groups: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: Keys of further groups whose foods may replace this group's foods.
    also_from: tuple[str, ...] = ()
    _include_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _exclude_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"swap group {self.key!r}"
        if not _KEY_RE.match(self.key):
            raise SwapGroupsError(
                f"swap group key {self.key!r} must be lower-case letters, digits and _"
            )
        if not self.label.strip():
            raise SwapGroupsError(f"{where} needs a label")
        if not self.food_groups:
            raise SwapGroupsError(f"{where} lists no food groups")
        for code in self.food_groups:
            if not _CODE_RE.match(code):
                raise SwapGroupsError(
                    f"{where}: food group {code!r} is not a four-digit USDA code such as '2000'"
                )
        if self.key in self.also_from:
            raise SwapGroupsError(f"{where} lists itself in also_from")
        for name in ("food_groups", "include", "exclude", "also_from"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(
            self, "_include_res", tuple(_compile(p, f"{where}, include") for p in self.include)
        )
        object.__setattr__(
            self, "_exclude_res", tuple(_compile(p, f"{where}, exclude") for p in self.exclude)
        )

    def matches(self, name: str) -> bool:
        """Whether a food called ``name`` passes the name patterns (the code is not checked)."""
        if self._include_res and not any(p.search(name) for p in self._include_res):
            return False
        return not any(p.search(name) for p in self._exclude_res)


@dataclass(frozen=True, slots=True)
class ObviousSwap:
    """The swap a dietitian names first: foods matching ``source`` become foods matching
    one of ``targets`` (brown rice for white rice), with the reason in a few words."""

    source: str
    targets: tuple[str, ...]
    why: str
    _source_re: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _target_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"obvious swap {self.source!r}"
        if not self.targets or not self.why.strip():
            raise SwapGroupsError(f"{where} needs targets (\"to\") and a reason (\"why\")")
        object.__setattr__(self, "targets", tuple(self.targets))
        object.__setattr__(self, "_source_re", _compile(self.source, where))
        object.__setattr__(
            self, "_target_res", tuple(_compile(t, f"{where}, to") for t in self.targets))

    def applies(self, entry_name: str, candidate_name: str) -> bool:
        return bool(self._source_re.search(entry_name)) and any(
            t.search(candidate_name) for t in self._target_res)


@dataclass(frozen=True, slots=True)
class Absorption:
    """Foods (by name) whose magnesium is partly bound, with the share counted as absorbed
    relative to a low-oxalate, low-phytate food, the reason and its published source."""

    match: str
    factor: float
    why: str
    source: str
    _match_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"absorption rule {self.match!r}"
        if not (isinstance(self.factor, int | float) and 0 < self.factor <= 1):
            raise SwapGroupsError(f"{where}: factor must be a share above 0 and at most 1")
        if not self.why.strip() or not self.source.strip():
            raise SwapGroupsError(f"{where} needs a reason (\"why\") and a source")
        object.__setattr__(self, "_match_re", _compile(self.match, where))

    def matches(self, name: str) -> bool:
        return bool(self._match_re.search(name))


# Not a value type: it carries a lookup cache, so equality is identity (eq=False).
@dataclass(frozen=True, eq=False)
class SwapGroups:
    """All swap groups, in precedence order, and the food groups never suggested by default."""

    groups: tuple[SwapGroup, ...]
    #: USDA food group code -> name, for the groups excluded from suggestions.
    excluded_food_groups: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: Name patterns of foods not suggested by default (powders, mixes, energy drinks...).
    not_everyday: tuple[str, ...] = ()
    #: Name patterns of a flavoured or sweetened form: not suggested for a plain entry.
    flavours: tuple[str, ...] = ()
    #: Brand items that stand for their kind (SR28's only mineral water is a brand).
    generic_brands: tuple[str, ...] = ()
    #: Swap groups whose foods replace each other by volume (drinks), not by energy.
    by_volume: frozenset[str] = frozenset()
    obvious: tuple[ObviousSwap, ...] = ()
    absorption: tuple[Absorption, ...] = ()
    _not_everyday_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False)
    _flavour_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False)
    _generic_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False)
    _by_key: Mapping[str, SwapGroup] = field(init=False, repr=False)
    _by_code: Mapping[str, tuple[SwapGroup, ...]] = field(init=False, repr=False)
    _cache: dict[tuple[str, str], SwapGroup | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        groups = tuple(self.groups)
        if not groups:
            raise SwapGroupsError("there are no swap groups")
        by_key: dict[str, SwapGroup] = {}
        for group in groups:
            if group.key in by_key:
                raise SwapGroupsError(f"swap group key {group.key!r} is used twice")
            by_key[group.key] = group
        for group in groups:
            for other in group.also_from:
                if other not in by_key:
                    raise SwapGroupsError(
                        f"swap group {group.key!r}: also_from names {other!r}, "
                        "which is not a swap group"
                    )
        by_code: dict[str, list[SwapGroup]] = {}
        for group in groups:
            for code in group.food_groups:
                by_code.setdefault(code, []).append(group)
        for code in self.excluded_food_groups:
            if not _CODE_RE.match(code):
                raise SwapGroupsError(f"excluded food group {code!r} is not a four-digit code")
        object.__setattr__(self, "groups", groups)
        object.__setattr__(
            self, "excluded_food_groups", MappingProxyType(dict(self.excluded_food_groups))
        )
        object.__setattr__(self, "_by_key", MappingProxyType(by_key))
        object.__setattr__(
            self, "_by_code", MappingProxyType({c: tuple(gs) for c, gs in by_code.items()})
        )
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "not_everyday", tuple(self.not_everyday))
        object.__setattr__(self, "_not_everyday_res", tuple(
            _compile(p, "not_everyday") for p in self.not_everyday))
        object.__setattr__(self, "flavours", tuple(self.flavours))
        object.__setattr__(self, "_flavour_res", tuple(
            _compile(p, "flavours") for p in self.flavours))
        object.__setattr__(self, "generic_brands", tuple(self.generic_brands))
        object.__setattr__(self, "_generic_res", tuple(
            _compile(p, "generic_brands") for p in self.generic_brands))
        unknown = sorted(set(self.by_volume) - set(by_key))
        if unknown:
            raise SwapGroupsError(f"by_volume names {', '.join(unknown)}, not swap groups")
        object.__setattr__(self, "by_volume", frozenset(self.by_volume))
        object.__setattr__(self, "obvious", tuple(self.obvious))
        object.__setattr__(self, "absorption", tuple(self.absorption))

    def is_odd(self, name: str) -> bool:
        """Whether a food is of a form not suggested by default (a powder, a mix...)."""
        return any(p.search(name) for p in self._not_everyday_res)

    def is_branded(self, name: str, group_code: str | None) -> bool:
        """A brand or restaurant item that does not stand for its kind."""
        return is_branded(name, group_code) and not any(
            p.search(name) for p in self._generic_res)

    def is_generic(self, name: str) -> bool:
        return any(p.search(name) for p in self._generic_res)

    def is_flavoured(self, name: str) -> bool:
        """Whether a food is a flavoured or sweetened form (chocolate soy milk)."""
        return any(p.search(name) for p in self._flavour_res)

    def obvious_swap(self, entry_name: str, candidate_name: str) -> ObviousSwap | None:
        return next((o for o in self.obvious if o.applies(entry_name, candidate_name)), None)

    def absorption_of(self, name: str) -> Absorption | None:
        return next((a for a in self.absorption if a.matches(name)), None)

    @classmethod
    def from_json(cls, text: str) -> SwapGroups:
        """Read a ``planner.swap_groups/1`` file's text; :class:`SwapGroupsError` if unusable."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SwapGroupsError(f"the swap groups file is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise SwapGroupsError(
                'the swap groups file must hold a JSON object with "format" and "groups"'
            )
        if data.get("format") != FORMAT:
            raise SwapGroupsError(
                f"the swap groups file has format {data.get('format')!r}; expected {FORMAT!r}"
            )
        about = data.get("about", "")
        if not isinstance(about, str) and not (
            isinstance(about, list) and all(isinstance(line, str) for line in about)
        ):
            raise SwapGroupsError('"about" must be a string or a list of strings')
        unknown = sorted(set(data) - _FILE_KEYS)
        if unknown:
            raise SwapGroupsError(
                f"the swap groups file has unknown fields: {', '.join(unknown)}; "
                f"known: {', '.join(sorted(_FILE_KEYS))}"
            )
        excluded = data.get("excluded_food_groups", {})
        if not isinstance(excluded, dict) or not all(
            isinstance(name, str) for name in excluded.values()
        ):
            raise SwapGroupsError(
                'excluded_food_groups must map codes to names, e.g. {"0300": "Baby Foods"}'
            )
        raw_groups = data.get("groups")
        if not isinstance(raw_groups, list) or not raw_groups:
            raise SwapGroupsError('the swap groups file needs a non-empty "groups" list')
        groups = tuple(_parse_group(raw, position) for position, raw in enumerate(raw_groups, 1))
        return cls(
            groups, excluded,
            not_everyday=_strings(data, "not_everyday", "the swap groups file"),
            flavours=_strings(data, "flavours", "the swap groups file"),
            generic_brands=_strings(data, "generic_brands", "the swap groups file"),
            by_volume=frozenset(_strings(data, "by_volume", "the swap groups file")),
            obvious=tuple(_parse_obvious(raw) for raw in _objects(data, "obvious")),
            absorption=tuple(_parse_absorption(raw) for raw in _objects(data, "absorption")),
        )

    def group(self, key: str) -> SwapGroup:
        """The group with ``key``; :class:`KeyError` if there is none."""
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"no swap group {key!r}") from None

    def is_excluded(self, group_code: str | None) -> bool:
        """Whether foods of this USDA group are left out of suggestions by default."""
        return group_code is not None and group_code in self.excluded_food_groups

    def group_of(
        self, name: str, group_code: str | None, *, include_excluded: bool = False
    ) -> SwapGroup | None:
        """The swap group of a food, or ``None`` (no USDA group, excluded, or no group fits).

        A food without a food group code (a user food, an Open Food Facts product) has no
        swap group: names alone are too loose to place it.
        """
        if group_code is None:
            return None
        if not include_excluded and group_code in self.excluded_food_groups:
            return None
        cache_key = (name, group_code)
        try:
            return self._cache[cache_key]
        except KeyError:
            pass
        found = next((g for g in self._by_code.get(group_code, ()) if g.matches(name)), None)
        # A plain dict: two threads racing on one food only work its group out twice.
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[cache_key] = found
        return found

    def candidates_groups(self, group: SwapGroup) -> tuple[SwapGroup, ...]:
        """The groups whose foods may replace ``group``'s: the group itself, then also_from."""
        return (group, *(self._by_key[key] for key in group.also_from))

    def food_group_codes(
        self, groups: Iterable[SwapGroup], *, include_excluded: bool = False
    ) -> frozenset[str]:
        """USDA food group codes that hold the foods of ``groups`` (to fetch them with SQL)."""
        return frozenset(
            code
            for group in groups
            for code in group.food_groups
            if include_excluded or code not in self.excluded_food_groups
        )


def _strings(raw: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = raw.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SwapGroupsError(f"{where}: {name} must be a list of strings")
    return tuple(value)


def _objects(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SwapGroupsError(f"{name} must be a list of objects")
    return value


def _known(raw: dict[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SwapGroupsError(f"{where} has unknown fields: {', '.join(unknown)}; "
                              f"known: {', '.join(sorted(known))}")


def _parse_obvious(raw: dict[str, Any]) -> ObviousSwap:
    where = f"obvious swap {raw.get('from')!r}"
    _known(raw, _OBVIOUS_KEYS, where)
    if not isinstance(raw.get("from"), str) or not isinstance(raw.get("why"), str):
        raise SwapGroupsError(f"{where} needs \"from\" and \"why\" (strings)")
    return ObviousSwap(raw["from"], _strings(raw, "to", where), raw["why"])


def _parse_absorption(raw: dict[str, Any]) -> Absorption:
    where = f"absorption rule {raw.get('match')!r}"
    _known(raw, _ABSORPTION_KEYS, where)
    for name in ("match", "why", "source"):
        if not isinstance(raw.get(name), str):
            raise SwapGroupsError(f"{where} needs {name} (a string)")
    factor = raw.get("factor")
    if isinstance(factor, bool) or not isinstance(factor, int | float):
        raise SwapGroupsError(f"{where}: factor must be a number")
    return Absorption(raw["match"], float(factor), raw["why"], raw["source"])


def _parse_group(raw: object, position: int) -> SwapGroup:
    where = f"swap group {position}"
    if not isinstance(raw, dict):
        raise SwapGroupsError(f"{where} is not a JSON object")
    key = raw.get("key")
    if isinstance(key, str):
        where = f"{where} ({key!r})"
    unknown = sorted(set(raw) - _GROUP_KEYS)
    if unknown:
        raise SwapGroupsError(
            f"{where} has unknown fields: {', '.join(unknown)}; "
            f"known: {', '.join(sorted(_GROUP_KEYS))}"
        )
    for name in ("key", "label"):
        if not isinstance(raw.get(name), str):
            raise SwapGroupsError(f"{where} needs a {name} (a string)")
    if "food_groups" not in raw:
        raise SwapGroupsError(f"{where} needs food_groups, e.g. [\"2000\"]")
    try:
        return SwapGroup(
            key=raw["key"],
            label=raw["label"],
            food_groups=_strings(raw, "food_groups", where),
            include=_strings(raw, "include", where),
            exclude=_strings(raw, "exclude", where),
            also_from=_strings(raw, "also_from", where),
        )
    except SwapGroupsError as error:
        # Name the group by its place in the file too: "swap group 3 ('breads'), include: ...".
        message = str(error)
        own_name = f"swap group {raw['key']!r}"
        if message.startswith(own_name):
            raise SwapGroupsError(f"{where}{message[len(own_name):]}") from None
        raise SwapGroupsError(f"{where}: {message}") from None


@dataclass(frozen=True, slots=True)
class _Candidate:
    """What the search needs of a candidate food, worked out once per index."""

    food: Food
    group: SwapGroup
    magnesium: float | None
    energy: float | None
    #: The natural household measure as (unit name, grams per unit), if it can be named.
    measure: tuple[str, float] | None
    #: Grams of one natural serving (``None``: no household measure is a serving).
    serving: float | None
    variant: frozenset[str]
    #: The kind of food (:func:`kind_key`): each kind is suggested once.
    kind: str
    #: An everyday food: of the dietary survey, no brand or restaurant item.
    common: bool
    branded: bool
    #: Of a form not suggested by default (a powder, a mix, an energy drink).
    odd: bool
    flavoured: bool
    absorption: Absorption | None

    @classmethod
    def of(cls, food: Food, group: SwapGroup, groups: SwapGroups) -> _Candidate:
        branded = groups.is_branded(food.name, food.group_code)
        serving = serving_grams(food)
        return cls(
            food,
            group,
            food.value("magnesium_mg"),
            food.value("energy_kcal"),
            _natural_measure(food),
            serving,
            _variant_key(food.name),
            kind_key(food.name),
            (food.survey or groups.is_generic(food.name)) and not branded,
            branded,
            groups.is_odd(food.name),
            groups.is_flavoured(food.name),
            groups.absorption_of(food.name),
        )


# Not a value type: equality is identity (eq=False), like the groups it was built with.
@dataclass(frozen=True, eq=False)
class SwapIndex:
    """Foods sorted into swap groups once, so that each swap search looks at few foods."""

    groups: SwapGroups
    #: Swap group key -> its foods (excluded USDA groups included), in the order given.
    foods_by_group: Mapping[str, tuple[Food, ...]]
    _candidates: Mapping[str, tuple[_Candidate, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        candidates = {
            key: tuple(_Candidate.of(food, self.groups.group(key), self.groups)
                       for food in foods)
            for key, foods in self.foods_by_group.items()
        }
        object.__setattr__(self, "foods_by_group", MappingProxyType(dict(self.foods_by_group)))
        object.__setattr__(self, "_candidates", MappingProxyType(candidates))

    @classmethod
    def build(cls, foods: Iterable[Food], groups: SwapGroups) -> SwapIndex:
        sorted_foods: dict[str, list[Food]] = {}
        for food in foods:
            group = groups.group_of(food.name, food.group_code, include_excluded=True)
            if group is not None:
                sorted_foods.setdefault(group.key, []).append(food)
        return cls(groups, {key: tuple(fs) for key, fs in sorted_foods.items()})

    def candidates_for(self, food: Food, *, include_excluded: bool = False) -> tuple[Food, ...]:
        """Every food that may replace ``food`` (its group and also_from), itself left out."""
        return tuple(c.food for c in _index_pool(self, food, include_excluded=include_excluded))


@dataclass(frozen=True, slots=True)
class SwapOptions:
    #: Keep the entry's energy (the default; drinks keep their volume) or its grams.
    keep: Keep = "energy"
    #: Show all foods: also baby, fast, restaurant and American Indian/Alaska Native foods,
    #: foods outside the dietary survey, brands, powders and mixes.
    include_excluded: bool = False
    limit: int = 10
    #: Largest energy change allowed, as a share of the entry's energy: the amount is a
    #: household serving, so energy is kept within a band, not matched exactly. A drink
    #: may bring less energy than the one it replaces, never more than this.
    max_energy_change: float = MAX_ENERGY_CHANGE
    #: Daily upper limits that food counts toward (nutrient key -> amount, the profile's
    #: ULs on total intake or on a part of it): a suggested serving that alone passes one
    #: is not offered (1 oz of Brazil nuts holds 544 µg selenium; the UL is 400 µg).
    upper_limits: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.keep not in _KEEPS:
            raise ValueError(f"keep must be 'energy' or 'grams', got {self.keep!r}")
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise ValueError(f"limit must be a whole number of at least 1, got {self.limit!r}")
        if not (math.isfinite(self.max_energy_change) and self.max_energy_change >= 0):
            raise ValueError(
                f"max_energy_change must be a share of at least 0, got {self.max_energy_change!r}"
            )


@dataclass(frozen=True, slots=True)
class Swap:
    """One suggestion: ``amount`` ``unit`` (``grams`` g) of ``food`` instead of the entry."""

    food: Food
    amount: float
    unit: str
    grams: float
    magnesium_gain_mg: float
    #: New minus old energy; ``None`` when either energy is unknown (only with keep="grams").
    energy_change_kcal: float | None
    #: New minus old amount per nutrient key (CHANGE_KEYS) where both values are known.
    changes: Mapping[str, float]
    #: Absorbable magnesium gained less the penalties (see the module docstring), in mg.
    score: float
    #: Key of the candidate's swap group (the entry's own group or one of its also_from).
    group: str
    summary: str
    #: Why this swap, in a line ("The whole grain of the same rice, its bran kept"); the
    #: numbers are in ``summary``.
    why: str = ""
    #: An everyday food (of the dietary survey, no brand or restaurant item).
    common: bool = True
    #: The magnesium gain counted as absorbed (oxalate and phytate; see ``absorption``).
    absorbable_gain_mg: float = 0.0
    #: The swap a dietitian names first for this food (brown rice for white rice).
    obvious: bool = False
    #: Why part of the candidate's magnesium is not counted, if it is not.
    absorption_note: str | None = None


def find_swaps(
    food: Food,
    grams: float,
    candidates: Iterable[Food] | SwapIndex,
    groups: SwapGroups,
    options: SwapOptions = SwapOptions(),
    measure: tuple[float, str] | None = None,
) -> list[Swap]:
    """Foods that may replace ``grams`` g of ``food`` and raise magnesium, best first.

    ``candidates`` is a :class:`SwapIndex` built with ``groups`` (fast) or any foods; only
    those in the entry's swap group or its also_from groups are considered. An entry without
    a swap group or with unknown magnesium gets no suggestions. The obvious swaps come
    first, then the rest by score; each kind of food (:func:`kind_key`) once.
    ``measure``: the entry's own amount and household unit (``(1, "cup")``); a candidate
    with that measure is offered in the same amount when it fits the limits (1 cup of
    brown rice for 1 cup of white rice).
    """
    entry_grams = check_amount(grams, what="grams")
    group = groups.group_of(food.name, food.group_code, include_excluded=True)
    old_magnesium = food.value("magnesium_mg")
    if group is None or old_magnesium is None:
        return []
    if isinstance(candidates, SwapIndex):
        if candidates.groups is not groups:
            raise ValueError("the swap index was built with other swap groups")
        pool = _index_pool(candidates, food, include_excluded=options.include_excluded)
    else:
        pool = _food_pool(candidates, food, groups, group, options.include_excluded)

    entry = _SwapEntry.of(food, entry_grams, old_magnesium, options, groups, group,
                          measure if measure and mass_unit(measure[1]) is None else None)
    best: dict[str, _Found] = {}
    for candidate in pool:
        if not entry.allows(candidate):
            continue
        found = entry.consider(candidate)
        if found is None:
            continue
        other = best.get(candidate.kind)
        if other is None or found.rank < other.rank:
            best[candidate.kind] = found
    kept: list[_Found] = []
    for found in sorted(best.values(), key=lambda f: f.rank):
        if not any(_near_duplicates(found.candidate, seen.candidate) for seen in kept):
            kept.append(found)
            if len(kept) == options.limit:
                break
    return [found.swap(food, entry_grams) for found in kept]


#: Two foods of one kind whose magnesium and energy per 100 g differ less than this are
#: the same choice under two SR28 names ("Milk, fluid, 1% fat" and "Milk, lowfat, fluid,
#: 1% milkfat"; the two Gerolsteiner waters).
_SAME_VALUES: Final = 0.05


def _near_duplicates(a: _Candidate, b: _Candidate) -> bool:
    if _first_word(a.food.name) != _first_word(b.food.name):
        return False
    for x, y in ((a.magnesium, b.magnesium), (a.energy, b.energy)):
        if x is None or y is None:
            return False
        if abs(x - y) > _SAME_VALUES * max(abs(x), abs(y), 1.0):
            return False
    return True


@lru_cache(maxsize=16_384)
def _first_word(name: str) -> str:
    """The first word of a name after SR28's category parts ("Beverages, GEROLSTEINER
    ..." -> "gerolsteiner")."""
    parts = [part.strip().lower() for part in name.split(",") if part.strip()]
    start = 0
    while start < len(parts) - 1 and parts[start] in CATEGORY_PARTS:
        start += 1
    words = _WORD_RE.findall(parts[start]) if parts else []
    return words[0] if words else ""


@dataclass(frozen=True, slots=True)
class _SwapEntry:
    """The entry to replace, with what every candidate is measured against."""

    food: Food
    grams: float
    magnesium_total: float
    energy: float | None
    options: SwapOptions
    #: Energy is really kept only when the entry has some: else the same grams are offered.
    energy_kept: bool
    #: A drink: replaced by the same volume, with no more energy.
    by_volume: bool
    variant: frozenset[str]
    groups: SwapGroups
    branded: bool
    odd: bool
    flavoured: bool
    #: The share of the entry's own magnesium counted as absorbed.
    absorbed: float
    measure: tuple[float, str] | None

    @property
    def min_gain(self) -> float:
        return max(MIN_MAGNESIUM_GAIN_MG, MIN_RELATIVE_GAIN * self.magnesium_total)

    @classmethod
    def of(cls, food: Food, grams: float, magnesium: float, options: SwapOptions,
           groups: SwapGroups, group: SwapGroup,
           measure: tuple[float, str] | None) -> _SwapEntry:
        energy = food.value("energy_kcal")
        by_volume = options.keep == "energy" and group.key in groups.by_volume
        energy_kept = (options.keep == "energy" and not by_volume and energy is not None
                       and energy > 0)
        absorption = groups.absorption_of(food.name)
        return cls(food, grams, scaled(magnesium, grams), energy, options, energy_kept,
                   by_volume, _variant_key(food.name), groups,
                   groups.is_branded(food.name, food.group_code), groups.is_odd(food.name),
                   groups.is_flavoured(food.name),
                   absorption.factor if absorption else 1.0, measure)

    def allows(self, candidate: _Candidate) -> bool:
        """Whether ``candidate`` may be suggested at all: by default an everyday food, no
        brand, powder, mix or flavoured form unless the entry is one."""
        if self.options.include_excluded:
            return True
        if candidate.branded and not self.branded:
            return False
        if candidate.odd and not self.odd:
            return False
        if candidate.flavoured and not self.flavoured:
            return False
        return (candidate.food.survey or candidate.food.ref.source != "usda-sr28"
                or self.groups.is_generic(candidate.food.name))

    def target_grams(self, candidate: _Candidate) -> float | None:
        """How much of ``candidate`` replaces the entry before rounding (the same energy,
        or the same grams for a drink); ``None`` when it cannot (no energy value, or an
        amount out of proportion)."""
        if self.options.keep != "energy" or self.by_volume or not self.energy_kept:
            if self.options.keep == "energy" and candidate.energy is None:
                return None
            return self.grams
        assert self.energy is not None
        new_energy = candidate.energy
        if new_energy is None or new_energy <= 0:
            return None
        target = self.grams * self.energy / new_energy
        if candidate.serving is not None:
            # A household serving: from half of one to two of the candidate's measure.
            target = min(max(target, MIN_SERVINGS * candidate.serving),
                         MAX_SERVINGS * candidate.serving)
        if not 1 / MAX_AMOUNT_RATIO <= target / self.grams <= MAX_AMOUNT_RATIO:
            return None
        return target

    def consider(self, candidate: _Candidate) -> _Found | None:
        """``candidate`` as a swap with its rank, or ``None`` when it does not qualify."""
        new_magnesium = candidate.magnesium
        if new_magnesium is None or candidate.variant == self.variant:
            return None
        target = self.target_grams(candidate)
        if target is None:
            return None
        # Cheap early exit: rounding to a household measure moves the grams by 25 % at most.
        if new_magnesium * target * 1.25 / 100.0 - self.magnesium_total < self.min_gain:
            return None
        amount, unit, new_grams = self._amount(candidate, target)
        if self.options.keep == "energy":
            # A drink keeps the entry's volume (a 500 ml bottle for a 500 ml bottle).
            if candidate.serving is not None and not self.by_volume and (
                    new_grams > MAX_SERVINGS * candidate.serving + 1e-9):
                return None
            if not 1 / MAX_AMOUNT_RATIO <= new_grams / self.grams <= MAX_AMOUNT_RATIO:
                return None
        gain = scaled(new_magnesium, new_grams) - self.magnesium_total
        if gain < self.min_gain or self._passes_a_limit(candidate.food, new_grams):
            return None
        energy_change = None
        if self.energy is not None and candidate.energy is not None:
            energy_change = (candidate.energy * new_grams - self.energy * self.grams) / 100.0
        if not self._energy_within(energy_change):
            return None
        factor = candidate.absorption.factor if candidate.absorption else 1.0
        absorbable = (factor * scaled(new_magnesium, new_grams)
                      - self.absorbed * self.magnesium_total)
        if absorbable < MIN_MAGNESIUM_GAIN_MG:
            return None
        score = absorbable - _penalty(self.food, self.grams, candidate.food, new_grams)
        obvious = self.groups.obvious_swap(self.food.name, candidate.food.name)
        return _Found(candidate, amount, unit, new_grams, gain, energy_change, score,
                      absorbable, obvious)

    def _amount(self, candidate: _Candidate, target: float) -> tuple[float, str, float]:
        """The entry's own amount and unit when the candidate has that measure and it
        keeps energy within the band (or the volume, for a drink); else a round amount;
        the exact grams when the weight is kept."""
        if self.options.keep != "energy":
            return target, "g", target
        if self.measure is not None and self.options.keep == "energy":
            amount, unit = self.measure
            portion = find_portion(candidate.food, unit)
            if portion is not None and portion.grams_per_unit > 0:
                grams = amount * portion.grams_per_unit
                energy = candidate.energy
                change = None if energy is None or self.energy is None else (
                    (energy * grams - self.energy * self.grams) / 100.0)
                serving = candidate.serving
                if self._energy_within(change) and (
                        serving is None or grams <= MAX_SERVINGS * serving + 1e-9):
                    return amount, unit, grams
        return _amount_for(candidate, target)

    def _passes_a_limit(self, food: Food, grams: float) -> bool:
        for key, limit in self.options.upper_limits.items():
            value = food.value(key)
            if value is not None and value * grams / 100.0 > limit:
                return True
        return False

    def _energy_within(self, energy_change: float | None) -> bool:
        if self.options.keep != "energy" or self.energy is None or self.energy <= 0:
            return True
        if energy_change is None:
            return False
        allowed = self.options.max_energy_change * self.energy * self.grams / 100.0 + 1e-9
        if self.by_volume:
            return energy_change <= allowed
        return abs(energy_change) <= allowed


@dataclass(frozen=True, slots=True)
class _Found:
    """A candidate that passed; its changes and summary are written only if it is kept."""

    candidate: _Candidate
    amount: float
    unit: str
    grams: float
    gain: float
    energy_change: float | None
    score: float
    absorbable: float
    obvious: ObviousSwap | None

    @property
    def rank(self) -> tuple[int, float, float, str]:
        """Obvious swaps first, then by score, then by gain and name."""
        return (0 if self.obvious else 1, -self.score, -self.gain, self.candidate.food.name)

    def swap(self, entry: Food, entry_grams: float) -> Swap:
        changes = _changes(entry, entry_grams, self.candidate.food, self.grams)
        absorption = self.candidate.absorption
        note = None
        if absorption is not None:
            source = absorption.source.split(":")[0]
            note = f"{absorption.why} (counted at {absorption.factor:.0%}; {source})"
        return Swap(
            food=self.candidate.food,
            amount=self.amount,
            unit=self.unit,
            grams=self.grams,
            magnesium_gain_mg=self.gain,
            energy_change_kcal=self.energy_change,
            changes=MappingProxyType(changes),
            score=self.score,
            group=self.candidate.group.key,
            summary=swap_summary(self.gain, self.energy_change, changes),
            why=self._why(note),
            common=self.candidate.common,
            absorbable_gain_mg=self.absorbable,
            obvious=self.obvious is not None,
            absorption_note=note,
        )

    def _why(self, note: str | None) -> str:
        if self.obvious is not None:
            why = self.obvious.why
        else:
            why = f"The same kind of food ({self.candidate.group.label.lower()})"
        return f"{why}; {note}" if note else why


def _index_pool(index: SwapIndex, food: Food, *, include_excluded: bool) -> Iterator[_Candidate]:
    groups = index.groups
    group = groups.group_of(food.name, food.group_code, include_excluded=True)
    if group is None:
        return
    for candidate_group in groups.candidates_groups(group):
        for candidate in index._candidates.get(candidate_group.key, ()):
            if candidate.food.ref == food.ref:
                continue
            if not include_excluded and groups.is_excluded(candidate.food.group_code):
                continue
            yield candidate


def _food_pool(
    foods: Iterable[Food],
    food: Food,
    groups: SwapGroups,
    group: SwapGroup,
    include_excluded: bool,
) -> Iterator[_Candidate]:
    wanted = {g.key for g in groups.candidates_groups(group)}
    for candidate in foods:
        if candidate.ref == food.ref:
            continue
        if not include_excluded and groups.is_excluded(candidate.group_code):
            continue
        candidate_group = groups.group_of(
            candidate.name, candidate.group_code, include_excluded=True
        )
        if candidate_group is not None and candidate_group.key in wanted:
            yield _Candidate.of(candidate, candidate_group, groups)


def _changes(
    food: Food, grams: float, candidate: Food, candidate_grams: float
) -> dict[str, float]:
    changes = {}
    for key in CHANGE_KEYS:
        old, new = food.value(key), candidate.value(key)
        if old is not None and new is not None:
            changes[key] = (new * candidate_grams - old * grams) / 100.0
    return changes


def _penalty(food: Food, grams: float, candidate: Food, candidate_grams: float) -> float:
    total = 0.0
    for key, weight, direction in PENALTIES:
        old, new = food.value(key), candidate.value(key)
        if old is None or new is None:
            continue
        change = (new * candidate_grams - old * grams) / 100.0
        if change * direction > 0:
            total += weight * change * direction
    return total


def _amount_for(candidate: _Candidate, grams: float) -> tuple[float, str, float]:
    """``(amount, unit, grams)`` for about ``grams`` g of ``candidate``: a round amount of
    its natural household measure (1/4 cup, 1/2 slice, whole fluid ounces), else whole
    grams (to 5 g above 50 g)."""
    if candidate.measure is not None:
        unit, per_unit = candidate.measure
        amount = _round_amount(grams / per_unit, unit)
        if amount is not None:
            return amount, unit, amount * per_unit
    step = 5.0 if grams > 50 else 1.0
    rounded = max(1.0, round(grams / step) * step)
    return rounded, "g", rounded


def _natural_measure(food: Food) -> tuple[str, float] | None:
    """The food's natural household measure (:func:`~planner.core.portions.natural_portion`)
    as (unit name, grams per unit), if usable; else its first measure.

    The unit name must bring back exactly that portion through ``units.find_portion``: the
    short name (``cup``) is preferred, but another portion may answer to it (an exact ``cup``
    wins over a first ``cup, chopped``), and then the whole description is used. A measure
    named like a mass unit (a portion called ``oz``) is left to the grams.
    """
    portion = natural_portion(food) or (food.portions[0] if food.portions else None)
    if portion is None:
        return None
    for name in (portion_unit_name(portion), " ".join(portion.description.split())):
        if name and mass_unit(name) is None and find_portion(food, name) is portion:
            per_unit = grams_per_unit(food, name)
            return (name, per_unit) if per_unit > 0 else None
    if mass_unit(portion_unit_name(portion)) is not None and portion.grams_per_unit > 0:
        return "oz", 28.349523125
    return None


#: Steps per unit a household amount is rounded to: cups in quarters and thirds, spoons
#: and ounces in halves, fluid ounces whole, things counted (slices, fruit) in halves.
def _steps(unit: str) -> tuple[int, ...]:
    text = unit.lower()
    if text.startswith("cup"):
        return (4, 3)
    return (1,) if text.startswith("fl oz") else (2,)


def _round_amount(amount: float, unit: str = "") -> float | None:
    """The round amount of ``unit`` nearest to ``amount`` (see :func:`_steps`; halves up
    to 10, whole numbers up to 20); ``None`` beyond 20."""
    if amount <= 3:
        nearest = [round(amount * steps) / steps for steps in _steps(unit)]
        rounded = min(nearest, key=lambda value: abs(value - amount))
    elif amount <= 10:
        rounded = round(amount * 2) / 2
    elif amount <= 20:
        rounded = float(round(amount))
    else:
        return None
    if rounded <= 0:
        rounded = 1 / max(_steps(unit))
    return rounded


# Words that tell variants of one food apart without changing what it is.
_VARIANT_RE: Final = re.compile(
    r"\b(?:with|without|no)\s+(?:added\s+)?salt(?:\s+added)?\b"
    r"|\bsalt\s+(?:not\s+)?added(?:\s+in\s+processing)?\b"
    r"|\b(?:lightly\s+|un)?salted\b"
    r"|\b(?:un)?enriched\b",
    re.IGNORECASE,
)
_WORD_RE: Final = re.compile(r"[a-z0-9%]+")


@lru_cache(maxsize=16_384)
def kind_key(name: str) -> str:
    """What kind of food a name is, without its variants: the first part after SR28's
    category words and brand names, and the next part when no category came first.

    ``Nuts, almonds, dry roasted`` and ``Nuts, almonds, oil roasted`` are both *almonds*;
    ``Milk, nonfat, fluid, with added vitamin A`` is *milk, nonfat*, not *milk*. A list of
    suggestions shows each kind once.
    """
    parts = [part.strip().lower() for part in name.split(",") if part.strip()]
    original = [part.strip() for part in name.split(",") if part.strip()]
    start = 0
    while start < len(parts) - 1 and (
        parts[start] in CATEGORY_PARTS or _BRAND_PART.fullmatch(original[start])
    ):
        start += 1
    take = 1 if start > 0 else 2
    return ", ".join(parts[start : start + take])


_BRAND_PART: Final = re.compile(r"[A-Z0-9'&. -]{3,}")


@lru_cache(maxsize=16_384)
def _variant_key(name: str) -> frozenset[str]:
    """The words of a food name without salt and enrichment variants, order ignored.

    ``Rice, white, long-grain, regular, enriched, cooked`` and ``Rice, white, long-grain,
    regular, cooked, unenriched, with salt`` give the same key.
    """
    return frozenset(_WORD_RE.findall(_VARIANT_RE.sub(" ", name).lower()))


def _signed(key: str, value: float) -> str:
    """``+5 mg``, ``-1.2 g``, or ``±0 µg`` when the change rounds to nothing."""
    if float(format_nutrient(key, abs(value), unit=False)) == 0:
        return f"±0 {BY_KEY[key].unit}"
    return f"{'+' if value > 0 else '-'}{format_nutrient(key, abs(value))}"


def swap_summary(
    magnesium_gain_mg: float, energy_change_kcal: float | None, changes: Mapping[str, float]
) -> str:
    """One line on a swap, e.g. ``Magnesium +98 mg, energy ±0 kcal; sodium +5 mg``."""
    energy = (
        "energy unknown"
        if energy_change_kcal is None
        else f"energy {_signed('energy_kcal', energy_change_kcal)}"
    )
    head = f"Magnesium {_signed('magnesium_mg', magnesium_gain_mg)}, {energy}"
    tail = [
        f"{BY_KEY[key].in_sentence} {_signed(key, changes[key])}"
        for key in SUMMARY_KEYS
        if key in changes
    ]
    return f"{head}; {', '.join(tail)}" if tail else head
