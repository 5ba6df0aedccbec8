"""Plan repository: profiles, plans, days, meals, entries and supplements.

Writes work a day at a time: an edit of one meal rewrites that day's rows only (a
handful of inserts), so every edit can be its own transaction and still be fast.
Every write bumps the plan's ``revision``; a writer that read an older revision gets
:class:`PlanConflictError` instead of silently overwriting someone else's edit (two
windows, or two people of a household on one PostgreSQL database).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from planner.core.foods import FoodRef
from planner.core.plan import Day, Entry, Meal, Plan, PlanError, Profile, Supplement
from planner.db.records import (
    EntryRecord,
    FoodRecord,
    MealRecord,
    PlanDayRecord,
    PlanRecord,
    ProfileRecord,
    SupplementRecord,
)

_day: Table = PlanDayRecord.__table__  # type: ignore[assignment]
_meal: Table = MealRecord.__table__  # type: ignore[assignment]
_entry: Table = EntryRecord.__table__  # type: ignore[assignment]
_supplement: Table = SupplementRecord.__table__  # type: ignore[assignment]


class PlanNotFoundError(LookupError):
    def __init__(self, plan_id: int) -> None:
        super().__init__(f"there is no plan {plan_id}")
        self.plan_id = plan_id


class PlanConflictError(RuntimeError):
    """The plan changed since it was read (another window or user saved first)."""


@dataclass(frozen=True, slots=True)
class PlanSummary:
    id: int
    name: str | None
    profile_name: str
    first_date: dt.date | None
    last_date: dt.date | None
    day_count: int
    revision: int

    @property
    def title(self) -> str:
        return self.name or f"{self.profile_name}'s plan"


class PlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- reading -------------------------------------------------------------------

    def list(self) -> list[PlanSummary]:
        days = (
            select(
                PlanDayRecord.plan_id,
                func.min(PlanDayRecord.date).label("first"),
                func.max(PlanDayRecord.date).label("last"),
                func.count().label("count"),
            )
            .group_by(PlanDayRecord.plan_id)
            .subquery()
        )
        statement = (
            select(PlanRecord, ProfileRecord.name, days.c.first, days.c.last, days.c.count)
            .join(ProfileRecord, ProfileRecord.id == PlanRecord.profile_id)
            .outerjoin(days, days.c.plan_id == PlanRecord.id)
            .order_by(PlanRecord.id)
        )
        return [
            PlanSummary(
                id=plan.id,
                name=plan.name,
                profile_name=profile_name,
                first_date=dt.date.fromisoformat(first) if first else None,
                last_date=dt.date.fromisoformat(last) if last else None,
                day_count=count or 0,
                revision=plan.revision,
            )
            for plan, profile_name, first, last, count in self.session.execute(statement)
        ]

    def revision(self, plan_id: int) -> int:
        value = self.session.scalar(select(PlanRecord.revision).where(PlanRecord.id == plan_id))
        if value is None:
            raise PlanNotFoundError(plan_id)
        return value

    def get(self, plan_id: int) -> Plan:
        record = self.session.get(PlanRecord, plan_id)
        if record is None:
            raise PlanNotFoundError(plan_id)
        profile = record.profile
        day_rows = self.session.execute(
            select(PlanDayRecord.id, PlanDayRecord.date)
            .where(PlanDayRecord.plan_id == plan_id)
            .order_by(PlanDayRecord.date)
        ).all()
        meal_rows = self.session.execute(
            select(MealRecord.id, MealRecord.day_id, MealRecord.name)
            .join(PlanDayRecord, PlanDayRecord.id == MealRecord.day_id)
            .where(PlanDayRecord.plan_id == plan_id)
            .order_by(MealRecord.day_id, MealRecord.position)
        ).all()
        entry_rows = self.session.execute(
            select(
                EntryRecord.id,
                EntryRecord.meal_id,
                EntryRecord.amount,
                EntryRecord.unit,
                FoodRecord.source,
                FoodRecord.source_id,
            )
            .join(FoodRecord, FoodRecord.id == EntryRecord.food_id)
            .join(MealRecord, MealRecord.id == EntryRecord.meal_id)
            .join(PlanDayRecord, PlanDayRecord.id == MealRecord.day_id)
            .where(PlanDayRecord.plan_id == plan_id)
            .order_by(EntryRecord.meal_id, EntryRecord.position)
        ).all()
        entries: dict[int, list[Entry]] = {}
        for e in entry_rows:
            entries.setdefault(e.meal_id, []).append(
                Entry(FoodRef(e.source, e.source_id), e.amount, e.unit, id=e.id)
            )
        meals: dict[int, list[Meal]] = {}
        for m in meal_rows:
            meals.setdefault(m.day_id, []).append(
                Meal(m.name, tuple(entries.get(m.id, ())), id=m.id)
            )
        days = tuple(
            Day(dt.date.fromisoformat(row.date), tuple(meals.get(row.id, ())), id=row.id)
            for row in day_rows
        )
        supplements = tuple(
            Supplement(
                name=s.name,
                nutrient=s.nutrient,  # type: ignore[arg-type]
                amount=s.amount,
                unit=s.unit,
                schedule=s.schedule,  # type: ignore[arg-type]
                weekday=s.weekday,  # type: ignore[arg-type]
                form=s.form,  # type: ignore[arg-type]
                id=s.id,
                compound=s.compound,
                compound_amount=s.compound_amount,
            )
            for s in record.supplements
        )
        return Plan(
            profile=Profile(
                name=profile.name,
                sex=profile.sex,  # type: ignore[arg-type]
                age=profile.age,
                life_stage=profile.life_stage,  # type: ignore[arg-type]
                target_overrides=json.loads(profile.target_overrides or "{}"),
                id=profile.id,
            ),
            days=days,
            supplements=supplements,
            name=record.name,
            id=record.id,
        )

    # -- writing -------------------------------------------------------------------

    def create(self, plan: Plan) -> int:
        """Store a new plan (and a new profile row for it); returns the plan id."""
        profile = ProfileRecord(target_overrides="{}")
        self._set_profile(profile, plan.profile)
        self.session.add(profile)
        self.session.flush()
        record = PlanRecord(name=plan.name, profile_id=profile.id, revision=1)
        self.session.add(record)
        self.session.flush()
        self.write_supplements(record.id, plan.supplements)
        self.write_days(record.id, plan.days)
        return record.id

    def delete(self, plan_id: int) -> None:
        record = self.session.get(PlanRecord, plan_id)
        if record is None:
            raise PlanNotFoundError(plan_id)
        profile_id = record.profile_id
        self.session.delete(record)
        self.session.flush()
        still_used = self.session.scalar(
            select(func.count()).select_from(PlanRecord).where(PlanRecord.profile_id == profile_id)
        )
        if not still_used:
            self.session.execute(delete(ProfileRecord).where(ProfileRecord.id == profile_id))

    def bump_revision(self, plan_id: int, expected: int | None) -> int:
        """Claim the next revision; :class:`PlanConflictError` if ``expected`` is stale."""
        current = self.revision(plan_id)
        if expected is not None and current != expected:
            raise PlanConflictError(
                f"the plan was changed elsewhere (revision {current}, this window has "
                f"{expected}); reload it to see the other changes"
            )
        statement = update(PlanRecord).where(PlanRecord.id == plan_id)
        if expected is not None:
            statement = statement.where(PlanRecord.revision == expected)
        result = self.session.execute(statement.values(revision=current + 1))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise PlanConflictError("the plan was changed elsewhere; reload it")
        return current + 1

    def write_header(self, plan_id: int, plan: Plan) -> None:
        """Name and profile of the plan."""
        record = self.session.get(PlanRecord, plan_id)
        if record is None:
            raise PlanNotFoundError(plan_id)
        record.name = plan.name
        self._set_profile(record.profile, plan.profile)

    def write_supplements(self, plan_id: int, supplements: Sequence[Supplement]) -> None:
        self.session.execute(delete(_supplement).where(_supplement.c.plan_id == plan_id))
        rows = [
            {
                "plan_id": plan_id,
                "position": position,
                "name": s.name,
                "nutrient": s.nutrient,
                "amount": s.amount,
                "unit": s.unit,
                "schedule": s.schedule,
                "weekday": s.weekday,
                "form": s.form,
                "compound": s.compound,
                "compound_amount": s.compound_amount,
            }
            for position, s in enumerate(supplements)
        ]
        if rows:
            self.session.execute(insert(_supplement), rows)

    def write_days(
        self, plan_id: int, days: Iterable[Day], remove: Iterable[dt.date] = ()
    ) -> None:
        """Replace the stored days of the same dates with ``days``; drop ``remove`` dates."""
        days = list(days)
        dates = [d.date.isoformat() for d in days] + [d.isoformat() for d in remove]
        if dates:
            self.session.execute(
                delete(_day).where(_day.c.plan_id == plan_id, _day.c.date.in_(dates))
            )
        if not days:
            return
        food_ids = self.food_ids(e.food for d in days for e in d.entries)
        for day in days:
            day_id = self.session.execute(
                insert(_day).values(plan_id=plan_id, date=day.date.isoformat()).returning(_day.c.id)
            ).scalar_one()
            entry_rows: list[dict[str, Any]] = []
            for position, meal in enumerate(day.meals):
                meal_id = self.session.execute(
                    insert(_meal)
                    .values(day_id=day_id, position=position, name=meal.name)
                    .returning(_meal.c.id)
                ).scalar_one()
                entry_rows.extend(
                    {
                        "meal_id": meal_id,
                        "position": index,
                        "food_id": food_ids[entry.food],
                        "amount": entry.amount,
                        "unit": entry.unit,
                    }
                    for index, entry in enumerate(meal.entries)
                )
            if entry_rows:
                self.session.execute(insert(_entry), entry_rows)

    def food_ids(self, refs: Iterable[FoodRef]) -> dict[FoodRef, int]:
        wanted: dict[str, set[str]] = {}
        for ref in refs:
            wanted.setdefault(ref.source, set()).add(ref.source_id)
        found: dict[FoodRef, int] = {}
        for source, ids in wanted.items():
            rows = self.session.execute(
                select(FoodRecord.id, FoodRecord.source_id).where(
                    FoodRecord.source == source, FoodRecord.source_id.in_(sorted(ids))
                )
            )
            for food_id, source_id in rows:
                found[FoodRef(source, source_id)] = food_id
            missing = ids - {ref.source_id for ref in found if ref.source == source}
            if missing:
                names = ", ".join(str(FoodRef(source, m)) for m in sorted(missing))
                raise PlanError(f"no food {names} in the database")
        return found

    @staticmethod
    def _set_profile(record: ProfileRecord, profile: Profile) -> None:
        record.name = profile.name
        record.sex = profile.sex
        record.age = profile.age
        record.life_stage = profile.life_stage
        record.target_overrides = json.dumps(dict(profile.target_overrides), sort_keys=True)
