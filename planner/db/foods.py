"""Food repository: search, look-up and bulk loading of foods.

Repositories take a session, never commit, and return :mod:`planner.core` values.
Search uses SQLite FTS5 (or PostgreSQL full-text search); user text is reduced to
plain word tokens and passed as a bound parameter, never spliced into SQL, and each
token is quoted inside the FTS query, so ``AND``, ``NEAR``, ``*``, quotes and
parentheses are searched as words or ignored, never obeyed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from sqlalchemy import (
    Integer,
    Row,
    Table,
    bindparam,
    delete,
    false,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from planner.core.foods import Food, FoodGroup, FoodHit, FoodRef, Portion, nutrient_map
from planner.core.nutrients import NUTRIENT_KEYS
from planner.core.portions import default_amount
from planner.core.search_rank import Candidate, Usage, rank, stem
from planner.core.units import grams_for, portion_unit_name
from planner.db.ids import lock_food_imports, new_food_ids
from planner.db.records import (
    EntryRecord,
    FoodGroupRecord,
    FoodRecord,
    MealRecord,
    MetaRecord,
    PlanDayRecord,
    PortionRecord,
)

#: ``progress(done, total)``; called from whatever thread does the work.
Progress = Callable[[int, int], None]

MAX_QUERY_TOKENS: Final = 12
MAX_TOKEN_LENGTH: Final = 40
MAX_GROUP_CODE_LENGTH: Final = 16
DEFAULT_LIMIT: Final = 50
#: How many full-text matches are ranked at most, in id order (the shipped foods have the
#: lowest ids, so with the embedded data every match is ranked; with hundreds of thousands
#: of imported foods a one-letter query stays fast and a second word narrows it).
RANK_WINDOW: Final = 1500
_TOKEN: Final = re.compile(r"[^\W_]+")
_CHUNK: Final = 2000

_food: Table = FoodRecord.__table__  # type: ignore[assignment]
_portion: Table = PortionRecord.__table__  # type: ignore[assignment]
_entry: Table = EntryRecord.__table__  # type: ignore[assignment]
_meal: Table = MealRecord.__table__  # type: ignore[assignment]
_day: Table = PlanDayRecord.__table__  # type: ignore[assignment]

#: What a food's nutrient value is ranked by: per 100 g, per 100 kcal, or in the food's
#: default household portion (:func:`planner.core.portions.default_amount`).
Basis = Literal["100g", "100kcal", "portion"]
BASES: Final[tuple[Basis, ...]] = ("100g", "100kcal", "portion")
TOP_MAX_LIMIT: Final = 500
#: Less energy than this per 100 g is 0 kcal to a ranking per 100 kcal (a label rounds it
#: to 0; SR28's least is 1 kcal): no food is "infinitely dense" in a nutrient.
MIN_ENERGY_KCAL: Final = 0.5
#: Each food's natural measure, and the foods with measures, for one state of the portion
#: table (:meth:`FoodRepository._portion_version`): worked out once, not on every ranking.
_Version = tuple[str, int, int, float, int]
_NATURAL_MEASURES: dict[_Version, dict[int, tuple[float, str, float]]] = {}
_WITH_PORTIONS: dict[_Version, frozenset[int]] = {}


def query_tokens(text: str) -> list[str]:
    """The words of a search string, lower-cased, as the FTS tokenizer would see them."""
    tokens = _TOKEN.findall(text[:2000].lower())
    return [t[:MAX_TOKEN_LENGTH] for t in tokens[:MAX_QUERY_TOKENS]]


def is_group_code(text: str) -> bool:
    """Whether ``text`` can be a food group code (``1100``): letters and digits, short.

    Anything else (a NUL, a control character, a space, 10 MB of text) names no group.
    """
    return isinstance(text, str) and 0 < len(text) <= MAX_GROUP_CODE_LENGTH and text.isalnum()


def fts5_query(tokens: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every token a quoted prefix term, all required; a plural
    by its singular (:func:`~planner.core.search_rank.stem`: "sardines" finds "sardine").

    A one-character token is an exact term: as a prefix it would match a large part of
    the vocabulary and rank nothing useful ("2" in "2% milk" means the word 2).
    """
    return " ".join(f'"{stem(token)}"*' if len(token) > 1 else f'"{token}"' for token in tokens)


