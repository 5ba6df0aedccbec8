"""Recipes: foods made of foods, with a yield, and nutrients derived from the ingredients.

A recipe lists ingredients (a food, or another recipe, an amount and a unit, exactly as a
meal entry) and a yield: a number of servings and/or the cooked weight in grams.

Definitions (:func:`recipe_nutrients`):

- ``total_grams`` is the sum of the ingredients' grams as weighed raw.
- ``yield_grams`` is the cooked weight when given (water lost in the pan or gained in the
  pot), else ``total_grams``.
- A nutrient's ``totals`` value is the sum of the ingredients' amounts (value per 100 g x
  grams / 100) over the ingredients that have a value; it is ``None`` only when no
  ingredient has one. ``per_100g`` is that total / ``yield_grams`` x 100, ``per_serving``
  the total / ``servings``. Cooking changes the weight, not the nutrients: 400 g of raw
  ingredients cooked down to 300 g carry the same magnesium in denser form. The weight
  lost (or gained) is water: the water total is the ingredients' water minus the loss
  (plus the gain), never below zero.
- Coverage counts foods: ``food_count`` is the number of foods in the recipe, where a
  recipe used as an ingredient counts with the foods it is made of (so its own gaps carry
  through); ``unknown[key]`` is how many of them have no value for ``key``. "2 of 6 foods
  have no vitamin D value" means the vitamin D figures are lower bounds.

As a food (:func:`recipe_food`) a recipe has its ``per_100g`` values and, when it has
servings, one household measure, ``serving`` = ``yield_grams / servings``; so a meal can hold
``1 serving`` or ``250 g`` of it, like any food, and the analysis needs nothing new.

:func:`expand` turns an amount of a recipe into its ingredients (recipes inside recipes
expanded too), scaled by grams used / ``yield_grams``; the shopping list buys those.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final

from planner.core.bounds import (
    COOKED_WEIGHT,
    RECIPE_DEPTH,
    RECIPE_INGREDIENTS,
    SERVINGS,
    Bound,
    clip,
    nutrient_limit,
    quote,
)
from planner.core.foods import Food, FoodRef, Portion, nutrient_map
from planner.core.nutrients import BY_KEY, NUTRIENT_KEYS, scaled
from planner.core.units import check_amount, grams_for, normalize_unit

__all__ = [
    "MAX_SERVINGS",
    "RECIPE_SOURCE",
    "SERVING",
    "Ingredient",
    "Recipe",
    "RecipeBook",
    "RecipeError",
    "RecipeNutrients",
    "check_no_cycles",
    "check_recipe",
    "dependency_order",
    "expand",
    "expand_ingredients",
    "recipe_food",
    "recipe_nutrients",
    "unknown_note",
]

#: The stored source of recipe foods (references ``recipe:<id>``).
RECIPE_SOURCE: Final = "recipe"
#: The household measure a recipe with servings has.
SERVING: Final = "serving"
#: More servings than this is a typing error, not a batch (:data:`SERVINGS`).
MAX_SERVINGS: Final = SERVINGS.maximum


class RecipeError(ValueError):
    """A recipe that cannot be saved or computed; names the recipe and, if one, the ingredient.

    ``position`` is the 1-based ingredient the problem is in (``None``: the recipe itself).
    """

    def __init__(self, message: str, recipe: str = "", position: int | None = None, *,
                 ref: FoodRef | None = None) -> None:
        where = f"recipe {quote(recipe)}" if recipe else ""
        if position is not None:
            where = f"{where}, ingredient {position}" if where else f"ingredient {position}"
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.recipe = recipe
        self.position = position
        #: The recipe's reference, when the error is about a stored or filed recipe.
        self.ref = ref


@dataclass(frozen=True, slots=True)
class Ingredient:
    """An amount of a food (or of another recipe): ``2 cup`` spinach, ``150 g`` rice."""

    food: FoodRef
    amount: float
    unit: str

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "amount", check_amount(self.amount))
        except ValueError as error:
            raise RecipeError(str(error)) from None
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise RecipeError("an ingredient needs a unit")


def _optional(value: float | None, bound: Bound) -> float | None:
    return None if value is None else bound.check(value, error=RecipeError)


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Tags with spaces collapsed, empty ones and case-insensitive repeats left out."""
    if isinstance(tags, str):
        raise RecipeError("tags are a list of words, not one text")
    seen: set[str] = set()
    cleaned = []
    for tag in tags:
        if not isinstance(tag, str):
            raise RecipeError(f"a tag must be text, got {quote(tag)}")
        text = " ".join(tag.split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return tuple(cleaned)


@dataclass(frozen=True, slots=True)
class Recipe:
    """A recipe as the editor holds it; ``ref`` is ``None`` until it is stored.

    ``cooked_grams`` ``None`` means the yield weighs what the ingredients weigh; ``servings``
    ``None`` means the recipe has no serving measure (it is eaten by weight). A draft may
    lack a name or ingredients; :func:`check_recipe` says whether it can be saved.
    """

    name: str
    ingredients: tuple[Ingredient, ...] = ()
    servings: float | None = None
    cooked_grams: float | None = None
    instructions: str = ""
    tags: tuple[str, ...] = ()
    ref: FoodRef | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "ingredients", tuple(self.ingredients))
        for ingredient in self.ingredients:
            if not isinstance(ingredient, Ingredient):
                raise RecipeError(f"an ingredient must be an Ingredient, got {quote(ingredient)}")
        object.__setattr__(self, "servings", _optional(self.servings, SERVINGS))
        object.__setattr__(self, "cooked_grams", _optional(self.cooked_grams, COOKED_WEIGHT))
        object.__setattr__(self, "tags", _tags(self.tags))
        if not isinstance(self.instructions, str):
            raise RecipeError("instructions must be text")
        if self.ref is not None and self.ref.source != RECIPE_SOURCE:
            raise RecipeError(f"{self.ref} is not a recipe reference (recipe:<id>)")

    # -- editing: every change returns a copy, as plans do ------------------------------

    def add_ingredient(self, ingredient: Ingredient) -> Recipe:
        return replace(self, ingredients=(*self.ingredients, ingredient))

    def replace_ingredient(self, index: int, ingredient: Ingredient) -> Recipe:
        self._check_index(index)
        items = self.ingredients
        return replace(self, ingredients=(*items[:index], ingredient, *items[index + 1:]))

    def remove_ingredient(self, index: int) -> Recipe:
        self._check_index(index)
        return replace(self, ingredients=self.ingredients[:index] + self.ingredients[index + 1:])

    def move_ingredient(self, index: int, to_index: int) -> Recipe:
        self._check_index(index)
        self._check_index(to_index)
        items = list(self.ingredients)
        items.insert(to_index, items.pop(index))
        return replace(self, ingredients=tuple(items))

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self.ingredients):
            raise RecipeError(f"no ingredient at position {index + 1}; there are "
                              f"{len(self.ingredients)}", self.name)

    @property
    def label(self) -> str:
        """How messages name the recipe: its name, or its reference for a nameless draft."""
        return self.name.strip() or (str(self.ref) if self.ref else "new recipe")

    def content(self) -> tuple[object, ...]:
        """What the recipe says, without its reference: equal content is the same recipe."""
        return (self.name, tuple((i.food, i.amount, i.unit) for i in self.ingredients),
                self.servings, self.cooked_grams, self.instructions, self.tags)


