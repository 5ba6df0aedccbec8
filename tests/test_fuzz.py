"""Fuzzing the three readers of outside input: plan files, USDA SR files, typed amounts.

Each gets random input and mutations of real input (the plan files of ``tests/data``
and the shipped demo week, the first 50 lines of the real SR28 files, amounts a person
types) and must either give a valid result or raise its one documented error:
:class:`PlanFileError`, :class:`UsdaFormatError`, :class:`AmountError`. Never another
exception, and never a partial write: a refused import leaves the plans or the foods
exactly as they were. Examples are derandomized (the same each run) and modest in
number, so the suite stays fast; raise ``max_examples`` locally to dig deeper.
"""

from __future__ import annotations

import gzip
import json
import math
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from planner import paths
from planner.core.foods import Food, FoodRef
from planner.core.units import MAX_AMOUNT, AmountError, parse_amount
from planner.db.foods import FoodRepository
from planner.services.database import Database
from planner.services.foods import FoodService
from planner.services.plans import PlanService
from planner.sources.plan_file import LoadedPlan, PlanFileError, dump_plan, load_plan
from planner.sources.usda_sr import SrRelease, UsdaFormatError, read_release

DATA = Path(__file__).resolve().parent / "data"
#: Real plan files: the test weeks and days, and the demo week that ships.
PLAN_FILES = [
    *(path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*.json"))),
    paths.read_shipped_text("demo_week.json"),
]

fuzz = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- mutations shared by the text readers -------------------------------------------------

#: Characters that matter to JSON, to the SR format and to numbers, and a few beyond.
_SYNTAX = '{}[]":,^~.-+eE0123456789/ \t\r\n\\'
_AWKWARD = "\x00\x7f\u00a0\u2009\u00bd\u0663\ufeff\u202e\U0001f96c"
_chunks = st.text(alphabet=_SYNTAX + _AWKWARD + "abcxyzNaInfity", max_size=12) | st.text(
    max_size=6
)


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """``original`` with a few spans deleted, replaced, duplicated or inserted."""
    result = original
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(result)))
        end = draw(st.integers(start, min(len(result), start + 40)))
        action = draw(st.sampled_from(["delete", "replace", "insert", "duplicate"]))
        if action == "delete":
            result = result[:start] + result[end:]
        elif action == "replace":
            result = result[:start] + draw(_chunks) + result[end:]
        elif action == "insert":
            result = result[:start] + draw(_chunks) + result[start:]
        else:
            result = result[:end] + result[start:end] + result[end:]
    return result


# -- plan files ---------------------------------------------------------------------------

_json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.sampled_from([0, -0.0, 1e-320, 1e308, 10**400, 2**63, 100000.0, 100000.1, 0.5])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
    | st.sampled_from(
        ["", " ", "usda:11457", "usda:99999", "usda:", "fdc:1", "g", "cup", "large",
         "2026-02-30", "2026-11-23", "daily", "weekly", "sun", "IU", "mg", "µg",
         "vitamin_d", "magnesium", "female", "pregnancy", "x" * 300, "\x00"]
    )
)
#: JSON can spell a lone surrogate (``"\\ud800"``); UTF-8, SQLite and files cannot hold it.
lone_surrogate_text = st.builds(
    "{}{}{}".format,
    st.text(max_size=3),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, categories=["Cs"]),
    st.text(max_size=3),
)
#: Text a person or a program might put in a name: spaces only, control characters, a
#: right-to-left override, emoji, very long, lone surrogates.
awkward_text = (
    st.text(st.sampled_from(list(_AWKWARD)) | st.characters(), min_size=1, max_size=6)
    | st.sampled_from(["   ", "\t", "x" * 5000, "Lunch\u202eesrever"])
    | lone_surrogate_text
)

