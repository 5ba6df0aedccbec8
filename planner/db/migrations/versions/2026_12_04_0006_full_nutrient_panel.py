"""The full nutrient panel: 38 more nutrient columns on every food.

The vitamins and minerals SR28 measures beyond the first fifteen, the fat classes, the
omega-3 and omega-6 fatty acids, starch, water, alcohol and caffeine, and the five DRI
nutrients SR28 does not measure (biotin, chromium, iodine, molybdenum, chloride: for
imported foods and supplements), per 100 g; NULL is unknown. Foods stored before keep
their values; the new columns of the shipped USDA foods are filled by the data load that
runs in the same transaction as this migration (:class:`planner.services.database.
ShippedFoods`, dataset format ``sr28-2``; stored recipes are computed again from them),
so an interrupted upgrade leaves the old database as it was. The names are written out here:
a migration must not change when the nutrient list does.

Revision ID: 0006_full_nutrient_panel
Revises: 0005_ids_from_sequences
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_full_nutrient_panel"
down_revision = "0005_ids_from_sequences"
branch_labels = None
depends_on = None

NEW_COLUMNS = (
    "starch_g",
    "water_g",
    "alcohol_g",
    "caffeine_mg",
    "saturated_fat_g",
    "monounsaturated_fat_g",
    "polyunsaturated_fat_g",
    "trans_fat_g",
    "cholesterol_mg",
    "linoleic_acid_g",
    "alpha_linolenic_acid_g",
    "epa_g",
    "dpa_g",
    "dha_g",
    "copper_ug",
    "manganese_mg",
    "selenium_ug",
    "fluoride_mg",
    "vitamin_a_rae_ug",
    "retinol_ug",
    "beta_carotene_ug",
    "vitamin_c_mg",
    "vitamin_e_mg",
    "vitamin_e_added_mg",
    "thiamin_mg",
    "riboflavin_mg",
    "niacin_mg",
    "pantothenic_acid_mg",
    "vitamin_b6_mg",
    "folate_dfe_ug",
    "folic_acid_ug",
    "vitamin_b12_ug",
    "choline_mg",
    "biotin_ug",
    "chromium_ug",
    "iodine_ug",
    "molybdenum_ug",
    "chloride_mg",
)


def upgrade() -> None:
    for name in NEW_COLUMNS:
        op.add_column("food", sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("food") as batch:
        for name in NEW_COLUMNS:
            batch.drop_column(name)