def check_recipe(recipe: Recipe) -> None:
    """Raise :class:`RecipeError` unless ``recipe`` can be saved: a name, an ingredient,
    and no ingredient that is the recipe itself."""
    if not recipe.name.strip():
        raise RecipeError("a recipe needs a name")
    if not recipe.ingredients:
        raise RecipeError("a recipe needs at least one ingredient", recipe.label)
    if len(recipe.ingredients) > RECIPE_INGREDIENTS.maximum:
        raise RecipeError(f"a recipe holds at most {RECIPE_INGREDIENTS.maximum:g} ingredients, "
                          f"this one {len(recipe.ingredients)}", recipe.label)
    for position, ingredient in enumerate(recipe.ingredients, 1):
        if recipe.ref is not None and ingredient.food == recipe.ref:
            raise RecipeError("a recipe cannot contain itself", recipe.label, position)


# --- Nutrients ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecipeNutrients:
    """What a recipe weighs and supplies, whole, per 100 g and per serving (module docstring)."""

    total_grams: float
    yield_grams: float
    servings: float | None
    #: The whole recipe's amounts (``None``: no ingredient has a value).
    totals: Mapping[str, float | None]
    per_100g: Mapping[str, float | None]
    #: ``None`` when the recipe has no servings.
    per_serving: Mapping[str, float | None] | None
    #: Foods counted for coverage (a recipe ingredient counts with its own foods).
    food_count: int
    #: Per nutrient key, how many of those foods have no value.
    unknown: Mapping[str, int] = field(default_factory=dict)

    @property
    def serving_grams(self) -> float | None:
        """Grams in one serving, or ``None`` without servings (or without weight)."""
        if self.servings is None or self.yield_grams <= 0:
            return None
        return self.yield_grams / self.servings

    @property
    def coverage(self) -> Mapping[str, float | None]:
        """Per key, the share of the foods with a value (``None`` for an empty recipe)."""
        if not self.food_count:
            return MappingProxyType(dict.fromkeys(NUTRIENT_KEYS))
        return MappingProxyType({
            key: (self.food_count - self.unknown.get(key, 0)) / self.food_count
            for key in NUTRIENT_KEYS
        })

    def is_complete(self, key: str) -> bool:
        return self.unknown.get(key, 0) == 0


