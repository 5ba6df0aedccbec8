"""Everyday foods: each food's common names and its dietary-survey flag, searched too.

``food.common_name`` holds the names people use (SR28 ``ComName``: "soft drink, pop,
soda" for cola) and ``food.survey`` whether the food is one of the national dietary
survey's (SR28 ``Survey``: the foods people report eating). The full-text index covers
the name and the common names (SQLite: the FTS5 table is built again with both columns;
PostgreSQL: the GIN index is over both). The shipped foods get their values from the data
load that runs in the same transaction (dataset format ``sr28-3``), so an interrupted
upgrade leaves the old database as it was.

Revision ID: 0007_everyday_foods
Revises: 0006_full_nutrient_panel
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_everyday_foods"
down_revision = "0006_full_nutrient_panel"
branch_labels = None
depends_on = None

_TRIGGERS = ("food_fts_ai", "food_fts_ad", "food_fts_au")


def _sqlite_index(columns: tuple[str, ...]) -> None:
    """The external-content FTS5 index over ``columns`` of ``food``, with its triggers,
    filled from the table."""
    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS food_fts")
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE food_fts USING fts5({names}, content='food', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    op.execute(
        "CREATE TRIGGER food_fts_ai AFTER INSERT ON food BEGIN "
        f"INSERT INTO food_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER food_fts_ad AFTER DELETE ON food BEGIN "
        f"INSERT INTO food_fts(food_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER food_fts_au AFTER UPDATE OF {names} ON food BEGIN "
        f"INSERT INTO food_fts(food_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO food_fts(rowid, {names}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO food_fts(food_fts) VALUES ('rebuild')")


def upgrade() -> None:
    op.add_column("food", sa.Column("common_name", sa.String(400), nullable=True))
    op.add_column(
        "food", sa.Column("survey", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_index(("name", "common_name"))
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_food_name_fts")
        op.execute(
            "CREATE INDEX ix_food_name_fts ON food USING gin "
            "(to_tsvector('simple', name || ' ' || coalesce(common_name, '')))"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    # The index goes first: SQLite's batch mode copies the food table, and the triggers
    # name the column being dropped.
    if dialect == "sqlite":
        for trigger in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS food_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_food_name_fts")
    with op.batch_alter_table("food") as batch:
        batch.drop_column("survey")
        batch.drop_column("common_name")
    if dialect == "sqlite":
        _sqlite_index(("name",))
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_food_name_fts ON food USING gin (to_tsvector('simple', name))"
        )
