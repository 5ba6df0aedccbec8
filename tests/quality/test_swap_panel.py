"""Swap quality panel: the magnesium-rich swaps a dietitian would accept for everyday foods.

Every record of :data:`PANEL` is one common food (grains, breads, breakfast cereals,
snacks, drinks, fruit, dairy, meat, fish, vegetables) in a typical portion, by USDA SR28
NDB number and grams, with a dietitian's judgement of what may replace it to raise
magnesium:

* ``acceptable``: regular expressions (case-insensitive, searched in the swap's food
  name). A swap is *acceptable* when its name matches one of them, matches none of the
  entry's ``reject`` patterns, and breaks none of the hard rules below. The lists name
  foods of the same role in the meal (a drink for a drink, a snack for a snack, a grain
  side for a grain side, a protein main for a protein main) that really bring more
  magnesium. Lateral swaps within the same kind of food, about as poor in magnesium
  (another cookie, another fruit juice, lower-fat milk, turkey for chicken, a pear for an
  apple), are left out: they are not what the swap is for. A food missing from a list is
  one the dietitian would not suggest there.
* ``obvious``: the swap a dietitian would name first (brown rice for white rice,
  whole-wheat bread for white bread, nuts, seeds or popcorn for chips, milk, soy milk or
  mineral water for cola, a magnesium-richer everyday fruit for an apple). One of these
  must be among the first three swaps. High-oxalate and high-phytate foods (spinach,
  chard, rhubarb, bran) are left out of ``obvious`` where an everyday alternative is the
  dietitian's first choice: the engine should rank them by what the body absorbs.
* portions: no swap weighs more than ``portion_max_grams`` (2.5 times the entry unless
  said otherwise) or less than ``portion_min_grams``; a drink is replaced by a similar
  volume (0.5 to 1.5 times its grams); and no swap is more than about two household
  servings of the candidate itself (:data:`HOUSEHOLD_SERVINGS` times its largest
  serving measure in ``data/foods/portions.csv``, counted as one whole unit at least and
  an ounce at least; packages, heads and loaves are no serving).

The tests, each parametrized by the food's short id: at least 4 of the top 5 swaps are
acceptable (:func:`test_top_swaps_are_acceptable`), an obvious swap is in the top 3
(:func:`test_obvious_swap_comes_first`), no swap breaks a hard rule
(:func:`test_no_excluded_kinds_of_food`), every swap is a portion a person would serve
(:func:`test_portions_a_person_would_serve`). The panel states the goals of the swap
engine: a failing test is a swap the engine still gets wrong.

Hard rules, for every swap of every entry: no baby food (USDA group 0300), fast food
(2100), American Indian/Alaska Native food (3500) or restaurant food (3600, or
"restaurant"/"fast food" in the name); no powder or dry mix ("powder", "dry mix", "from
powder"); no energy drink; no brand (a word of three or more capital letters, such as
"KELLOGG'S") -- each unless the entry itself is one. Mineral water and kefir exist in
SR28 only under a brand and are treated as the plain foods they are.

How a dietitian reads it: run the panel with ``-s``; :func:`test_panel_summary` prints
each food's top five (amount, grams, food, USDA group, ``S`` for a food of the national
dietary survey, i.e. an everyday food, magnesium gained) with ``ok`` or the reason a swap
is not acceptable, and the share of acceptable swaps over the whole panel (at least
80 %). A failing test lists the same top five. Where a judgement looks wrong, change the
panel entry, not the assertion.

The swaps come from ``services.swaps.suggest`` over the session's loaded SQLite file
(``tests/conftest.py``), opened read-only once for this module, so the swap index is
built once.

Adding a food:

1. Find it in ``data/foods/foods.csv`` (``ndb``, ``name``, ``group``, ``magnesium_mg``);
   prefer a survey food (``Survey`` 'Y' in ``../shared/data/usda/FOOD_DES.txt.gz``,
   ``^``-separated, ``~`` around text), plainly prepared, without brand. Take a typical
   portion in grams from ``data/foods/portions.csv`` (1 cup, 1 slice, 1 oz, 1 medium).
2. Add a :class:`PanelFood`: a short readable ``id`` (the test id), ``ndb``, ``grams``,
   ``name`` (the start of the SR28 name, to catch a mistyped number), ``acceptable``
   and ``obvious`` patterns (reuse the shared tuples below), ``drink=True``
   for a drink, and ``reject`` for forms a name pattern would otherwise let through
   (fruit in syrup, fried fish). Use ``min_swaps`` (at least 2) only when SR28 rightly
   holds fewer than five good swaps: then every swap shown must be acceptable.
3. Run ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest
   tests/quality/test_swap_panel.py -p no:xdist -q``; :func:`test_panel_is_real` checks
   that the numbers, names and grams are right and that SR28 holds enough acceptable
   candidates (and an obvious one) for the goals to be reachable.
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from planner.app import Services, build_services
from planner.core.foods import Food, FoodRef
from planner.core.swaps import Swap
from planner.db.engine import make_engine, make_session_factory
from planner.db.foods import FoodRepository
from planner.services.database import Database
from planner.services.settings import SettingsService
from planner.services.swaps import SwapSuggestions
from planner.settings import Settings

USDA = "usda-sr28"
#: Swaps judged per food; at least MIN_ACCEPTABLE of them must be acceptable.
TOP = 5
MIN_ACCEPTABLE = 4
#: The obvious swap must be among the first OBVIOUS_WITHIN.
OBVIOUS_WITHIN = 3
#: Share of acceptable swaps among the panel's top fives (empty places count as misses).
PANEL_SHARE = 0.80
#: Default heaviest swap, as a multiple of the entry's grams.
MAX_WEIGHT_RATIO = 2.5
#: A drink is replaced by about the same volume: this band of its grams.
DRINK_BAND = (0.5, 1.5)
#: "At most about two household servings" of the candidate's largest serving measure.
HOUSEHOLD_SERVINGS = 2.5
#: A serving is at least an ounce: a food measured only by the piece (a cracker, a candy)
#: is still served by the handful.
SERVING_FLOOR_GRAMS = 28.35

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("PLANNER_SHARED_DIR", ROOT.parent / "shared"))
FOOD_DES = SHARED / "data" / "usda" / "FOOD_DES.txt.gz"

# ----------------------------------------------------------------------------------------
# Hard rules

#: USDA food groups never suggested unless the entry is one of them.
EXCLUDED_GROUPS = {
    "0300": "baby food",
    "2100": "fast food",
    "3500": "American Indian/Alaska Native food",
    "3600": "restaurant food",
}
RESTAURANT_RE = re.compile(r"restaurant|fast[- ]food", re.IGNORECASE)
POWDER_RE = re.compile(r"powder|dry mix|from powder", re.IGNORECASE)
ENERGY_DRINK_RE = re.compile(r"energy (drink|juice|shot)|cran-energy|red bull", re.IGNORECASE)
#: An upper-case word of three or more letters: a brand ("KELLOGG'S", "PEPPERIDGE").
BRAND_WORD_RE = re.compile(r"\b[A-Z][A-Z'&]{2,}\b")
#: Upper-case words in SR28 names that are no brand.
NOT_BRANDS = frozenset({"USDA", "NFS", "BBQ", "DHA", "ARA"})
#: Plain foods SR28 holds only under a brand (Gerolsteiner mineral water, Lifeway kefir).
BRAND_EXCEPTIONS_RE = re.compile(r"mineral (bottled )?water|\bkefir\b", re.IGNORECASE)
#: Measures that are no single serving (a whole package, head or loaf).
NOT_A_SERVING_RE = re.compile(
    r"\b(package|pkg|bag|box|loaf|jar|head|bunch|recipe|yield|yields|batch|lbs?|pounds?"
    r"|pint|quart|gallon)\b",
    re.IGNORECASE,
)

# ----------------------------------------------------------------------------------------
# Shared judgements (regular expressions over SR28 names, searched case-insensitively)

WHOLE_GRAIN_SIDES = (
    r"^Rice, brown\b.*cooked",
    r"^Wild rice, cooked",
    r"^Quinoa, cooked",
    r"^Bulgur, cooked",
    r"^Barley\b.*cooked",
    r"^Buckwheat groats\b.*cooked",
    r"^Millet, cooked",
    r"^Amaranth grain, cooked",
    r"^Teff, cooked",
    r"^Spelt, cooked",
    r"khorasan, cooked",
    r"^Pasta, whole\b.*cooked",
    r"^(Spaghetti|Pasta)\b.*spinach.*cooked",
)
WHOLE_WHEAT_PASTA = (r"^Pasta, whole\b.*cooked",)

WHOLE_GRAIN_BREADS = (
    r"^Bread, (whole-wheat|multi-grain|mixed-grain|wheat|cracked-wheat|rye|pumpernickel"
    r"|oatmeal|oat bran|protein|rice bran|boston brown|seven-grain)",
    r"^Bread, reduced-calorie, (wheat|oat bran)",
    r"^Bread, .*whole[- ](wheat|grain)",
    r"^Bread, pita, whole-wheat",
    r"^Rolls, .*whole[- ]wheat",
    r"^English muffins, (whole-wheat|mixed-grain|wheat)",
    r"^Bagels, (wheat|multigrain|oat bran|whole grain)",
)

WHOLE_GRAIN_CRACKERS = (
    r"^Crackers, whole-wheat",
    r"^Crackers, saltines, whole wheat",
    r"^Crackers, (wheat|multi-?grain), regular",
    r"^Crackers, (crispbread, )?rye(?!.*sandwich)",
    r"^Crackers, matzo, whole-wheat",
    r"^Crackers, melba toast, (wheat|rye)",
    r"rice cakes?, brown rice|rice cracker brown rice|^Rice crackers|^Rice cake, cracker",
    r"^Snacks, popcorn, cakes",
)
NUTS_AND_SEEDS = (
    r"^Nuts, (almonds|cashew nuts|mixed nuts|pistachio nuts|walnuts|pecans|hazelnuts"
    r"|brazilnuts|macadamia nuts|pine nuts)",
    r"^Peanuts, (all types|spanish|valencia|virginia)",
    r"^Seeds, (pumpkin and squash seed kernels|sunflower seed kernels)",
    r"^Snacks, trail mix",
    r"^Soybeans, mature seeds, (dry )?roasted",
)
POPCORN = (r"^(Snacks, )?popcorn, (?!caramel)",)
SALTY_SNACK_SWAPS = (*NUTS_AND_SEEDS, *POPCORN, *WHOLE_GRAIN_CRACKERS, r"brown rice chips")
SNACK_OBVIOUS = (
    r"^Nuts, (almonds|cashew nuts|mixed nuts|pistachio nuts)",
    r"^Peanuts, ",
    r"^Seeds, (pumpkin and squash seed kernels|sunflower seed kernels)",
    *POPCORN,
)

#: Whole-grain or bran breakfast cereals (dry, eaten by the bowl; wheat germ and plain
#: wheat bran are toppings, not a bowl of cereal).
WHOLE_GRAIN_CEREALS = (
    r"bran flakes",
    r"all-bran|bran buds|raisin bran|fiber 7",
    r"shredded wheat|mini-wheats|mini spooners",
    r"cheerios|tasteeos|toasty o's",
    r"wheat chex|wheaties|whole grain total|grape-nuts",
    r"\blife\b|oatmeal squares|oat bran|oatmeal crisp",
    r"granola|muesli|mueslix|familia",
    r"kashi",
    r"wheat, puffed|puffed wheat|millet, puffed",
    r"multigrain (crisps|oatmeal)|uncle sam",
    r"^Cereals, oats, (regular|instant, fortified, plain)",
    r"whole wheat (hot )?natural cereal|wheatena",
    r"rice krispies, gluten free",
)
#: Breakfast cereals only (not bars, breads or entrees of a cereal brand; not raw bran).
CEREAL_REJECT = (r"^(?!Cereals\b|Millet, puffed)",)
#: A bowl of cooked oatmeal (1 cup, 234 g) may replace a bowl of ready-to-eat cereal; the
#: household bound keeps ready-to-eat swaps to about two of their own servings.
CEREAL_BOWL_MAX_GRAMS = 250.0
CEREAL_OBVIOUS = (
    r"bran flakes",
    r"shredded wheat|mini-wheats",
    r"cheerios|tasteeos|toasty o's|wheat chex|wheaties|whole grain total",
    r"muesli|mueslix|familia|granola",
    r"^Cereals, oats, (regular|instant, fortified, plain)",
    r"puffed wheat|wheat, puffed|millet, puffed",
)

PLAIN_MILKS = (r"^Milk, (whole|reduced fat|lowfat|nonfat|fluid, (1%|nonfat))", r"^Milk, goat")
LOWER_FAT_MILKS = (r"^Milk, (reduced fat|lowfat|nonfat|fluid, (1%|nonfat))",)
SOY_MILK = (r"^Soymilk(?!, chocolate)",)
PLANT_MILKS = (*SOY_MILK, r"almond milk, unsweetened")
MINERAL_WATER = (r"mineral (bottled )?water",)
KEFIR = (r"^Kefir, lowfat, plain",)
VEGETABLE_JUICE = (r"^(Vegetable juice|Tomato juice|Carrot juice)",)
COCONUT_WATER = (r"coconut water",)
TEA_COFFEE = (r"^Beverages, (tea, (black|green|herb)\b.*brewed|coffee, brewed)",)
#: A sugar-free (or milk) drink instead of a soft drink; not juice, not energy drinks.
SOFT_DRINK_SWAPS = (
    *PLAIN_MILKS, *PLANT_MILKS, *MINERAL_WATER, *KEFIR, *VEGETABLE_JUICE, *COCONUT_WATER,
    *TEA_COFFEE,
)
SOFT_DRINK_OBVIOUS = (*LOWER_FAT_MILKS, *SOY_MILK, *MINERAL_WATER)

FRUITS = (
    r"^(Bananas|Kiwifruit|Blackberries|Raspberries|Strawberries|Boysenberries|Mulberries"
    r"|Papayas|Guavas|Oranges|Tangerines|Mangos|Pineapple|Cherries|Pomegranates"
    r"|Passion-fruit|Kumquats|Figs|Dates|Raisins|Prunes|Plums, dried|Apricots, dried)\b",
    r"^Melons, (cantaloupe|honeydew)",
    r"^Watermelon, raw",
)
FRUIT_OBVIOUS = (
    r"^Bananas, raw",
    r"^Kiwifruit",
    r"^(Blackberries|Raspberries), raw",
    r"^Oranges, raw",
    r"^Papayas, raw",
    r"^Guavas, common, raw",
    r"^Figs, (raw|dried)",
)
#: Fresh, frozen unsweetened or dried fruit only.
FRUIT_REJECT = (
    r"syrup|\bsweetened|juice|nectar|pie filling|candied|dehydrated|canned|cooked|stewed"
    r"|with peel",
)

SALAD_GREENS = (
    r"^Lettuce, (cos or romaine|green leaf|red leaf|butterhead)",
    r"^Spinach, raw",
    r"^Arugula, raw",
    r"^Kale, (scotch, )?raw",
    r"^Chard, swiss, raw",
    r"^(Watercress|Cress, garden), raw",
    r"^Beet greens, raw",
    r"^Cabbage, (chinese \([a-z-]+\), |red, |savoy, )?raw",
    r"^(Endive|Escarole|Radicchio|Chicory greens|Dandelion greens|Mustard greens|Collards"
    r"|Turnip greens), raw",
)
SALAD_OBVIOUS = (
    r"^Lettuce, (cos or romaine|green leaf|red leaf)",
    r"^Spinach, raw",
    r"^Arugula, raw",
    r"^Kale, (scotch, )?raw",
)

#: A fish main: any cooked, canned or smoked fish but roe, caviar and anchovies.
FISH = (r"^Fish, (?!caviar|anchovy|.*\broe\b|fish sticks).*\b(cooked|canned|smoked)",)
SHELLFISH = (
    r"^(Crustaceans|Mollusks), (shrimp|crab|crayfish|lobster|mussel|clam|scallop|oyster"
    r"|octopus|squid)\b"
    r".*(cooked|canned)",
)
PLANT_PROTEINS = (
    r"^Tofu(?!.*(fried|dried-frozen|fermented))",
    r"^Tempeh",
    r"^(Beans, (black|kidney|pinto|navy|great northern|white|cranberry|adzuki)|Lentils"
    r"|Chickpeas|Peas, split|Soybeans, green|Edamame)\b.*(cooked|boiled|prepared|canned)",
    r"^Veggie burgers",
)
#: A cooked main: not raw (tofu is eaten as it is), fried, breaded, dried or salted, not
#: skin, offal, deli meat, bean sprouts or the liquid of a can.
PROTEIN_REJECT = (
    r"^(?!Tofu).*\braw\b|(?<!soyburgers, )unprepared|breaded|fried|dried|\bsalted\b"
    r"|imitation|\bskin\b|baked, canned|liquid|sprouted|yogurt|liver|giblets|prepackaged"
    r"|luncheon|\bdeli\b|sausage|bacon|frankfurter|salami|bologna|pastrami",
)

# ----------------------------------------------------------------------------------------
# The panel


@dataclass(frozen=True, slots=True)
class PanelFood:
    """One everyday food in a typical portion and the swaps a dietitian would accept."""

    #: Readable test id.
    id: str
    ndb: str
    grams: float
    #: Start of the SR28 name, to catch a mistyped number.
    name: str
    acceptable: tuple[str, ...]
    obvious: tuple[str, ...]
    #: Names that are not acceptable even when a pattern of ``acceptable`` matches.
    reject: tuple[str, ...] = ()
    drink: bool = False
    portion_max_grams: float | None = None
    portion_min_grams: float | None = None
    #: Good swaps SR28 holds, when rightly fewer than five (then all shown must be good).
    min_swaps: int = TOP

    def max_grams(self) -> float:
        if self.drink:
            return self.grams * DRINK_BAND[1]
        if self.portion_max_grams is not None:
            return self.portion_max_grams
        return self.grams * MAX_WEIGHT_RATIO

    def min_grams(self) -> float:
        if self.drink:
            return self.grams * DRINK_BAND[0]
        return self.portion_min_grams or 0.0


PANEL: tuple[PanelFood, ...] = (
    # Grains and breads
    PanelFood(
        "white-rice", "20045", 158, "Rice, white, long-grain, regular, enriched, cooked",
        acceptable=WHOLE_GRAIN_SIDES,
        obvious=(r"^Rice, brown\b.*cooked", r"^Wild rice, cooked"),
    ),
    PanelFood(
        "white-pasta", "20121", 140, "Pasta, cooked, enriched",
        acceptable=WHOLE_GRAIN_SIDES,
        obvious=WHOLE_WHEAT_PASTA,
    ),
    PanelFood(
        "white-bread", "18069", 56, "Bread, white, commercially prepared",
        acceptable=WHOLE_GRAIN_BREADS,
        obvious=(r"^Bread, whole-wheat", r"^Bread, multi-grain"),
    ),
    PanelFood(
        "bagel", "18001", 105, "Bagels, plain, enriched",
        acceptable=WHOLE_GRAIN_BREADS,
        obvious=(
            r"^Bagels, (wheat|multigrain|oat bran)",
            r"^English muffins, whole-wheat",
            r"^Bread, whole-wheat",
        ),
    ),
    # Breakfast cereals (the entries are branded, so branded cereals may replace them)
    PanelFood(
        "corn-flakes", "08020", 28, "Cereals ready-to-eat, KELLOGG, KELLOGG'S Corn Flakes",
        acceptable=WHOLE_GRAIN_CEREALS,
        obvious=CEREAL_OBVIOUS,
        reject=CEREAL_REJECT,
        portion_max_grams=CEREAL_BOWL_MAX_GRAMS,
    ),
    PanelFood(
        "puffed-rice-cereal", "08065", 29, "Cereals ready-to-eat, KELLOGG, KELLOGG'S RICE",
        acceptable=WHOLE_GRAIN_CEREALS,
        obvious=CEREAL_OBVIOUS,
        reject=CEREAL_REJECT,
        portion_max_grams=CEREAL_BOWL_MAX_GRAMS,
    ),
    PanelFood(
        "sugary-cereal", "08030", 29, "Cereals ready-to-eat, KELLOGG, KELLOGG'S FROOT LOOPS",
        acceptable=WHOLE_GRAIN_CEREALS,
        obvious=CEREAL_OBVIOUS,
        reject=CEREAL_REJECT,
        portion_max_grams=CEREAL_BOWL_MAX_GRAMS,
    ),
    # Snacks and sweets
    PanelFood(
        "potato-chips", "19411", 28, "Snacks, potato chips, plain, salted",
        acceptable=SALTY_SNACK_SWAPS,
        obvious=SNACK_OBVIOUS,
    ),
    PanelFood(
        "pretzels", "19047", 28, "Snacks, pretzels, hard, plain, salted",
        acceptable=(*SALTY_SNACK_SWAPS, r"pretzels, .*whole-wheat"),
        obvious=(*SNACK_OBVIOUS, r"pretzels, .*whole-wheat"),
    ),
    PanelFood(
        "saltines", "18228", 15, "Crackers, saltines",
        acceptable=SALTY_SNACK_SWAPS,
        obvious=(
            r"^Crackers, whole-wheat",
            r"^Crackers, saltines, whole wheat",
            r"^Crackers, (crispbread, )?rye",
        ),
    ),
    PanelFood(
        "chocolate-chip-cookies", "18159", 26, "Cookies, chocolate chip, commercially",
        acceptable=(
            r"chocolate, dark|dark chocolate",
            *NUTS_AND_SEEDS,
            r"^Snacks, granola bars?\b",
            r"^Muffins, (oat bran|bran|whole)",
            r"^(Bananas, raw|Dates|Figs, dried|Plums, dried|Raisins|Apricots, dried)",
        ),
        obvious=(
            r"chocolate, dark|dark chocolate",
            r"^Nuts, (almonds|mixed nuts|walnuts|cashew nuts)",
            r"^Snacks, trail mix",
            r"^Snacks, granola bars?\b",
            r"^(Dates|Figs, dried)",
        ),
        reject=(r"dry mix|refrigerated dough",),
    ),
    PanelFood(
        "milk-chocolate-bar", "19120", 44, "Candies, milk chocolate",
        acceptable=(
            r"chocolate, dark|dark chocolate",
            r"^Candies, (semisweet|sweet) chocolate",
            r"^Candies, (milk )?chocolate.*(almonds|peanuts|nuts)",
            r"^Candies, (sesame crunch|halavah|peanut bar)",
            *NUTS_AND_SEEDS,
            r"^Snacks, granola bars?\b",
        ),
        obvious=(r"chocolate, dark|dark chocolate",),
    ),
    # Drinks
    PanelFood(
        "cola", "14148", 368, "Beverages, carbonated, cola, regular",
        acceptable=SOFT_DRINK_SWAPS,
        obvious=SOFT_DRINK_OBVIOUS,
        drink=True,
    ),
    PanelFood(
        "lemonade", "14293", 248, "Lemonade, frozen concentrate, white, prepared with water",
        acceptable=SOFT_DRINK_SWAPS,
        obvious=SOFT_DRINK_OBVIOUS,
        drink=True,
    ),
    PanelFood(
        "orange-juice", "09209", 249, "Orange juice, chilled",
        acceptable=(
            *VEGETABLE_JUICE,
            r"^(Prune|Passion-fruit|Blackberry) juice",
            *PLAIN_MILKS,
            *PLANT_MILKS,
            *KEFIR,
            *COCONUT_WATER,
        ),
        obvious=(*VEGETABLE_JUICE, r"^Prune juice", *PLAIN_MILKS, *SOY_MILK),
        reject=(r"frozen concentrate(?!.*diluted)|undiluted",),
        drink=True,
        # Few everyday drinks bring a third more magnesium than orange juice.
        min_swaps=3,
    ),
    PanelFood(
        "whole-milk", "01077", 244, "Milk, whole, 3.25% milkfat, with added vitamin D",
        acceptable=(r"^Milk, goat", *SOY_MILK, *KEFIR),
        obvious=SOY_MILK,
        drink=True,
        # Milk is rich already: goat milk and soy milk (SR28's kefir is a brand).
        min_swaps=2,
    ),
    # Fruit
    PanelFood(
        "apple", "09003", 182, "Apples, raw, with skin",
        acceptable=FRUITS,
        obvious=FRUIT_OBVIOUS,
        reject=(*FRUIT_REJECT, r"^Apples"),
    ),
    PanelFood(
        "grapes", "09132", 151, "Grapes, red or green",
        acceptable=FRUITS,
        obvious=FRUIT_OBVIOUS,
        reject=(*FRUIT_REJECT, r"^Grapes"),
    ),
    # Dairy
    PanelFood(
        "fruit-yogurt", "01120", 170, "Yogurt, fruit, low fat, 9 grams protein",
        acceptable=(
            r"^Yogurt, (plain|chocolate)",
            r"^Tofu yogurt|soy yogurt",
        ),
        obvious=(r"^Yogurt, plain", r"^Tofu yogurt|soy yogurt"),
        # Plain yogurt (one kind, whatever its fat) and tofu yogurt: flavoured yogurts
        # are not suggested, and Greek yogurt adds too little.
        min_swaps=2,
    ),
    # Meat and fish (a main for a main: two 3-oz servings at most, 2 oz at least)
    PanelFood(
        "chicken-breast", "05064", 85, "Chicken, broilers or fryers, breast, meat only",
        acceptable=(
            *FISH, *SHELLFISH, *PLANT_PROTEINS,
        ),
        obvious=(*FISH, *PLANT_PROTEINS),
        reject=PROTEIN_REJECT,
        portion_max_grams=170,
        portion_min_grams=56,
    ),
    PanelFood(
        "ground-beef", "23573", 85, "Beef, ground, 80% lean meat / 20% fat, patty, cooked",
        acceptable=(
            *FISH,
            *SHELLFISH,
            *PLANT_PROTEINS,
            r"^(Ground turkey|Turkey)\b",
            r"^Chicken, broilers? or fryers, breast\b.*meat only",
            r"\bbison\b.*cooked",
        ),
        obvious=(r"^Ground turkey", *PLANT_PROTEINS, *FISH),
        reject=PROTEIN_REJECT,
        portion_max_grams=170,
        portion_min_grams=56,
    ),
    PanelFood(
        "tilapia", "15262", 87, "Fish, tilapia, cooked, dry heat",
        acceptable=(*FISH, *SHELLFISH, *PLANT_PROTEINS),
        obvious=FISH,
        reject=PROTEIN_REJECT,
        portion_max_grams=174,
        portion_min_grams=56,
    ),
    # Vegetables
    PanelFood(
        "iceberg-lettuce", "11252", 72, "Lettuce, iceberg",
        acceptable=SALAD_GREENS,
        obvious=SALAD_OBVIOUS,
    ),
    PanelFood(
        "french-fries", "11403", 85, "Potatoes, french fried, all types",
        acceptable=(
            r"^Potatoes, .*(flesh and skin|cooked in skin)",
            r"^Sweet potato(es)?, (?!raw|frozen, unprepared)",
            r"^Squash, winter, .*(cooked|baked)",
        ),
        obvious=(
            r"^Potatoes, .*(flesh and skin|cooked in skin)",
            r"^Sweet potato(es)?, (?!raw|frozen, unprepared)",
        ),
        reject=(
            r"\braw\b|unprepared|syrup|candied|mashed|au gratin|hash brown|dehydrated"
            r"|skin only|in skin, skin\b|puree|baby",
        ),
    ),
)
PANEL_IDS = [food.id for food in PANEL]

# ----------------------------------------------------------------------------------------
# Judging


def _search(patterns: Sequence[str], name: str) -> bool:
    return any(re.search(pattern, name, re.IGNORECASE) for pattern in patterns)


def _brand_words(name: str) -> list[str]:
    return [word for word in BRAND_WORD_RE.findall(name) if word not in NOT_BRANDS]


def _is_powder(name: str) -> bool:
    return POWDER_RE.search(name) is not None


def _is_branded(name: str) -> bool:
    return bool(_brand_words(name)) and not BRAND_EXCEPTIONS_RE.search(name)


def _is_restaurant(food: Food) -> bool:
    return food.group_code in EXCLUDED_GROUPS or RESTAURANT_RE.search(food.name) is not None


def rule_breaks(entry: Food, candidate: Food) -> list[str]:
    """The hard rules ``candidate`` breaks as a swap for ``entry`` (empty: none)."""
    name = candidate.name
    problems = []
    if candidate.group_code in EXCLUDED_GROUPS and candidate.group_code != entry.group_code:
        problems.append(f"{EXCLUDED_GROUPS[candidate.group_code]} ({candidate.group_code})")
    elif RESTAURANT_RE.search(name) and not _is_restaurant(entry):
        problems.append("restaurant food")
    if _is_powder(name) and not _is_powder(entry.name):
        problems.append("powder or mix")
    if ENERGY_DRINK_RE.search(name) and not ENERGY_DRINK_RE.search(entry.name):
        problems.append("energy drink")
    if _is_branded(name) and not _is_branded(entry.name):
        problems.append(f"brand ({', '.join(_brand_words(name))})")
    return problems


def judge(panel: PanelFood, entry: Food, candidate: Food) -> str | None:
    """``None`` when ``candidate`` is an acceptable swap for the entry, else why not."""
    broken = rule_breaks(entry, candidate)
    if broken:
        return "; ".join(broken)
    if not _search(panel.acceptable, candidate.name):
        return "not a swap the dietitian would suggest"
    if _search(panel.reject, candidate.name):
        return "rejected form"
    return None


def household_serving_grams(food: Food) -> float | None:
    """The food's largest household serving in grams, if it has household measures.

    A measure counts as listed (``5 crackers``: the five), at least one whole unit
    (``0.5 piece bagel``: the bagel) and at least :data:`SERVING_FLOOR_GRAMS`; whole
    packages, heads and loaves are no serving.
    """
    servings = [
        portion.grams / min(portion.amount, 1.0)
        for portion in food.portions
        if portion.grams > 0 and portion.amount > 0
        and not NOT_A_SERVING_RE.search(portion.description)
    ]
    return max(SERVING_FLOOR_GRAMS, *servings) if servings else None


def _matches_any(patterns: tuple[str, ...], name: str) -> bool:
    return any(re.search(pattern, name, re.IGNORECASE) for pattern in patterns)


#: Beans, lentils or tofu for a meat or fish main: up to a cup and a half, a plate's side.
PLANT_MAIN_MAX_GRAMS = 260.0


def portion_problems(panel: PanelFood, swap: Swap) -> list[str]:
    """Why ``swap``'s amount is not a portion a person would serve instead of the entry."""
    problems = []
    most = panel.max_grams()
    if panel.portion_min_grams and _matches_any(PLANT_PROTEINS, swap.food.name):
        # A protein main replaced by legumes or tofu: these are less dense than meat.
        most = max(most, PLANT_MAIN_MAX_GRAMS)
    if swap.grams > most + 1e-9:
        problems.append(f"{swap.grams:.0f} g > {most:.0f} g")
    if swap.grams < panel.min_grams() - 1e-9:
        problems.append(f"{swap.grams:.0f} g < {panel.min_grams():.0f} g")
    serving = household_serving_grams(swap.food)
    if serving is not None and swap.grams > HOUSEHOLD_SERVINGS * serving + 1e-9:
        problems.append(
            f"{swap.grams / serving:.1f} servings of its largest measure ({serving:g} g)"
        )
    return problems


