"""Food use cases over a loaded database: look-up by reference and importing a USDA release.

An import over the shipped data must update in place (same ids, no duplicates) and a
damaged release must be refused before the database is touched.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from planner.core.foods import FoodRef, FoodRefError, Portion
from planner.services.database import DATASET_META_KEY, Database
from planner.services.foods import FoodNotFoundError, FoodService
from planner.sources.usda_sr import UsdaFormatError


def _snapshot(db: Database) -> dict[str, list[Any]]:
    """Every row the food tables hold, for before/after comparisons."""
    with db.engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(query))]
            for table, query in {
                "food": "SELECT * FROM food ORDER BY id",
                "portion": "SELECT * FROM portion ORDER BY id",
                "food_group": "SELECT * FROM food_group ORDER BY code",
                "meta": "SELECT * FROM meta ORDER BY key",
            }.items()
        }


def test_get_returns_the_food_with_its_portions(db: Database) -> None:
    spinach = FoodService(db).get("usda:11457")
    assert spinach.ref == FoodRef("usda-sr28", "11457")
    assert spinach.name == "Spinach, raw"
    assert spinach.group_name == "Vegetables and Vegetable Products"
    assert spinach.id is not None
    assert spinach.value("magnesium_mg") == 79.0
    assert spinach.value("vitamin_d_ug") == 0.0
    assert spinach.portions[:2] == (Portion(1.0, "cup", 30.0), Portion(1.0, "bunch", 340.0))
    assert len(spinach.portions) == 4


@pytest.mark.parametrize(
    ("ref", "vitamin_d_ug"),
    [("usda:15046", 16.1), ("usda:15076", None), ("usda:01123", 2.0), ("usda:16613", 0.25)],
)
def test_vitamin_d_values(db: Database, ref: str, vitamin_d_ug: float | None) -> None:
    assert FoodService(db).get(ref).value("vitamin_d_ug") == vitamin_d_ug


def test_get_accepts_a_ref_and_short_ndb_numbers(db: Database) -> None:
    service = FoodService(db)
    egg = service.get(FoodRef("usda-sr28", "01123"))
    assert service.get("usda:1123") == egg
    assert service.get(" USDA:01123 ") == egg
    assert egg.portions[0] == Portion(1.0, "large", 50.0)


def test_get_unknown_food_raises_not_found(db: Database) -> None:
    with pytest.raises(FoodNotFoundError, match="no food usda:99999 in the database") as caught:
        FoodService(db).get("usda:99999")
    assert caught.value.ref == FoodRef("usda-sr28", "99999")


@pytest.mark.parametrize("ref", ["bogus", "usda:", "nosuch:123", ":11457", ""])
def test_get_malformed_ref_raises_ref_error(db: Database, ref: str) -> None:
    with pytest.raises(FoodRefError):
        FoodService(db).get(ref)


def test_get_many_leaves_out_missing(db: Database) -> None:
    refs = [FoodRef.parse("usda:11457"), FoodRef.parse("usda:99999"), FoodRef.parse("usda:15046")]
    found = FoodService(db).get_many(refs)
    assert set(found) == {refs[0], refs[2]}
    assert found[refs[2]].name == "Fish, mackerel, Atlantic, raw"


def test_groups_and_count(db: Database) -> None:
    service = FoodService(db)
    assert service.count() == 8789
    groups = service.groups()
    assert len(groups) == 25
    assert [g.name for g in groups] == sorted(g.name for g in groups)


def test_import_over_the_shipped_data_updates_in_place(db: Database, usda_dir: Path) -> None:
    service = FoodService(db)
    before = _snapshot(db)
    spinach_id = service.get("usda:11457").id
    calls: list[tuple[int, int]] = []

    written = service.import_usda(usda_dir, lambda done, total: calls.append((done, total)))

    assert written == 8789
    assert service.count() == 8789
    assert service.get("usda:11457").id == spinach_id
    after = _snapshot(db)
    # Same foods with the same ids and values, same groups; portions rewritten, not added.
    assert after["food"] == before["food"]
    assert after["food_group"] == before["food_group"]
    assert [row[1:] for row in after["portion"]] == [row[1:] for row in before["portion"]]
    assert after["meta"] == [(DATASET_META_KEY, "import:8789")]
    assert calls[-1] == (8789 + 15438, 8789 + 15438)
    assert service.search("spinach raw")[0].id == spinach_id


def test_import_of_a_damaged_release_changes_nothing(
    db: Database, usda_dir: Path, tmp_path: Path
) -> None:
    release = tmp_path / "sr28"
    release.mkdir()
    for name in ("FD_GROUP.txt.gz", "FOOD_DES.txt.gz", "NUT_DATA.subset.txt.gz"):
        shutil.copyfile(usda_dir / name, release / name)
    weight = release / "WEIGHT.txt.gz"
    lines = gzip.decompress((usda_dir / weight.name).read_bytes()).split(b"\r\n")
    # Line 15,000: a gram weight that is not a number.
    fields = lines[14999].split(b"^")
    fields[4] = b"12g"
    lines[14999] = b"^".join(fields)
    weight.write_bytes(gzip.compress(b"\r\n".join(lines)))
    before = _snapshot(db)

    with pytest.raises(UsdaFormatError, match=r"^WEIGHT\.txt\.gz, line 15000: gram weight '12g'"):
        FoodService(db).import_usda(release)

    assert _snapshot(db) == before


def test_import_of_a_missing_directory_changes_nothing(db: Database, tmp_path: Path) -> None:
    before = _snapshot(db)
    with pytest.raises(UsdaFormatError, match="is not a directory"):
        FoodService(db).import_usda(tmp_path / "missing")
    assert _snapshot(db) == before
