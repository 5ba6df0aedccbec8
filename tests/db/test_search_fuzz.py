"""Search text and group filters with NUL and other control characters, on every backend.

PostgreSQL refuses a NUL in any text it is sent ("A string literal cannot contain NUL
(0x00) characters"); the search must never send one, in the words or in the group.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.db.foods import is_group_code, query_tokens
from planner.services.database import Database
from planner.services.foods import FoodService

#: NUL, the other C0 controls, DEL and the C1 controls.
CONTROL = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]

searches = settings(max_examples=60, deadline=None, database=None, derandomize=True,
                    # The database is only read, so one copy serves every example.
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

_control_text = st.text(st.sampled_from(CONTROL) | st.sampled_from(list("spinach raw 11")),
                        max_size=30)


@pytest.mark.parametrize("group", ["\x00", "1100\x00", "11\x0000", "\x001100", "11 00",
                                   "1100'", "x" * 10_000, "\u202e1100"])
def test_a_group_that_is_no_group_code_finds_nothing(db: Database, group: str) -> None:
    service = FoodService(db)
    assert service.search("spinach", group=group) == []
    assert service.search("", group=group) == []
    assert not is_group_code(group)


def test_a_real_group_still_filters(db: Database) -> None:
    hits = FoodService(db).search("raw\x00", group="1100", limit=200)
    assert hits and {hit.group_code for hit in hits} == {"1100"}
    assert FoodService(db).search("\x00\x07", group="1100", limit=3)[0].group_code == "1100"


@searches
@given(query=_control_text, group=st.none() | st.sampled_from(["1100", "0100", ""])
       | _control_text)
def test_control_characters_in_search_text_and_group_never_error(
        db: Database, query: str, group: str | None) -> None:
    tokens = query_tokens(query)
    assert not any(char in token for token in tokens for char in CONTROL)
    hits = FoodService(db).search(query, group=group, limit=20)
    assert len(hits) <= 20
    if group and is_group_code(group):
        assert {hit.group_code for hit in hits} <= {group}
    elif group:
        assert hits == []
    # The words found are the words asked for: controls separate words, like spaces.
    for hit in hits:
        name = hit.name.lower()
        assert all(token in name for token in tokens), (hit.name, tokens)
