"""Food search over the loaded USDA database: ranking, prefixes, groups, hostile text.

Every test runs on a private copy of the fully loaded database (the ``db`` fixture), so
the real FTS5 index and the real 8,789 foods are searched.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from planner.core.foods import FoodHit, FoodRef, Portion
from planner.core.search_rank import stem
from planner.db.foods import FoodRepository, query_tokens
from planner.services.database import Database
from planner.services.foods import FoodService

SPINACH_RAW = FoodRef("usda-sr28", "11457")
_WORD = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    """Lower case without accents, as the index's tokenizer (remove_diacritics) sees words."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _has_every_prefix(name: str, tokens: list[str], common_name: str | None = None) -> bool:
    """Every token starts a word of the name or the common names (a plural token by
    its singular stem, as the search looks it up)."""
    words = _WORD.findall(_fold(f"{name} {common_name or ''}"))
    return all(
        any(word.startswith(stem(_fold(token))) for word in words) for token in tokens
    )


def _food_rows(db: Database) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM food")).scalar_one())


def _fts_is_intact(db: Database) -> None:
    # Raises if the external-content index and the food table disagree. PostgreSQL
    # indexes an expression of the food table itself: nothing there can disagree.
    if db.engine.dialect.name != "sqlite":
        return
    check = "INSERT INTO food_fts(food_fts, rank) VALUES ('integrity-check', 1)"
    with db.engine.begin() as connection:
        connection.execute(text(check))


def test_spinach_raw_comes_first(db: Database) -> None:
    hits = FoodService(db).search("spinach raw")
    assert hits[0].ref == SPINACH_RAW
    first = hits[0]
    assert first.name == "Spinach, raw"
    assert (first.magnesium_mg, first.vitamin_d_ug, first.energy_kcal) == (79.0, 0.0, 23.0)
    assert first.group_name == "Vegetables and Vegetable Products"
    assert first.default_portion == Portion(1.0, "cup", 30.0)
    assert [str(h.ref) for h in hits[:3]] == ["usda:11457", "usda:11276", "usda:11274"]
    assert all(_has_every_prefix(h.name, ["spinach", "raw"], h.common_name) for h in hits)


def test_case_does_not_matter(db: Database) -> None:
    service = FoodService(db)
    assert service.search("SPINACH Raw") == service.search("spinach raw")


@pytest.mark.parametrize("prefix", ["spin", "spina", "spinac"])
def test_prefix_finds_spinach_raw_near_the_top(db: Database, prefix: str) -> None:
    hits = FoodService(db).search(prefix)
    assert SPINACH_RAW in [h.ref for h in hits[:3]]
    assert all(_has_every_prefix(h.name, [prefix], h.common_name) for h in hits)


def test_two_prefixes_both_required(db: Database) -> None:
    hits = FoodService(db).search("spin ra", limit=1000)
    assert hits[0].ref == SPINACH_RAW
    assert all(_has_every_prefix(h.name, ["spin", "ra"], h.common_name) for h in hits)


def test_search_finds_every_food_holding_the_word(db: Database) -> None:
    with db.engine.connect() as connection:
        names = connection.execute(text("SELECT source_id, name FROM food")).all()
    expected = {ndb for ndb, name in names if _has_every_prefix(name, ["spinach"])}
    hits = FoodService(db).search("spinach", limit=1000)
    assert len(expected) == 27
    assert {h.ref.source_id for h in hits} == expected


@pytest.mark.sqlite_only  # PostgreSQL's 'simple' configuration keeps accents (README)
def test_diacritics_are_folded(db: Database) -> None:
    service = FoodService(db)
    plain = service.search("cafe")
    assert [str(h.ref) for h in plain] == ["usda:14231"]
    assert service.search("café") == plain
    assert service.search("CAFÉ") == plain


def test_group_filter_keeps_only_that_group(db: Database) -> None:
    service = FoodService(db)
    vegetables = service.search("spinach", group="1100", limit=1000)
    everywhere = service.search("spinach", limit=1000)
    assert vegetables[0].ref == SPINACH_RAW
    assert {h.group_code for h in vegetables} == {"1100"}
    assert {h.ref for h in vegetables} == {h.ref for h in everywhere if h.group_code == "1100"}
    assert len(vegetables) < len(everywhere)
    assert service.search("spinach", group="1500") == []


