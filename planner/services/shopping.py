"""Shopping list use cases: build a plan's list, tick items, add items by hand, export,
and print the week plan itself.

The list is computed from the plan each time (:func:`planner.core.shopping.build_shopping_list`);
what the user did to it (ticks, items added by hand, the factor and units chosen) is
stored per plan and date range (:mod:`planner.db.shopping`). Every change is one
transaction and is saved at once, so a tick survives a crash a second later.

PDF is not made here: it needs Qt's text layout, which this layer does not import. The
window and ``planner shopping-list --format pdf`` pass :meth:`ShoppingService.export`'s
HTML to :func:`planner.ui.common.printing.html_to_pdf`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal, get_args

from planner import paths
from planner.core.analysis import Analysis, analyze
from planner.core.foods import Food, FoodRef
from planner.core.plan import Day, Plan
from planner.core.purchase import Purchase, PurchaseRules, purchase_index
from planner.core.recipes import RECIPE_SOURCE, Recipe
from planner.core.rules import RuleSettings
from planner.core.shopping import (
    PANTRY_MODES,
    Aisles,
    Pantry,
    PantryMode,
    ShoppingItem,
    ShoppingList,
    Units,
    build_shopping_list,
    check_household_factor,
)
from planner.core.targets import Targets
from planner.db.foods import FoodRepository
from planner.db.recipes import RecipeRepository
from planner.db.shopping import ExtraItem, ShoppingListRepository, StoredList
from planner.reports.plan import plan_title, plan_to_html, plan_to_text
from planner.reports.shopping import (
    shopping_list_to_json,
    to_csv,
    to_html,
    to_markdown,
    to_text,
)
from planner.services.database import Database
from planner.services.plans import dri_tables
from planner.services.settings import SettingsService

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "EXPORT_FORMATS",
    "PLAN_FORMATS",
    "ExportFormat",
    "ExtraItem",
    "PlanFormat",
    "ShoppingService",
    "StoredList",
    "plan_between",
    "shipped_aisles",
]

ExportFormat = Literal["json", "csv", "md", "txt", "html"]
PlanFormat = Literal["html", "txt"]
EXPORT_FORMATS: Final[tuple[ExportFormat, ...]] = get_args(ExportFormat)
PLAN_FORMATS: Final[tuple[PlanFormat, ...]] = get_args(PlanFormat)
_UNITS: Final[tuple[Units, ...]] = get_args(Units)
DEFAULT_TITLE: Final = "Shopping list"


@functools.cache
def purchase_rules() -> PurchaseRules:
    """What is bought for brewed drinks and the pairs SR28 names apart (``data/purchase.json``)."""
    return PurchaseRules.from_json(paths.read_shipped_text("purchase.json"))


#: The purchase index of one state of the food table (foods, highest id), per database.
_PURCHASES: dict[tuple[str, int, int], Mapping[FoodRef, Purchase]] = {}
_PURCHASES_LOCK = threading.Lock()


def _purchases(session: Session) -> Mapping[FoodRef, Purchase]:
    """What is bought for each food eaten cooked, brewed or made up: worked out once per
    state of the food table (a light read of every food, 50 ms; then kept)."""
    repository = FoodRepository(session)
    key = (str(session.get_bind().engine.url), *repository.version())
    with _PURCHASES_LOCK:
        found = _PURCHASES.get(key)
    if found is None:
        found = MappingProxyType(purchase_index(repository.purchase_foods(), purchase_rules()))
        with _PURCHASES_LOCK:
            _PURCHASES.clear()
            _PURCHASES[key] = found
    return found


@functools.cache
def shipped_pantry() -> Pantry:
    """The pantry staples shipped in ``data/pantry.json`` (read once per process)."""
    return Pantry.from_json(paths.read_shipped_text("pantry.json"))


@functools.cache
def shipped_aisles() -> Aisles:
    """The aisles shipped in ``data/aisles.json`` (read once per process)."""
    return Aisles.from_json(paths.read_shipped_text("aisles.json"))


def plan_between(plan: Plan, start: dt.date | None, end: dt.date | None) -> Plan:
    """``plan`` with only the days from ``start`` to ``end`` (inclusive; ``None``: open)."""
    if start is not None and end is not None and start > end:
        raise ValueError(f"the range starts {start.isoformat()}, after its end "
                         f"{end.isoformat()}; swap the dates")
    days: tuple[Day, ...] = tuple(
        day for day in plan.days
        if (start is None or day.date >= start) and (end is None or day.date <= end)
    )
    return replace(plan, days=days)


def _check_range(start: dt.date, end: dt.date) -> None:
    if start > end:
        raise ValueError(f"the list starts {start.isoformat()}, after its end "
                         f"{end.isoformat()}; swap the dates")


def _foods_of(session: Session, plan: Plan) -> dict[FoodRef, Food]:
    return FoodRepository(session).get_many({e.food for day in plan.days for e in day.entries})


def _with_recipes(
    session: Session, plan: Plan, foods: Mapping[FoodRef, Food],
    recipes: Mapping[FoodRef, Recipe] | None,
) -> tuple[Mapping[FoodRef, Food], Mapping[FoodRef, Recipe]]:
    """The recipes to expand and the foods with their ingredients added.

    Without ``recipes``: the stored recipes ``plan`` uses, each only if ``foods`` holds its
    stored food (same id), so a file's recipe is never confused with a stored one.
    """
    if recipes is None:
        used = {e.food for d in plan.days for e in d.entries if e.food.source == RECIPE_SOURCE}
        database = FoodRepository(session).get_many(used)
        top = {ref for ref, food in database.items()
               if ref not in foods or foods[ref].id == food.id}
        recipes = RecipeRepository(session).closure(top)
    needed = {item.food for recipe in recipes.values() for item in recipe.ingredients}
    missing = needed - set(foods) - set(recipes)
    if not missing:
        return foods, recipes
    return {**FoodRepository(session).get_many(missing), **foods}, recipes


class ShoppingService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService | RuleSettings | None = None,
        aisle_order: Sequence[str] | None = None,
    ) -> None:
        self.db = db
        self.settings = SettingsService.of(settings)
        #: The caller's own walking order (tests); ``None``: the user's setting.
        self._aisle_order = None if aisle_order is None else tuple(aisle_order)

    @property
    def aisle_order(self) -> tuple[str, ...]:
        if self._aisle_order is not None:
            return self._aisle_order
        return self.settings.current.aisle_order

    def set_aisle_order(self, order: Sequence[str]) -> None:
        """Keep ``order`` as the user's walking order (the shipped order is stored as
        no order, so a later change of the shipped aisles is followed)."""
        default = tuple(shipped_aisles().order)
        stored = () if tuple(order) == default else tuple(order)
        self._aisle_order = None
        self.settings.update(aisle_order=stored)

    def aisles(self) -> Aisles:
        """The shipped aisles in the user's walking order (the shipped one if it is
        empty or names an aisle that no longer exists)."""
        aisles = shipped_aisles()
        if not self.aisle_order:
            return aisles
        try:
            return aisles.with_order(self.aisle_order)
        except ValueError:
            return aisles

    # -- building ------------------------------------------------------------------

    def build(
        self,
        plan: Plan,
        foods: Mapping[FoodRef, Food] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        factor: float = 1.0,
        units: Units = "metric",
        targets: Targets | None = None,
        *,
        plan_id: int | None = None,
        recipes: Mapping[FoodRef, Recipe] | None = None,
        pantry: PantryMode | None = None,
    ) -> ShoppingList:
        """The shopping list of ``plan`` from ``start`` to ``end`` (inclusive).

        ``foods`` default to the database's; ``targets`` to the plan profile's. With
        ``plan_id`` (and then both dates) the stored ticks and hand-added items of that
        plan's list for the range are applied. An empty range gives an empty list with a
        note; a start after the end is a :class:`ValueError`.

        Recipes are bought as their ingredients: ``recipes`` (e.g. a plan file's) or, by
        default, the stored recipes the plan uses, with their ingredients' foods. A recipe
        food in ``foods`` that is not the stored one (another id, e.g. from a file) is
        listed as the dish unless its recipe is given.

        Cooked, brewed and made-up foods are bought as what is sold (dry rice, raw meat,
        ground coffee: :mod:`planner.core.purchase`); pantry staples are checked, left out
        or listed as ``pantry`` says (default: the user's setting).
        """
        stored: StoredList | None = None
        if plan_id is not None and (start is None or end is None):
            raise ValueError("a stored shopping list needs a start and an end date")
        if start is not None and end is not None:
            _check_range(start, end)
        part = plan_between(plan, start, end)
        uses_recipes = any(entry.food.source == RECIPE_SOURCE
                           for day in part.days for entry in day.entries)
        with self.db.reading() as session:
            if plan_id is not None and start is not None and end is not None:
                stored = ShoppingListRepository(session).get(plan_id, start, end)
            if foods is None:
                foods = _foods_of(session, part)
            if uses_recipes:
                foods, recipes = _with_recipes(session, part, foods, recipes)
            purchases = _purchases(session)
        if targets is None:
            targets = plan.profile.targets(dri_tables())
        return build_shopping_list(
            plan, foods, self.aisles(), start=start, end=end, factor=factor, units=units,
            targets=targets,
            extra_items=() if stored is None else [extra.item() for extra in stored.extras],
            checked=() if stored is None else stored.checked,
            recipes=recipes, purchases=purchases, pantry=shipped_pantry(),
            pantry_mode=pantry or self.pantry_mode,
        )

    @property
    def pantry_mode(self) -> PantryMode:
        mode = self.settings.current.pantry
        return mode if mode in PANTRY_MODES else "check"

    def set_pantry_mode(self, mode: PantryMode) -> None:
        """Remember how pantry staples are listed (``check``, ``omit`` or ``list``)."""
        if mode not in PANTRY_MODES:
            raise ValueError(f"pantry must be one of {', '.join(PANTRY_MODES)}")
        self.settings.update(pantry=mode)

    def set_people(self, people: Sequence[tuple[str, float]]) -> None:
        """Remember who eats the plan and their portions; the list scales by their sum."""
        cleaned = tuple((" ".join(name.split()), float(portion)) for name, portion in people)
        for name, portion in cleaned:
            if not name or not 0 < portion <= 3:
                raise ValueError("each person needs a name and a portion above 0, at most 3")
        self.settings.update(people=cleaned)

    # -- what the user did to a list -----------------------------------------------

    def stored(self, plan_id: int, start: dt.date, end: dt.date) -> StoredList | None:
        """The stored ticks, items and options of a list; ``None`` if it was never touched."""
        _check_range(start, end)
        with self.db.reading() as session:
            return ShoppingListRepository(session).get(plan_id, start, end)

    def set_checked(self, plan_id: int, start: dt.date, end: dt.date, key: str,
                    checked: bool = True) -> None:
        """Tick (or untick) the item ``key`` (:attr:`ShoppingItem.key`) of the list."""
        _check_range(start, end)
        with self.db.writing() as session:
            repository = ShoppingListRepository(session)
            stored = repository.for_update(plan_id, start, end)
            keys = stored.checked | {key} if checked else stored.checked - {key}
            if keys != stored.checked:
                repository.write(plan_id, replace(stored, checked=keys))

    def add_extra(self, plan_id: int, start: dt.date, end: dt.date, name: str,
                  quantity: str = "", aisle: str | None = None, note: str = "") -> ShoppingItem:
        """Add an item by hand (``"Dish soap"``, ``quantity="2"``); returns it as listed.

        An item of the same name replaces the earlier one (keeping its tick). ``aisle``
        defaults to the aisles' default (``other``) and must be one of the aisles.
        """
        _check_range(start, end)
        aisles = self.aisles()
        aisle = aisles.default if aisle is None else aisle
        if aisle not in aisles.order:
            raise ValueError(f"unknown aisle {aisle!r}; aisles: {', '.join(aisles.order)}")
        extra = ExtraItem(" ".join(name.split()), quantity.strip(), aisle, note.strip())
        item = extra.item()  # checks the name
        with self.db.writing() as session:
            repository = ShoppingListRepository(session)
            stored = repository.for_update(plan_id, start, end)
            extras = [e for e in stored.extras if e.key != item.key]
            position = next((i for i, e in enumerate(stored.extras) if e.key == item.key),
                            len(extras))
            extras.insert(position, extra)
            repository.write(plan_id, replace(stored, extras=tuple(extras)))
        return replace(item, checked=item.key in stored.checked)

    def remove_extra(self, plan_id: int, start: dt.date, end: dt.date, key: str) -> bool:
        """Remove the hand-added item ``key`` (and its tick); False if there was none."""
        _check_range(start, end)
        with self.db.writing() as session:
            repository = ShoppingListRepository(session)
            stored = repository.for_update(plan_id, start, end)
            extras = tuple(e for e in stored.extras if e.key != key)
            if len(extras) == len(stored.extras):
                return False
            repository.write(plan_id, replace(stored, extras=extras,
                                              checked=stored.checked - {key}))
        return True

    def set_options(self, plan_id: int, start: dt.date, end: dt.date, factor: float,
                    units: Units) -> None:
        """Remember the household factor and units chosen for this list."""
        _check_range(start, end)
        if units not in _UNITS:
            raise ValueError(f"units must be metric or us, got {units!r}")
        factor = check_household_factor(factor)
        with self.db.writing() as session:
            repository = ShoppingListRepository(session)
            stored = repository.for_update(plan_id, start, end)
            if (stored.factor, stored.units) != (factor, units):
                repository.write(plan_id, replace(stored, factor=float(factor), units=units))

    # -- output --------------------------------------------------------------------

    @staticmethod
    def export(sl: ShoppingList, fmt: ExportFormat, *, title: str = DEFAULT_TITLE) -> str:
        """The list as ``json``, ``csv``, ``md``, ``txt`` or ``html`` (the page to print)."""
        if fmt == "json":
            return json.dumps(shopping_list_to_json(sl), indent=2, ensure_ascii=False,
                              allow_nan=False) + "\n"
        if fmt == "csv":
            return to_csv(sl)
        if fmt == "md":
            return to_markdown(sl, title=title)
        if fmt == "txt":
            return to_text(sl, title=title)
        if fmt == "html":
            return to_html(sl, title=title)
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(EXPORT_FORMATS)} "
                         "(PDF: print the html)")

    def analyze_range(self, plan: Plan, foods: Mapping[FoodRef, Food] | None = None,
                      start: dt.date | None = None, end: dt.date | None = None) -> Analysis:
        """The analysis of the days of ``plan`` from ``start`` to ``end`` alone."""
        part = plan_between(plan, start, end)
        if foods is None:
            with self.db.reading() as session:
                foods = _foods_of(session, part)
        return analyze(part, foods, plan.profile.targets(dri_tables()), self.settings.rules)

    def plan_report(self, plan: Plan, foods: Mapping[FoodRef, Food] | None = None,
                    start: dt.date | None = None, end: dt.date | None = None, *,
                    fmt: PlanFormat = "html") -> str:
        """The week plan (days ``start`` to ``end``) as a printable page or as text."""
        if fmt not in PLAN_FORMATS:
            raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(PLAN_FORMATS)}")
        if foods is None:
            with self.db.reading() as session:
                foods = _foods_of(session, plan_between(plan, start, end))
        analysis = self.analyze_range(plan, foods, start, end)
        title = plan_title(plan)
        if fmt == "txt":
            return plan_to_text(analysis, foods, title=title)
        return plan_to_html(analysis, foods, title=title)
