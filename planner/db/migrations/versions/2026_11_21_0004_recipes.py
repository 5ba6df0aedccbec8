"""Recipes: a recipe is a food (source 'recipe') with a yield and ordered ingredients.

Revision ID: 0004_recipes
Revises: 0003_shopping
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_recipes"
down_revision = "0003_shopping"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recipe",
        sa.Column(
            "food_id", sa.Integer(), sa.ForeignKey("food.id", ondelete="CASCADE"),
            primary_key=True, autoincrement=False,
        ),
        sa.Column("servings", sa.Float(), nullable=True),
        sa.Column("cooked_grams", sa.Float(), nullable=True),
        sa.Column("total_grams", sa.Float(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("coverage", sa.Text(), nullable=False),
    )
    op.create_table(
        "recipe_ingredient",
        sa.Column(
            "recipe_food_id", sa.Integer(),
            sa.ForeignKey("recipe.food_id", ondelete="CASCADE"), primary_key=True,
            autoincrement=False,
        ),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("food_id", sa.Integer(), sa.ForeignKey("food.id"), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
    )
    op.create_index("ix_recipe_ingredient_food", "recipe_ingredient", ["food_id"])


def downgrade() -> None:
    op.drop_index("ix_recipe_ingredient_food", table_name="recipe_ingredient")
    op.drop_table("recipe_ingredient")
    op.drop_table("recipe")
