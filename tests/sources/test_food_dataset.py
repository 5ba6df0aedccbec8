"""The shipped food dataset (``data/foods/``): equal to the official release, loud when damaged.

The shipped CSV files are what every first start loads, so they must hold exactly what
the importer reads from the USDA files: every food, every nutrient value (including
the unknowns) and every portion, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.paths import shipped
from planner.services.database import read_shipped_dataset
from planner.sources.food_dataset import (
    FOOD_COLUMNS,
    FOODS_FILE,
    GROUPS_FILE,
    PORTIONS_FILE,
    DatasetError,
    read_dataset,
    read_dataset_dir,
    write_dataset,
)
from planner.sources.usda_sr import SrRelease, read_release


@pytest.fixture(scope="module")
def official(usda_dir: Path) -> SrRelease:
    return read_release(usda_dir)


@pytest.fixture(scope="module")
def shipped_release() -> SrRelease:
    return read_shipped_dataset()


@pytest.fixture(scope="module")
def shipped_texts() -> dict[str, str]:
    directory = shipped("foods")
    return {
        name: directory.joinpath(name).read_text(encoding="utf-8")
        for name in (GROUPS_FILE, FOODS_FILE, PORTIONS_FILE)
    }


def test_shipped_dataset_equals_the_official_release(
    shipped_release: SrRelease, official: SrRelease
) -> None:
    assert len(shipped_release.foods) == len(official.foods) == 8789
    assert len(shipped_release.groups) == 25
    assert sum(len(f.portions) for f in shipped_release.foods) == 15438
    assert shipped_release.groups == official.groups
    # Compare whole values, food by food, so a difference names the food.
    for ours, theirs in zip(shipped_release.foods, official.foods, strict=True):
        assert ours.ref == theirs.ref
        assert (ours.name, ours.group_code, ours.group_name) == (
            theirs.name, theirs.group_code, theirs.group_name,
        )
        assert dict(ours.nutrients) == dict(theirs.nutrients), ours.ref
        assert ours.portions == theirs.portions, ours.ref
    assert shipped_release == official


def test_unknown_stays_unknown_and_zero_stays_zero(shipped_release: SrRelease) -> None:
    foods = {food.ref.source_id: food for food in shipped_release.foods}
    assert foods["11457"].value("vitamin_d_ug") == 0.0
    assert foods["15076"].value("vitamin_d_ug") is None
    assert foods["16613"].value("vitamin_d_ug") == 0.25


def test_write_then_read_gives_back_the_same_values(
    tmp_path: Path, official: SrRelease, shipped_texts: dict[str, str]
) -> None:
    write_dataset(official, tmp_path / "foods")
    assert read_dataset_dir(tmp_path / "foods") == official
    # The packaging script's output is what ships, byte for byte.
    for name, text in shipped_texts.items():
        assert (tmp_path / "foods" / name).read_text(encoding="utf-8") == text, name


def _damage(texts: dict[str, str], name: str, line: int, old: str, new: str) -> dict[str, str]:
    lines = texts[name].split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return {**texts, name: "\n".join(lines)}


def _read(texts: dict[str, str]) -> SrRelease:
    return read_dataset(texts[GROUPS_FILE], texts[FOODS_FILE], texts[PORTIONS_FILE])


@pytest.mark.parametrize(
    ("name", "line", "old", "new"),
    [
        (GROUPS_FILE, 1, "code,name", "code;name"),
        (FOODS_FILE, 1, "ndb,group,name", "ndb,name,group"),
        (PORTIONS_FILE, 1, "grams", "gram"),
    ],
    ids=["groups", "foods", "portions"],
)
def test_bad_header_names_the_file(
    shipped_texts: dict[str, str], name: str, line: int, old: str, new: str
) -> None:
    with pytest.raises(DatasetError, match=rf"^{name}, line 1: expected the header "):
        _read(_damage(shipped_texts, name, line, old, new))


def test_missing_field_names_file_and_line(shipped_texts: dict[str, str]) -> None:
    # Line 2 is Butter, salted: drop its vitamin K value and the comma before it.
    damaged = _damage(shipped_texts, FOODS_FILE, 2, ",0,7", ",0")
    fields = len(FOOD_COLUMNS)
    expected = rf"^foods\.csv, line 2: expected {fields} fields, found {fields - 1}$"
    with pytest.raises(DatasetError, match=expected):
        _read(damaged)


def test_survey_flag_and_common_names_are_shipped(shipped_texts: dict[str, str]) -> None:
    foods = {f.ref.source_id: f for f in _read(shipped_texts).foods}
    assert sum(f.survey for f in foods.values()) == 3404
    assert foods["14148"].common_name == "soft drink, pop, soda"
    # Cut codes are not names: "URMIS #1116, Mock Tender  Steak".
    assert foods["23521"].common_name == "Mock Tender Steak"
    assert foods["09003"].common_name is None  # "Includes USDA commodity food A343"
    assert foods["09003"].survey and not foods["35198"].survey


def test_a_bad_survey_flag_names_file_and_line(shipped_texts: dict[str, str]) -> None:
    butter = '"Butter, salted"'
    damaged = _damage(shipped_texts, FOODS_FILE, 2, f"{butter},,Y,", f"{butter},,X,")
    expected = r"^foods\.csv, line 2: survey 'X' is not Y or empty"
    with pytest.raises(DatasetError, match=expected):
        _read(damaged)


def test_missing_portion_field_names_file_and_line(shipped_texts: dict[str, str]) -> None:
    damaged = _damage(shipped_texts, PORTIONS_FILE, 3, ",14.2", "")
    with pytest.raises(DatasetError, match=r"^portions\.csv, line 3: expected 4 fields, found 3$"):
        _read(damaged)


def test_empty_file_names_the_file(shipped_texts: dict[str, str]) -> None:
    with pytest.raises(DatasetError, match=r"^food_groups\.csv, line 1: "):
        _read({**shipped_texts, GROUPS_FILE: ""})


@pytest.mark.parametrize(
    ("name", "line", "old", "new"),
    [
        # Butter, salted: 717 kcal.
        (FOODS_FILE, 2, ",717,", ",seven hundred,"),
        # Butter, salted, 1 tbsp = 14.2 g.
        (PORTIONS_FILE, 3, ",14.2", ",fourteen"),
    ],
    ids=["foods", "portions"],
)
def test_non_numeric_value_names_file_and_line(
    shipped_texts: dict[str, str], name: str, line: int, old: str, new: str
) -> None:
    damaged = _damage(shipped_texts, name, line, old, new)
    with pytest.raises(DatasetError) as caught:
        _read(damaged)
    message = str(caught.value)
    assert message.startswith(f"{name}, line {line}: "), message

