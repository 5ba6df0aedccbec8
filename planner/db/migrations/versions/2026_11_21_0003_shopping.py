"""Shopping lists: the ticks, hand-added items and options of a plan's list per date range.

Revision ID: 0003_shopping
Revises: 0002_plans
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_shopping"
down_revision = "0002_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shopping_list",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id", sa.Integer(), sa.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("start_date", sa.String(10), nullable=False),
        sa.Column("end_date", sa.String(10), nullable=False),
        sa.Column("factor", sa.Float(), nullable=True),
        sa.Column("units", sa.String(8), nullable=True),
        sa.Column("checked", sa.Text(), nullable=False),
        sa.Column("extra_items", sa.Text(), nullable=False),
        sa.UniqueConstraint("plan_id", "start_date", "end_date", name="uq_shopping_list_range"),
    )


def downgrade() -> None:
    op.drop_table("shopping_list")