def unknown_note(nutrients: RecipeNutrients, key: str) -> str | None:
    """``"2 of 6 ingredients have no vitamin D value"``, or ``None`` when all have one.

    Ingredients are counted as :attr:`RecipeNutrients.food_count` counts them.
    """
    missing = nutrients.unknown.get(key, 0)
    if not missing:
        return None
    label = BY_KEY[key].in_sentence
    verb = "has" if missing == 1 else "have"
    noun = "ingredient" if nutrients.food_count == 1 else "ingredients"
    return f"{missing} of {nutrients.food_count} {noun} {verb} no {label} value"


def _scaled(values: Mapping[str, float | None], factor: float) -> Mapping[str, float | None]:
    return MappingProxyType(
        {key: None if value is None else value * factor for key, value in values.items()}
    )


def recipe_food(recipe: Recipe, nutrients: RecipeNutrients, *,
                food_id: int | None = None) -> Food:
    """The recipe as a food: its values per 100 g and, with servings, a ``serving`` measure."""
    if recipe.ref is None:
        raise RecipeError("a recipe needs a reference to be used as a food", recipe.label)
    portions: tuple[Portion, ...] = ()
    serving = nutrients.serving_grams
    if serving is not None:
        portions = (Portion(1.0, SERVING, serving),)
    return Food(recipe.ref, recipe.name, None, nutrient_map(dict(nutrients.per_100g)),
                portions, id=food_id)



# --- Walking the recipe graph: an explicit stack, never recursion ---------------------------


def _loop_text(path: list[Recipe], refs: list[FoodRef | None], inner: FoodRef,
               rotate: bool) -> str:
    """The loop ``inner`` closes, by name: from its first place on the path, or (``rotate``)
    from the recipe whose ingredient closes it: "B -> A -> B" for B's ingredient."""
    start = refs.index(inner)
    cycle = [recipe.label for recipe in path[start:]]
    if rotate:
        cycle = [cycle[-1], *cycle[:-1]]
    names = [*cycle, cycle[0]]
    if len(names) > 6:  # a loop through 300 recipes is told by its ends
        names = [*names[:3], "…", *names[-2:]]
    return " -> ".join(clip(name, 30) if name != "…" else name for name in names)


def _depth_error(recipe: Recipe, position: int, names: list[str]) -> RecipeError:
    shown = [clip(name, 30) for name in names]
    if len(shown) > 5:
        shown = [*shown[:2], "…", *shown[-2:]]
    return RecipeError(f"recipes are nested more than {RECIPE_DEPTH.maximum:g} deep "
                       f"({' -> '.join(shown)})", recipe.label, position, ref=recipe.ref)


def _deepest_path(recipes: Mapping[FoodRef, Recipe], levels: Mapping[FoodRef, int],
                  start: Recipe) -> list[str]:
    """Names from ``start`` down its deepest line of recipes inside recipes."""
    names = [start.label]
    recipe: Recipe | None = start
    while recipe is not None:
        inner = [item.food for item in recipe.ingredients if item.food in levels]
        if not inner:
            break
        deepest = max(inner, key=lambda ref: levels[ref])
        recipe = recipes.get(deepest)
        if recipe is not None:
            names.append(recipe.label)
    return names


