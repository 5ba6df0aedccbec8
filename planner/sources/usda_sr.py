"""Reader of the USDA National Nutrient Database for Standard Reference (SR28) ASCII files.

The official distribution is caret-separated (``^``), text fields are wrapped in ``~``,
an empty text field is ``~~`` or nothing at all (some republished copies strip the
tildes), there is no header row, lines end in CRLF and the encoding is Windows-1252.
Each file may be plain or gzip-compressed (``FOOD_DES.txt`` or ``FOOD_DES.txt.gz``).

Only FOOD_DES (with the common name and the Survey flag), FD_GROUP, NUT_DATA and WEIGHT
are read. The reader validates every
line it uses and raises :class:`UsdaFormatError` naming the file and line; it returns
complete values or nothing, so a caller can never half-load a database from it.

Layouts: tables 4, 5, 8 and 9 of ``sr28_doc.pdf``.
"""

from __future__ import annotations

import gzip
import io
import math
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from planner.core.foods import Food, FoodGroup, FoodRef, Portion, nutrient_map
from planner.core.nutrients import (
    NUTRIENTS,
    VITAMIN_D_IU_SR_NUMBER,
    Nutrient,
    iu_to_ug_vitamin_d,
)

SOURCE: Final = "usda-sr28"
CITATION: Final = (
    "US Department of Agriculture, Agricultural Research Service, Nutrient Data Laboratory. "
    "USDA National Nutrient Database for Standard Reference, Release 28. "
    "Version Current: September 2015."
)

_WANTED_NUMBERS: Final = frozenset(
    number for n in NUTRIENTS for number in n.sr_numbers
) | {VITAMIN_D_IU_SR_NUMBER}

# Field counts from sr28_doc.pdf; a shorter or longer line is a malformed file.
_FIELDS: Final = {"FOOD_DES": 14, "FD_GROUP": 2, "NUT_DATA": 18, "WEIGHT": 7}
# A sane ceiling well above any real food (pure salt has 38,758 mg sodium / 100 g).
_MAX_VALUE_PER_100G: Final = 100_000.0


