"""New food ids from the database, safe with several processes writing at once.

PostgreSQL: the food table's sequence (``nextval``), which no two transactions ever
share. SQLite: one above the largest id, read inside a transaction that already holds
the write lock (:func:`planner.db.engine.begin_write`), so no other process can take
the same id in between.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from planner.db.records import FoodRecord

#: The PostgreSQL advisory lock that serialises food imports (any 64-bit number, fixed).
FOOD_IMPORT_LOCK_KEY = 0x706C616E666F6F64  # "planfood"


def uses_sequences(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def new_food_ids(session: Session, count: int) -> list[int]:
    """``count`` unused food ids, in increasing order."""
    if count <= 0:
        return []
    if uses_sequences(session):
        rows = session.execute(
            text("SELECT nextval(pg_get_serial_sequence('food', 'id')) "
                 "FROM generate_series(1, :n)"),
            {"n": count},
        ).scalars()
        return sorted(int(value) for value in rows)
    first = int(session.scalar(select(func.max(FoodRecord.id))) or 0) + 1
    return list(range(first, first + count))


def lock_food_imports(session: Session) -> None:
    """Serialise imports of foods by reference on PostgreSQL (released at commit).

    Two processes importing the same new food would both find it missing and both
    insert it; under this lock the second finds the first's row and updates it.
    SQLite writers are serialised by the write lock already.
    """
    if uses_sequences(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOOD_IMPORT_LOCK_KEY})
