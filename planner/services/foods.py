"""Food use cases: search, show, the foods highest in a nutrient, import a USDA SR
release."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from planner.core.bounds import quote
from planner.core.foods import Food, FoodGroup, FoodHit, FoodRef
from planner.core.formatting import format_quantity, format_value
from planner.core.nutrients import BY_KEY, NUTRIENT_KEYS, Nutrient
from planner.core.recipes import RECIPE_SOURCE
from planner.db.foods import (
    BASES,
    DEFAULT_LIMIT,
    TOP_MAX_LIMIT,
    Basis,
    FoodRepository,
    Progress,
    RankedFood,
)
from planner.services.database import DATASET_META_KEY, Database
from planner.services.recipes import recompute_dependents
from planner.sources.usda_sr import read_release

__all__ = [
    "BASES",
    "BASIS_LABELS",
    "TOP_DEFAULT_LIMIT",
    "TOP_MAX_LIMIT",
    "Basis",
    "FoodNotFoundError",
    "FoodService",
    "TopFood",
    "TopFoods",
    "UnknownGroupError",
    "UnknownNutrientError",
    "check_basis",
    "check_top_limit",
    "nutrient_for",
]

TOP_DEFAULT_LIMIT: Final = 20
#: How each basis reads after a value: "12 mg per 100 kcal".
BASIS_LABELS: Final[dict[Basis, str]] = {
    "100g": "per 100 g",
    "100kcal": "per 100 kcal",
    "portion": "per portion",
}


class UnknownNutrientError(ValueError):
    """A nutrient key planner does not track; ``suggestions`` are the close keys."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        if suggestions:
            hint = f"did you mean {' or '.join(suggestions)}?"
        else:
            hint = f"the keys are {', '.join(NUTRIENT_KEYS)}"
        super().__init__(f"unknown nutrient {quote(text)}; {hint}")
        self.suggestions = suggestions


class UnknownGroupError(ValueError):
    def __init__(self, code: str, groups: list[FoodGroup]) -> None:
        known = ", ".join(f"{g.code} ({g.name})" for g in sorted(groups, key=lambda g: g.code))
        super().__init__(f"no food group {quote(code)}; the groups are {known}")


def nutrient_for(text: str) -> Nutrient:
    """The nutrient with key ``text`` (``vitamin_c_mg``; any case), else an error that
    names the close keys: ``vitamin_c`` or ``vitamin C`` suggest ``vitamin_c_mg``."""
    wanted = "_".join(text.strip().lower().split())
    nutrient = BY_KEY.get(wanted)
    if nutrient is not None:
        return nutrient
    raise UnknownNutrientError(text, _close_keys(wanted[:100]))


def _close_keys(wanted: str) -> list[str]:
    """The keys ``wanted`` most likely means: the key without its unit (``vitamin_c``),
    with another unit (``vitamin_c_ug``) or the label (``vitamin c``); else the keys and
    labels holding it (``omega-3``); else close spellings (``vitmin_c_mg``)."""
    if not wanted:
        return []
    labels = {n.key: "_".join(n.label.lower().split()) for n in BY_KEY.values()}
    stem = wanted.rsplit("_", 1)[0]  # vitamin_c_ug: the unit is wrong
    exact = [key for key in NUTRIENT_KEYS
             if key.rsplit("_", 1)[0] in (wanted, stem) or labels[key] == wanted]
    if exact:
        return exact
    if len(wanted) >= 3:
        holding = [key for key in NUTRIENT_KEYS if wanted in key or wanted in labels[key]]
        if holding:
            return holding[:4]
    stems = {key.rsplit("_", 1)[0]: key for key in NUTRIENT_KEYS}
    close = difflib.get_close_matches(wanted, NUTRIENT_KEYS, n=3, cutoff=0.75)
    close += [stems[s] for s in difflib.get_close_matches(wanted, stems, n=3, cutoff=0.75)]
    return list(dict.fromkeys(close))[:3]


def check_basis(text: str) -> Basis:
    """``100g``, ``100kcal`` or ``portion``, else :class:`ValueError`."""
    if text not in BASES:
        raise ValueError(f"unknown basis {quote(text)}; expected one of {', '.join(BASES)}")
    return text


