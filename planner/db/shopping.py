"""Shopping list repository: what the user did to a plan's list for one date range.

The list itself is never stored: it is computed from the plan every time (a week's list
takes about a millisecond). What is stored is what cannot be computed: the ticks, the
items added by hand, and the household factor and units last chosen, one row per plan
and date range (``shopping_list``). A row goes with its plan (ON DELETE CASCADE).

A change is read-modify-write of one row, so :meth:`ShoppingListRepository.for_update`
first makes sure the row exists (``INSERT ... ON CONFLICT DO NOTHING``) and then reads it
``FOR UPDATE``: two windows ticking items of the same list at once wait for each other
instead of losing a tick. Repositories never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final, get_args

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from planner.core.shopping import ShoppingItem, Units, extra_item
from planner.db.plans import PlanNotFoundError
from planner.db.records import PlanRecord, ShoppingListRecord

__all__ = ["ExtraItem", "ShoppingListRepository", "StoredList"]

_list: Table = ShoppingListRecord.__table__  # type: ignore[assignment]
_UNITS: Final = frozenset(get_args(Units))
_RANGE_COLUMNS: Final = ("plan_id", "start_date", "end_date")


@dataclass(frozen=True, slots=True)
class ExtraItem:
    """An item the user added by hand, as typed: ``ExtraItem("Limes", "2", "produce")``."""

    name: str
    quantity: str = ""
    aisle: str = "other"
    note: str = ""

    def item(self) -> ShoppingItem:
        return extra_item(self.name, quantity=self.quantity, aisle=self.aisle, note=self.note)

    @property
    def key(self) -> str:
        return self.item().key


@dataclass(frozen=True, slots=True)
class StoredList:
    """The stored state of one plan's list for ``start`` to ``end``."""

    start: dt.date
    end: dt.date
    #: The household factor and units last chosen for this list; ``None``: never chosen.
    factor: float | None = None
    units: Units | None = None
    #: Keys of the ticked items (:attr:`ShoppingItem.key`).
    checked: frozenset[str] = frozenset()
    extras: tuple[ExtraItem, ...] = ()


def _checked_from_json(text: str) -> frozenset[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return frozenset()
    if not isinstance(value, list):
        return frozenset()
    return frozenset(key for key in value if isinstance(key, str))


def _text(raw: dict[str, Any], name: str, default: str) -> str:
    value = raw.get(name, default)
    return value if isinstance(value, str) else default


def _extras_from_json(text: str) -> tuple[ExtraItem, ...]:
    # A row edited by hand into something unreadable loses only what cannot be read.
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(value, list):
        return ()
    extras = []
    for raw in value:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            continue
        try:
            extra = ExtraItem(raw["name"], _text(raw, "quantity", ""),
                              _text(raw, "aisle", "other"), _text(raw, "note", ""))
            extra.item()
        except ValueError:
            continue
        extras.append(extra)
    return tuple(extras)


def _extras_to_json(extras: tuple[ExtraItem, ...]) -> str:
    return json.dumps(
        [{"name": e.name, "quantity": e.quantity, "aisle": e.aisle, "note": e.note}
         for e in extras],
        ensure_ascii=False,
    )


class ShoppingListRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _where(self, plan_id: int, start: dt.date, end: dt.date) -> Any:
        return (
            (ShoppingListRecord.plan_id == plan_id)
            & (ShoppingListRecord.start_date == start.isoformat())
            & (ShoppingListRecord.end_date == end.isoformat())
        )

    @staticmethod
    def _stored(record: ShoppingListRecord) -> StoredList:
        units = record.units if record.units in _UNITS else None
        return StoredList(
            dt.date.fromisoformat(record.start_date),
            dt.date.fromisoformat(record.end_date),
            record.factor,
            units,  # type: ignore[arg-type]
            _checked_from_json(record.checked),
            _extras_from_json(record.extra_items),
        )

    def get(self, plan_id: int, start: dt.date, end: dt.date) -> StoredList | None:
        """The stored state of the list, or ``None`` when nothing was ever done to it."""
        record = self.session.scalars(
            select(ShoppingListRecord).where(self._where(plan_id, start, end))
        ).one_or_none()
        return None if record is None else self._stored(record)

    def for_update(self, plan_id: int, start: dt.date, end: dt.date) -> StoredList:
        """The stored state, created empty if missing, locked until the transaction ends.

        Raises :class:`PlanNotFoundError` for a plan that does not exist.
        """
        exists = self.session.scalar(select(PlanRecord.id).where(PlanRecord.id == plan_id))
        if exists is None:
            raise PlanNotFoundError(plan_id)
        values = {
            "plan_id": plan_id, "start_date": start.isoformat(), "end_date": end.isoformat(),
            "checked": "[]", "extra_items": "[]",
        }
        dialect = self.session.get_bind().dialect.name
        if dialect == "sqlite":
            from sqlalchemy.dialects import sqlite

            self.session.execute(sqlite.insert(_list).values(values).on_conflict_do_nothing(
                index_elements=list(_RANGE_COLUMNS)))
        elif dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            self.session.execute(postgresql.insert(_list).values(values).on_conflict_do_nothing(
                index_elements=list(_RANGE_COLUMNS)))
        elif self.get(plan_id, start, end) is None:
            self.session.execute(insert(_list).values(values))
        record = self.session.scalars(
            select(ShoppingListRecord)
            .where(self._where(plan_id, start, end))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        return self._stored(record)

    def write(self, plan_id: int, stored: StoredList) -> None:
        """Store ``stored`` over the row of its range (which :meth:`for_update` made)."""
        self.session.execute(
            update(_list)
            .where(
                _list.c.plan_id == plan_id,
                _list.c.start_date == stored.start.isoformat(),
                _list.c.end_date == stored.end.isoformat(),
            )
            .values(
                factor=stored.factor,
                units=stored.units,
                checked=json.dumps(sorted(stored.checked), ensure_ascii=False),
                extra_items=_extras_to_json(stored.extras),
            )
        )
