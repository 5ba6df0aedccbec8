"""The compact food dataset that ships with the planner (``data/foods/``).

Three plain UTF-8 CSV files, one row per line, so a new release shows as a readable
diff: ``food_groups.csv`` (code, name), ``foods.csv`` (NDB number, group, name, common
name, survey flag ``Y`` and one column per nutrient key, per 100 g; an empty cell is
unknown) and ``portions.csv`` (NDB number, amount, description, grams, in the release's order).

``packaging/build_food_data.py`` writes it from the official SR files with
:func:`write_dataset`; the first start reads it with :func:`read_dataset`. Numbers are
written in Python's shortest round-trip form, so reading gives back exactly the floats
the importer produced.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from planner.core.foods import Food, FoodGroup, FoodRef, Portion, nutrient_map
from planner.core.nutrients import NUTRIENT_KEYS
from planner.sources.usda_sr import SOURCE, SrRelease

FORMAT_VERSION: Final = "sr28-3"
GROUPS_FILE: Final = "food_groups.csv"
FOODS_FILE: Final = "foods.csv"
PORTIONS_FILE: Final = "portions.csv"
FOOD_COLUMNS: Final = ("ndb", "group", "name", "common_name", "survey", *NUTRIENT_KEYS)
PORTION_COLUMNS: Final = ("ndb", "amount", "description", "grams")


class DatasetError(ValueError):
    """The shipped dataset is damaged (names the file and line)."""


def _number(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_dataset(release: SrRelease, directory: Path) -> None:
    """Write ``release`` as the three CSV files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / GROUPS_FILE).write_text(
        _csv_text(("code", "name"), ((g.code, g.name) for g in release.groups)), encoding="utf-8"
    )
    food_rows = (
        (
            food.ref.source_id,
            food.group_code,
            food.name,
            food.common_name or "",
            "Y" if food.survey else "",
            *("" if (v := food.nutrients[k]) is None else _number(v) for k in NUTRIENT_KEYS),
        )
        for food in release.foods
    )
    (directory / FOODS_FILE).write_text(_csv_text(FOOD_COLUMNS, food_rows), encoding="utf-8")
    portion_rows = (
        (food.ref.source_id, _number(p.amount), p.description, _number(p.grams))
        for food in release.foods
        for p in food.portions
    )
    (directory / PORTIONS_FILE).write_text(
        _csv_text(PORTION_COLUMNS, portion_rows), encoding="utf-8"
    )


def _rows(name: str, text: str, header: tuple[str, ...]) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    first = next(reader, None)
    if first is None or tuple(first) != header:
        raise DatasetError(f"{name}, line 1: expected the header {','.join(header)}")
    for row in reader:
        if len(row) != len(header):
            raise DatasetError(
                f"{name}, line {reader.line_num}: expected {len(header)} fields, found {len(row)}"
            )
        yield reader.line_num, row


def _float(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DatasetError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise DatasetError(f"{where}: {text!r} is out of range")
    return value


def read_dataset(groups_csv: str, foods_csv: str, portions_csv: str) -> SrRelease:
    """Parse the three files' texts back into the values :func:`write_dataset` wrote."""
    try:
        group_rows = _rows(GROUPS_FILE, groups_csv, ("code", "name"))
        groups = {code: name for _n, (code, name) in group_rows}
        portions: dict[str, list[Portion]] = {}
        for line, (ndb, amount, description, grams) in _rows(
            PORTIONS_FILE, portions_csv, PORTION_COLUMNS
        ):
            where = f"{PORTIONS_FILE}, line {line}"
            portion = Portion(_float(amount, where), description, _float(grams, where))
            portions.setdefault(ndb, []).append(portion)
        foods = []
        for line, row in _rows(FOODS_FILE, foods_csv, FOOD_COLUMNS):
            ndb, group, name, common, survey = row[:5]
            where = f"{FOODS_FILE}, line {line}"
            if survey not in ("", "Y"):
                raise DatasetError(f"{where}: survey {survey!r} is not Y or empty")
            cells = zip(NUTRIENT_KEYS, row[5:], strict=True)
            values = {k: (_float(v, where) if v else None) for k, v in cells}
            foods.append(
                Food(
                    ref=FoodRef(SOURCE, ndb),
                    name=name,
                    group_code=group,
                    group_name=groups.get(group),
                    nutrients=nutrient_map(values),
                    portions=tuple(portions.get(ndb, ())),
                    common_name=common or None,
                    survey=survey == "Y",
                )
            )
    except ValueError as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"shipped food dataset is damaged: {exc}") from None
    return SrRelease(
        groups=tuple(FoodGroup(c, n) for c, n in groups.items()), foods=tuple(foods)
    )


def read_dataset_dir(directory: Path) -> SrRelease:
    return read_dataset(
        (directory / GROUPS_FILE).read_text(encoding="utf-8"),
        (directory / FOODS_FILE).read_text(encoding="utf-8"),
        (directory / PORTIONS_FILE).read_text(encoding="utf-8"),
    )