def _walk(
    recipes: Mapping[FoodRef, Recipe],
    roots: Iterable[Recipe],
    *,
    skip: Container[FoodRef] = (),
    levels: dict[FoodRef, int] | None = None,
    leaves: dict[tuple[FoodRef, str], Ingredient] | None = None,
    rotate: bool = False,
) -> list[FoodRef]:
    """The recipes of ``recipes`` inside ``roots`` (and the roots that are in ``recipes``),
    each after every recipe inside it, each once; recipes in ``skip`` are not entered.

    An explicit stack, so a chain of any depth costs no Python frames; every edge is
    followed once, so the cost is linear in the size of the recipe graph. Raises
    :class:`RecipeError` naming the recipe and ingredient where a loop closes or the
    nesting passes :data:`~planner.core.bounds.RECIPE_DEPTH`. ``levels`` (filled in)
    holds how deep each recipe walked is (foods only: 1); a skipped recipe must be in
    it. ``leaves`` (filled in) gets every ingredient that is no recipe of ``recipes``,
    by (food, unit), first occurrence first, in the order a recursive expansion would
    meet them.
    """
    walk = _Walk(recipes, skip, {} if levels is None else levels, leaves, rotate)
    for root in roots:
        ref = root.ref
        if ref is not None and ref in walk.done and recipes.get(ref) is root:
            continue
        walk.from_root(root)
    return walk.order


@dataclass(slots=True)
class _Frame:
    """One recipe on the walk's path: where in its ingredients the walk is, and the
    deepest recipe ingredient met so far (its level and position)."""

    recipe: Recipe
    ref: FoodRef | None
    position: int = 0
    below: int = 0
    below_at: int = 0


class _Walk:
    """The state of :func:`_walk` over several roots (what is done, in which order)."""

    def __init__(self, recipes: Mapping[FoodRef, Recipe], skip: Container[FoodRef],
                 levels: dict[FoodRef, int],
                 leaves: dict[tuple[FoodRef, str], Ingredient] | None, rotate: bool) -> None:
        self.recipes = recipes
        self.skip = skip
        self.levels = levels
        self.leaves = leaves
        self.rotate = rotate
        self.limit = int(RECIPE_DEPTH.maximum)
        self.order: list[FoodRef] = []
        self.done: set[FoodRef] = set()

    def from_root(self, root: Recipe) -> None:
        frames = [_Frame(root, root.ref)]
        on_path: set[FoodRef] = {root.ref} if root.ref is not None else set()
        while frames:
            frame = frames[-1]
            if frame.position == len(frame.recipe.ingredients):
                frames.pop()
                self._finish(frame, frames, on_path)
                continue
            frame.position += 1
            inner = self._enter(frame, frames, on_path)
            if inner is not None and inner.ref is not None:
                frames.append(inner)
                on_path.add(inner.ref)

    def _finish(self, frame: _Frame, frames: list[_Frame], on_path: set[FoodRef]) -> None:
        """All of ``frame``'s ingredients are walked: the recipe is done, one level deeper
        than its deepest ingredient."""
        level = frame.below + 1
        if level > self.limit:
            raise _depth_error(frame.recipe, frame.below_at,
                               _deepest_path(self.recipes, self.levels, frame.recipe))
        ref = frame.ref
        if ref is not None:
            on_path.discard(ref)
            if self.recipes.get(ref) is frame.recipe:
                self.done.add(ref)
                self.order.append(ref)
                self.levels[ref] = level
        if frames:
            self._deeper(frames[-1], level)

    @staticmethod
    def _deeper(frame: _Frame, level: int) -> None:
        """The ingredient just walked (at ``frame.position``) is ``level`` deep."""
        if level > frame.below:
            frame.below, frame.below_at = level, frame.position

    def _enter(self, frame: _Frame, frames: list[_Frame],
               on_path: set[FoodRef]) -> _Frame | None:
        """The frame of the ingredient just passed, if it is a recipe to walk into."""
        recipe = frame.recipe
        number = frame.position
        ingredient = recipe.ingredients[number - 1]
        inner_ref = ingredient.food
        inner = self.recipes.get(inner_ref)
        if inner is None:
            if self.leaves is not None:
                self.leaves.setdefault((inner_ref, normalize_unit(ingredient.unit)), ingredient)
            return None
        if inner_ref in on_path:
            path = [item.recipe for item in frames]
            refs = [item.ref for item in frames]
            loop = _loop_text(path, refs, inner_ref, self.rotate)
            raise RecipeError(f"contains itself: {loop}", recipe.label, number, ref=recipe.ref)
        if inner_ref in self.done or inner_ref in self.skip:
            self._deeper(frame, self.levels.get(inner_ref, 1))
            return None
        if len(frames) >= self.limit:
            names = [item.recipe.label for item in frames] + [inner.label]
            raise _depth_error(recipe, number, names)
        return _Frame(inner, inner_ref)


