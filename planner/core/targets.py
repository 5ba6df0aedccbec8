"""Personal daily targets: DRI values by age, sex and life stage, with user overrides.

The DRI table (EAR, RDA or AI, UL and what the UL applies to, for every vitamin and
mineral with a DRI, fibre, linoleic and alpha-linolenic acid and protein) arrives as CSV
text: core does no file I/O, the services layer reads the shipped ``dri_all.csv`` and
hands the text to :meth:`DriTables.from_csv`.

Ages are completed years and table ranges are inclusive (31-50 covers a 50-year-old up
to the 51st birthday); an empty upper bound is open-ended (51+). Pregnancy and lactation
rows exist for ages 14-50 only; outside that range the non-pregnant row applies and the
result carries a note saying so.

Every target can be overridden: ``{"magnesium_mg": 400}`` replaces the recommended
amount, ``{"magnesium_mg.ear": 300}`` the EAR, ``{"vitamin_d_ug.ul": 50}`` the UL.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final, Literal, TypeVar, cast

from planner.core.bounds import AGE, TARGET, quote
from planner.core.nutrients import BY_KEY

Sex = Literal["female", "male"]
LifeStage = Literal["none", "pregnancy", "lactation"]
TargetKind = Literal["RDA", "AI", "default", "user"]
#: What a UL is compared with: the whole intake (``total``), the supplements only, or the
#: part of the intake another nutrient key measures (``folic_acid_ug`` for folate: food
#: folate never counts; ``retinol_ug`` for vitamin A; ``vitamin_e_added_mg`` for vitamin E)
#: plus supplements.
UlAppliesTo = str

SEXES: Final[tuple[Sex, ...]] = ("female", "male")
LIFE_STAGES: Final[tuple[LifeStage, ...]] = ("none", "pregnancy", "lactation")
#: Target fields a user can override, as the suffix of an override key.
OVERRIDE_FIELDS: Final = ("recommended", "ear", "ul")

MIN_AGE: Final = int(AGE.minimum)
MAX_AGE: Final = int(AGE.maximum)
#: Ages for which the DRI tables give pregnancy and lactation rows.
REPRODUCTIVE_AGES: Final = (14, 50)

#: ``ul_applies_to`` of the DRI table -> what the planner compares with the UL. A UL on a
#: restricted basis is never compared with a food total.
UL_BASES: Final = MappingProxyType({
    "total": "total",
    "supplements and medicines": "supplements",
    "supplemental and fortified niacin": "supplements",
    "synthetic folic acid from supplements and fortified foods": "folic_acid_ug",
    "supplemental alpha-tocopherol (any form)": "vitamin_e_added_mg",
    "preformed vitamin A (retinol)": "retinol_ug",
})


#: The nutrients the shipped DRI table (``dri_all.csv``) gives targets for, in panel
#: order (a test keeps this equal to the table): what the profile's targets list shows.
DRI_KEYS: Final = (
    "vitamin_a_rae_ug",
    "vitamin_c_mg",
    "vitamin_d_ug",
    "vitamin_e_mg",
    "vitamin_k_ug",
    "thiamin_mg",
    "riboflavin_mg",
    "niacin_mg",
    "pantothenic_acid_mg",
    "vitamin_b6_mg",
    "folate_dfe_ug",
    "vitamin_b12_ug",
    "biotin_ug",
    "choline_mg",
    "calcium_mg",
    "chloride_mg",
    "chromium_ug",
    "copper_ug",
    "fluoride_mg",
    "iodine_ug",
    "iron_mg",
    "magnesium_mg",
    "manganese_mg",
    "molybdenum_ug",
    "phosphorus_mg",
    "potassium_mg",
    "selenium_ug",
    "sodium_mg",
    "zinc_mg",
    "protein_g",
    "fiber_g",
    "linoleic_acid_g",
    "alpha_linolenic_acid_g",
)


class TargetError(ValueError):
    """A DRI table, a profile or an override that targets cannot be built from."""


@dataclass(frozen=True, slots=True)
class IntakeRow:
    """One row of the RDA/AI + UL table."""

    nutrient: str
    life_stage: str
    sex: str
    age_min: float
    age_max: float | None
    rda_or_ai: float
    kind: Literal["RDA", "AI"]
    ul: float | None
    ul_applies_to: UlAppliesTo
    unit: str
    source: str
    #: The table's words for what the UL applies to (``supplements and medicines``).
    ul_basis: str = "total"

    def covers(self, age: int) -> bool:
        return self.age_min <= age and (self.age_max is None or age <= self.age_max)


@dataclass(frozen=True, slots=True)
class EarRow:
    """One row of the EAR table."""

    nutrient: str
    life_stage: str
    sex: str
    age_min: float
    age_max: float | None
    ear: float
    unit: str
    source: str

    def covers(self, age: int) -> bool:
        return self.age_min <= age and (self.age_max is None or age <= self.age_max)


#: A CSV row: column name -> text.
_Record = Mapping[str, str]


def _csv_records(
    text: str, required: tuple[str, ...], what: str
) -> Iterator[tuple[int, dict[str, str]]]:
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if not line.startswith("#")]
    lines = [(n, line) for n, line in lines if line.strip()]
    if not lines:
        raise TargetError(f"{what}: no header row")
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in lines)))
    missing = [column for column in required if column not in (reader.fieldnames or ())]
    if missing:
        raise TargetError(f"{what}: missing columns {', '.join(missing)}")
    for (line_number, _), record in zip(lines[1:], reader, strict=True):
        yield line_number, record


def _number(
    record: _Record, column: str, where: str, *, optional: bool = False
) -> float | None:
    text = (record.get(column) or "").strip()
    if not text:
        if optional:
            return None
        raise TargetError(f"{where}: {column} is empty")
    try:
        value = float(text)
    except ValueError:
        raise TargetError(f"{where}: {column} {text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise TargetError(f"{where}: {column} {text!r} is not a non-negative number")
    return value


def _common(record: _Record, where: str) -> tuple[str, str, str, float, float | None, str]:
    nutrient = record["nutrient"].strip()
    if nutrient not in BY_KEY:
        raise TargetError(f"{where}: unknown nutrient {nutrient!r}")
    sex = record["sex"].strip()
    if sex not in ("both", *SEXES):
        raise TargetError(f"{where}: unknown sex {sex!r}")
    unit = record["unit"].strip()
    expected = nutrient.rsplit("_", 1)[1]
    if unit != expected:
        raise TargetError(f"{where}: {nutrient} must be in {expected}, not {unit!r}")
    age_min = _number(record, "age_min_years", where)
    assert age_min is not None
    age_max = _number(record, "age_max_years", where, optional=True)
    return nutrient, record["life_stage"].strip(), sex, age_min, age_max, unit


#: The columns of ``dri_all.csv`` the planner reads.
DRI_COLUMNS: Final = ("nutrient", "unit", "life_stage", "sex", "age_min_years", "age_max_years",
                      "ear", "rda_or_ai", "kind", "ul", "ul_applies_to", "source")


def parse_dri_csv(text: str) -> tuple[tuple[IntakeRow, ...], tuple[EarRow, ...]]:
    """The rows of ``dri_all.csv``: the RDA or AI (with its UL and what the UL applies
    to) of each row, and its EAR where it has one."""
    intakes: list[IntakeRow] = []
    ears: list[EarRow] = []
    for line_number, record in _csv_records(text, DRI_COLUMNS, "DRI table"):
        where = f"DRI table, line {line_number}"
        nutrient, life_stage, sex, age_min, age_max, unit = _common(record, where)
        source = record["source"].strip()
        kind = record["kind"].strip()
        if kind not in ("RDA", "AI"):
            raise TargetError(f"{where}: kind must be RDA or AI, not {kind!r}")
        value = _number(record, "rda_or_ai", where)
        assert value is not None
        ul = _number(record, "ul", where, optional=True)
        basis = " ".join(record["ul_applies_to"].split()) or "total"
        if basis not in UL_BASES:
            raise TargetError(f"{where}: the UL applies to {basis!r}, which is not one of "
                              f"{', '.join(sorted(UL_BASES))}")
        intakes.append(IntakeRow(
            nutrient, life_stage, sex, age_min, age_max, value,
            cast(Literal["RDA", "AI"], kind), ul, UL_BASES[basis], unit, source, basis,
        ))
        ear = _number(record, "ear", where, optional=True)
        if ear is not None:
            ears.append(EarRow(nutrient, life_stage, sex, age_min, age_max, ear, unit, source))
    return tuple(intakes), tuple(ears)


@dataclass(frozen=True, slots=True)
class DriTables:
    """The DRI tables the targets are looked up in."""

    intakes: tuple[IntakeRow, ...]
    ears: tuple[EarRow, ...]

    @classmethod
    def from_csv(cls, dri_csv: str) -> DriTables:
        """Tables from the text of ``dri_all.csv``."""
        return cls(*parse_dri_csv(dri_csv))

    @property
    def nutrients(self) -> tuple[str, ...]:
        """The nutrient keys the tables give targets for, in the panel's order."""
        present = {row.nutrient for row in self.intakes}
        return tuple(key for key in BY_KEY if key in present)


