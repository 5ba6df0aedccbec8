"""Profiles, plans, days, meals, entries and supplements.

Revision ID: 0002_plans
Revises: 0001_food_tables
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_plans"
down_revision = "0001_food_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sex", sa.String(16), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("life_stage", sa.String(16), nullable=False),
        sa.Column("target_overrides", sa.Text(), nullable=False),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("profile_id", sa.Integer(), sa.ForeignKey("profile.id"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
    )
    op.create_table(
        "plan_day",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id", sa.Integer(), sa.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("date", sa.String(10), nullable=False),
        sa.UniqueConstraint("plan_id", "date", name="uq_plan_day_date"),
    )
    op.create_table(
        "meal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "day_id", sa.Integer(), sa.ForeignKey("plan_day.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_index("ix_meal_day", "meal", ["day_id", "position"])
    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meal_id", sa.Integer(), sa.ForeignKey("meal.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("food_id", sa.Integer(), sa.ForeignKey("food.id"), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
    )
    op.create_index("ix_entry_meal", "entry", ["meal_id", "position"])
    op.create_index("ix_entry_food", "entry", ["food_id"])
    op.create_table(
        "supplement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id", sa.Integer(), sa.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("nutrient", sa.String(32), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("schedule", sa.String(16), nullable=False),
        sa.Column("weekday", sa.String(3), nullable=True),
        sa.Column("form", sa.String(32), nullable=True),
    )
    op.create_index("ix_supplement_plan", "supplement", ["plan_id", "position"])


def downgrade() -> None:
    for table in ("supplement", "entry", "meal", "plan_day", "plan", "profile"):
        op.drop_table(table)
