"""Supplements as the label says them: the compound and its weight per dose.

``supplement.compound`` names the compound ("bisglycinate", see
:mod:`planner.core.compounds`) and ``supplement.compound_amount`` its weight per dose as
printed; ``amount`` stays the elemental amount (an old row's meaning, unchanged), worked
out from the compound's formula when a label gave the compound. Both are NULL for the
supplements stored before.

Revision ID: 0008_supplement_compounds
Revises: 0007_everyday_foods
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_supplement_compounds"
down_revision = "0007_everyday_foods"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("supplement", sa.Column("compound", sa.String(40), nullable=True))
    op.add_column("supplement", sa.Column("compound_amount", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("supplement") as batch:
        batch.drop_column("compound_amount")
        batch.drop_column("compound")
