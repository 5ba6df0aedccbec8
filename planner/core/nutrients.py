"""The nutrients the planner tracks: stable keys with the unit in the name.

A nutrient value is always "per 100 g of edible portion" when it belongs to a food,
and ``None`` means *unknown*, never zero. Totals carry their coverage (how many items
had a value) so an incomplete total can be shown as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, overload

#: International units per microgram of vitamin D (D2 or D3).
IU_PER_UG_VITAMIN_D: Final = 40.0


#: The panel's groups, in the order they are shown.
NutrientGroup = Literal["energy", "lipids", "vitamins", "minerals"]
GROUP_LABELS: Final[Mapping[NutrientGroup, str]] = MappingProxyType({
    "vitamins": "Vitamins",
    "minerals": "Minerals",
    "energy": "Energy and macronutrients",
    "lipids": "Lipids",
})


@dataclass(frozen=True, slots=True)
class Nutrient:
    """One tracked nutrient and where its value comes from in the outside sources."""

    key: str
    label: str
    unit: str
    #: SR28 nutrient numbers (``Nutr_No``), the preferred first: a food without the first
    #: takes the next (the exact ALA, 851, else 18:3 undifferentiated, 619).
    sr_numbers: tuple[str, ...]
    #: FoodData Central nutrient ids of the same measures, in the same order.
    fdc_ids: tuple[int, ...]
    group: NutrientGroup
    #: SR28 value times this is the value in ``unit`` (copper: SR28 mg, here µg).
    sr_factor: float = 1.0
    #: The nutrient this one is a part of (retinol of vitamin A): shown under it.
    part_of: str | None = None

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: ``vitamin D``, ``magnesium``, ``omega-3 ALA``."""
        return self.label[:1].lower() + self.label[1:]

    @property
    def sr_number(self) -> str | None:
        """The preferred SR28 number; ``None`` for a nutrient SR28 does not measure."""
        return self.sr_numbers[0] if self.sr_numbers else None

    @property
    def fdc_id(self) -> int:
        return self.fdc_ids[0]


def _n(key: str, label: str, sr: str | tuple[str, ...], fdc: int | tuple[int, ...],
       group: NutrientGroup, *, factor: float = 1.0, part_of: str | None = None) -> Nutrient:
    unit = {"kcal": "kcal", "g": "g", "mg": "mg", "ug": "µg"}[key.rsplit("_", 1)[1]]
    numbers = (sr,) if isinstance(sr, str) else sr
    ids = (fdc,) if isinstance(fdc, int) else fdc
    return Nutrient(key, label, unit, numbers, ids, group, factor, part_of)