json_values = st.recursive(
    _json_leaves,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _places(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _places(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _places(child, (*prefix, index))


def _at(data: Any, place: tuple[Any, ...]) -> Any:
    for step in place:
        data = data[step]
    return data


def _name_places(data: Any) -> list[tuple[Any, ...]]:
    """Where a plan file holds free text a person typed: the names."""
    return [place for place in _places(data) if place and place[-1] == "name"]


@st.composite
def mutated_tree(draw: st.DrawFn, names: st.SearchStrategy[str] = awkward_text) -> str:
    """A real plan file with values replaced, deleted or repeated, re-encoded as JSON."""
    data = json.loads(draw(st.sampled_from(PLAN_FILES)))
    # Mostly one change: a file broken in three places mostly fails at the first.
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        places = [place for place in _places(data) if place]
        if not places:
            break
        action = draw(
            st.sampled_from(["replace", "delete", "repeat", "rename", "rename", "retext"])
        )
        if action == "rename":  # the names: free text, stored as it is
            places = _name_places(data) or places
        elif action == "retext":  # any text: references, units, dates, names
            places = [place for place in places if isinstance(_at(data, place), str)] or places
        place = draw(st.sampled_from(places))
        parent = _at(data, place[:-1])
        if action == "rename":
            parent[place[-1]] = draw(names)
        elif action == "retext":
            parent[place[-1]] = draw(awkward_text)
        elif action == "delete":
            del parent[place[-1]]
        elif action == "repeat" and isinstance(parent, list):
            parent.append(parent[place[-1]])
        else:
            parent[place[-1]] = draw(json_values)
    return json.dumps(data, ensure_ascii=draw(st.booleans()))


plan_texts = st.one_of(
    mutated_tree(),
    mutated_tree(),  # twice: the structured changes reach furthest into the checks
    st.sampled_from(PLAN_FILES).flatmap(mutated),
    st.text(max_size=200),
)


@pytest.fixture
def real_foods(db: Database) -> Iterator[Callable[[FoodRef], Food | None]]:
    """A resolver over the real USDA foods of the loaded database."""
    with db.sessions() as session:
        yield FoodRepository(session).get


@fuzz
@given(plan_texts)
def test_a_plan_file_loads_or_gives_plan_file_error(
    real_foods: Callable[[FoodRef], Food | None], text_: str
) -> None:
    try:
        loaded = load_plan(text_, real_foods)
    except PlanFileError as error:
        # One short line: a 5,000-character name is quoted by its first 60 characters.
        assert str(error) and len(str(error)) < 600, str(error)[:700]
        return
    assert isinstance(loaded, LoadedPlan)
    # What loads is a plan planner can write back and read again unchanged.
    written = dump_plan(loaded.plan, recipes=loaded.recipes)
    again = load_plan(written, real_foods)
    assert again.plan == loaded.plan
    assert set(again.foods) == set(loaded.foods)


_PLAN_TABLES = ("profile", "plan", "plan_day", "meal", "entry", "supplement")


def _plan_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in _PLAN_TABLES
        }


@fuzz
@given(plan_texts)
def test_importing_a_plan_file_stores_all_of_it_or_nothing(db: Database, text_: str) -> None:
    plans = PlanService(db)
    before = _plan_rows(db)
    try:
        saved = plans.import_text(text_)
    except PlanFileError:
        assert _plan_rows(db) == before
        return
    assert len(plans.list()) == len(before["plan"]) + 1
    # What is stored is what the file says, all of it.
    loaded = plans.load_file_text(text_)
    assert dump_plan(plans.get(saved.id).plan) == dump_plan(loaded.plan)



@pytest.mark.parametrize(
    "place",
    [("name",), ("profile", "name"), ("days", 0, "meals", 0, "name"), ("supplements", 0, "name")],
    ids=["plan", "profile", "meal", "supplement"],
)
def test_a_name_with_a_lone_surrogate_is_refused_as_a_plan_file_error(
    db: Database, place: tuple[Any, ...]
) -> None:
    data = json.loads((DATA / "issue_example.json").read_text(encoding="utf-8"))
    data.setdefault("name", "Ana's week")
    _at(data, place[:-1])[place[-1]] = "Lunch \ud800"
    text_ = json.dumps(data)  # spelled "\\ud800" in the file: valid JSON, not valid text
    plans = PlanService(db)
    before = _plan_rows(db)
    with pytest.raises(PlanFileError):
        plans.import_text(text_)
    assert _plan_rows(db) == before


# -- USDA SR files ------------------------------------------------------------------------

SR_TABLES = ("FD_GROUP", "FOOD_DES", "NUT_DATA", "WEIGHT")
SR_SOURCES = {
    "FD_GROUP": "FD_GROUP.txt.gz",
    "FOOD_DES": "FOOD_DES.txt.gz",
    "NUT_DATA": "NUT_DATA.subset.txt.gz",
    "WEIGHT": "WEIGHT.txt.gz",
}
SR_LINES = 50


@pytest.fixture(scope="module")
def small_release(usda_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The first 50 lines of each real SR28 file, as the bytes of plain ``.txt`` files."""
    files = {}
    for table, name in SR_SOURCES.items():
        with gzip.open(usda_dir / name, "rb") as source:
            files[table] = b"".join(source.readline() for _ in range(SR_LINES))
    return files


def _write_release(folder: Path, files: dict[str, bytes]) -> None:
    for table, content in files.items():
        name = f"{table}.txt"
        if content.startswith(b"\x1f\x8b"):
            name += ".gz"
        (folder / name).write_bytes(content)


_BYTES = st.sampled_from(list(b"^~\r\n\x00\x81\x8d\x7f .-0123456789eE")) | st.integers(0, 255)


#: Damage done line by line (the rest is done to the bytes).
_LINE_ACTIONS = ("field", "drop-line", "repeat-line", "swap-lines")


def _damaged_lines(draw: st.DrawFn, action: str, lines: list[bytes]) -> bytes:
    """The lines with one field, or one line, changed, dropped, repeated or swapped."""
    if action == "field" and lines[0]:
        number = draw(st.integers(0, len(lines) - 1))
        fields = lines[number].split(b"^")
        which = draw(st.integers(0, len(fields) - 1))
        fields[which] = draw(
            st.sampled_from([b"", b"~~", b"~", b"-1", b"1e999", b"nan", b"inf", b"0",
                             b"100001", b"~01001~", b"~9999~", b"~abcde~", b"12.5.1"])
            | st.binary(max_size=8)
        )
        lines[number] = b"^".join(fields)
    elif action == "drop-line" and len(lines) > 1:
        del lines[draw(st.integers(0, len(lines) - 1))]
    elif action == "repeat-line":
        lines.append(lines[draw(st.integers(0, len(lines) - 1))])
    elif action == "swap-lines" and len(lines) > 1:
        first = draw(st.integers(0, len(lines) - 1))
        second = draw(st.integers(0, len(lines) - 1))
        lines[first], lines[second] = lines[second], lines[first]
    return b"\n".join(lines)


@st.composite
def mutated_release(draw: st.DrawFn, files: dict[str, bytes]) -> dict[str, bytes]:
    """The small release with a few bytes, fields, lines or whole files damaged."""
    files = dict(files)
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(SR_TABLES))
        content = files.get(table, b"")
        lines = content.split(b"\n")
        action = draw(
            st.sampled_from(
                ["byte", "bytes", "field", "drop-line", "repeat-line", "swap-lines",
                 "truncate", "empty", "missing", "gzip", "broken-gzip"]
            )
        )
        if action == "byte" and content:
            at = draw(st.integers(0, len(content) - 1))
            content = content[:at] + bytes([draw(_BYTES)]) + content[at + 1 :]
        elif action == "bytes":
            at = draw(st.integers(0, len(content)))
            content = content[:at] + bytes(draw(st.lists(_BYTES, max_size=8))) + content[at:]
        elif action in _LINE_ACTIONS:
            content = _damaged_lines(draw, action, lines)
        elif action == "truncate":
            content = content[: draw(st.integers(0, len(content)))]
        elif action == "empty":
            content = b""
        elif action == "missing":
            files.pop(table, None)
            continue
        elif action == "gzip":
            content = gzip.compress(content)
        elif action == "broken-gzip":
            packed = gzip.compress(content)
            content = packed[: draw(st.integers(2, max(2, len(packed) - 1)))]
        files[table] = content
    return files


def _check_release(release: SrRelease) -> None:
    """What a returned release promises: complete, consistent, plausible values."""
    groups = {group.code for group in release.groups}
    assert release.foods and groups
    for food in release.foods:
        assert food.group_code in groups
        assert food.name.strip()
        for value in food.nutrients.values():
            assert value is None or (math.isfinite(value) and 0 <= value <= 100_000)
        for portion in food.portions:
            assert portion.amount > 0 and portion.grams > 0 and portion.description


def test_the_small_release_reads_as_it_is(small_release: dict[str, bytes], tmp_path: Path) -> None:
    _write_release(tmp_path, small_release)
    release = read_release(tmp_path)
    assert len(release.groups) == 25
    assert len(release.foods) == SR_LINES
    butter = release.foods[0]
    assert (butter.ref, butter.name) == (FoodRef("usda-sr28", "01001"), "Butter, salted")
    assert butter.nutrients["magnesium_mg"] == 2.0
    assert [p.description for p in butter.portions] == ["pat (1\" sq, 1/3\" high)", "tbsp", "cup",
                                                        "stick"]
    _check_release(release)


@fuzz
@given(data=st.data())
def test_a_damaged_release_reads_or_gives_usda_format_error(
    small_release: dict[str, bytes], data: st.DataObject
) -> None:
    files = data.draw(mutated_release(small_release))
    with tempfile.TemporaryDirectory() as folder:
        _write_release(Path(folder), files)
        try:
            release = read_release(folder)
        except UsdaFormatError as error:
            assert str(error)
            return
    _check_release(release)


def _food_tables(db: Database, ndbs: list[str]) -> dict[str, Any]:
    marks = ", ".join(f"'{ndb}'" for ndb in ndbs)
    with db.engine.connect() as connection:
        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in connection.execute(text(sql))]

        return {
            "counts": rows("SELECT (SELECT count(*) FROM food), (SELECT count(*) FROM portion), "
                           "(SELECT count(*) FROM food_group), (SELECT count(*) FROM food_fts)"),
            "foods": rows(f"SELECT * FROM food WHERE source_id IN ({marks}) ORDER BY id"),
            "portions": rows(
                "SELECT portion.* FROM portion JOIN food ON food.id = portion.food_id "
                f"WHERE food.source_id IN ({marks}) ORDER BY portion.id"
            ),
            "groups": rows("SELECT * FROM food_group ORDER BY code"),
            "meta": rows("SELECT * FROM meta ORDER BY key"),
        }


@settings(fuzz, max_examples=60)
@given(data=st.data())
def test_a_refused_usda_import_leaves_the_foods_as_they_were(
    db: Database, small_release: dict[str, bytes], data: st.DataObject
) -> None:
    files = data.draw(mutated_release(small_release))
    ndbs = [line.split(b"^")[0].strip(b"~").decode() for line in small_release["FOOD_DES"]
            .splitlines()]
    before = _food_tables(db, ndbs)
    folder = Path(tempfile.mkdtemp())
    try:
        _write_release(folder, files)
        try:
            imported = FoodService(db).import_usda(folder)
        except UsdaFormatError:
            assert _food_tables(db, ndbs) == before
            return
    finally:
        shutil.rmtree(folder)
    assert imported > 0
    assert _food_tables(db, ndbs)["counts"][0][0] >= before["counts"][0][0]


# -- amounts ------------------------------------------------------------------------------

TYPED_AMOUNTS = ["60", "1.5", "1,5", "1/2", "1 1/2", "2 3/4", ".5", "100000", "0.001", "250"]


def _check_amount(text_: str) -> None:
    try:
        amount = parse_amount(text_)
    except AmountError as error:
        assert str(error)
        return
    assert isinstance(amount, float)
    assert math.isfinite(amount) and 0 < amount <= MAX_AMOUNT


@fuzz
@given(st.text(max_size=30) | st.sampled_from(TYPED_AMOUNTS).flatmap(mutated))
def test_a_typed_amount_parses_or_gives_amount_error(text_: str) -> None:
    _check_amount(text_)


@fuzz
@given(
    st.lists(st.sampled_from(list("0123456789")), min_size=1, max_size=400).map("".join),
    st.sampled_from(["", "/", "/0", "/1", " 1/", ".", ",", "e5", "e-400"]),
)
def test_long_numbers_parse_or_give_amount_error(digits: str, tail: str) -> None:
    _check_amount(digits + tail)
    _check_amount(f"{digits} {digits}/{digits}")
