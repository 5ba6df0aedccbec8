"""Magnesium swaps: foods that can take an entry's place in a meal and bring more magnesium.

**Swap groups** (``data/swap_groups.json``, format ``planner.swap_groups/1``) say which foods
are interchangeable: cooked grains with cooked grains, breads with breads, chips with chips
(and, through ``also_from``, with nuts and seeds). A food belongs to the *first* group, in
file order, that lists its USDA food group code and whose name patterns match: one of the
``include`` regular expressions (or ``include`` is empty) and none of the ``exclude`` ones,
searched case-insensitively. The form of a food is part of its group (``cooked_grains``,
``dry_grains``, ``flours_brans``; ``fish_raw``, ``fish_cooked``; ``sliced_breads``,
``toasted_breads``), so that 200 g of cooked rice is never offered 60 g of flour.

**Exclusions.** Foods of the file's ``excluded_food_groups`` (baby, fast, restaurant and
American Indian/Alaska Native foods) are never *suggested* unless
``SwapOptions.include_excluded`` is set. An entry from such a group still gets suggestions:
the entry's own group is always looked up with ``include_excluded=True``, because what the
user already eats is not a suggestion.

**Amounts.** With ``keep="energy"`` (the default) the suggested amount carries the same energy
as the entry: ``grams_new = grams * kcal_old / kcal_new``; when the entry's energy is unknown
or zero there is no energy to keep and the same grams are suggested (tap water for mineral
water). Candidates with unknown energy are skipped when keeping energy, candidates with unknown
magnesium always; so are candidates that would need more than :data:`MAX_AMOUNT_RATIO` times
(or less than a third of) the entry's weight to carry its energy. The amount
is expressed in the candidate's *first* household measure when that gives a round amount
(a multiple of 1/4 or 1/3 up to 3, of 1/2 up to 10, a whole number up to 20) within 2 % of
the exact grams, e.g. ``1 cup`` or ``1.5 slice``; otherwise in grams, rounded to whole grams
(one decimal when whole grams would be more than 1 % off). ``units.grams_for(food, amount,
unit)`` gives back ``Swap.grams``, and the energy stays within ``max_energy_change`` (it is
exact up to that rounding).

**Ranking.** Only swaps that raise magnesium by at least :data:`MIN_MAGNESIUM_GAIN_MG` are
offered. The score is the magnesium gained, in mg, less penalties expressed in the same
currency: a change worth 1 % of a day's reference costs as much as 1 % of the day's
magnesium (400 mg, the adult RDA). So each mg of *added* sodium costs 400/2300 mg (the 2,300 mg
daily limit), each g of *added* sugars 400/90 mg (the 90 g reference intake for total sugars:
the data holds total, not added, sugars) and each µg of vitamin D *lost* 400/15 mg (the 15 µg
RDA; the planner cares about the two together). Less sodium or sugar and more vitamin D earn
nothing: the swap is about magnesium. A nutrient unknown on either side costs nothing and is
left out of ``Swap.changes``.

**Near-duplicates** ("..., with salt" and "..., without salt"; "enriched" and "unenriched")
count once: the variant with the better score is kept, and variants of the entry itself are
not offered.

**Speed.** :meth:`SwapIndex.build` sorts a whole food list into swap groups once (about
0.15 s for the 8,789 SR28 foods); :func:`find_swaps` over the index then looks at a few
hundred foods and takes well under a millisecond (0.3 ms for cooked rice).
:func:`find_swaps` also accepts any iterable of foods (e.g. fetched by
:meth:`SwapGroups.food_group_codes`), 4 ms over all of SR28 once group lookups, cached per
``(name, group code)``, are warm.
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

#: A swap must add at least this much magnesium (the summary shows whole mg: never "+0 mg").
MIN_MAGNESIUM_GAIN_MG: Final = 1.0
#: Keeping energy may change the weight at most this many times, either way: a food that
#: needs 700 g to stand in for 100 g of French fries is not eaten in its place.
MAX_AMOUNT_RATIO: Final = 3.0

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

# A household measure is used only when it lands this close to the exact grams.
_MEASURE_TOLERANCE: Final = 0.02
# Whole grams are used when they land this close; otherwise one decimal.
_GRAMS_TOLERANCE: Final = 0.01
# group_of results kept per SwapGroups; the SR28 data needs 8,789, user foods add a few.
_CACHE_LIMIT: Final = 50_000

Keep = Literal["energy", "grams"]
_KEEPS: Final = ("energy", "grams")

_KEY_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE_RE: Final = re.compile(r"^\d{4}$")
_FILE_KEYS: Final = frozenset({"format", "about", "excluded_food_groups", "groups"})
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


# Not a value type: it carries a lookup cache, so equality is identity (eq=False).
@dataclass(frozen=True, eq=False)
class SwapGroups:
    """All swap groups, in precedence order, and the food groups never suggested by default."""

    groups: tuple[SwapGroup, ...]
    #: USDA food group code -> name, for the groups excluded from suggestions.
    excluded_food_groups: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({})
    )
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
        return cls(groups, excluded)

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
    #: The first household measure as (unit name, grams per unit), if it can be named.
    measure: tuple[str, float] | None
    variant: frozenset[str]

    @classmethod
    def of(cls, food: Food, group: SwapGroup) -> _Candidate:
        return cls(
            food,
            group,
            food.value("magnesium_mg"),
            food.value("energy_kcal"),
            _first_measure(food),
            _variant_key(food.name),
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
            key: tuple(_Candidate.of(food, self.groups.group(key)) for food in foods)
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
    #: Keep the entry's energy (the default) or its grams.
    keep: Keep = "energy"
    #: Also suggest baby, fast, restaurant and American Indian/Alaska Native foods.
    include_excluded: bool = False
    limit: int = 10
    #: Largest energy change allowed when keeping energy, as a share of the entry's energy.
    max_energy_change: float = 0.05

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
    #: Magnesium gained less the penalties (see the module docstring), in mg.
    score: float
    #: Key of the candidate's swap group (the entry's own group or one of its also_from).
    group: str
    summary: str


def find_swaps(
    food: Food,
    grams: float,
    candidates: Iterable[Food] | SwapIndex,
    groups: SwapGroups,
    options: SwapOptions = SwapOptions(),
) -> list[Swap]:
    """Foods that may replace ``grams`` g of ``food`` and raise magnesium, best first.

    ``candidates`` is a :class:`SwapIndex` built with ``groups`` (fast) or any foods; only
    those in the entry's swap group or its also_from groups are considered. An entry without
    a swap group or with unknown magnesium gets no suggestions.
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

    entry = _SwapEntry.of(food, entry_grams, old_magnesium, options)
    best: dict[frozenset[str], _Found] = {}
    for candidate in pool:
        found = entry.consider(candidate)
        if found is None:
            continue
        kept = best.get(candidate.variant)
        if kept is None or found.score > kept.score:
            best[candidate.variant] = found
    ranked = sorted(best.values(), key=lambda f: (-f.score, -f.gain, f.candidate.food.name))
    return [found.swap(food, entry_grams) for found in ranked[: options.limit]]


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
    measure_tolerance: float
    grams_tolerance: float
    variant: frozenset[str]

    @classmethod
    def of(cls, food: Food, grams: float, magnesium: float,
           options: SwapOptions) -> _SwapEntry:
        energy = food.value("energy_kcal")
        energy_kept = options.keep == "energy" and energy is not None and energy > 0
        measure_tolerance, grams_tolerance = _MEASURE_TOLERANCE, _GRAMS_TOLERANCE
        if energy_kept:
            measure_tolerance = min(measure_tolerance, options.max_energy_change)
            grams_tolerance = min(grams_tolerance, options.max_energy_change)
        return cls(food, grams, scaled(magnesium, grams), energy, options, energy_kept,
                   measure_tolerance, grams_tolerance, _variant_key(food.name))

    def target_grams(self, candidate: _Candidate) -> float | None:
        """How much of ``candidate`` replaces the entry (same energy, or same grams);
        ``None`` when it cannot (no energy value, or an amount out of proportion)."""
        if self.options.keep != "energy":
            return self.grams
        new_energy = candidate.energy
        if new_energy is None:
            return None
        if not self.energy_kept:
            return self.grams
        assert self.energy is not None
        if new_energy <= 0:
            return None
        target = self.grams * self.energy / new_energy
        if not 1 / MAX_AMOUNT_RATIO <= target / self.grams <= MAX_AMOUNT_RATIO:
            return None
        return target

    def consider(self, candidate: _Candidate) -> _Found | None:
        """``candidate`` as a swap with its score, or ``None`` when it does not qualify."""
        new_magnesium = candidate.magnesium
        if new_magnesium is None:
            return None
        target = self.target_grams(candidate)
        if target is None:
            return None
        # Cheap early exit: rounding moves the grams by 2 % at most.
        most = new_magnesium * target * (1 + _MEASURE_TOLERANCE) / 100.0
        if most - self.magnesium_total < MIN_MAGNESIUM_GAIN_MG:
            return None
        if candidate.variant == self.variant:
            return None
        amount, unit, new_grams = _amount_for(
            candidate.measure, target, self.measure_tolerance, self.grams_tolerance
        )
        gain = scaled(new_magnesium, new_grams) - self.magnesium_total
        if gain < MIN_MAGNESIUM_GAIN_MG:
            return None
        energy_change = None
        if self.energy is not None and candidate.energy is not None:
            energy_change = (candidate.energy * new_grams - self.energy * self.grams) / 100.0
        if self.energy_kept:
            assert self.energy is not None and energy_change is not None
            allowed = self.options.max_energy_change * self.energy * self.grams / 100.0
            if abs(energy_change) > allowed + 1e-9:
                return None
        score = gain - _penalty(self.food, self.grams, candidate.food, new_grams)
        return _Found(candidate, amount, unit, new_grams, gain, energy_change, score)


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

    def swap(self, entry: Food, entry_grams: float) -> Swap:
        changes = _changes(entry, entry_grams, self.candidate.food, self.grams)
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
        )


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
            yield _Candidate.of(candidate, candidate_group)


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