#: Where water is in a nutrient row (the one value cooking changes).
_WATER: Final = NUTRIENT_KEYS.index("water_g")


class RecipeBook:
    """Recipes and foods to compute with: ``recipes`` by reference, ``foods`` by reference.

    An ingredient whose reference is in ``recipes`` is computed from that recipe's
    ingredients (each recipe of the book once, however many recipes share it); any other
    is looked up in ``foods``, so a stored recipe not in ``recipes`` counts as one food
    with its stored values. Nothing recurses: the recipes inside one are put in order
    first (:func:`_walk`), so depth costs no stack and shared sub-recipes no repetition.
    """

    def __init__(self, recipes: Mapping[FoodRef, Recipe], foods: Mapping[FoodRef, Food]) -> None:
        # Each recipe carries the reference it is filed under, so that it is found again.
        self._recipes: dict[FoodRef, Recipe] = {
            ref: recipe if recipe.ref == ref else replace(recipe, ref=ref)
            for ref, recipe in recipes.items()
        }
        self.recipes: Mapping[FoodRef, Recipe] = MappingProxyType(self._recipes)
        self.foods = foods
        self._nutrients: dict[FoodRef, RecipeNutrients] = {}
        self._foods: dict[FoodRef, Food] = {}
        #: How deep each recipe walked so far is (see :func:`_walk`).
        self._levels: dict[FoodRef, int] = {}

    def add(self, recipe: Recipe) -> Recipe:
        """File ``recipe`` under its reference, e.g. one just stored; returns the book's.

        A reference the book holds already keeps its recipe (it must say the same): what
        was computed with it stays true.
        """
        if recipe.ref is None:
            raise RecipeError("a recipe needs a reference to be filed", recipe.label)
        held = self._recipes.get(recipe.ref)
        if held is not None:
            if held.content() != recipe.content():
                raise RecipeError(f"{recipe.ref} is another recipe in this book", recipe.label)
            return held
        self._recipes[recipe.ref] = recipe
        return recipe

    def food(self, ref: FoodRef) -> Food | None:
        """The food at ``ref``: a recipe of the book as a food, else ``foods[ref]``."""
        recipe = self._recipes.get(ref)
        if recipe is None:
            return self.foods.get(ref)
        self.nutrients(recipe)
        return self._recipe_food(ref)

    def nutrients(self, recipe: Recipe) -> RecipeNutrients:
        """The nutrients of ``recipe`` (a draft, or one of the book).

        A recipe of the book is computed once; a draft (not the book's value) every time,
        after checking that no recipe inside it contains it.
        """
        ref = recipe.ref
        if ref is not None and self._recipes.get(ref) is recipe:
            found = self._nutrients.get(ref)
            if found is None:
                # What is computed was checked: no loop can pass through it.
                self._compute_all(_walk(self._recipes, (recipe,), skip=self._nutrients,
                                        levels=self._levels))
                found = self._nutrients[ref]
            return found
        # A draft with a reference may be an edit that puts a recipe containing it inside
        # it: every recipe inside is walked. Without a reference nothing can contain it.
        skip: Container[FoodRef] = self._nutrients if ref is None else ()
        self._compute_all(_walk(self._recipes, (recipe,), skip=skip, levels=self._levels))
        return self._compute(recipe)

    def _compute_all(self, order: Iterable[FoodRef]) -> None:
        for ref in order:
            if ref not in self._nutrients:
                self._nutrients[ref] = self._compute(self._recipes[ref])

    def _recipe_food(self, ref: FoodRef) -> Food:
        """A computed recipe of the book as a food."""
        food = self._foods.get(ref)
        if food is None:
            stored = self.foods.get(ref)
            food = self._foods[ref] = recipe_food(
                self._recipes[ref], self._nutrients[ref],
                food_id=None if stored is None else stored.id,
            )
        return food

    def _weigh(self, recipe: Recipe, position: int,
               ingredient: Ingredient) -> tuple[Food, float]:
        """The food of an ingredient and its grams; a recipe of the book is computed."""
        if recipe.ref is not None and ingredient.food == recipe.ref:
            raise RecipeError(f"contains itself: {recipe.label} -> {recipe.label}",
                              recipe.label, position, ref=recipe.ref)
        if ingredient.food in self._recipes:
            food: Food | None = self._recipe_food(ingredient.food)
        else:
            food = self.foods.get(ingredient.food)
        if food is None:
            raise RecipeError(f"unknown food {ingredient.food}; it is not in the food database",
                              recipe.label, position, ref=recipe.ref)
        try:
            return food, grams_for(food, ingredient.amount, ingredient.unit)
        except ValueError as error:
            raise RecipeError(str(error), recipe.label, position, ref=recipe.ref) from None

    def _compute(self, recipe: Recipe) -> RecipeNutrients:
        """Nutrients of ``recipe``, whose recipe ingredients of the book are computed."""
        width = len(NUTRIENT_KEYS)
        sums = [0.0] * width
        known = [False] * width
        unknown = [0] * width
        total_grams = 0.0
        food_count = 0
        for position, ingredient in enumerate(recipe.ingredients, 1):
            food, grams = self._weigh(recipe, position, ingredient)
            total_grams += grams
            # A recipe ingredient's coverage carries through.
            inner = self._nutrients.get(ingredient.food)
            count = inner.food_count if inner is not None and inner.food_count else 1
            food_count += count
            for index, key in enumerate(NUTRIENT_KEYS):
                value = food.nutrients.get(key)
                if value is None:
                    unknown[index] += count
                    continue
                sums[index] += scaled(value, grams)
                known[index] = True
                if inner is not None:
                    unknown[index] += inner.unknown.get(key, 0)
        yield_grams = recipe.cooked_grams if recipe.cooked_grams is not None else total_grams
        if known[_WATER]:
            # What cooking changes is water: the grams lost in the pan (or taken up, as
            # pasta does) come off (or onto) the water, as USDA's recipe calculation does.
            sums[_WATER] = max(0.0, sums[_WATER] + yield_grams - total_grams)
        totals = MappingProxyType({
            key: sums[index] if known[index] else None for index, key in enumerate(NUTRIENT_KEYS)
        })
        per_100g = (_scaled(totals, 100.0 / yield_grams) if yield_grams > 0
                    else MappingProxyType(dict.fromkeys(NUTRIENT_KEYS)))
        _check_density(recipe, per_100g)
        per_serving = (_scaled(totals, 1.0 / recipe.servings) if recipe.servings is not None
                       else None)
        return RecipeNutrients(
            total_grams, yield_grams, recipe.servings, totals, per_100g, per_serving,
            food_count,
            MappingProxyType({key: unknown[i] for i, key in enumerate(NUTRIENT_KEYS)
                              if unknown[i]}),
        )

    def expand(self, grams: float, recipe: Recipe) -> list[tuple[Ingredient, float]]:
        """``grams`` of ``recipe`` as the foods it is made of, with their grams.

        Each ingredient's grams are scaled by ``grams / yield_grams``; an ingredient that is a
        recipe of the book is expanded in turn. A food met more than once in the same unit
        is listed once, as first written, with the grams of all its occurrences.
        """
        return self.expand_all(((recipe, grams),))

    def expand_all(
        self, amounts: Iterable[tuple[Recipe, float]]
    ) -> list[tuple[Ingredient, float]]:
        """Several amounts of recipes as the foods they are made of, summed (see
        :meth:`expand`). Linear in the recipe graph: the grams asked of each recipe of the
        book are summed first, then passed to its ingredients once, outer recipes first.
        """
        drafts: list[tuple[Recipe, float]] = []
        demand: dict[FoodRef, float] = {}
        roots: list[Recipe] = []
        for recipe, grams in amounts:
            roots.append(recipe)
            ref = recipe.ref
            if ref is not None and self._recipes.get(ref) is recipe:
                demand[ref] = demand.get(ref, 0.0) + grams
            else:
                drafts.append((recipe, grams))
        leaves: dict[tuple[FoodRef, str], Ingredient] = {}
        order = _walk(self._recipes, roots, levels=self._levels, leaves=leaves)
        self._compute_all(order)
        found: dict[tuple[FoodRef, str], float] = {}
        for recipe, grams in drafts:
            self._spread(recipe, grams, demand, found)
        for ref in reversed(order):  # containers before what they contain
            grams = demand.pop(ref, 0.0)
            if grams:
                self._spread(self._recipes[ref], grams, demand, found)
        return [(ingredient, found[key]) for key, ingredient in leaves.items() if key in found]

    def _spread(self, recipe: Recipe, grams: float, demand: dict[FoodRef, float],
                found: dict[tuple[FoodRef, str], float]) -> None:
        """Pass ``grams`` of ``recipe`` on to its ingredients: recipes to ``demand``, foods
        to ``found``."""
        nutrients = self.nutrients(recipe)
        if nutrients.yield_grams <= 0:
            return
        scale = grams / nutrients.yield_grams
        for position, ingredient in enumerate(recipe.ingredients, 1):
            _food, weight = self._weigh(recipe, position, ingredient)
            if ingredient.food in self._recipes:
                demand[ingredient.food] = demand.get(ingredient.food, 0.0) + weight * scale
            else:
                key = (ingredient.food, normalize_unit(ingredient.unit))
                found[key] = found.get(key, 0.0) + weight * scale


