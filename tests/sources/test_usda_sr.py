"""The USDA SR28 ASCII importer, on the real release and on small hand-written files.

The real files (``../shared/data/usda``) are read once per session; the expected numbers
come from the files themselves and from Table 1 of ``sr28_doc.pdf`` (see the README
beside the files). The hand-written directories cover both quoting styles found in the
wild, CRLF line ends, Windows-1252 bytes and every kind of damage the reader must name.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from planner.core.foods import Food, FoodGroup, FoodRef, Portion
from planner.core.nutrients import NUTRIENT_KEYS
from planner.sources.usda_sr import SOURCE, SrRelease, UsdaFormatError, read_release


@pytest.fixture(scope="session")
def release(usda_dir: Path) -> SrRelease:
    return read_release(usda_dir)


@pytest.fixture(scope="session")
def foods_by_ndb(release: SrRelease) -> dict[str, Food]:
    return {food.ref.source_id: food for food in release.foods}


# -- the real release ------------------------------------------------------------------


def test_release_counts_match_the_sr28_documentation(release: SrRelease) -> None:
    assert len(release.foods) == 8789
    assert len(release.groups) == 25
    assert sum(len(food.portions) for food in release.foods) == 15438
    assert len({food.ref for food in release.foods}) == 8789
    assert {food.ref.source for food in release.foods} == {SOURCE}


def test_every_food_belongs_to_a_listed_group(release: SrRelease) -> None:
    names = {group.code: group.name for group in release.groups}
    assert release.groups[0] == FoodGroup("0100", "Dairy and Egg Products")
    assert names["1100"] == "Vegetables and Vegetable Products"
    for food in release.foods:
        assert food.group_name == names[food.group_code]
        assert tuple(food.nutrients) == NUTRIENT_KEYS


def test_known_values_count_like_table_1_of_the_documentation(release: SrRelease) -> None:
    # Vitamin D: 5,527 foods have nutrient 328 (µg) and 51 more only 324 (IU).
    assert sum(food.value("vitamin_d_ug") is not None for food in release.foods) == 5578
    assert sum(food.value("magnesium_mg") is not None for food in release.foods) == 8050
    assert sum(food.value("energy_kcal") is not None for food in release.foods) == 8789
    assert sum(food.value("vitamin_k_ug") is not None for food in release.foods) == 5226


def test_spinach_raw(foods_by_ndb: dict[str, Food]) -> None:
    spinach = foods_by_ndb["11457"]
    assert spinach.ref == FoodRef("usda-sr28", "11457")
    assert str(spinach.ref) == "usda:11457"
    assert spinach.name == "Spinach, raw"
    assert spinach.group_code == "1100"
    assert spinach.value("magnesium_mg") == 79.0
    # A measured zero is known, not missing.
    assert spinach.value("vitamin_d_ug") == 0.0
    assert spinach.value("vitamin_d_ug") is not None
    assert spinach.value("vitamin_k_ug") == 482.9
    assert spinach.portions == (
        Portion(1.0, "cup", 30.0),
        Portion(1.0, "bunch", 340.0),
        Portion(1.0, "leaf", 10.0),
        Portion(1.0, "package (10 oz)", 284.0),
    )


def test_mackerel_has_vitamin_d_and_wild_salmon_has_none(foods_by_ndb: dict[str, Food]) -> None:
    mackerel = foods_by_ndb["15046"]
    assert mackerel.name == "Fish, mackerel, Atlantic, raw"
    # 328 (16.1 µg) wins over 324 (643 IU = 16.075 µg).
    assert mackerel.value("vitamin_d_ug") == 16.1
    assert mackerel.value("magnesium_mg") == 76.0

    salmon = foods_by_ndb["15076"]
    assert salmon.name == "Fish, salmon, Atlantic, wild, raw"
    assert salmon.value("vitamin_d_ug") is None
    assert salmon.value("magnesium_mg") == 29.0
    assert salmon.portions == (Portion(3.0, "oz", 85.0), Portion(0.5, "fillet", 198.0))


def test_egg_portions_follow_the_sequence_numbers(foods_by_ndb: dict[str, Food]) -> None:
    egg = foods_by_ndb["01123"]
    assert egg.name == "Egg, whole, raw, fresh"
    assert egg.value("vitamin_d_ug") == 2.0
    assert egg.value("magnesium_mg") == 12.0
    # WEIGHT has Seq 1, 2, 3, 5, 6, 7 for this food (no 4).
    assert [p.description for p in egg.portions] == [
        "large", "extra large", "jumbo", "cup (4.86 large eggs)", "medium", "small",
    ]
    assert egg.portions[0] == Portion(1.0, "large", 50.0)


def test_vitamin_d_in_iu_only_is_converted_to_micrograms(foods_by_ndb: dict[str, Food]) -> None:
    # 16613 has nutrient 324 = 10 IU and no 328 row: 10 / 40 = 0.25 µg.
    sandwich = foods_by_ndb["16613"]
    assert sandwich.name.startswith("MORNINGSTAR FARMS Breakfast Sandwich")
    assert sandwich.value("vitamin_d_ug") == 0.25
    # 16617: 2 IU only.
    assert foods_by_ndb["16617"].value("vitamin_d_ug") == 0.05


def test_reference_parsing_pads_short_ndb_numbers(foods_by_ndb: dict[str, Food]) -> None:
    assert FoodRef.parse("usda:1123") == foods_by_ndb["01123"].ref


# -- hand-written files --------------------------------------------------------------

_FD_GROUP = [
    "~1100~^~Vegetables and Vegetable Products~",
    "~1500~^~Finfish and Shellfish Products~",
]
_FOOD_DES = [
    # Official quoting: every text field in tildes, an empty one as ~~.
    "~11457~^~1100~^~Spinach, raw~^~SPINACH,RAW~^~~^~~^~Y~^~Large stems and roots~^28"
    "^~Spinacia oleracea~^6.25^2.44^8.37^3.57",
    # Republished quoting: empty text fields are bare.
    "~15046~^~1500~^~Fish, mackerel, Atlantic, raw~^~MACKEREL,ATLANTIC,RAW~^^^~Y~^^0"
    "^~Scomber scombrus L.~^6.25^4.27^9.02^3.87",
    "~15999~^~1500~^~Fish oil, 10 \xb5g per gram~^~FISH OIL~^^^^^0^^^^^",
]
_NUT_DATA = [
    "~11457~^~304~^79^7^4.794^~1~^^^^^^^^^^^08/1984^",
    "~11457~^~328~^0.0^0^~~^~7~^~Z~^~~^~~^^^^^^^~~^11/2008^~~",
    "~11457~^~324~^0^0^^~7~^~Z~^^^^^^^^^^02/2009^",
    # Water is not tracked: read past without a value.
    "~11457~^~255~^91.40^3^0.148^~1~^^^^^^^^^^^08/1984^",
    # Only the IU row: 643 IU / 40 = 16.075 µg.
    "~15046~^~324~^643^0^^~4~^~BFFN~^~15127~^^^^^^^^^03/2009^",
]
_WEIGHT = [
    # Out of order on purpose: portions come back by Seq.
    "~11457~^2^1^~bunch~^340^^",
    "~11457~^1^1^~cup~^30^~~^~~",
    "~15046~^1^3^~oz~^85^^",
]


def _write(directory: Path, name: str, lines: list[str], *, compress: bool = False) -> Path:
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    path = directory / (name + ".gz" if compress else name)
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


def _sr_dir(directory: Path, *, compress: bool = False, **tables: list[str]) -> Path:
    """A small SR directory; keyword arguments replace a table's lines."""
    directory.mkdir(parents=True, exist_ok=True)
    content = {"FD_GROUP": _FD_GROUP, "FOOD_DES": _FOOD_DES, "NUT_DATA": _NUT_DATA}
    content["WEIGHT"] = _WEIGHT
    content.update(tables)
    for table, lines in content.items():
        _write(directory, f"{table}.txt", lines, compress=compress)
    return directory


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "gzip"])
def test_small_release_in_both_quoting_styles(tmp_path: Path, compress: bool) -> None:
    release = read_release(_sr_dir(tmp_path / "sr", compress=compress))

    assert release.groups == (
        FoodGroup("1100", "Vegetables and Vegetable Products"),
        FoodGroup("1500", "Finfish and Shellfish Products"),
    )
    assert [str(food.ref) for food in release.foods] == ["usda:11457", "usda:15046", "usda:15999"]
    spinach, mackerel, fish_oil = release.foods

    assert spinach.name == "Spinach, raw"
    assert spinach.group_name == "Vegetables and Vegetable Products"
    assert spinach.value("magnesium_mg") == 79.0
    assert spinach.value("vitamin_d_ug") == 0.0
    assert spinach.value("energy_kcal") is None
    assert spinach.portions == (Portion(1.0, "cup", 30.0), Portion(1.0, "bunch", 340.0))

    assert mackerel.value("vitamin_d_ug") == 16.075
    assert mackerel.value("magnesium_mg") is None
    assert mackerel.portions == (Portion(3.0, "oz", 85.0),)

    # 0xB5 in Windows-1252 is the micro sign.
    assert fish_oil.name == "Fish oil, 10 µg per gram"
    assert fish_oil.portions == ()
    assert set(fish_oil.nutrients.values()) == {None}