def tsquery(tokens: Sequence[str]) -> str:
    """A PostgreSQL ``to_tsquery`` expression with the same meaning as :func:`fts5_query`."""
    return " & ".join(f"{stem(token)}:*" if len(token) > 1 else token for token in tokens)


def _hit_columns() -> list[Any]:
    return [
        FoodRecord.id,
        FoodRecord.source,
        FoodRecord.source_id,
        FoodRecord.name,
        FoodRecord.group_code,
        FoodGroupRecord.name.label("group_name"),
        FoodRecord.energy_kcal,
        FoodRecord.magnesium_mg,
        FoodRecord.vitamin_d_ug,
        FoodRecord.common_name,
        PortionRecord.amount,
        PortionRecord.description,
        PortionRecord.grams,
    ]


def _hit(row: Row[Any]) -> FoodHit:
    portion = (
        Portion(row.amount, row.description, row.grams) if row.description is not None else None
    )
    return FoodHit(
        id=row.id,
        ref=FoodRef(row.source, row.source_id),
        name=row.name,
        group_code=row.group_code,
        group_name=row.group_name,
        energy_kcal=row.energy_kcal,
        magnesium_mg=row.magnesium_mg,
        vitamin_d_ug=row.vitamin_d_ug,
        default_portion=portion,
        common_name=row.common_name,
    )


@dataclass(frozen=True, slots=True)
class RankedFood:
    """One food of a nutrient ranking: its value on the ranking's basis and per 100 g.

    ``measure`` is the default household portion (amount, unit, grams) the portion
    ranking used; ``None`` on the other bases.
    """

    hit: FoodHit
    value: float
    per_100g: float
    measure: tuple[float, str, float] | None = None


@dataclass(frozen=True, slots=True)
class Ranking:
    """The foods highest in a nutrient, best first, and the foods that could not rank.

    ``unknown``: foods (in the group) with no value for the nutrient, never ranked as
    zero. ``left_out``: foods with a value but no basis (0 kcal, i.e. under
    :data:`MIN_ENERGY_KCAL`, or unknown energy for ``100kcal``; no household measure for
    ``portion``).
    """

    foods: tuple[RankedFood, ...]
    unknown: int
    left_out: int


def _food_default_grams(food: Food) -> tuple[float, str, float] | None:
    """The food's default household portion as (amount, unit, grams); ``None`` when
    :func:`default_amount` finds no usable household measure (it falls back to 100 g)."""
    amount, unit = default_amount(food)
    if (amount, unit) == (100.0, "g") and not any(
        p.amount == 100.0 and portion_unit_name(p) == "g" for p in food.portions
    ):
        return None
    return amount, unit, grams_for(food, amount, unit)


class FoodRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- search --------------------------------------------------------------------

    def search(
        self, text: str, *, group: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> list[FoodHit]:
        """Foods matching every word of ``text`` (as prefixes, in the name or the common
        names), the plain everyday form first (:mod:`planner.core.search_rank`).

        Empty text with a group lists that group by name; empty text alone finds nothing
        (:meth:`frequent` is what to show then).
        """
        limit = max(1, min(int(limit), 1000))
        tokens = query_tokens(text)
        if group:
            if not is_group_code(group):
                # No group is called that; and PostgreSQL refuses a NUL in any text.
                return []
        else:
            group = None
        if not tokens:
            if group is None:
                return []
            statement = (select(*_hit_columns()).select_from(_hit_join())
                         .where(FoodRecord.group_code == group)
                         .order_by(FoodRecord.name).limit(limit))
            return [_hit(row) for row in self.session.execute(statement)]
        ranked = rank(
            tokens, self._matches(tokens, group), usage=self.usage(), today=dt.date.today()
        )
        return self._hits_in_order([c.id for c in ranked[:limit]])

    def _matches(self, tokens: Sequence[str], group: str | None) -> list[Candidate]:
        """The foods holding every token as a word prefix, in name or common names: at
        most :data:`RANK_WINDOW` of them, in id order (the shipped foods first)."""
        measures = (select(func.count()).where(_portion.c.food_id == _food.c.id)
                    .correlate(_food).scalar_subquery())
        columns = (_food.c.id, _food.c.name, _food.c.common_name, _food.c.survey,
                   _food.c.group_code, measures.label("measures"))
        dialect = self.session.get_bind().dialect.name
        if dialect == "sqlite":
            matched = text(
                "SELECT rowid FROM food_fts WHERE food_fts MATCH :fts_query"
            ).bindparams(fts_query=fts5_query(tokens)).columns(rowid=Integer).subquery("matched")
            statement = select(*columns).join(matched, matched.c.rowid == _food.c.id)
        elif dialect == "postgresql":
            statement = select(*columns).where(
                search_vector().op("@@")(func.to_tsquery(text_config(), tsquery(tokens)))
            )
        else:
            # Any other database: every token as a case-insensitive substring.
            statement = select(*columns)
            for token in tokens:
                statement = statement.where(or_(
                    _food.c.name.ilike(f"%{token}%"), _food.c.common_name.ilike(f"%{token}%")
                ))
        if group is not None:
            statement = statement.where(_food.c.group_code == group)
        statement = statement.order_by(_food.c.id).limit(RANK_WINDOW)
        return [
            Candidate(row.id, row.name, row.common_name, bool(row.survey), row.group_code,
                      int(row.measures or 0))
            for row in self.session.execute(statement)
        ]

    def _hits_in_order(self, ids: Sequence[int]) -> list[FoodHit]:
        if not ids:
            return []
        statement = select(*_hit_columns()).select_from(_hit_join()).where(
            FoodRecord.id.in_(ids))
        hits = {row.id: _hit(row) for row in self.session.execute(statement)}
        return [hits[food_id] for food_id in ids if food_id in hits]

    # -- the user's foods ------------------------------------------------------------

    def usage(self) -> dict[int, Usage]:
        """Each food eaten in the stored plans: how many times, and the last day."""
        statement = (
            select(_entry.c.food_id, func.count(), func.max(_day.c.date))
            .select_from(_entry.join(_meal, _meal.c.id == _entry.c.meal_id)
                         .join(_day, _day.c.id == _meal.c.day_id))
            .group_by(_entry.c.food_id)
        )
        return {
            food_id: Usage(int(times), _date(last))
            for food_id, times, last in self.session.execute(statement)
        }

    def frequent(self, limit: int = 20) -> list[FoodHit]:
        """The user's foods, most eaten first (recent ones break ties): what the search
        shows before anything is typed."""
        usage = self.usage()
        order = sorted(usage, key=lambda food_id: (
            -usage[food_id].times, -(usage[food_id].last or dt.date.min).toordinal(), food_id))
        return self._hits_in_order(order[: max(1, min(int(limit), 1000))])

    # -- look-up -------------------------------------------------------------------

    def get(self, ref: FoodRef) -> Food | None:
        record = self.session.scalar(
            select(FoodRecord).where(
                FoodRecord.source == ref.source, FoodRecord.source_id == ref.source_id
            )
        )
        return None if record is None else self._food(record)

    def get_by_id(self, food_id: int) -> Food | None:
        record = self.session.get(FoodRecord, food_id)
        return None if record is None else self._food(record)

    def get_many(self, refs: Iterable[FoodRef]) -> dict[FoodRef, Food]:
        """Foods by reference, in few queries; missing references are left out."""
        wanted: dict[str, set[str]] = {}
        for ref in refs:
            wanted.setdefault(ref.source, set()).add(ref.source_id)
        found: dict[FoodRef, Food] = {}
        group_names = self._group_names() if wanted else {}
        for source, ids in wanted.items():
            id_list = sorted(ids)
            for start in range(0, len(id_list), 500):
                chunk = id_list[start : start + 500]
                records = self.session.scalars(
                    select(FoodRecord)
                    .where(FoodRecord.source == source, FoodRecord.source_id.in_(chunk))
                    .options(selectinload(FoodRecord.portions))
                )
                for record in records:
                    food = self._food(record, group_names)
                    found[food.ref] = food
        return found

    def _group_names(self) -> dict[str, str]:
        return dict(self.session.execute(select(FoodGroupRecord.code, FoodGroupRecord.name)).all())

    def all_foods(self) -> list[Food]:
        """Every food with its portions, in two plain queries (for the swap index)."""
        group_names = self._group_names()
        portions: dict[int, list[Portion]] = {}
        for row in self.session.execute(
            select(_portion.c.food_id, _portion.c.amount, _portion.c.description, _portion.c.grams)
            .order_by(_portion.c.food_id, _portion.c.seq)
        ):
            portions.setdefault(row.food_id, []).append(
                Portion(row.amount, row.description, row.grams)
            )
        columns = [_food.c[key] for key in NUTRIENT_KEYS]
        statement = select(
            _food.c.id, _food.c.source, _food.c.source_id, _food.c.name, _food.c.group_code,
            _food.c.attribution, _food.c.common_name, _food.c.survey, *columns,
        ).order_by(_food.c.id)
        foods = []
        for row in self.session.execute(statement):
            values = {key: row[8 + index] for index, key in enumerate(NUTRIENT_KEYS)}
            foods.append(
                Food(
                    ref=FoodRef(row.source, row.source_id),
                    name=row.name,
                    group_code=row.group_code,
                    group_name=group_names.get(row.group_code) if row.group_code else None,
                    nutrients=nutrient_map(values),
                    portions=tuple(portions.get(row.id, ())),
                    id=row.id,
                    attribution=row.attribution,
                    common_name=row.common_name,
                    survey=bool(row.survey),
                )
            )
        return foods

    def purchase_foods(self) -> list[Food]:
        """Every food with what :func:`planner.core.purchase.purchase_index` reads: name,
        group, water and protein (no portions, no other nutrients): one light query."""
        group_names = self._group_names()
        statement = select(
            _food.c.id, _food.c.source, _food.c.source_id, _food.c.name, _food.c.group_code,
            _food.c.water_g, _food.c.protein_g,
        ).where(_food.c.group_code.is_not(None)).order_by(_food.c.id)
        return [
            Food(FoodRef(row.source, row.source_id), row.name, row.group_code,
                 nutrient_map({"water_g": row.water_g, "protein_g": row.protein_g}),
                 id=row.id, group_name=group_names.get(row.group_code))
            for row in self.session.execute(statement)
        ]

    def version(self) -> tuple[int, int]:
        """(foods, highest id): changes when foods are imported or deleted."""
        count, highest = self.session.execute(
            select(func.count(), func.max(_food.c.id)).select_from(_food)).one()
        return int(count or 0), int(highest or 0)

    def count(self, source: str | None = None) -> int:
        statement = select(func.count()).select_from(FoodRecord)
        if source is not None:
            statement = statement.where(FoodRecord.source == source)
        return int(self.session.scalar(statement) or 0)

    def groups(self) -> list[FoodGroup]:
        records = self.session.scalars(select(FoodGroupRecord).order_by(FoodGroupRecord.name))
        return [FoodGroup(r.code, r.name) for r in records]

    def _food(self, record: FoodRecord, group_names: dict[str, str] | None = None) -> Food:
        group_name = None
        if record.group_code is not None:
            if group_names is not None:
                group_name = group_names.get(record.group_code)
            else:
                group_name = self.session.scalar(
                    select(FoodGroupRecord.name).where(FoodGroupRecord.code == record.group_code)
                )
        return Food(
            ref=FoodRef(record.source, record.source_id),
            name=record.name,
            group_code=record.group_code,
            group_name=group_name,
            nutrients=nutrient_map({k: getattr(record, k) for k in NUTRIENT_KEYS}),
            portions=tuple(Portion(p.amount, p.description, p.grams) for p in record.portions),
            id=record.id,
            attribution=record.attribution,
            common_name=record.common_name,
            survey=bool(record.survey),
        )

    # -- highest in a nutrient -----------------------------------------------------

    def top_by_nutrient(
        self,
        key: str,
        *,
        per: Basis = "100g",
        group: str | None = None,
        limit: int = 20,
    ) -> Ranking:
        """The foods highest in nutrient ``key``, per 100 g, per 100 kcal or per portion.

        A food with no value (``NULL``) never ranks, as zero or otherwise; ties are in
        name order. ``group`` keeps one food group. Per 100 g and per 100 kcal are one
        ``ORDER BY ... LIMIT`` (a scan of the food table: no index needed); per portion
        is exact to :func:`default_amount` (:meth:`_top_by_portion`).
        """
        if key not in NUTRIENT_KEYS:
            raise ValueError(f"unknown nutrient key {key!r}")
        if per not in BASES:
            raise ValueError(f"unknown basis {per!r}; expected one of {', '.join(BASES)}")
        limit = max(1, min(int(limit), TOP_MAX_LIMIT))
        if group is not None and not is_group_code(group):
            return Ranking((), 0, 0)
        column = _food.c[key]
        in_group = [] if group is None else [_food.c.group_code == group]
        unknown, left_out = self._top_counts(column, per, in_group)
        if per == "portion":
            ranked, unusable = self._top_by_portion(key, group, limit)
            return Ranking(ranked, unknown, left_out + unusable)
        dialect = self.session.get_bind().dialect.name
        energy = _food.c.energy_kcal
        value = column if per == "100g" else column * 100.0 / energy
        where = [column.is_not(None), *in_group]
        if per == "100kcal":
            where.append(energy >= MIN_ENERGY_KCAL)
        columns = [*_hit_columns(), value.label("ranked_value"), column.label("per_100g")]
        statement = (
            select(*columns)
            .select_from(_hit_join())
            .where(*where)
            .order_by(value.desc(), _by_name(dialect), FoodRecord.id)
            .limit(limit)
        )
        foods = tuple(
            RankedFood(_hit(row), float(row.ranked_value), float(row.per_100g))
            for row in self.session.execute(statement)
        )
        return Ranking(foods, unknown, left_out)

    def _top_counts(self, column: Any, per: Basis, in_group: list[Any]) -> tuple[int, int]:
        """(foods with no value, foods with a value but no basis) in one scan: no energy
        for ``100kcal``, no household measure for ``portion`` (counted again exactly
        by :meth:`_top_by_portion` for the foods whose measures are all unusable)."""
        energy = _food.c.energy_kcal
        if per == "100kcal":
            no_basis = column.is_not(None) & (energy.is_(None) | (energy < MIN_ENERGY_KCAL))
        elif per == "portion":
            no_basis = column.is_not(None) & ~_has_measure(_food.c.id)
        else:
            no_basis = false()
        statement = (
            select(func.count().filter(column.is_(None)), func.count().filter(no_basis))
            .select_from(_food)
            .where(*in_group)
        )
        unknown, left_out = self.session.execute(statement).one()
        return int(unknown or 0), int(left_out or 0)

    def _top_by_portion(
        self, key: str, group: str | None, limit: int
    ) -> tuple[tuple[RankedFood, ...], int]:
        """The portion ranking, exact: each food's value in its natural household measure
        (what :func:`default_amount` gives, as adding the food does), and how many foods
        have measures but none that is a serving.

        The measures are chosen by rules over their names (not in SQL), for every food
        once and then kept while the portion table stays as it is (its row count and
        highest id, read each time: another process's import changes them).
        """
        column = _food.c[key]
        statement = select(_food.c.id, _food.c.name, column.label("per_100g")).where(
            column.is_not(None))
        if group is not None:
            statement = statement.where(_food.c.group_code == group)
        version = self._portion_version()
        measures = self._natural_measures(version)
        with_portions = self._foods_with_portions(version)
        candidates: list[tuple[float, str, int, float]] = []
        with_portions_unusable = 0
        for row in self.session.execute(statement):
            measure = measures.get(row.id)
            if measure is None:
                with_portions_unusable += row.id in with_portions
                continue
            per_100g = float(row.per_100g)
            candidates.append((per_100g * measure[2] / 100.0, row.name, row.id, per_100g))
        candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
        best = candidates[:limit]
        return self._ranked_portions(best, {c[2]: measures[c[2]] for c in best}), \
            with_portions_unusable

    def _portion_version(self) -> _Version:
        """What the portion table holds, in a few numbers read in one scan: its rows, highest
        id, total grams, and the foods' highest id (a new food, an import, a database
        cloned under the same name all change them)."""
        count, highest, grams = self.session.execute(
            select(func.count(), func.max(_portion.c.id), func.sum(_portion.c.grams))
            .select_from(_portion)).one()
        foods = self.session.scalar(select(func.max(_food.c.id)))
        return (str(self.session.get_bind().engine.url), int(count or 0), int(highest or 0),
                float(grams or 0.0), int(foods or 0))

    def _foods_with_portions(self, version: _Version) -> frozenset[int]:
        cached = _WITH_PORTIONS.get(version)
        if cached is None:
            cached = frozenset(self.session.scalars(select(_portion.c.food_id).distinct()))
            _WITH_PORTIONS.clear()
            _WITH_PORTIONS[version] = cached
        return cached

    def _natural_measures(self, version: _Version) -> dict[int, tuple[float, str, float]]:
        """Every food's natural household measure (amount, unit, grams), by food id."""
        cached = _NATURAL_MEASURES.get(version)
        if cached is None:
            cached = self._default_measures(sorted(self._foods_with_portions(version)))
            _NATURAL_MEASURES.clear()
            _NATURAL_MEASURES[version] = cached
        return cached

    def _ranked_portions(
        self,
        best: Sequence[tuple[float, str, int, float]],
        measures: dict[int, tuple[float, str, float]],
    ) -> tuple[RankedFood, ...]:
        if not best:
            return ()
        statement = select(*_hit_columns()).select_from(_hit_join()).where(
            FoodRecord.id.in_([food_id for _value, _name, food_id, _per_100g in best])
        )
        hits = {row.id: _hit(row) for row in self.session.execute(statement)}
        return tuple(
            RankedFood(hits[food_id], value, per_100g, measures[food_id])
            for value, _name, food_id, per_100g in best
        )

    def _default_measures(self, ids: Sequence[int]) -> dict[int, tuple[float, str, float]]:
        """The default portion (amount, unit, grams) of each food in ``ids`` that has a
        usable household measure (:func:`_food_default_grams`)."""
        found: dict[int, tuple[float, str, float]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            portions: dict[int, list[Portion]] = {}
            names: dict[int, tuple[str, str, str, str | None]] = {}
            statement = (
                select(
                    _food.c.id, _food.c.source, _food.c.source_id, _food.c.name,
                    _food.c.group_code,
                    _portion.c.amount, _portion.c.description, _portion.c.grams,
                )
                .select_from(_food.join(_portion, _portion.c.food_id == _food.c.id))
                .where(_food.c.id.in_(chunk))
                .order_by(_food.c.id, _portion.c.seq)
            )
            for row in self.session.execute(statement):
                names[row.id] = (row.source, row.source_id, row.name, row.group_code)
                portions.setdefault(row.id, []).append(
                    Portion(row.amount, row.description, row.grams)
                )
            for food_id, food_portions in portions.items():
                source, source_id, name, group_code = names[food_id]
                # The measures, name and group decide the natural portion; no nutrients.
                food = Food(FoodRef(source, source_id), name, group_code, _NO_NUTRIENTS,
                            tuple(food_portions), id=food_id)
                measure = _food_default_grams(food)
                if measure is not None:
                    found[food_id] = measure
        return found

    # -- writing -------------------------------------------------------------------

    def store_foods(
        self,
        foods: Sequence[Food],
        groups: Iterable[FoodGroup] = (),
        progress: Progress | None = None,
    ) -> int:
        """Insert or update foods by reference (never duplicates), with their portions.

        Existing foods keep their id, so plans that use them stay valid. The caller owns
        the transaction: a failure part-way leaves nothing behind once it rolls back.
        Returns the number of foods written.
        """
        lock_food_imports(self.session)
        for group in groups:
            self.session.merge(FoodGroupRecord(code=group.code, name=group.name))
        self.session.flush()

        existing: dict[tuple[str, str], int] = {
            (row.source, row.source_id): row.id
            for row in self.session.execute(
                select(FoodRecord.id, FoodRecord.source, FoodRecord.source_id).where(
                    FoodRecord.source.in_({f.ref.source for f in foods})
                )
            )
        }
        new_ids = iter(new_food_ids(
            self.session,
            sum((f.ref.source, f.ref.source_id) not in existing for f in foods),
        ))
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        portions: list[dict[str, Any]] = []
        for food in foods:
            food_id = existing.get((food.ref.source, food.ref.source_id))
            row: dict[str, Any] = {
                "source": food.ref.source,
                "source_id": food.ref.source_id,
                "name": food.name,
                "group_code": food.group_code,
                "attribution": food.attribution,
                "common_name": food.common_name,
                "survey": food.survey,
                **{key: food.nutrients.get(key) for key in NUTRIENT_KEYS},
            }
            if food_id is None:
                food_id = next(new_ids)
                inserts.append({"id": food_id, **row})
            else:
                updates.append({"food_id": food_id, **row})
            portions.extend(
                {
                    "food_id": food_id,
                    "seq": seq,
                    "amount": p.amount,
                    "description": p.description,
                    "grams": p.grams,
                }
                for seq, p in enumerate(food.portions, start=1)
            )

        total = len(inserts) + len(updates) + len(portions)
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, total)

        for start in range(0, len(inserts), _CHUNK):
            chunk = inserts[start : start + _CHUNK]
            self.session.execute(insert(_food), chunk)
            step(len(chunk))
        if updates:
            update_ids = [u["food_id"] for u in updates]
            for start in range(0, len(update_ids), 500):
                self.session.execute(
                    delete(_portion).where(_portion.c.food_id.in_(update_ids[start : start + 500]))
                )
            statement = (
                update(_food)
                .where(_food.c.id == bindparam("food_id"))
                .values({c: bindparam(c) for c in updates[0] if c != "food_id"})
            )
            for start in range(0, len(updates), _CHUNK):
                chunk = updates[start : start + _CHUNK]
                self.session.connection().execute(statement, chunk)
                step(len(chunk))
        for start in range(0, len(portions), _CHUNK):
            chunk = portions[start : start + _CHUNK]
            self.session.execute(insert(_portion), chunk)
            step(len(chunk))
        return len(foods)

    # -- meta ----------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        return self.session.scalar(select(MetaRecord.value).where(MetaRecord.key == key))

    def set_meta(self, key: str, value: str) -> None:
        self.session.merge(MetaRecord(key=key, value=value))


_NO_NUTRIENTS: Final = nutrient_map({})


def _hit_join() -> Any:
    """The food table with its group and first portion, as :func:`_hit_columns` reads."""
    return (
        _food.outerjoin(FoodGroupRecord.__table__, FoodGroupRecord.code == FoodRecord.group_code)
        .outerjoin(_portion, (PortionRecord.food_id == FoodRecord.id) & (PortionRecord.seq == 1))
    )


def _has_measure(food_id: Any) -> ColumnElement[bool]:
    return select(_portion.c.id).where(_portion.c.food_id == food_id).exists()


def _by_name(dialect: str) -> Any:
    """Food names in code-point order, as Python sorts them (SQLite's own order)."""
    return FoodRecord.name.collate("C") if dialect == "postgresql" else FoodRecord.name


def text_config() -> Any:
    """The PostgreSQL text-search configuration: 'simple' (no stemming, any language)."""
    return text("'simple'::regconfig")


def search_vector() -> Any:
    """What PostgreSQL searches: the name and the common names, exactly as the GIN index
    of migration 0007 is built (or the index is not used)."""
    return literal_column(
        "to_tsvector('simple', food.name || ' ' || coalesce(food.common_name, ''))"
    )


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None