#: Every nutrient planner keeps, per 100 g: energy and macronutrients, the fat classes and
#: the omega-3 and omega-6 fatty acids, every vitamin and mineral SR28 measures. The first
#: fifteen keep their place (files and databases from before the full panel name them).
NUTRIENTS: Final[tuple[Nutrient, ...]] = (
    _n("energy_kcal", "Energy", "208", 1008, "energy"),
    _n("protein_g", "Protein", "203", 1003, "energy"),
    _n("fat_g", "Fat", "204", 1004, "lipids"),
    _n("carbs_g", "Carbohydrate", "205", 1005, "energy"),
    _n("fiber_g", "Fibre", "291", 1079, "energy"),
    _n("sugars_g", "Sugars", "269", 2000, "energy", part_of="carbs_g"),
    _n("calcium_mg", "Calcium", "301", 1087, "minerals"),
    _n("iron_mg", "Iron", "303", 1089, "minerals"),
    _n("magnesium_mg", "Magnesium", "304", 1090, "minerals"),
    _n("phosphorus_mg", "Phosphorus", "305", 1091, "minerals"),
    _n("potassium_mg", "Potassium", "306", 1092, "minerals"),
    _n("sodium_mg", "Sodium", "307", 1093, "minerals"),
    _n("zinc_mg", "Zinc", "309", 1095, "minerals"),
    _n("vitamin_d_ug", "Vitamin D", "328", 1114, "vitamins"),
    _n("vitamin_k_ug", "Vitamin K", "430", 1185, "vitamins"),
    # -- the full panel ------------------------------------------------------------------
    _n("starch_g", "Starch", "209", 1009, "energy", part_of="carbs_g"),
    _n("water_g", "Water", "255", 1051, "energy"),
    _n("alcohol_g", "Alcohol", "221", 1018, "energy"),
    _n("caffeine_mg", "Caffeine", "262", 1057, "energy"),
    _n("saturated_fat_g", "Saturated fat", "606", 1258, "lipids", part_of="fat_g"),
    _n("monounsaturated_fat_g", "Monounsaturated fat", "645", 1292, "lipids", part_of="fat_g"),
    _n("polyunsaturated_fat_g", "Polyunsaturated fat", "646", 1293, "lipids", part_of="fat_g"),
    _n("trans_fat_g", "Trans fat", "605", 1257, "lipids", part_of="fat_g"),
    _n("cholesterol_mg", "Cholesterol", "601", 1253, "lipids"),
    # The exact measures (18:2 n-6 c,c; 18:3 n-3 c,c,c) where a food has them, else the
    # undifferentiated 18:2 and 18:3 most foods have (dri_all.README.md).
    _n("linoleic_acid_g", "Omega-6 LA", ("675", "618"), (1316, 1269), "lipids"),
    _n("alpha_linolenic_acid_g", "Omega-3 ALA", ("851", "619"), (1404, 1270), "lipids"),
    _n("epa_g", "Omega-3 EPA", "629", 1278, "lipids"),
    _n("dpa_g", "Omega-3 DPA", "631", 1280, "lipids"),
    _n("dha_g", "Omega-3 DHA", "621", 1272, "lipids"),
    _n("copper_ug", "Copper", "312", 1098, "minerals", factor=1000.0),
    _n("manganese_mg", "Manganese", "315", 1101, "minerals"),
    _n("selenium_ug", "Selenium", "317", 1103, "minerals"),
    _n("fluoride_mg", "Fluoride", "313", 1099, "minerals", factor=0.001),
    _n("vitamin_a_rae_ug", "Vitamin A", "320", 1106, "vitamins"),
    _n("retinol_ug", "Retinol", "319", 1105, "vitamins",
       part_of="vitamin_a_rae_ug"),
    _n("beta_carotene_ug", "Beta-carotene", "321", 1107, "vitamins",
       part_of="vitamin_a_rae_ug"),
    _n("vitamin_c_mg", "Vitamin C", "401", 1162, "vitamins"),
    _n("vitamin_e_mg", "Vitamin E", "323", 1109, "vitamins"),
    _n("vitamin_e_added_mg", "Vitamin E, added", "573", 1242, "vitamins",
       part_of="vitamin_e_mg"),
    _n("thiamin_mg", "Thiamin (B1)", "404", 1165, "vitamins"),
    _n("riboflavin_mg", "Riboflavin (B2)", "405", 1166, "vitamins"),
    _n("niacin_mg", "Niacin (B3)", "406", 1167, "vitamins"),
    _n("pantothenic_acid_mg", "Pantothenic acid", "410", 1170, "vitamins"),
    _n("vitamin_b6_mg", "Vitamin B6", "415", 1175, "vitamins"),
    _n("folate_dfe_ug", "Folate", "435", 1190, "vitamins"),
    _n("folic_acid_ug", "Folic acid", "431", 1186, "vitamins", part_of="folate_dfe_ug"),
    _n("vitamin_b12_ug", "Vitamin B12", "418", 1178, "vitamins"),
    _n("choline_mg", "Choline", "421", 1180, "vitamins"),
    # DRI nutrients SR28 does not measure: no USDA food has a value (unknown, never zero),
    # an imported food or a supplement may.
    _n("biotin_ug", "Biotin", (), 1176, "vitamins"),
    _n("chromium_ug", "Chromium", (), 1096, "minerals"),
    _n("iodine_ug", "Iodine", (), 1100, "minerals"),
    _n("molybdenum_ug", "Molybdenum", (), 1102, "minerals"),
    _n("chloride_mg", "Chloride", (), 1088, "minerals"),
)