def test_file_names_in_any_case_lf_line_ends_and_a_trailing_caret(tmp_path: Path) -> None:
    directory = _sr_dir(tmp_path / "sr")
    (directory / "FOOD_DES.txt").rename(directory / "food_des.TXT")
    weight = directory / "WEIGHT.txt"
    # LF instead of CRLF, one trailing caret, and no line end after the last line.
    weight.write_bytes(b"~11457~^1^1^~cup~^30^^^\n~11457~^2^1^~bunch~^340^^")

    release = read_release(directory)

    assert release.foods[0].portions == (Portion(1.0, "cup", 30.0), Portion(1.0, "bunch", 340.0))
    assert len(release.foods) == 3


def test_real_files_uncompressed_read_the_same(
    tmp_path: Path, usda_dir: Path, release: SrRelease
) -> None:
    for name in ("FD_GROUP", "FOOD_DES", "NUT_DATA", "WEIGHT"):
        data = gzip.decompress((usda_dir / f"{name}.txt.gz").read_bytes())
        (tmp_path / f"{name}.txt").write_bytes(data)
    assert read_release(tmp_path) == release


# -- damage, each named with file and line --------------------------------------------


def _replace(lines: list[str], index: int, old: str, new: str) -> list[str]:
    assert old in lines[index]
    changed = list(lines)
    changed[index] = lines[index].replace(old, new, 1)
    return changed


