"""SQLAlchemy 2.0 typed records of the planner's database.

Records are named ``*Record`` so that "model" always means a Qt model. They never
leave ``planner.db``: repositories turn them into :mod:`planner.core` values. The
schema itself is owned by the Alembic migrations in ``planner/db/migrations``; these
classes must describe the same tables (a test compares them).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class MetaRecord(Base):
    """Key/value facts about the database, e.g. which food dataset it holds."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FoodGroupRecord(Base):
    __tablename__ = "food_group"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class FoodRecord(Base):
    """A food with one nullable column per nutrient key, per 100 g (NULL = unknown)."""

    __tablename__ = "food"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_food_source"),
        Index("ix_food_group", "group_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(400))
    group_code: Mapped[str | None] = mapped_column(ForeignKey("food_group.code"))
    attribution: Mapped[str | None] = mapped_column(Text)
    #: Other names people use (SR28 ``ComName``); searched with the name.
    common_name: Mapped[str | None] = mapped_column(String(400))
    #: A food of the national dietary survey (SR28 ``Survey``): an everyday food.
    survey: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    energy_kcal: Mapped[float | None] = mapped_column(Float)
    protein_g: Mapped[float | None] = mapped_column(Float)
    fat_g: Mapped[float | None] = mapped_column(Float)
    carbs_g: Mapped[float | None] = mapped_column(Float)
    fiber_g: Mapped[float | None] = mapped_column(Float)
    sugars_g: Mapped[float | None] = mapped_column(Float)
    calcium_mg: Mapped[float | None] = mapped_column(Float)
    iron_mg: Mapped[float | None] = mapped_column(Float)
    magnesium_mg: Mapped[float | None] = mapped_column(Float)
    phosphorus_mg: Mapped[float | None] = mapped_column(Float)
    potassium_mg: Mapped[float | None] = mapped_column(Float)
    sodium_mg: Mapped[float | None] = mapped_column(Float)
    zinc_mg: Mapped[float | None] = mapped_column(Float)
    vitamin_d_ug: Mapped[float | None] = mapped_column(Float)
    vitamin_k_ug: Mapped[float | None] = mapped_column(Float)
    # The full panel (migration 0006).
    starch_g: Mapped[float | None] = mapped_column(Float)
    water_g: Mapped[float | None] = mapped_column(Float)
    alcohol_g: Mapped[float | None] = mapped_column(Float)
    caffeine_mg: Mapped[float | None] = mapped_column(Float)
    saturated_fat_g: Mapped[float | None] = mapped_column(Float)
    monounsaturated_fat_g: Mapped[float | None] = mapped_column(Float)
    polyunsaturated_fat_g: Mapped[float | None] = mapped_column(Float)
    trans_fat_g: Mapped[float | None] = mapped_column(Float)
    cholesterol_mg: Mapped[float | None] = mapped_column(Float)
    linoleic_acid_g: Mapped[float | None] = mapped_column(Float)
    alpha_linolenic_acid_g: Mapped[float | None] = mapped_column(Float)
    epa_g: Mapped[float | None] = mapped_column(Float)
    dpa_g: Mapped[float | None] = mapped_column(Float)
    dha_g: Mapped[float | None] = mapped_column(Float)
    copper_ug: Mapped[float | None] = mapped_column(Float)
    manganese_mg: Mapped[float | None] = mapped_column(Float)
    selenium_ug: Mapped[float | None] = mapped_column(Float)
    fluoride_mg: Mapped[float | None] = mapped_column(Float)
    vitamin_a_rae_ug: Mapped[float | None] = mapped_column(Float)
    retinol_ug: Mapped[float | None] = mapped_column(Float)
    beta_carotene_ug: Mapped[float | None] = mapped_column(Float)
    vitamin_c_mg: Mapped[float | None] = mapped_column(Float)
    vitamin_e_mg: Mapped[float | None] = mapped_column(Float)
    vitamin_e_added_mg: Mapped[float | None] = mapped_column(Float)
    thiamin_mg: Mapped[float | None] = mapped_column(Float)
    riboflavin_mg: Mapped[float | None] = mapped_column(Float)
    niacin_mg: Mapped[float | None] = mapped_column(Float)
    pantothenic_acid_mg: Mapped[float | None] = mapped_column(Float)
    vitamin_b6_mg: Mapped[float | None] = mapped_column(Float)
    folate_dfe_ug: Mapped[float | None] = mapped_column(Float)
    folic_acid_ug: Mapped[float | None] = mapped_column(Float)
    vitamin_b12_ug: Mapped[float | None] = mapped_column(Float)
    choline_mg: Mapped[float | None] = mapped_column(Float)
    biotin_ug: Mapped[float | None] = mapped_column(Float)
    chromium_ug: Mapped[float | None] = mapped_column(Float)
    iodine_ug: Mapped[float | None] = mapped_column(Float)
    molybdenum_ug: Mapped[float | None] = mapped_column(Float)
    chloride_mg: Mapped[float | None] = mapped_column(Float)

    portions: Mapped[list[PortionRecord]] = relationship(
        back_populates="food", order_by="PortionRecord.seq", cascade="all, delete-orphan"
    )


class PortionRecord(Base):
    __tablename__ = "portion"
    __table_args__ = (Index("ix_portion_food", "food_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    food_id: Mapped[int] = mapped_column(ForeignKey("food.id", ondelete="CASCADE"))
    seq: Mapped[int]
    amount: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(String(200))
    grams: Mapped[float] = mapped_column(Float)

    food: Mapped[FoodRecord] = relationship(back_populates="portions")


class ProfileRecord(Base):
    """Whose plan it is; target overrides as a JSON object of ``key[.field]: value``."""

    __tablename__ = "profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(16))
    age: Mapped[int]
    life_stage: Mapped[str] = mapped_column(String(16))
    target_overrides: Mapped[str] = mapped_column(Text, default="{}")


class PlanRecord(Base):
    """A plan; ``revision`` grows with every saved edit (optimistic concurrency)."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    profile_id: Mapped[int] = mapped_column(ForeignKey("profile.id"))
    revision: Mapped[int] = mapped_column(default=1)

    profile: Mapped[ProfileRecord] = relationship()
    days: Mapped[list[PlanDayRecord]] = relationship(
        order_by="PlanDayRecord.date", cascade="all, delete-orphan", passive_deletes=True
    )
    supplements: Mapped[list[SupplementRecord]] = relationship(
        order_by="SupplementRecord.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PlanDayRecord(Base):
    __tablename__ = "plan_day"
    __table_args__ = (UniqueConstraint("plan_id", "date", name="uq_plan_day_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    date: Mapped[str] = mapped_column(String(10))  # ISO date: sorts and compares as text

    meals: Mapped[list[MealRecord]] = relationship(
        order_by="MealRecord.position", cascade="all, delete-orphan", passive_deletes=True
    )


class MealRecord(Base):
    __tablename__ = "meal"
    __table_args__ = (Index("ix_meal_day", "day_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("plan_day.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))

    entries: Mapped[list[EntryRecord]] = relationship(
        order_by="EntryRecord.position", cascade="all, delete-orphan", passive_deletes=True
    )


class EntryRecord(Base):
    __tablename__ = "entry"
    __table_args__ = (
        Index("ix_entry_meal", "meal_id", "position"),
        Index("ix_entry_food", "food_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meal_id: Mapped[int] = mapped_column(ForeignKey("meal.id", ondelete="CASCADE"))
    position: Mapped[int]
    food_id: Mapped[int] = mapped_column(ForeignKey("food.id"))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(200))

    food: Mapped[FoodRecord] = relationship()


class SupplementRecord(Base):
    __tablename__ = "supplement"
    __table_args__ = (Index("ix_supplement_plan", "plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    nutrient: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    schedule: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[str | None] = mapped_column(String(3))
    form: Mapped[str | None] = mapped_column(String(32))
    #: The compound the label names and its weight per dose (``amount`` is elemental).
    compound: Mapped[str | None] = mapped_column(String(40))
    compound_amount: Mapped[float | None] = mapped_column(Float)


class ShoppingListRecord(Base):
    """What the user did to a plan's shopping list for one date range.

    ``checked`` is a JSON list of item keys (``usda:20045``, ``extra:dish soap``);
    ``extra_items`` a JSON list of ``{"name", "quantity", "aisle", "note"}`` objects.
    ``factor`` and ``units`` are the options last chosen for the list (NULL: never chosen).
    """

    __tablename__ = "shopping_list"
    __table_args__ = (
        UniqueConstraint("plan_id", "start_date", "end_date", name="uq_shopping_list_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    start_date: Mapped[str] = mapped_column(String(10))  # ISO dates, like plan_day.date
    end_date: Mapped[str] = mapped_column(String(10))
    factor: Mapped[float | None] = mapped_column(Float)
    units: Mapped[str | None] = mapped_column(String(8))
    checked: Mapped[str] = mapped_column(Text, default="[]")
    extra_items: Mapped[str] = mapped_column(Text, default="[]")


class RecipeRecord(Base):
    """A recipe: the ``food`` row of the same id holds its name and derived values.

    ``total_grams`` is the ingredients' weight (the yield when ``cooked_grams`` is NULL);
    ``tags`` a JSON list of words; ``coverage`` a JSON object ``{"foods": 6, "unknown":
    {"vitamin_d_ug": 2}}``: how many foods the values are made of and how many lack each.
    """

    __tablename__ = "recipe"

    food_id: Mapped[int] = mapped_column(
        ForeignKey("food.id", ondelete="CASCADE"), primary_key=True
    )
    servings: Mapped[float | None] = mapped_column(Float)
    cooked_grams: Mapped[float | None] = mapped_column(Float)
    total_grams: Mapped[float] = mapped_column(Float)
    instructions: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="[]")
    coverage: Mapped[str] = mapped_column(Text, default="{}")


class RecipeIngredientRecord(Base):
    """One ingredient of a recipe, in order; ``food_id`` may be another recipe's food."""

    __tablename__ = "recipe_ingredient"
    __table_args__ = (Index("ix_recipe_ingredient_food", "food_id"),)

    recipe_food_id: Mapped[int] = mapped_column(
        ForeignKey("recipe.food_id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    food_id: Mapped[int] = mapped_column(ForeignKey("food.id"))
    amount: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(200))