def _amount_for(
    measure: tuple[str, float] | None,
    grams: float,
    measure_tolerance: float,
    grams_tolerance: float,
) -> tuple[float, str, float]:
    """``(amount, unit, grams)`` for about ``grams`` g: a round household measure, or grams."""
    if measure is not None:
        unit, per_unit = measure
        amount = _round_amount(grams / per_unit)
        if amount is not None and abs(amount * per_unit - grams) <= measure_tolerance * grams:
            return amount, unit, amount * per_unit
    for digits in (0, 1):
        rounded = round(grams, digits)
        if rounded > 0 and abs(rounded - grams) <= grams_tolerance * grams:
            return rounded, "g", rounded
    return grams, "g", grams


def _first_measure(food: Food) -> tuple[str, float] | None:
    """The food's first household measure as (unit name, grams per unit), if usable.

    The unit name must bring back exactly that portion through ``units.find_portion``: the
    short name (``cup``) is preferred, but another portion may answer to it (an exact ``cup``
    wins over a first ``cup, chopped``), and then the whole description is used. A measure
    named like a mass unit (a portion called ``oz``) is left to the grams.
    """
    if not food.portions:
        return None
    portion = food.portions[0]
    for name in (portion_unit_name(portion), " ".join(portion.description.split())):
        if name and mass_unit(name) is None and find_portion(food, name) is portion:
            per_unit = grams_per_unit(food, name)
            return (name, per_unit) if per_unit > 0 else None
    return None


def _round_amount(amount: float) -> float | None:
    """The round amount nearest to ``amount`` (1/4 or 1/3 steps to 3, 1/2 to 10, 1 to 20)."""
    if amount <= 3:
        nearest = [round(amount * steps) / steps for steps in (4, 3)]
        rounded = min(nearest, key=lambda value: abs(value - amount))
    elif amount <= 10:
        rounded = round(amount * 2) / 2
    elif amount <= 20:
        rounded = float(round(amount))
    else:
        return None
    return rounded if rounded > 0 else None


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