_DAMAGE: dict[str, tuple[dict[str, list[str]], str, int, str]] = {
    "wrong field count": (
        {"FOOD_DES": _replace(_FOOD_DES, 1, "^6.25", "")},
        "FOOD_DES.txt", 2, "expected 14 '^'-separated fields, found 13",
    ),
    "extra field": (
        {"WEIGHT": _replace(_WEIGHT, 2, "^^", "^^^7^")},
        "WEIGHT.txt", 3, "expected 7 '^'-separated fields, found 9",
    ),
    "non-numeric nutrient value": (
        {"NUT_DATA": _replace(_NUT_DATA, 0, "^79^", "^7,9^")},
        "NUT_DATA.txt", 1, "nutrient value '7,9' is not a number",
    ),
    "negative nutrient value": (
        {"NUT_DATA": _replace(_NUT_DATA, 4, "^643^", "^-643^")},
        "NUT_DATA.txt", 5, "nutrient value '-643' is out of range",
    ),
    "negative gram weight": (
        {"WEIGHT": _replace(_WEIGHT, 1, "^30^", "^-30^")},
        "WEIGHT.txt", 2, "gram weight '-30' is out of range",
    ),
    "zero gram weight": (
        {"WEIGHT": _replace(_WEIGHT, 0, "^340^", "^0^")},
        "WEIGHT.txt", 1, "gram weight must be above zero",
    ),
    "nutrient row of an unknown food": (
        {"NUT_DATA": [*_NUT_DATA, "~99999~^~304~^12^1^^~1~^^^^^^^^^^^09/1987^"]},
        "NUT_DATA.txt", 6, "NDB number 99999 is not in FOOD_DES",
    ),
    "portion of an unknown food": (
        {"WEIGHT": [*_WEIGHT, "~99999~^1^1^~cup~^30^^"]},
        "WEIGHT.txt", 4, "NDB number 99999 is not in FOOD_DES",
    ),
    "unknown food group": (
        {"FOOD_DES": _replace(_FOOD_DES, 2, "~1500~", "~9900~")},
        "FOOD_DES.txt", 3, "food group '9900' is not in FD_GROUP",
    ),
    "duplicate NDB number": (
        {"FOOD_DES": [*_FOOD_DES, _FOOD_DES[0]]},
        "FOOD_DES.txt", 4, "NDB number 11457 appears twice",
    ),
    "NDB number not five digits": (
        {"FOOD_DES": _replace(_FOOD_DES, 0, "~11457~", "~1145~")},
        "FOOD_DES.txt", 1, "NDB number '1145' is not five digits",
    ),
    "unbalanced tilde": (
        {"FOOD_DES": _replace(_FOOD_DES, 1, "~Fish, mackerel", "Fish, mackerel")},
        "FOOD_DES.txt", 2, "unbalanced '~'",
    ),
    "unbalanced tilde in a nutrient number": (
        {"NUT_DATA": _replace(_NUT_DATA, 0, "~304~", "~304")},
        "NUT_DATA.txt", 1, "unbalanced '~'",
    ),
    "bad food group code": (
        {"FD_GROUP": [*_FD_GROUP, "~11~^~Short code~"]},
        "FD_GROUP.txt", 3, "bad food group '11'",
    ),
}