@dataclass(frozen=True, slots=True)
class Target:
    """A daily target for one nutrient, in the unit of its key.

    ``recommended`` is the RDA or AI (``kind`` says which), or a default goal for energy.
    ``ul_kind`` is ``UL``, or ``CDRR`` for sodium (the level above which cutting back
    lowers chronic disease risk). ``overridden`` names the fields the user set.
    """

    key: str
    recommended: float | None
    kind: TargetKind
    ear: float | None = None
    ul: float | None = None
    ul_kind: Literal["UL", "CDRR"] = "UL"
    ul_applies_to: UlAppliesTo = "total"
    source: str = ""
    overridden: frozenset[str] = frozenset()
    #: The DRI table's words for what the UL applies to (``total`` when it is the whole).
    ul_basis: str = "total"

    @property
    def unit(self) -> str:
        return BY_KEY[self.key].unit


@dataclass(frozen=True, slots=True)
class Targets:
    """A person's targets by nutrient key; nutrients without a target are absent."""

    age: int
    sex: Sex
    life_stage: LifeStage
    by_key: Mapping[str, Target]
    #: The user's overrides as given (``key`` or ``key.field`` -> value).
    overrides: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    #: Remarks on how the targets were chosen (e.g. a fallback row).
    notes: tuple[str, ...] = ()

    def get(self, key: str) -> Target | None:
        return self.by_key.get(key)

    def __getitem__(self, key: str) -> Target:
        return self.by_key[key]

    def recommended(self, key: str) -> float | None:
        target = self.by_key.get(key)
        return target.recommended if target else None

    def percent_of_recommended(self, key: str, value: float | None) -> float | None:
        """``value`` as a percentage of the recommended amount, if both are known."""
        recommended = self.recommended(key)
        if value is None or not recommended:
            return None
        return value * 100.0 / recommended

    @property
    def overridden_keys(self) -> frozenset[str]:
        """Nutrient keys with at least one overridden field."""
        return frozenset(key for key, target in self.by_key.items() if target.overridden)


