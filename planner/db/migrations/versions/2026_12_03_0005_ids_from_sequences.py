"""Ids from the database: food ids (and so recipe ids) come from the food sequence.

Until now a new food or recipe got ``max(id) + 1``, read and written in separate
statements: two processes creating at once on PostgreSQL collided. The food table's
``SERIAL`` sequence was never advanced by those explicit ids, so it is moved past every
id given so far (and past every recipe id ever given, which must not be reused).
SQLite needs no change: its writers take the write lock before they read the next id.

Revision ID: 0005_ids_from_sequences
Revises: 0004_recipes
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0005_ids_from_sequences"
down_revision = "0004_recipes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # setval(seq, n, false): the next id is n, the first id above every id given.
    op.execute(
        "SELECT setval(pg_get_serial_sequence('food', 'id'), GREATEST("
        "(SELECT COALESCE(MAX(id), 0) FROM food), "
        "(SELECT COALESCE(MAX(CAST(value AS INTEGER)), 0) FROM meta "
        "WHERE key = 'last_recipe_id')) + 1, false)"
    )


def downgrade() -> None:
    pass