NUTRIENT_KEYS: Final[tuple[str, ...]] = tuple(n.key for n in NUTRIENTS)
BY_KEY: Final = MappingProxyType({n.key: n for n in NUTRIENTS})
#: The nutrients the planner is about, shown first everywhere.
FOCUS_KEYS: Final = ("magnesium_mg", "vitamin_d_ug", "calcium_mg", "energy_kcal")
#: The fifteen nutrients planner tracked before the full panel: the compact tables (the
#: text analysis, the day grid) show these.
CORE_KEYS: Final[tuple[str, ...]] = NUTRIENT_KEYS[:15]


#: The full panel, group by group, in the order a nutrition label or tracker shows it;
#: a part (retinol, folic acid, sugars) right under its whole.
PANEL: Final[tuple[tuple[NutrientGroup, tuple[str, ...]], ...]] = (
    ("vitamins", (
        "vitamin_a_rae_ug", "retinol_ug", "beta_carotene_ug", "vitamin_c_mg", "vitamin_d_ug",
        "vitamin_e_mg", "vitamin_e_added_mg", "vitamin_k_ug", "thiamin_mg", "riboflavin_mg",
        "niacin_mg", "pantothenic_acid_mg", "vitamin_b6_mg", "folate_dfe_ug", "folic_acid_ug",
        "vitamin_b12_ug", "biotin_ug", "choline_mg",
    )),
    ("minerals", (
        "calcium_mg", "chloride_mg", "chromium_ug", "copper_ug", "fluoride_mg", "iodine_ug",
        "iron_mg", "magnesium_mg", "manganese_mg", "molybdenum_ug", "phosphorus_mg",
        "potassium_mg", "selenium_ug", "sodium_mg", "zinc_mg",
    )),
    ("energy", (
        "energy_kcal", "protein_g", "carbs_g", "sugars_g", "starch_g", "fiber_g", "water_g",
        "alcohol_g", "caffeine_mg",
    )),
    ("lipids", (
        "fat_g", "saturated_fat_g", "monounsaturated_fat_g", "polyunsaturated_fat_g",
        "trans_fat_g", "cholesterol_mg", "linoleic_acid_g", "alpha_linolenic_acid_g", "epa_g",
        "dpa_g", "dha_g",
    )),
)


#: SR28 / FDC numbers of vitamin D in IU, the fallback when the µg value is absent.
VITAMIN_D_IU_SR_NUMBER: Final = "324"
VITAMIN_D_IU_FDC_ID: Final = 1110


def iu_to_ug_vitamin_d(iu: float) -> float:
    """Vitamin D international units to micrograms (1 µg = 40 IU)."""
    return iu / IU_PER_UG_VITAMIN_D


def ug_to_iu_vitamin_d(ug: float) -> float:
    """Vitamin D micrograms to international units."""
    return ug * IU_PER_UG_VITAMIN_D


@overload
def scaled(per_100g: float, grams: float) -> float: ...
@overload
def scaled(per_100g: float | None, grams: float) -> float | None: ...


def scaled(per_100g: float | None, grams: float) -> float | None:
    """How much of a nutrient ``grams`` of a food hold, from its value per 100 g
    (``None``, unknown, stays unknown). The one place food values are scaled."""
    return None if per_100g is None else per_100g * grams / 100.0


def empty_values() -> dict[str, float | None]:
    """A nutrient map with every key unknown."""
    return dict.fromkeys(NUTRIENT_KEYS)