def _check_density(recipe: Recipe, per_100g: Mapping[str, float | None]) -> None:
    """Refuse a recipe whose cooked weight is too small for what goes in: no food holds
    more than 100 g of a nutrient per 100 g (a cooked weight of 1e-6 g would make 100 g
    of spinach 7.9 billion mg of magnesium)."""
    for key, value in per_100g.items():
        # A weighted average of ingredient values may pass the limit by a rounding error.
        if value is not None and value > nutrient_limit(key) * (1 + 1e-9):
            nutrient = BY_KEY[key]
            weight = (f"a cooked weight of {recipe.cooked_grams:g} g"
                      if recipe.cooked_grams is not None else "its weight")
            amount = f"{value:,.0f}" if value >= 1000 else f"{value:,.1f}"
            raise RecipeError(
                f"{weight} is too small for its ingredients: 100 g would hold "
                f"{amount} {nutrient.unit} of {nutrient.label.lower()}, more than any "
                f"food can", recipe.label, ref=recipe.ref)


def recipe_nutrients(
    recipe: Recipe,
    foods: Mapping[FoodRef, Food],
    recipes: Mapping[FoodRef, Recipe] | None = None,
) -> RecipeNutrients:
    """The nutrients of ``recipe`` from its ingredients (see the module docstring).

    ``foods`` holds the ingredient foods; ``recipes`` the recipes used as ingredients, to
    compute them from their own ingredients (else their food in ``foods`` is used).
    Raises :class:`RecipeError` for an unknown food, a unit the food lacks, or a cycle.
    """
    return RecipeBook(recipes or {}, foods).nutrients(recipe)