def check_top_limit(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= TOP_MAX_LIMIT:
        raise ValueError(f"the limit must be a whole number from 1 to {TOP_MAX_LIMIT}")
    return value


@dataclass(frozen=True, slots=True)
class TopFood:
    """One food of a "highest in" list: its value on the list's basis, with the unit."""

    rank: int
    hit: FoodHit
    value: float
    #: The nutrient's unit: ``mg``.
    unit: str
    #: What the value is per: ``100 g``, ``100 kcal``, or the portion, ``1 cup (30 g)``.
    per: str
    per_100g: float
    #: The default household portion (amount, unit, grams) of a per-portion list.
    measure: tuple[float, str, float] | None = None

    @property
    def value_text(self) -> str:
        """``5243 mg``."""
        return f"{format_value(self.value)} {self.unit}"


@dataclass(frozen=True, slots=True)
class TopFoods:
    """The foods highest in a nutrient, best first, and what was left out and why."""

    nutrient: Nutrient
    basis: Basis
    group: FoodGroup | None
    foods: tuple[TopFood, ...]
    #: Foods (in the group) whose value is unknown: never ranked, never taken as zero.
    unknown: int
    #: Foods with a value but no basis: 0 kcal or unknown energy, no household measure.
    left_out: int
    notes: tuple[str, ...]

    @property
    def title(self) -> str:
        """``Vitamin C per 100 kcal, in Vegetables and Vegetable Products``."""
        where = f", in {self.group.name}" if self.group is not None else ""
        return f"{self.nutrient.label} {BASIS_LABELS[self.basis]}{where}"


def _per_text(basis: Basis, ranked: RankedFood) -> str:
    if ranked.measure is None:
        return "100 g" if basis == "100g" else "100 kcal"
    amount, unit, grams = ranked.measure
    return f"{format_quantity(amount)} {unit} ({format_quantity(grams)} g)"


def _foods(count: int) -> str:
    return f"{count:,} food" if count == 1 else f"{count:,} foods"


def _notes(nutrient: Nutrient, basis: Basis, unknown: int, left_out: int) -> tuple[str, ...]:
    notes = []
    if unknown:
        notes.append(f"{_foods(unknown)} with no {nutrient.label} value (unknown, not zero) "
                     "are not ranked.")
    if left_out and basis == "100kcal":
        notes.append(f"{_foods(left_out)} with a {nutrient.label} value but 0 kcal or unknown "
                     "energy are left out of the ranking per 100 kcal.")
    if left_out and basis == "portion":
        notes.append(f"{_foods(left_out)} with a {nutrient.label} value but no household "
                     "measure are left out of the ranking per portion.")
    return tuple(notes)


class FoodNotFoundError(LookupError):
    def __init__(self, ref: FoodRef) -> None:
        super().__init__(f"no food {ref} in the database")
        self.ref = ref


class FoodService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def search(
        self, text: str, *, group: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> list[FoodHit]:
        with self.db.reading() as session:
            return FoodRepository(session).search(text, group=group, limit=limit)

    def frequent(self, *, limit: int = DEFAULT_LIMIT) -> list[FoodHit]:
        """The foods eaten in the stored plans, most eaten first (recent ones break ties):
        what the search shows before anything is typed."""
        with self.db.reading() as session:
            return FoodRepository(session).frequent(limit)

    def top(
        self,
        nutrient: str,
        *,
        per: str = "100g",
        group: str | None = None,
        limit: int = TOP_DEFAULT_LIMIT,
    ) -> TopFoods:
        """The foods highest in ``nutrient`` (a key, ``vitamin_c_mg``), best first.

        ``per``: ``100g`` (the value per 100 g), ``100kcal`` (per 100 kcal; foods with
        0 kcal or unknown energy left out) or ``portion`` (in the food's default
        household portion, as adding it gives; foods without one left out). Unknown
        values never rank. ``group`` keeps one food group (``1100``); ``limit`` is 1 to
        :data:`TOP_MAX_LIMIT`. Raises :class:`UnknownNutrientError`,
        :class:`UnknownGroupError` or :class:`ValueError` for a bad basis or limit.
        """
        found = nutrient_for(nutrient)
        basis = check_basis(per)
        limit = check_top_limit(limit)
        with self.db.reading() as session:
            repository = FoodRepository(session)
            food_group = None
            if group is not None:
                groups = repository.groups()
                food_group = next((g for g in groups if g.code == group), None)
                if food_group is None:
                    raise UnknownGroupError(group, groups)
            ranking = repository.top_by_nutrient(found.key, per=basis, group=group, limit=limit)
        foods = tuple(
            TopFood(rank, item.hit, item.value, found.unit, _per_text(basis, item),
                    item.per_100g, item.measure)
            for rank, item in enumerate(ranking.foods, start=1)
        )
        return TopFoods(found, basis, food_group, foods, ranking.unknown, ranking.left_out,
                        _notes(found, basis, ranking.unknown, ranking.left_out))

    def get(self, ref: FoodRef | str) -> Food:
        """The food at ``ref`` (``usda:11457`` or a :class:`FoodRef`) with its portions."""
        if isinstance(ref, str):
            ref = FoodRef.parse(ref)
        with self.db.reading() as session:
            food = FoodRepository(session).get(ref)
        if food is None:
            raise FoodNotFoundError(ref)
        return food

    def get_many(self, refs: list[FoodRef]) -> dict[FoodRef, Food]:
        with self.db.reading() as session:
            return FoodRepository(session).get_many(refs)

    def groups(self) -> list[FoodGroup]:
        with self.db.reading() as session:
            return FoodRepository(session).groups()

    def count(self) -> int:
        """Foods in the database; recipes (the user's dishes, also foods) are not counted."""
        with self.db.reading() as session:
            repository = FoodRepository(session)
            return repository.count() - repository.count(RECIPE_SOURCE)

    def import_usda(self, directory: Path | str, progress: Progress | None = None) -> int:
        """Load a full SR release; foods already present are updated, never duplicated.

        The files are read and checked completely before the database is touched, and
        the write is one transaction: a bad file changes nothing.
        """
        release = read_release(Path(directory))
        with self.db.writing() as session:
            repository = FoodRepository(session)
            written = repository.store_foods(release.foods, release.groups, progress)
            repository.set_meta(DATASET_META_KEY, f"import:{len(release.foods)}")
            # Recipes made of these foods take their new values in the same transaction.
            recompute_dependents(session, [food.ref for food in release.foods])
        return written