class UsdaFormatError(ValueError):
    """A file of the SR release is missing or malformed; names the file and line."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        where = f"{self.path.name}, line {line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True, slots=True)
class SrRelease:
    """Everything the planner takes from one SR release."""

    groups: tuple[FoodGroup, ...]
    foods: tuple[Food, ...]


def find_file(directory: Path, table: str) -> Path:
    """The file of ``table`` in ``directory``, plain or gzip, any case.

    NUT_DATA is the complete table (``NUT_DATA.txt``, all 150 nutrients) where it is
    there, else the subset file ``NUT_DATA.subset.txt`` (19 nutrients: the others are
    then unknown for every food).
    """
    stems = [f"{table}.txt"]
    if table == "NUT_DATA":
        stems.append("NUT_DATA.subset.txt")
    if not directory.is_dir():
        raise UsdaFormatError(directory, None, "is not a directory")
    files = {path.name.lower(): path for path in sorted(directory.iterdir()) if path.is_file()}
    for stem in stems:
        for name in (stem, stem + ".gz"):
            if name.lower() in files:
                return files[name.lower()]
    raise UsdaFormatError(directory / f"{table}.txt", None, f"missing from {directory}")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines of a plain or gzip file, decoded as Windows-1252."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise UsdaFormatError(path, None, f"broken gzip data ({exc})") from None
    if b"\x00" in raw:
        raise UsdaFormatError(path, None, "is a binary file, not SR ASCII text")
    # cp1252 leaves five bytes undefined; a file holding them is not an SR file.
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise UsdaFormatError(path, bad_line, "not Windows-1252 text") from None
    for number, raw_line in enumerate(io.StringIO(text, newline=None), start=1):
        line = raw_line.rstrip("\n")
        if line:
            yield number, line


def _fields(path: Path, number: int, line: str, table: str) -> list[str]:
    parts = line.split("^")
    # Some copies end each line with a trailing caret; tolerate exactly one empty extra.
    expected = _FIELDS[table]
    if len(parts) == expected + 1 and parts[-1] == "":
        parts.pop()
    if len(parts) != expected:
        raise UsdaFormatError(
            path, number, f"expected {expected} '^'-separated fields, found {len(parts)}"
        )
    return [_unquote(p) for p in parts]


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == "~" and field[-1] == "~":
        return field[1:-1]
    if "~" in field:
        # A lone or unbalanced tilde means the quoting is broken.
        raise ValueError(f"unbalanced '~' in field {field!r}")
    return field


def _number(path: Path, number: int, text: str, what: str, *, positive: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsdaFormatError(path, number, f"{what} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0 or value > _MAX_VALUE_PER_100G:
        raise UsdaFormatError(path, number, f"{what} {text!r} is out of range")
    if positive and value == 0:
        raise UsdaFormatError(path, number, f"{what} must be above zero")
    return value


def _ndb(path: Path, number: int, text: str) -> str:
    if len(text) != 5 or not text.isdigit():
        raise UsdaFormatError(path, number, f"NDB number {text!r} is not five digits")
    return text


def _rows(path: Path, table: str) -> Iterator[tuple[int, list[str]]]:
    for number, line in _lines(path):
        try:
            yield number, _fields(path, number, line, table)
        except ValueError as exc:
            if isinstance(exc, UsdaFormatError):
                raise
            raise UsdaFormatError(path, number, str(exc)) from None


def read_groups(directory: Path) -> dict[str, str]:
    path = find_file(directory, "FD_GROUP")
    groups: dict[str, str] = {}
    for number, (code, name) in _rows(path, "FD_GROUP"):
        if len(code) != 4 or not code.isdigit() or not name:
            raise UsdaFormatError(path, number, f"bad food group {code!r}")
        groups[code] = name
    if not groups:
        raise UsdaFormatError(path, None, "holds no food groups")
    return groups


def read_release(directory: Path | str) -> SrRelease:
    """Read and cross-check one SR release directory; raise :class:`UsdaFormatError`."""
    directory = Path(directory)
    groups = read_groups(directory)
    descriptions = _read_descriptions(directory, groups)
    values = _read_values(directory, descriptions)
    portions = _read_portions(directory, descriptions)
    foods = [
        _food(ndb, description, groups[description.group], values[ndb], portions.get(ndb, []))
        for ndb, description in descriptions.items()
    ]
    return SrRelease(
        groups=tuple(FoodGroup(code, name) for code, name in groups.items()),
        foods=tuple(foods),
    )


@dataclass(frozen=True, slots=True)
class _Description:
    group: str
    name: str
    common_name: str | None
    survey: bool


#: Parts of SR28's ``ComName`` that are cut codes or notes, not names a person says.
_NOT_A_NAME: Final = re.compile(r"#|\b(?:URMIS|IMPS|includes?|commodity|codes?)\b", re.I)


def common_name(com_name: str) -> str | None:
    """The names people use from a ``ComName`` field, without cut codes and notes:
    ``"URMIS #1116, Mock Tender  Steak"`` gives ``"Mock Tender Steak"``."""
    parts = (" ".join(part.split()) for part in com_name.split(","))
    kept = [part for part in parts if part and not _NOT_A_NAME.search(part)]
    return ", ".join(kept) or None


def _read_descriptions(directory: Path, groups: Mapping[str, str]
                       ) -> dict[str, _Description]:
    """FOOD_DES: NDB number -> group code, name, common name and Survey flag."""
    path = find_file(directory, "FOOD_DES")
    descriptions: dict[str, _Description] = {}
    for number, fields in _rows(path, "FOOD_DES"):
        ndb = _ndb(path, number, fields[0])
        group, name = fields[1], fields[2].strip()
        if group not in groups:
            raise UsdaFormatError(path, number, f"food group {group!r} is not in FD_GROUP")
        if not name:
            raise UsdaFormatError(path, number, "food has no description")
        if ndb in descriptions:
            raise UsdaFormatError(path, number, f"NDB number {ndb} appears twice")
        survey = fields[6].strip().upper()
        if survey not in ("", "Y", "N"):
            raise UsdaFormatError(path, number, f"Survey flag {survey!r} is not Y, N or empty")
        descriptions[ndb] = _Description(group, name, common_name(fields[4]), survey == "Y")
    if not descriptions:
        raise UsdaFormatError(path, None, "holds no foods")
    return descriptions


def _read_values(directory: Path, descriptions: Mapping[str, object]
                 ) -> dict[str, dict[str, float]]:
    """NUT_DATA: NDB number -> SR nutrient number -> value per 100 g (kept nutrients)."""
    path = find_file(directory, "NUT_DATA")
    values: dict[str, dict[str, float]] = {ndb: {} for ndb in descriptions}
    for number, line in _lines(path):
        # Most of a full NUT_DATA is nutrients the planner does not keep: look at the
        # nutrient number before paying for a full split.
        head = line.split("^", 2)
        if len(head) == 3 and head[1].strip("~") not in _WANTED_NUMBERS:
            continue
        try:
            fields = _fields(path, number, line, "NUT_DATA")
        except ValueError as exc:
            if isinstance(exc, UsdaFormatError):
                raise
            raise UsdaFormatError(path, number, str(exc)) from None
        ndb = _ndb(path, number, fields[0])
        food_values = values.get(ndb)
        if food_values is None:
            raise UsdaFormatError(path, number, f"NDB number {ndb} is not in FOOD_DES")
        food_values[fields[1]] = _number(path, number, fields[2], "nutrient value")
    return values


def _read_portions(directory: Path, descriptions: Mapping[str, object]
                   ) -> dict[str, list[tuple[int, Portion]]]:
    """WEIGHT: NDB number -> (sequence, portion), in file order."""
    path = find_file(directory, "WEIGHT")
    portions: dict[str, list[tuple[int, Portion]]] = {}
    for number, fields in _rows(path, "WEIGHT"):
        ndb = _ndb(path, number, fields[0])
        if ndb not in descriptions:
            raise UsdaFormatError(path, number, f"NDB number {ndb} is not in FOOD_DES")
        try:
            seq = int(fields[1])
        except ValueError:
            raise UsdaFormatError(path, number, f"sequence {fields[1]!r} is not a number") from None
        amount = _number(path, number, fields[2], "amount", positive=True)
        description = fields[3].strip()
        if not description:
            raise UsdaFormatError(path, number, "portion has no description")
        grams = _number(path, number, fields[4], "gram weight", positive=True)
        portions.setdefault(ndb, []).append((seq, Portion(amount, description, grams)))
    return portions


def sr_values(raw: Mapping[str, float]) -> dict[str, float | None]:
    """Planner nutrients from one food's SR values (nutrient number -> value per 100 g):
    the first measure of each nutrient the food has, in the nutrient's unit; vitamin D
    from IU when the µg value is absent. A nutrient with no value stays unknown."""
    nutrients: dict[str, float | None] = {}
    for nutrient in NUTRIENTS:
        value = next((raw[n] for n in nutrient.sr_numbers if n in raw), None)
        nutrients[nutrient.key] = None if value is None else _unit_value(value, nutrient)
    if nutrients["vitamin_d_ug"] is None and VITAMIN_D_IU_SR_NUMBER in raw:
        nutrients["vitamin_d_ug"] = iu_to_ug_vitamin_d(raw[VITAMIN_D_IU_SR_NUMBER])
    return nutrients


def _unit_value(value: float, nutrient: Nutrient) -> float:
    """An SR value in the nutrient's unit; a converted one rounded to drop float noise
    (0.13 mg copper is 130 µg, not 130.00000000000003)."""
    if nutrient.sr_factor == 1.0:
        return value
    return round(value * nutrient.sr_factor, 9)


def _food(ndb: str, description: _Description, group_name: str, raw: Mapping[str, float],
          portions: list[tuple[int, Portion]]) -> Food:
    nutrients = sr_values(raw)
    return Food(
        ref=FoodRef(SOURCE, ndb),
        name=description.name,
        group_code=description.group,
        group_name=group_name,
        nutrients=nutrient_map(nutrients),
        portions=tuple(p for _seq, p in sorted(portions, key=lambda x: x[0])),
        common_name=description.common_name,
        survey=description.survey,
    )