def expand_ingredients(
    grams: float,
    recipe: Recipe,
    foods: Mapping[FoodRef, Food],
    recipes: Mapping[FoodRef, Recipe] | None = None,
) -> list[tuple[Ingredient, float]]:
    """``grams`` of ``recipe`` as (ingredient, grams) pairs of foods, recipes expanded."""
    return RecipeBook(recipes or {}, foods).expand(grams, recipe)


def expand(
    grams: float,
    recipe: Recipe,
    foods: Mapping[FoodRef, Food],
    recipes: Mapping[FoodRef, Recipe] | None = None,
) -> list[tuple[FoodRef, float]]:
    """``grams`` of ``recipe`` as (food, grams) pairs, scaled by grams / yield, recipes
    inside expanded too (a food met twice in one unit is listed once, summed)."""
    return [(ingredient.food, weight)
            for ingredient, weight in expand_ingredients(grams, recipe, foods, recipes)]


def dependency_order(recipes: Mapping[FoodRef, Recipe]) -> list[FoodRef]:
    """The references of ``recipes``, each after the recipes of ``recipes`` it contains.

    Raises :class:`RecipeError` naming the recipe, the ingredient and the loop when a
    recipe contains itself (directly or through others), or when recipes nest deeper
    than :data:`~planner.core.bounds.RECIPE_DEPTH`; ``error.ref`` is that recipe.
    Iterative: a chain of any length is no deeper for Python than one recipe.
    """
    filed = {ref: recipe if recipe.ref == ref else replace(recipe, ref=ref)
             for ref, recipe in recipes.items()}
    return _walk(filed, filed.values(), rotate=True)


def check_no_cycles(recipes: Mapping[FoodRef, Recipe]) -> None:
    """Raise :class:`RecipeError` naming the recipe and the loop if one contains itself."""
    dependency_order(recipes)