def test_empty_text_with_a_group_lists_the_group_by_name(db: Database) -> None:
    hits = FoodService(db).search("", group="1100", limit=1000)
    with db.engine.connect() as connection:
        names = connection.execute(
            text("SELECT name FROM food WHERE group_code = '1100' ORDER BY name")
        ).scalars().all()
    assert len(names) == 836
    assert [h.name for h in hits] == names
    assert {h.group_name for h in hits} == {"Vegetables and Vegetable Products"}
    assert [h.name for h in FoodService(db).search("  ", group="1100", limit=3)] == names[:3]


def test_empty_text_without_a_group_finds_nothing(db: Database) -> None:
    assert FoodService(db).search("") == []


def test_unknown_group_finds_nothing(db: Database) -> None:
    assert FoodService(db).search("", group="9999") == []


def test_hits_carry_the_foods_values_per_100_g(db: Database) -> None:
    service = FoodService(db)
    hits = service.search("salmon", limit=1000)
    assert len(hits) > 20
    foods = service.get_many([h.ref for h in hits])
    for hit in hits:
        food = foods[hit.ref]
        assert hit.id == food.id
        assert hit.name == food.name
        assert hit.magnesium_mg == food.value("magnesium_mg"), hit.ref
        assert hit.vitamin_d_ug == food.value("vitamin_d_ug"), hit.ref
        assert hit.energy_kcal == food.value("energy_kcal"), hit.ref
        assert hit.default_portion == (food.portions[0] if food.portions else None), hit.ref
    wild = next(h for h in hits if h.ref == FoodRef("usda-sr28", "15076"))
    assert wild.vitamin_d_ug is None
    assert wild.magnesium_mg == 29.0


@pytest.mark.parametrize("limit", [1, 7, 50])
def test_limit_is_respected(db: Database, limit: int) -> None:
    assert len(FoodService(db).search("raw", limit=limit)) == limit


def test_default_limit_is_fifty(db: Database) -> None:
    assert len(FoodService(db).search("raw")) == 50


def test_repository_clamps_the_limit(db: Database) -> None:
    with db.sessions() as session:
        repository = FoodRepository(session)
        assert len(repository.search("raw", limit=5000)) == 1000
        assert len(repository.search("raw", limit=0)) == 1


# -- operators are words, never obeyed ------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["spinach OR potato", "spinach AND raw", "spinach NOT raw", "macaroni AND cheese",
     "AND OR *", "NEAR(spinach raw)", "spinach*", "-spinach raw"],
)
def test_every_hit_holds_every_word(db: Database, query: str) -> None:
    tokens = query_tokens(query)
    hits = FoodService(db).search(query, limit=1000)
    for hit in hits:
        assert _has_every_prefix(hit.name, tokens, hit.common_name), (query, hit.name)


def test_or_is_not_a_union(db: Database) -> None:
    service = FoodService(db)
    spinach = {h.ref for h in service.search("spinach", limit=1000)}
    potato = {h.ref for h in service.search("potato", limit=1000)}
    either = {h.ref for h in service.search("spinach OR potato", limit=1000)}
    assert either <= spinach & potato
    assert len(spinach | potato) > 100


def test_and_is_a_word_not_an_operator(db: Database) -> None:
    service = FoodService(db)
    spinach = {h.ref for h in service.search("spinach", limit=1000)}
    both = service.search("spinach AND raw", limit=1000)
    assert {h.ref for h in both} <= spinach
    # "and" must be in the name: Spinach, raw itself has no "and".
    assert SPINACH_RAW not in {h.ref for h in both}
    macaroni = service.search("macaroni and cheese", limit=1000)
    assert macaroni
    # In the name or the common names ("macaroni and cheese" for "macaroni n' cheese").
    assert all(" and " in f"{h.name} {h.common_name}".lower() for h in macaroni)


