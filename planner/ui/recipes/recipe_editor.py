"""The Recipes tab: the recipe list and an editor with live totals.

The editor holds a draft :class:`~planner.core.recipes.Recipe` value; every keystroke
recomputes its totals (no database write, about a millisecond). *Save* stores it in one
transaction through :class:`~planner.services.recipes.RecipeService` and pushes an undo
command on the plan's undo stack, so Ctrl+Z takes back a recipe edit like any other;
the open plan's totals follow, because plans use the recipe's food row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.core.bounds import COOKED_WEIGHT, SERVINGS
from planner.core.foods import Food, FoodRef
from planner.core.nutrients import scaled
from planner.core.portions import default_amount
from planner.core.recipes import Ingredient, Recipe, RecipeError, unknown_note
from planner.core.units import AmountError, UnitError, grams_for, parse_amount
from planner.services.recipes import RecipeInUseError, RecipeService, SavedRecipe
from planner.ui.common.document import PlanDocument
from planner.ui.common.table_model import RowsModel
from planner.ui.common.widgets import AnyIndex

LIST_COLUMNS: Final = ("Recipe", "Servings", "Mg / serving", "Vit D / serving")
INGREDIENT_COLUMNS: Final = ("Ingredient", "Amount", "Unit", "Magnesium", "Vitamin D")


def _value(value: float | None, unit: str, digits: int) -> str:
    return "?" if value is None else f"{value:.{digits}f} {unit}"


class RecipeListModel(RowsModel):
    COLUMNS = LIST_COLUMNS

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole name, where a narrow list cuts it.
            return row.name
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == 0:
            return row.name
        if column == 1:
            return "–" if row.servings is None else f"{row.servings:g}"
        key, unit, digits = (
            ("magnesium_mg", "mg", 0) if column == 2 else ("vitamin_d_ug", "µg", 1)
        )
        if row.servings is None:
            return "–"
        return _value(row.per_serving(key), unit, digits)


class IngredientModel(QAbstractTableModel):
    """The draft's ingredients; amount and unit are edited in place (checked, refused
    with a message, the old value kept), like the Day view's entries."""

    refused = Signal(str)
    edited = Signal(int, object)  # position, new Ingredient

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ingredients: tuple[Ingredient, ...] = ()
        self.foods: dict[FoodRef, Food] = {}

    def set_ingredients(
        self, ingredients: tuple[Ingredient, ...], foods: dict[FoodRef, Food]
    ) -> None:
        self.beginResetModel()
        self.ingredients = ingredients
        self.foods = foods
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ingredients)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(INGREDIENT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return INGREDIENT_COLUMNS[section]
        return None

    def _grams(self, ingredient: Ingredient) -> float | None:
        food = self.foods.get(ingredient.food)
        if food is None:
            return None
        try:
            return grams_for(food, ingredient.amount, ingredient.unit)
        except ValueError:
            return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ingredient = self.ingredients[index.row()]
        column = index.column()
        food = self.foods.get(ingredient.food)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.EditRole:
            if column == 1:
                return f"{ingredient.amount:g}"
            if column == 2:
                return ingredient.unit
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return food.name if food else str(ingredient.food)
        if column == 1:
            return f"{ingredient.amount:g}"
        grams = self._grams(ingredient)
        if column == 2:
            return ingredient.unit if grams is None or ingredient.unit == "g" else (
                f"{ingredient.unit} ({grams:g} g)"
            )
        key, unit, digits = ("magnesium_mg", "mg", 0) if column == 3 else ("vitamin_d_ug", "µg", 1)
        value = None if food is None or grams is None else scaled(food.nutrients.get(key), grams)
        return "?" if value is None else f"{value:.{digits}f} {unit}"

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (1, 2):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        old = self.ingredients[index.row()]
        amount, unit = old.amount, old.unit
        try:
            if index.column() == 1:
                amount = parse_amount(str(value))
            elif index.column() == 2:
                unit = str(value).strip()
            else:
                return False
            food = self.foods.get(old.food)
            if food is not None:
                grams_for(food, amount, unit)
            new = Ingredient(old.food, amount, unit)
        except (AmountError, UnitError, RecipeError, ValueError) as exc:
            self.refused.emit(str(exc))
            return False
        if (new.amount, new.unit) == (old.amount, old.unit):
            return False
        self.edited.emit(index.row(), new)
        return True


class RecipeSave(QUndoCommand):
    """A saved recipe edit (create, update or delete), undoable on the plan's stack."""

    def __init__(
        self, text: str, do: Callable[[], None], undo: Callable[[], None]
    ) -> None:
        super().__init__(text)
        self._do, self._undo = do, undo
        self._first = True  # already done when pushed

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._do()

    def undo(self) -> None:
        self._undo()


class RecipesView(QWidget):
    """Recipe list on the left, the open recipe's editor on the right."""

    message = Signal(str)
    #: The user asked for magnesium swaps of an ingredient: (position, Ingredient, Food).
    swaps_requested = Signal(int, object, object)

    def __init__(
        self, document: PlanDocument, service: RecipeService, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.service = service
        self.saved: SavedRecipe | None = None
        self.draft = Recipe("")
        self.foods: dict[FoodRef, Food] = {}

        self.list_model = RecipeListModel(parent=self)
        self.list = QTableView()
        self.list.setModel(self.list_model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.clicked.connect(lambda index: self.open(self.list_model.rows[index.row()].ref))
        new_button = QPushButton("New recipe")
        new_button.clicked.connect(self.new)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Spinach and chickpea curry")
        self.servings = QDoubleSpinBox()
        # 0 shows "not set"; the rest is the declared range (core/bounds.py).
        self.servings.setRange(0, SERVINGS.maximum)
        self.servings.setDecimals(1)
        self.servings.setSpecialValueText("not set")
        self.cooked = QDoubleSpinBox()
        self.cooked.setRange(0, COOKED_WEIGHT.maximum)
        self.cooked.setDecimals(0)
        self.cooked.setSuffix(" g")
        self.cooked.setSpecialValueText("weight of the ingredients")
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("comma separated, e.g. dinner, vegetarian")
        self.instructions = QPlainTextEdit()
        self.instructions.setPlaceholderText("Optional: how to make it")
        self.instructions.setMaximumHeight(90)
        for signal in (
            self.name_edit.textEdited, self.servings.valueChanged, self.cooked.valueChanged,
            self.tags_edit.textEdited, self.instructions.textChanged,
        ):
            signal.connect(self._fields_changed)

        self.ingredients = IngredientModel(self)
        self.ingredients.refused.connect(self._refused)
        self.ingredients.edited.connect(self._ingredient_edited)
        self.table = QTableView()
        self.table.setModel(self.ingredients)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(INGREDIENT_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.hint = QLabel("Add ingredients from the food search: Enter or double-click.")
        self.hint.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.PlainText)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b3261e")
        self.problem.setWordWrap(True)

        self.remove_button = QPushButton("Remove ingredient")
        self.remove_button.clicked.connect(self.remove_selected)
        self.swaps_button = QPushButton("Magnesium swaps…")
        self.swaps_button.clicked.connect(self._request_swaps)
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.duplicate_button = QPushButton("Duplicate")
        self.duplicate_button.clicked.connect(self.duplicate)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete)

        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        # The yield on two rows: the editor fits beside the search and the totals on a
        # 1024-pixel screen.
        form.addRow("Servings:", self.servings)
        form.addRow("Cooked weight:", self.cooked)
        form.addRow("Tags:", self.tags_edit)
        form.addRow("Instructions:", self.instructions)
        ingredient_buttons = QHBoxLayout()
        ingredient_buttons.addWidget(self.remove_button)
        ingredient_buttons.addWidget(self.swaps_button)
        ingredient_buttons.addStretch(1)
        recipe_buttons = QHBoxLayout()
        recipe_buttons.addWidget(self.duplicate_button)
        recipe_buttons.addWidget(self.delete_button)
        recipe_buttons.addStretch(1)
        recipe_buttons.addWidget(self.save_button)

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.hint)
        editor_layout.addWidget(self.table, 1)
        editor_layout.addLayout(ingredient_buttons)
        editor_layout.addWidget(self.totals)
        editor_layout.addWidget(self.problem)
        editor_layout.addLayout(recipe_buttons)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(new_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(editor)
        splitter.setSizes([260, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.refresh_list()
        self.new()

    # -- list --------------------------------------------------------------------------

    def refresh_list(self) -> None:
        self.list_model.set_rows(self.service.list())

    def open(self, ref: FoodRef) -> None:
        saved = self.service.get(ref)
        self.saved = saved
        self.foods = dict(saved.foods)
        self._show(saved.recipe)

    def new(self) -> None:
        self.saved = None
        self.foods = {}
        self._show(Recipe(""))

    def _show(self, recipe: Recipe) -> None:
        self.draft = recipe
        widgets = (self.name_edit, self.servings, self.cooked, self.tags_edit, self.instructions)
        for widget in widgets:
            widget.blockSignals(True)
        self.name_edit.setText(recipe.name)
        self.servings.setValue(recipe.servings or 0)
        self.cooked.setValue(recipe.cooked_grams or 0)
        self.tags_edit.setText(", ".join(recipe.tags))
        self.instructions.setPlainText(recipe.instructions)
        for widget in widgets:
            widget.blockSignals(False)
        self._update()

    # -- the draft ---------------------------------------------------------------------

    def _fields_changed(self, *_args: object) -> None:
        try:
            self.draft = Recipe(
                self.name_edit.text().strip(),
                self.draft.ingredients,
                servings=self.servings.value() or None,
                cooked_grams=self.cooked.value() or None,
                instructions=self.instructions.toPlainText(),
                tags=tuple(t for t in self.tags_edit.text().split(",") if t.strip()),
                ref=self.draft.ref,
            )
        except RecipeError as exc:
            self.problem.setText(str(exc))
            return
        self._update()

    def add_food(self, food: Food) -> None:
        """Add a food (from the search) with its first household measure, else 100 g."""
        if self.draft.ref is not None and food.ref == self.draft.ref:
            self.problem.setText("A recipe cannot contain itself.")
            return
        amount, unit = default_amount(food)
        self.foods[food.ref] = food
        self.draft = self.draft.add_ingredient(Ingredient(food.ref, amount, unit))
        self._update()
        self.table.selectRow(len(self.draft.ingredients) - 1)
        self.message.emit(f"Added {food.name} to the recipe.")

    def _ingredient_edited(self, position: int, ingredient: Ingredient) -> None:
        self.draft = self.draft.replace_ingredient(position, ingredient)
        self._update()

    def replace_ingredient(self, position: int, food: Food, amount: float, unit: str) -> None:
        self.foods[food.ref] = food
        self.draft = self.draft.replace_ingredient(position, Ingredient(food.ref, amount, unit))
        self._update()

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.draft = self.draft.remove_ingredient(rows[0].row())
            self._update()

    def _request_swaps(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.problem.setText("Select an ingredient first.")
            return
        position = rows[0].row()
        ingredient = self.draft.ingredients[position]
        food = self.foods.get(ingredient.food)
        if food is not None:
            self.swaps_requested.emit(position, ingredient, food)

    def _refused(self, message: str) -> None:
        self.problem.setText(message)

    def _update(self) -> None:
        """Table, live totals and buttons from the draft (no database write)."""
        self.ingredients.set_ingredients(self.draft.ingredients, self.foods)
        self.problem.setText("")
        self.duplicate_button.setEnabled(self.saved is not None)
        self.delete_button.setEnabled(self.saved is not None)
        if not self.draft.ingredients:
            self.totals.setText("No ingredients yet.")
            self.save_button.setEnabled(False)
            return
        try:
            nutrients = self.service.nutrients(self.draft)
        except RecipeError as exc:
            self.totals.setText("")
            self.problem.setText(str(exc))
            self.save_button.setEnabled(False)
            return
        lines = []
        per_serving = nutrients.per_serving
        if per_serving is not None and nutrients.serving_grams is not None:
            lines.append(
                f"Per serving ({nutrients.serving_grams:.0f} g): magnesium "
                f"{_value(per_serving.get('magnesium_mg'), 'mg', 0)}, vitamin D "
                f"{_value(per_serving.get('vitamin_d_ug'), 'µg', 1)}, energy "
                f"{_value(per_serving.get('energy_kcal'), 'kcal', 0)}"
            )
        per_100g = nutrients.per_100g
        lines.append(
            f"Per 100 g: magnesium {_value(per_100g.get('magnesium_mg'), 'mg', 0)}, vitamin D "
            f"{_value(per_100g.get('vitamin_d_ug'), 'µg', 1)}; the whole recipe weighs "
            f"{nutrients.yield_grams:.0f} g"
        )
        notes = [n for key in ("magnesium_mg", "vitamin_d_ug")
                 if (n := unknown_note(nutrients, key))]
        if notes:
            lines.append("; ".join(notes) + " (the totals are at least these).")
        self.totals.setText("\n".join(lines))
        self.save_button.setEnabled(bool(self.draft.name))

    # -- saving, with undo -------------------------------------------------------------

    def _after_store(self, refs: tuple[FoodRef, ...]) -> None:
        self.refresh_list()
        self.document.refresh_foods(refs)

    def save(self) -> bool:
        draft = self.draft
        try:
            if self.saved is None:
                saved = self.service.create(draft)
                ref = saved.ref
                self.document.undo_stack.push(RecipeSave(
                    f"Create recipe {draft.name}",
                    do=lambda: self._redo_restore(saved.recipe),
                    undo=lambda: self._undo_create(ref),
                ))
            else:
                before = self.saved.recipe
                saved = self.service.update(draft)
                self.document.undo_stack.push(RecipeSave(
                    f"Edit recipe {draft.name}",
                    do=lambda: self._apply(saved.recipe),
                    undo=lambda: self._apply(before),
                ))
        except RecipeError as exc:
            self.problem.setText(str(exc))
            return False
        self.saved = saved
        self.foods = dict(saved.foods)
        self._after_store((saved.ref, *saved.dependents))
        self._show(saved.recipe)
        self.message.emit(f"Saved the recipe {saved.recipe.name}.")
        return True

    def _apply(self, recipe: Recipe) -> None:
        saved = self.service.update(recipe)
        self._after_store((saved.ref, *saved.dependents))
        if self.saved is not None and self.saved.ref == saved.ref:
            self.saved = saved
            self._show(saved.recipe)

    def _undo_create(self, ref: FoodRef) -> None:
        self.service.delete(ref)
        self._after_store((ref,))
        if self.saved is not None and self.saved.ref == ref:
            self.new()

    def _redo_restore(self, recipe: Recipe) -> None:
        saved = self.service.restore(recipe)
        self._after_store((saved.ref,))

    def duplicate(self) -> None:
        if self.saved is None:
            return
        copy = self.service.duplicate(self.saved.ref)
        ref = copy.ref
        self.document.undo_stack.push(RecipeSave(
            f"Duplicate recipe {self.saved.recipe.name}",
            do=lambda: self._redo_restore(copy.recipe),
            undo=lambda: self._undo_create(ref),
        ))
        self.refresh_list()
        self.open(ref)

    def delete(self) -> bool:
        if self.saved is None:
            return False
        recipe = self.saved.recipe
        try:
            self.service.delete(self.saved.ref)
        except RecipeInUseError as exc:
            QMessageBox.information(
                self, "Delete recipe", f"“{recipe.name}” cannot be deleted: {exc.uses.describe()}."
            )
            self.problem.setText(f"Not deleted: {exc.uses.describe()}.")
            return False
        self.document.undo_stack.push(RecipeSave(
            f"Delete recipe {recipe.name}",
            do=lambda: self._undo_create(recipe.ref) if recipe.ref else None,
            undo=lambda: self._redo_restore(recipe),
        ))
        self.refresh_list()
        self.new()
        self.message.emit(f"Deleted the recipe {recipe.name}.")
        return True