# Defaults outside the DRI CSV. Each row: (age_min, age_max or None, female, male).
# Energy: rounded from the Dietary Guidelines for Americans 2020-2025, Appendix 2
# (moderately active); adults use the familiar reference intakes of 2000 kcal (women) and
# 2500 kcal (men) of UK/EU labelling. A default, meant to be overridden.
_ENERGY_KCAL: Final = ((1, 3, 1200, 1200), (4, 8, 1500, 1500), (9, 13, 1800, 2000),
                       (14, 18, 2000, 2600), (19, None, 2000, 2500))
# IOM 2005 EER increments: +340 kcal in the second trimester, +330 kcal early lactation.
_ENERGY_EXTRA_KCAL: Final = MappingProxyType({"none": 0, "pregnancy": 340, "lactation": 330})
# Sodium CDRR in mg, NASEM 2019 DRIs for Sodium and Potassium (same in pregnancy).
_SODIUM_CDRR_MG: Final = ((1, 3, 1200, 1200), (4, 8, 1500, 1500), (9, 13, 1800, 1800),
                          (14, None, 2300, 2300))


def _by_age(table: tuple[tuple[int, int | None, int, int], ...], age: int, sex: Sex) -> float:
    for age_min, age_max, female, male in table:
        if age_min <= age and (age_max is None or age <= age_max):
            return float(female if sex == "female" else male)
    raise TargetError(f"no default for age {age}")  # unreachable for validated ages


def parse_override_key(name: str) -> tuple[str, str]:
    """``"magnesium_mg.ear"`` -> ``("magnesium_mg", "ear")``; a bare key means recommended."""
    key, _, field_name = name.partition(".")
    field_name = field_name or "recommended"
    if key not in BY_KEY:
        raise TargetError(f"unknown nutrient {quote(key)} in target override {quote(name)}")
    if field_name not in OVERRIDE_FIELDS:
        fields = ", ".join(OVERRIDE_FIELDS)
        raise TargetError(f"unknown target field {quote(field_name)} in {quote(name)}; "
                          f"fields: {fields}")
    return key, field_name


def check_overrides(overrides: Mapping[str, float]) -> Mapping[str, float]:
    """A read-only copy of ``overrides`` after checking every key and value."""
    checked: dict[str, float] = {}
    for name, value in overrides.items():
        if not isinstance(name, str):
            raise TargetError(f"a target override is named by text, got {quote(name)}")
        key, _ = parse_override_key(name)
        unit = BY_KEY[key].unit
        checked[name] = TARGET.check(value, what=f"target override {quote(name)} ({unit})",
                                     error=TargetError)
    return MappingProxyType(checked)