def test_not_does_not_exclude(db: Database) -> None:
    hits = FoodService(db).search("spinach NOT", limit=1000)
    assert all(_has_every_prefix(h.name, ["spinach", "not"], h.common_name) for h in hits)
    assert SPINACH_RAW not in {h.ref for h in hits}


HOSTILE = {
    "double quote": '"',
    "single quote": "'",
    "operators": "AND OR *",
    "near": "NEAR(a b)",
    "star": "*",
    "minus": "-",
    "open paren": "(",
    "close paren": ")",
    "or": "a OR b",
    "trailing quote": 'spinach"',
    "leading quote": '"spinach',
    "column filter": "col:val",
    "caret": "^",
    "emoji only": "\U0001f96c\U0001f966\U0001f37d\ufe0f",
    "diacritics": "café",
    "empty": "",
    "whitespace": " \t\n\r ",
    "ten thousand letters": "spinach " * 1250,
    "ten thousand quotes": '"' * 10_000,
    "percent": "%",
    "underscore": "_",
    "sql injection": "'; DROP TABLE food; --",
    "fts column": "name:spinach",
    "braces": "{name} : spinach",
    "plus": "spinach + raw",
    "nul": "spin\x00ach",
    "backslash": "\\",
    "lone surrogate": "spin\ud800ach",
    "right to left": "\u202espinach",
}


@pytest.mark.parametrize("query", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_text_is_searched_harmlessly(db: Database, query: str) -> None:
    tokens = query_tokens(query)
    hits = FoodService(db).search(query, limit=1000)
    assert isinstance(hits, list)
    assert all(isinstance(h, FoodHit) for h in hits)
    assert all(_has_every_prefix(h.name, tokens, h.common_name) for h in hits)
    assert _food_rows(db) == 8789
    _fts_is_intact(db)


def test_hostile_text_with_a_group(db: Database) -> None:
    for query in HOSTILE.values():
        hits = FoodService(db).search(query, group="1100")
        assert {h.group_code for h in hits} <= {"1100"}
    assert _food_rows(db) == 8789


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    # The database is only read, so one copy serves every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=40))
def test_any_text_searches_without_error(db: Database, query: str) -> None:
    hits = FoodService(db).search(query, limit=20)
    assert len(hits) <= 20
    tokens = query_tokens(query)
    if all(_fold(token).isascii() for token in tokens):
        # Food names are ASCII; other letters fold in ways this test does not model.
        assert all(_has_every_prefix(h.name, tokens, h.common_name) for h in hits)


def test_the_users_foods_show_before_typing_and_rank_higher(db: Database) -> None:
    import datetime as dt

    from planner.services.plans import PlanService

    service = FoodService(db)
    assert service.frequent() == []  # nothing eaten yet
    before = [h.ref.source_id for h in service.search("tomatoes")]
    PlanService(db).create_demo(dt.date.today())
    frequent = [h.ref.source_id for h in service.frequent()]
    # The demo week: white bread 9 times, tomatoes 8, iceberg lettuce 6.
    assert frequent[:3] == ["18069", "11529", "11252"]
    assert len(frequent) == len(set(frequent))
    # Tomatoes as eaten in the week (red, ripe, raw, year round average) now lead.
    after = [h.ref.source_id for h in service.search("tomatoes")]
    assert after[0] == "11529" and before[0] != "11529"
    assert sorted(before) == sorted(after)  # the same foods, in another order


def test_plurals_find_the_singular(db: Database) -> None:
    service = FoodService(db)
    names = [h.name for h in service.search("sardines")]
    assert names and all("sardine" in n.lower() for n in names)
    assert [h.ref.source_id for h in service.search("eggs")][0] == "01123"


def test_sorting_by_magnesium_keeps_the_relevance_floor(db: Database) -> None:
    # Every food that holds "bread" as a word, and none that only starts a longer one
    # ("breaded" fried oysters, "breadfruit"), whatever the list is sorted by.
    hits = FoodService(db).search("bread", limit=1000)
    assert hits and not [h.name for h in hits if re.search(r"\bbread(ed|fruit)", h.name, re.I)]
    richest = max(hits, key=lambda h: h.magnesium_mg or 0)
    assert "bread" in richest.name.lower()