@cache
def survey_foods() -> frozenset[str]:
    """NDB numbers of the national dietary survey's foods (empty without FOOD_DES)."""
    if not FOOD_DES.exists():
        return frozenset()
    found = set()
    with gzip.open(FOOD_DES, "rt", encoding="latin-1") as lines:
        for line in lines:
            fields = line.rstrip("\r\n").split("^")
            if len(fields) > 6 and fields[6].strip("~") == "Y":
                found.add(fields[0].strip("~"))
    return frozenset(found)


def _amount(swap: Swap) -> str:
    if swap.unit == "g":
        return f"{swap.grams:g} g"
    return f"{round(swap.amount, 2):g} {swap.unit} ({swap.grams:.0f} g)"


def describe(panel: PanelFood, suggestions: SwapSuggestions, limit: int = TOP) -> str:
    """The entry and its first ``limit`` swaps, each with the judgement, for a reader."""
    entry = suggestions.food
    survey = survey_foods()
    lines = [
        f"{panel.id}: {suggestions.grams:g} g {entry.name} "
        f"[{entry.group_code}, swap group {suggestions.group!r}]"
    ]
    if not suggestions.swaps:
        lines.append("    (no swaps)")
    for rank, swap in enumerate(suggestions.swaps[:limit], 1):
        verdict = judge(panel, entry, swap.food) or "ok"
        portion = portion_problems(panel, swap)
        if portion:
            verdict += f"; portion: {', '.join(portion)}"
        flag = "S" if swap.food.ref.source_id in survey else "-"
        lines.append(
            f"  {rank}. {_amount(swap)} {swap.food.name} [{swap.food.group_code} {flag}] "
            f"Mg +{swap.magnesium_gain_mg:.0f} mg -- {verdict}"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def services(loaded_db_file: Path) -> Iterator[Services]:
    """The services over the session's loaded SQLite file, opened read-only once.

    :meth:`Database.open` would migrate (a write lock); the file is already at the latest
    schema with every food. One services object: the swap index is built once.
    """
    engine = make_engine(f"sqlite:///file:{loaded_db_file}?mode=ro&uri=true")
    built = build_services(Database(engine, make_session_factory(engine)),
                           SettingsService(settings=Settings()))
    yield built
    built.close()


@pytest.fixture(scope="module")
def suggestions(services: Services) -> dict[str, SwapSuggestions]:
    """Each panel food's swaps (default options), by panel id."""
    return {
        panel.id: services.swaps.suggest(FoodRef(USDA, panel.ndb), panel.grams, "g")
        for panel in PANEL
    }


@pytest.fixture(scope="module")
def all_foods(services: Services) -> list[Food]:
    with services.db.reading() as session:
        return FoodRepository(session).all_foods()


# ----------------------------------------------------------------------------------------
# Tests


def test_panel_is_real(all_foods: list[Food]) -> None:
    """The panel's numbers, names and grams are right, and its goals are reachable.

    Every entry is a shipped food with the expected name; SR28 holds at least
    ``min_swaps`` acceptable candidates richer in magnesium (per 100 kcal, or per gram
    for a food without energy), one of them obvious; every pattern matches some food.
    """
    by_ndb = {food.ref.source_id: food for food in all_foods if food.ref.source == USDA}
    problems = []
    assert len({panel.id for panel in PANEL}) == len(PANEL) >= 22
    for panel in PANEL:
        entry = by_ndb.get(panel.ndb)
        if entry is None:
            problems.append(f"{panel.id}: no food {panel.ndb}")
            continue
        if not entry.name.startswith(panel.name):
            problems.append(f"{panel.id}: {panel.ndb} is {entry.name!r}, not {panel.name!r}")
        if not 5 <= panel.grams <= 1000 or panel.min_swaps < 2:
            problems.append(f"{panel.id}: {panel.grams} g or min_swaps {panel.min_swaps}")
        good = [
            food for food in all_foods
            if food.ref != entry.ref and judge(panel, entry, food) is None
            and _richer(food, entry)
        ]
        if len(good) < panel.min_swaps:
            problems.append(f"{panel.id}: only {len(good)} acceptable richer candidates")
        if not any(_search(panel.obvious, food.name) for food in good):
            problems.append(f"{panel.id}: no acceptable richer candidate is obvious")
        for pattern in (*panel.acceptable, *panel.obvious, *panel.reject):
            if not any(re.search(pattern, food.name, re.IGNORECASE) for food in all_foods):
                problems.append(f"{panel.id}: {pattern!r} matches no food")
    assert not problems, "\n".join(problems)


def _richer(food: Food, entry: Food) -> bool:
    magnesium, entry_magnesium = food.value("magnesium_mg"), entry.value("magnesium_mg")
    if magnesium is None or entry_magnesium is None:
        return False
    energy, entry_energy = food.value("energy_kcal"), entry.value("energy_kcal")
    if energy and entry_energy:
        return magnesium / energy > entry_magnesium / entry_energy
    return magnesium > entry_magnesium


@pytest.mark.parametrize("panel", PANEL, ids=PANEL_IDS)
def test_top_swaps_are_acceptable(
    panel: PanelFood, suggestions: dict[str, SwapSuggestions]
) -> None:
    """At least 4 of the top 5 are acceptable (all shown, at least ``min_swaps``, when
    SR28 rightly holds fewer than five good swaps)."""
    found = suggestions[panel.id]
    top = found.swaps[:TOP]
    good = [swap for swap in top if judge(panel, found.food, swap.food) is None]
    if panel.min_swaps >= TOP:
        ok = len(top) >= TOP and len(good) >= MIN_ACCEPTABLE
        wanted = f"at least {MIN_ACCEPTABLE} of {TOP} acceptable swaps"
    else:
        ok = len(top) >= panel.min_swaps and len(good) == len(top)
        wanted = f"at least {panel.min_swaps} swaps, all acceptable"
    assert ok, f"{wanted}, got {len(good)} of {len(top)}:\n{describe(panel, found)}"


@pytest.mark.parametrize("panel", PANEL, ids=PANEL_IDS)
def test_obvious_swap_comes_first(
    panel: PanelFood, suggestions: dict[str, SwapSuggestions]
) -> None:
    """One of the obvious swaps is among the first three (and is acceptable)."""
    found = suggestions[panel.id]
    first = found.swaps[:OBVIOUS_WITHIN]
    assert any(
        _search(panel.obvious, swap.food.name) and judge(panel, found.food, swap.food) is None
        for swap in first
    ), (
        f"no obvious swap in the top {OBVIOUS_WITHIN} (obvious: {', '.join(panel.obvious)}):"
        f"\n{describe(panel, found)}"
    )


@pytest.mark.parametrize("panel", PANEL, ids=PANEL_IDS)
def test_no_excluded_kinds_of_food(
    panel: PanelFood, suggestions: dict[str, SwapSuggestions]
) -> None:
    """No swap is baby, fast or restaurant food, a powder or mix, an energy drink or a
    brand, unless the entry is one."""
    found = suggestions[panel.id]
    broken = [
        f"{swap.food.name}: {'; '.join(problems)}"
        for swap in found.swaps
        if (problems := rule_breaks(found.food, swap.food))
    ]
    assert not broken, "\n".join([*broken, describe(panel, found, limit=len(found.swaps))])


@pytest.mark.parametrize("panel", PANEL, ids=PANEL_IDS)
def test_portions_a_person_would_serve(
    panel: PanelFood, suggestions: dict[str, SwapSuggestions]
) -> None:
    """Every swap is within the entry's serving bounds (a drink: a similar volume) and
    at most about two household servings of the candidate."""
    found = suggestions[panel.id]
    wrong = [
        f"{_amount(swap)} {swap.food.name}: {', '.join(problems)}"
        for swap in found.swaps
        if (problems := portion_problems(panel, swap))
    ]
    assert not wrong, "\n".join([*wrong, describe(panel, found, limit=len(found.swaps))])


def panel_summary(suggestions: dict[str, SwapSuggestions]) -> tuple[str, float]:
    """The panel's table (each food's top five, judged) and its share of acceptable swaps.

    Each food counts ``min(TOP, min_swaps)`` places at least: a place no swap fills is a
    miss, so a food without swaps cannot raise the share.
    """
    blocks, good, places = [], 0, 0
    for panel in PANEL:
        found = suggestions[panel.id]
        top = found.swaps[:TOP]
        accepted = sum(judge(panel, found.food, swap.food) is None for swap in top)
        good += accepted
        places += max(len(top), min(TOP, panel.min_swaps))
        blocks.append(f"{describe(panel, found)}\n    => {accepted}/{len(top)} acceptable")
    share = good / places if places else 0.0
    table = "\n".join(
        [*blocks, f"Panel: {good} of {places} top-{TOP} places acceptable ({share:.0%})"]
    )
    return table, share


def test_panel_summary(suggestions: dict[str, SwapSuggestions]) -> None:
    """Prints the whole panel (run with -s); at least 80 % of its swaps are acceptable."""
    table, share = panel_summary(suggestions)
    print(f"\n{table}")
    assert share >= PANEL_SHARE, (
        f"{share:.0%} of the panel's top-{TOP} swaps are acceptable, "
        f"expected at least {PANEL_SHARE:.0%}:\n{table}"
    )
