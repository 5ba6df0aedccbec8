"""Food tables and full-text search.

Revision ID: 0001_food_tables
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_food_tables"
down_revision = None
branch_labels = None
depends_on = None

NUTRIENT_COLUMNS = (
    "energy_kcal", "protein_g", "fat_g", "carbs_g", "fiber_g", "sugars_g", "calcium_mg",
    "iron_mg", "magnesium_mg", "phosphorus_mg", "potassium_mg", "sodium_mg", "zinc_mg",
    "vitamin_d_ug", "vitamin_k_ug",
)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "food_group",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "food",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("group_code", sa.String(16), sa.ForeignKey("food_group.code"), nullable=True),
        sa.Column("attribution", sa.Text(), nullable=True),
        *(sa.Column(name, sa.Float(), nullable=True) for name in NUTRIENT_COLUMNS),
        sa.UniqueConstraint("source", "source_id", name="uq_food_source"),
    )
    op.create_index("ix_food_group", "food", ["group_code"])
    op.create_table(
        "portion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "food_id", sa.Integer(), sa.ForeignKey("food.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("grams", sa.Float(), nullable=False),
    )
    op.create_index("ix_portion_food", "portion", ["food_id", "seq"])

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # External-content FTS5 index over food names, kept in step by triggers.
        # prefix='2 3' indexes short prefixes so search-as-you-type stays fast.
        op.execute(
            "CREATE VIRTUAL TABLE food_fts USING fts5("
            "name, content='food', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        op.execute(
            "CREATE TRIGGER food_fts_ai AFTER INSERT ON food BEGIN "
            "INSERT INTO food_fts(rowid, name) VALUES (new.id, new.name); END"
        )
        op.execute(
            "CREATE TRIGGER food_fts_ad AFTER DELETE ON food BEGIN "
            "INSERT INTO food_fts(food_fts, rowid, name) VALUES ('delete', old.id, old.name); END"
        )
        op.execute(
            "CREATE TRIGGER food_fts_au AFTER UPDATE OF name ON food BEGIN "
            "INSERT INTO food_fts(food_fts, rowid, name) VALUES ('delete', old.id, old.name); "
            "INSERT INTO food_fts(rowid, name) VALUES (new.id, new.name); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_food_name_fts ON food USING gin (to_tsvector('simple', name))"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("food_fts_ai", "food_fts_ad", "food_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS food_fts")
    op.drop_table("portion")
    op.drop_table("food")
    op.drop_table("food_group")
    op.drop_table("meta")