@pytest.mark.parametrize(
    ("tables", "file_name", "line", "problem"), list(_DAMAGE.values()), ids=list(_DAMAGE)
)
def test_damaged_line_is_named(
    tmp_path: Path, tables: dict[str, list[str]], file_name: str, line: int, problem: str
) -> None:
    directory = _sr_dir(tmp_path / "sr", **tables)
    with pytest.raises(UsdaFormatError) as caught:
        read_release(directory)
    error = caught.value
    assert (error.path.name, error.line) == (file_name, line)
    assert problem in error.problem
    assert str(error).startswith(f"{file_name}, line {line}: ")


def test_undefined_windows_1252_byte_is_named(tmp_path: Path) -> None:
    directory = _sr_dir(tmp_path / "sr")
    path = directory / "FOOD_DES.txt"
    # 0x81 has no character in Windows-1252.
    path.write_bytes(path.read_bytes().replace(b"Fish oil", b"Fish \x81oil"))
    with pytest.raises(UsdaFormatError, match=r"^FOOD_DES\.txt, line 3: not Windows-1252 text$"):
        read_release(directory)


def _truncate(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _bad_block_type(data: bytes) -> bytes:
    # Byte 10 starts the deflate stream (gzip -n header); BTYPE 11 is reserved.
    damaged = bytearray(data)
    damaged[10] |= 0b110
    return bytes(damaged)


def _bad_crc(data: bytes) -> bytes:
    return data[:-8] + bytes(4) + data[-4:]


@pytest.mark.parametrize(
    "damage", [_truncate, _bad_block_type, _bad_crc], ids=["truncated", "bad-block", "bad-crc"]
)
def test_broken_gzip_is_named(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    directory = _sr_dir(tmp_path / "sr", compress=True)
    path = directory / "FOOD_DES.txt.gz"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(UsdaFormatError) as caught:
        read_release(directory)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: broken gzip data")


def test_binary_file_is_named(tmp_path: Path) -> None:
    directory = _sr_dir(tmp_path / "sr")
    path = directory / "FD_GROUP.txt"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UsdaFormatError) as caught:
        read_release(directory)
    assert str(caught.value) == f"{path}: is a binary file, not SR ASCII text"


@pytest.mark.parametrize("table", ["FD_GROUP", "FOOD_DES", "NUT_DATA", "WEIGHT"])
def test_missing_file_is_named(tmp_path: Path, table: str) -> None:
    directory = _sr_dir(tmp_path / "sr")
    (directory / f"{table}.txt").unlink()
    with pytest.raises(UsdaFormatError) as caught:
        read_release(directory)
    assert caught.value.path == directory / f"{table}.txt"
    assert f"{table}.txt: missing from {directory}" in str(caught.value)


def test_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsdaFormatError, match="is not a directory"):
        read_release(tmp_path / "nowhere")


def test_empty_food_file_is_refused(tmp_path: Path) -> None:
    directory = _sr_dir(tmp_path / "sr", FOOD_DES=[], NUT_DATA=[], WEIGHT=[])
    with pytest.raises(UsdaFormatError, match="FOOD_DES.txt: holds no foods"):
        read_release(directory)


def test_one_damaged_line_in_the_real_weight_file(tmp_path: Path, usda_dir: Path) -> None:
    for name in ("FD_GROUP", "FOOD_DES", "NUT_DATA.subset"):
        shutil.copyfile(usda_dir / f"{name}.txt.gz", tmp_path / f"{name}.txt.gz")
    lines = gzip.decompress((usda_dir / "WEIGHT.txt.gz").read_bytes()).split(b"\r\n")
    assert lines[9999].count(b"^") == 6
    fields = lines[9999].split(b"^")
    fields[4] = b"-" + fields[4]
    lines[9999] = b"^".join(fields)
    (tmp_path / "WEIGHT.txt.gz").write_bytes(gzip.compress(b"\r\n".join(lines)))

    with pytest.raises(UsdaFormatError, match=r"^WEIGHT\.txt\.gz, line 10000: gram weight '-"):
        read_release(tmp_path)