def check_person(age: int, sex: str, life_stage: str) -> None:
    """Raise :class:`TargetError` unless targets can be given for this person."""
    if isinstance(age, bool) or not isinstance(age, int):
        raise TargetError(f"age must be whole years, got {quote(age)}")
    if not MIN_AGE <= age <= MAX_AGE:
        raise TargetError(f"age must be {MIN_AGE} to {MAX_AGE} years, got {age}")
    if sex not in SEXES:
        raise TargetError(f"sex must be female or male, got {quote(sex)}")
    if life_stage not in LIFE_STAGES:
        raise TargetError(f"life stage must be none, pregnancy or lactation, "
                          f"got {quote(life_stage)}")
    if life_stage != "none" and sex != "female":
        raise TargetError(f"life stage {life_stage} applies to a female profile only")


_Row = TypeVar("_Row", IntakeRow, EarRow)


def _pick(
    rows: tuple[_Row, ...], nutrient: str, age: int, sex: Sex, stage: str
) -> _Row | None:
    for row in rows:
        if row.nutrient != nutrient or not row.covers(age) or row.sex not in (sex, "both"):
            continue
        if stage == "general":
            # Infant rows (0-0.5, 0.5-1) would also cover age 1; targets start at 1 year.
            if row.life_stage not in ("pregnancy", "lactation", "infant"):
                return row
        elif row.life_stage == stage:
            return row
    return None


def targets_for(
    tables: DriTables,
    *,
    age: int,
    sex: Sex,
    life_stage: LifeStage = "none",
    overrides: Mapping[str, float] | None = None,
) -> Targets:
    """The targets of a person, with ``overrides`` merged on top."""
    check_person(age, sex, life_stage)
    checked = check_overrides(overrides or {})
    notes: list[str] = []
    stage = life_stage
    if life_stage != "none" and not REPRODUCTIVE_AGES[0] <= age <= REPRODUCTIVE_AGES[1]:
        low, high = REPRODUCTIVE_AGES
        notes.append(
            f"The DRI tables give {life_stage} values for ages {low}-{high} only; "
            f"targets for age {age} use the non-{life_stage} values."
        )
        stage = "none"

    by_key = _table_targets(tables, age, sex, stage, notes)
    energy = _by_age(_ENERGY_KCAL, age, sex) + _ENERGY_EXTRA_KCAL[stage]
    by_key["energy_kcal"] = Target("energy_kcal", energy, "default", source="DGA2020;UK-RI;IOM2005")
    sodium = by_key.get("sodium_mg")
    if sodium is not None:
        # NASEM 2019 set no sodium UL: the CDRR, above which cutting back lowers the risk of
        # chronic disease, stands in its place ("reduce if above", not a limit).
        by_key["sodium_mg"] = replace(sodium, ul=_by_age(_SODIUM_CDRR_MG, age, sex),
                                      ul_kind="CDRR", ul_basis="total")

    by_key = _apply_overrides(by_key, checked)
    ordered = {key: by_key[key] for key in BY_KEY if key in by_key}
    return Targets(age, sex, life_stage, MappingProxyType(ordered), checked, tuple(notes))


def _table_targets(tables: DriTables, age: int, sex: Sex, stage: str,
                   notes: list[str]) -> dict[str, Target]:
    """The RDA or AI, EAR and UL of every nutrient of the tables for this person."""
    by_key: dict[str, Target] = {}
    for key in tables.nutrients:
        intake = None if stage == "none" else _pick(tables.intakes, key, age, sex, stage)
        intake = intake or _pick(tables.intakes, key, age, sex, "general")
        # An EAR without a pregnancy row (vitamin D: one value over 1 year) is the general one.
        ear = None if stage == "none" else _pick(tables.ears, key, age, sex, stage)
        ear = ear or _pick(tables.ears, key, age, sex, "general")
        if intake is None:
            notes.append(f"The DRI table has no {BY_KEY[key].label.lower()} row for age "
                         f"{age} ({sex}).")
            continue
        by_key[key] = Target(
            key, intake.rda_or_ai, intake.kind, ear.ear if ear else None, intake.ul,
            "UL", intake.ul_applies_to if intake.ul is not None else "total", intake.source,
            ul_basis=intake.ul_basis if intake.ul is not None else "total",
        )
    return by_key


def _apply_overrides(
    by_key: dict[str, Target], overrides: Mapping[str, float]
) -> dict[str, Target]:
    result = dict(by_key)
    for name, value in overrides.items():
        key, field_name = parse_override_key(name)
        target = result.get(key) or Target(key, None, "user")
        overridden = target.overridden | {field_name}
        if field_name == "recommended":
            target = replace(target, recommended=value, kind="user", overridden=overridden)
        elif field_name == "ear":
            target = replace(target, ear=value, overridden=overridden)
        else:
            target = replace(target, ul=value, overridden=overridden)
        result[key] = target
    return result
