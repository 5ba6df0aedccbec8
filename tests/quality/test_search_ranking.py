"""Search quality: what a shopper or a dietitian expects in the top 3 of everyday searches.

Every record of :data:`CASES` is one everyday query, the plain everyday food it should
find among the first three hits (``expect``: USDA SR28 NDB numbers, at least one of them
in the top 3), and the clear mistakes no top-3 hit may be (``never``: regular
expressions, case-insensitive, searched in each top-3 name). The ranking these tests
describe puts the plain everyday form first: whole words before prefixes, the searched
word as the food's head noun before a mere mention ("coffee" is brewed coffee, not
coffeecake; "egg" is a whole egg, not eggplant), foods of the USDA dietary survey
(SR28 ``FOOD_DES.Survey = 'Y'``) and names with fewer qualifiers first, brands and
restaurant foods after, the SR28 common names (``FOOD_DES.ComName``: "spaghetti",
"hot dog", "bok choy") searched too.

The queries run against the real shipped dataset (``data/foods/foods.csv``, 8,789 foods),
opened read-only once per module on the session's loaded SQLite file; one more test
checks every query on each backend through the ``db`` fixture (PostgreSQL too, when
``PLANNER_TEST_PG_URL`` names a server).

Adding a query:

1. Find the plain everyday form(s) in ``data/foods/foods.csv`` (``ndb``, ``name``) and,
   for the survey flag and the common names, in ``../shared/data/usda/FOOD_DES.txt.gz``
   (``^``-separated, ``~`` around text; NDB_No, FdGrp_Cd, Long_Desc, Shrt_Desc, ComName,
   ManufacName, Survey, ...). Prefer survey foods, raw or plainly cooked, without brand.
2. Add a :class:`Case` to :data:`CASES`: ``expect`` lists every NDB number a dietitian
   would accept as first choice (raw and cooked of the same plain food, the plain
   varieties of it); ``never`` lists only clear mistakes (another food that merely
   starts with or mentions the word), not foods that are fine but not the first choice.
3. Run ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest
   tests/quality/test_search_ranking.py -p no:xdist -q``; :func:`test_expectations_are_real`
   checks that the numbers are shipped foods and that no expected food is itself "never".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from planner.core.foods import FoodHit, FoodRef
from planner.db.engine import make_engine, make_session_factory
from planner.services.database import Database
from planner.services.foods import FoodService

USDA = "usda-sr28"
TOP = 3


class Case(NamedTuple):
    """One everyday query and what its top 3 must (and must not) hold."""

    query: str
    #: NDB numbers of the plain everyday form; at least one must be in the top 3.
    expect: tuple[str, ...]
    #: Regular expressions (case-insensitive) that no top-3 name may match.
    never: tuple[str, ...] = ()


# Plain white and brown rice, raw and cooked, of every grain length.
_WHITE_RICE = (
    "20044", "20045", "20444", "20445",  # long-grain, enriched / unenriched
    "20050", "20051", "20450", "20451",  # medium-grain
    "20052", "20053", "20452", "20453",  # short-grain
)
_BROWN_RICE = ("20036", "20037", "20040", "20041")
# Ground beef, raw, of each lean share; and "unspecified fat content, cooked".
_GROUND_BEEF = ("23557", "23562", "23567", "23572", "23577", "13498", "23220")
# Whole egg: raw, hard-boiled, fried, scrambled, poached.
_WHOLE_EGG = ("01123", "01129", "01128", "01132", "01131")
# Plain enriched/unenriched pasta, dry and cooked (ComName: spaghetti, penne, ...).
_PLAIN_PASTA = ("20120", "20121", "20420", "20421")

CASES: tuple[Case, ...] = (
    # -- drinks --------------------------------------------------------------------
    # Beverages, coffee, brewed, prepared with tap water.
    Case("coffee", ("14209",), (r"coffeecake|cake",)),
    # Brewed black tea (tap water); brewed green or oolong tea.
    Case("tea", ("14355", "14278", "14185"), (r"teaseed",)),
    # Fluid cow's milk: whole, 2%, 1%, nonfat (with or without added vitamins A and D).
    Case("milk", ("01077", "01211", "01079", "01174", "01082", "01175", "01085", "01151"),
         (r"dessert",)),
    # Orange juice, raw; canned; chilled; from frozen concentrate, diluted.
    Case("orange juice", ("09206", "09207", "09209", "09215"), (r"pineapple",)),
    # Beverages, carbonated, cola, regular; fast-food cola; without caffeine.
    Case("cola", ("14148", "14400", "14147"), (r"colada",)),
    # Common name "soda" (FOOD_DES.ComName): any plain carbonated soft drink.
    Case("soda", ("14148", "14400", "14147", "14144", "14130", "14142", "14136", "14157",
                  "14150"), (r"cracker",)),
    # Beverages, water, tap, drinking / municipal / well; Water, bottled, generic.
    Case("water", ("14411", "14429", "14412", "14555"),
         (r"watercress|watermelon|waterchestnut|rinsed|brewed",)),
    # -- eggs and dairy ----------------------------------------------------------------
    Case("egg", _WHOLE_EGG, (r"eggplant|eggnog|eggo",)),
    Case("eggs", _WHOLE_EGG, (r"eggplant|eggnog|eggo|babyfood|fish",)),
    # Butter, salted; Butter, without salt.
    Case("butter", ("01001", "01145"), (r"butterbur|peanut butter|buttermilk",)),
    # A plain natural or process cheese: cheddar, American, swiss, mozzarella, colby,
    # monterey, provolone.
    Case("cheese", ("01009", "01042", "01253", "01040", "01026", "01028", "01011", "01025",
                    "01035"), (r"cheesefurter|cheesecake",)),
    # Cheese, cheddar; Cheese, cheddar, sharp, sliced.
    Case("cheddar", ("01009", "01270"), (r"lean pockets",)),
    # Plain yogurt: whole, low fat, skim; Greek plain nonfat, lowfat, whole milk.
    Case("yogurt", ("01116", "01117", "01118", "01256", "01287", "01293"),
         (r"frozen|parfait",)),
    # -- fruit ----------------------------------------------------------------------
    # Bananas, raw.
    Case("banana", ("09040",), (r"pepper|melon",)),
    # Apples, raw, with skin / without skin.
    Case("apple", ("09003", "09004"), (r"applebee",)),
    # Oranges, raw: all commercial varieties, valencias, navels, Florida, with peel.
    Case("orange", ("09200", "09201", "09202", "09203", "09205"), (r"roughy",)),
    # Avocados, raw: all commercial varieties, California, Florida.
    Case("avocado", ("09037", "09038", "09039"), (r"oil",)),
    # Strawberries, raw; frozen, unsweetened.
    Case("strawberries", ("09316", "09318")),
    # Grapes, red or green (European type), raw; american type, raw.
    Case("grapes", ("09132", "09131")),
    # -- grains, bread, cereals -----------------------------------------------------------
    Case("rice", _WHITE_RICE + _BROWN_RICE, (r"cracker|cake",)),
    Case("brown rice", _BROWN_RICE, (r"flour|cracker|cake",)),
    Case("white rice", _WHITE_RICE, (r"flour|cracker|cake",)),
    # Pasta, dry / cooked, enriched / unenriched.
    Case("pasta", _PLAIN_PASTA),
    # Plain pasta (ComName "spaghetti"), cooked with or without salt.
    Case("spaghetti", (*_PLAIN_PASTA, "20321", "20521"),
         (r"spaghettios|squash|spaghetti sauce|^sauce\b",)),
    # Cereals, oats, regular and quick (ComName: oatmeal), dry or cooked; plain instant.
    Case("oatmeal", ("08120", "08121", "08180", "08122", "08123"), (r"bread|cookie",)),
    # Bread, white / wheat / whole-wheat / multi-grain, commercially prepared (or toasted).
    Case("bread", ("18069", "18070", "18064", "18065", "18075", "18076", "28397"),
         (r"stuffing",)),
    # Bread, whole-wheat, commercially prepared or from recipe (or toasted).
    Case("whole wheat bread", ("18075", "18076", "18077", "18078"), (r"stuffing",)),
    # Bread, white, commercially prepared (or toasted).
    Case("white bread", ("18069", "18070"), (r"stuffing",)),
    # KELLOGG'S Corn Flakes, RALSTON Corn Flakes: SR28 has no generic corn flakes.
    Case("corn flakes", ("08020", "08506"), (r"crumbs",)),
    # Common name "donut": plain cake-type or glazed yeast doughnuts.
    Case("donut", ("18248", "18249", "18250", "18255", "18436")),
    # -- meat, fish, tofu -----------------------------------------------------------------
    # Chicken, broilers or fryers, breast: skinless raw, meat only roasted, with skin.
    Case("chicken breast", ("05062", "05064", "05057", "05060"),
         (r"tenders|breaded|sliced",)),
    # Chicken, broilers or fryers, meat only / meat and skin, raw or roasted; breast.
    Case("chicken", ("05011", "05013", "05006", "05009", "05062", "05064"),
         (r"spread|meatless|kfc",)),
    # Ground beef, or a composite of trimmed retail cuts, raw or cooked.
    Case("beef", (*_GROUND_BEEF, "13795", "13796", "13361", "13364", "23482", "23483",
                  "23484", "23485"), (r"beefalo|meatless|hash",)),
    Case("ground beef", _GROUND_BEEF),
    # Fresh salmon (Atlantic, chinook, chum, coho, pink, sockeye), raw or cooked.
    Case("salmon", ("15076", "15078", "15079", "15081", "15083", "15085", "15086", "15236",
                    "15237", "15209", "15210", "15211", "15212", "15247", "15082"),
         (r"salmonberr|oil",)),
    # Tuna, fresh (bluefin, skipjack, yellowfin) or canned light/white in oil or water.
    Case("tuna", ("15117", "15118", "15119", "15121", "15123", "15124", "15126", "15127",
                  "15220", "15221")),
    # Turkey, whole, meat (and skin), raw or roasted; light or dark meat; breast.
    Case("turkey", ("05165", "05166", "05167", "05168", "05186", "05188", "05219", "05220"),
         (r"bacon|sausage|mechanically",)),
    # Pork, cured, bacon: unprepared, baked, microwaved, pan-fried.
    Case("bacon", ("10123", "10860", "10861", "10862"), (r"meatless|babyfood|beef sticks",)),
    # Common name "hot dog": plain frankfurters (beef, pork, meat, chicken, turkey).
    Case("hot dog", ("07022", "07945", "07949", "07950", "07962", "07939", "07024", "07025"),
         (r"relish|rolls|meatless",)),
    # Crustaceans, shrimp, mixed species, raw or moist heat; not previously frozen.
    Case("shrimp", ("15149", "15151", "15270", "15271"), (r"cracker|denny's|applebee's",)),
    # Tofu, firm / soft / extra firm / raw regular.
    Case("tofu", ("16126", "16127", "16159", "16426", "16427"), (r"yogurt",)),
    # -- vegetables ---------------------------------------------------------------------
    # Potatoes, flesh and skin, raw (all, russet, white); baked; boiled.
    Case("potato", ("11352", "11353", "11354", "11674", "11356", "11357", "11363", "11365",
                    "11367"), (r"flour|sweet potato|chips",)),
    # Sweet potato, raw; baked in skin; boiled.
    Case("sweet potato", ("11507", "11508", "11510"), (r"leaves",)),
    # Spinach, raw; cooked, boiled.
    Case("spinach", ("11457", "11458")),
    # Broccoli, raw; cooked, boiled.
    Case("broccoli", ("11090", "11091")),
    # Carrots, raw; cooked, boiled.
    Case("carrot", ("11124", "11125")),
    # Tomatoes, red, ripe, raw (year round average); cooked.
    Case("tomato", ("11529", "11530", "11884"), (r"tomatillo|sauce|soup|catsup|ketchup",)),
    # Onions, raw; cooked, boiled.
    Case("onion", ("11282", "11283"), (r"rings",)),
    # Lettuce, raw: butterhead, romaine, iceberg, green leaf, red leaf.
    Case("lettuce", ("11250", "11251", "11252", "11253", "11257")),
    # Mushrooms, white, raw; cooked, boiled.
    Case("mushrooms", ("11260", "11261")),
    # Peas, green, raw; cooked; frozen.
    Case("peas", ("11304", "11305", "11312", "11313")),
    # Corn, sweet, yellow or white, raw or boiled.
    Case("corn", ("11167", "11168", "11900", "11901"), (r"cornstarch|cornsalad",)),
    # Cucumber, with peel / peeled, raw.
    # SR28 has two plain cucumbers: the third place can only be a mention.
    Case("cucumber", ("11205", "11206"), (r"sea cucumber",)),
    # Common name "bok choy": Cabbage, chinese (pak-choi), raw or boiled.
    Case("bok choy", ("11116", "11117")),
    # -- legumes, nuts ----------------------------------------------------------------------
    # Dry beans (black, kidney, pinto, navy), raw, boiled or plain canned; green snap beans.
    Case("beans", ("11052", "11053", "16014", "16015", "16027", "16028", "16029", "16032",
                   "16033", "16034", "16037", "16038", "16039", "16042", "16043", "16044"),
         (r"liquid from",)),
    # Beans, black (or black turtle), mature seeds, raw, boiled or canned.
    Case("black beans", ("16014", "16015", "16315", "16316", "16016", "16017", "16018")),
    # Lentils, raw; mature seeds, boiled; pink or red, raw.
    Case("lentils", ("16069", "16070", "16370", "16144")),
    # Nuts, almonds; blanched; dry roasted.
    Case("almonds", ("12061", "12062", "12063", "12563"), (r"candies|chocolate|nougat",)),
    # Nuts, walnuts, english; black, dried.
    Case("walnuts", ("12155", "12154"), (r"cereals|oatmeal|cookie",)),
    # Peanuts, all types: raw, dry- or oil-roasted, boiled; spanish, valencia, virginia, raw.
    Case("peanuts", ("16087", "16090", "16390", "16089", "16389", "16088", "16091", "16093",
                     "16095"),
         (r"candies|chocolate",)),
    # Peanut butter, smooth or chunk style, with or without salt.
    Case("peanut butter", ("16097", "16098", "16397", "16398"),
         (r"cookie|candies|crackers|granola",)),
    # -- fats, sweets, snacks ---------------------------------------------------------------
    # Oil, olive, salad or cooking.
    # One olive oil in SR28: what follows is a blend or a food made with it.
    Case("olive oil", ("04053",), (r"cracker",)),
    # Sugars, granulated.
    Case("sugar", ("19335",), (r"sugar-apple|peas|sugar[- ]free|no sugar",)),
    # Honey.
    # One honey in SR28: what follows can only mention it.
    Case("honey", ("19296",), (r"sausage|honeydew",)),
    # Chocolate itself: milk, semisweet, sweet, dark, baking (not chocolate-flavoured foods).
    Case("chocolate", ("19120", "19080", "19081", "19902", "19903", "19904", "19905",
                       "19078"), (r"spread|ice cream|cookie|cake|pudding",)),
    # Chocolate, dark, 45-59% / 60-69% / 70-85% cacao; Candies, chocolate, dark, NFS.
    Case("dark chocolate", ("19902", "19903", "19904", "19905"), (r"cookie",)),
    # Snacks, popcorn, air-popped (salted or not); oil-popped.
    Case("popcorn", ("19034", "19806", "19807", "42259"), (r"chicken|industrial",)),
    # Snacks, potato chips, plain, salted / unsalted; lightly salted.
    Case("potato chips", ("19411", "19811", "25064"), (r"sweet potato",)),
)

#: Inputs that must come back as a list (maybe empty), never as an error.
HOSTILE = (
    pytest.param("", id="empty"),
    pytest.param("AND OR NEAR *", id="operators"),
    pytest.param("a" * 5000, id="5000-a"),
)


def _ref(ndb: str) -> FoodRef:
    return FoodRef(USDA, ndb)


def _line(hit: FoodHit) -> str:
    return f"{hit.ref.source_id} {hit.name}"


def _problems(case: Case, hits: Sequence[FoodHit]) -> list[str]:
    """What is wrong with ``hits`` (the top 3) for ``case``; empty when all is well."""
    problems = []
    if not {hit.ref.source_id for hit in hits} & set(case.expect):
        problems.append("none of the expected foods is in the top 3")
    for pattern in case.never:
        wrong = [hit.name for hit in hits if re.search(pattern, hit.name, re.IGNORECASE)]
        if wrong:
            problems.append(f"never /{pattern}/, but: {'; '.join(wrong)}")
    return problems


def _report(
    case: Case, hits: Sequence[FoodHit], problems: list[str], names: dict[str, str]
) -> str:
    """The failure message: the query, what is wrong, the actual top 3, the expected foods."""
    top = "\n".join(f"    {n}. {_line(hit)}" for n, hit in enumerate(hits, 1)) or "    (none)"
    wanted = "\n".join(f"    {ndb} {names.get(ndb, '(not a loaded food)')}"
                       for ndb in case.expect)
    return (f"search {case.query!r}: {'; '.join(problems)}\n  top {TOP}:\n{top}\n"
            f"  expected one of:\n{wanted}")


def _names(db: Database, case: Case) -> dict[str, str]:
    foods = FoodService(db).get_many([_ref(ndb) for ndb in case.expect])
    return {ref.source_id: food.name for ref, food in foods.items()}


@pytest.fixture(scope="module")
def loaded(loaded_db_file: Path) -> Iterator[Database]:
    """The session's loaded SQLite file, opened read-only once for this module.

    :meth:`Database.open` would migrate (a write lock); the file is already at the
    latest schema with every food, so the plain constructor on a read-only engine
    is all the searches need.
    """
    engine = make_engine(f"sqlite:///file:{loaded_db_file}?mode=ro&uri=true")
    db = Database(engine, make_session_factory(engine))
    yield db
    db.close()


@pytest.mark.parametrize("case", CASES, ids=[case.query for case in CASES])
def test_top_three(loaded: Database, case: Case) -> None:
    hits = FoodService(loaded).search(case.query)[:TOP]
    problems = _problems(case, hits)
    assert not problems, _report(case, hits, problems, _names(loaded, case))


def test_expectations_are_real(loaded: Database) -> None:
    """Every expected number is a shipped food that none of its case's ``never`` rejects."""
    mistakes = []
    for case in CASES:
        names = _names(loaded, case)
        for ndb in case.expect:
            if ndb not in names:
                mistakes.append(f"{case.query!r}: {ndb} is not a loaded food")
                continue
            mistakes += [f"{case.query!r}: {ndb} {names[ndb]} matches never /{pattern}/"
                         for pattern in case.never
                         if re.search(pattern, names[ndb], re.IGNORECASE)]
        if len(set(case.expect)) != len(case.expect):
            mistakes.append(f"{case.query!r}: an expected number is listed twice")
    assert len({case.query for case in CASES}) == len(CASES), "a query is listed twice"
    assert not mistakes, "\n".join(mistakes)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_every_backend_meets_the_expectations(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """All queries on a private loaded copy (the ``db`` fixture), on SQLite and PostgreSQL.

    tests/conftest.py runs ``db`` tests on PostgreSQL only in db/ and services/; asked
    for here by name, with ``backend`` parametrized on this test, the fixture gives each
    backend's copy (PostgreSQL is skipped without ``PLANNER_TEST_PG_URL``).
    """
    db: Database = request.getfixturevalue("db")
    assert db.engine.dialect.name == backend
    service = FoodService(db)
    reports = []
    for case in CASES:
        hits = service.search(case.query)[:TOP]
        problems = _problems(case, hits)
        if problems:
            reports.append(_report(case, hits, problems, _names(db, case)))
    passed = len(CASES) - len(reports)
    assert not reports, f"{backend}: {passed}/{len(CASES)} queries as expected\n\n" + (
        "\n\n".join(reports))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gives_a_list(loaded: Database, text: str) -> None:
    hits = FoodService(loaded).search(text)
    assert isinstance(hits, list)
    assert all(isinstance(hit, FoodHit) for hit in hits)
