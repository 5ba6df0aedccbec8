"""Targets from the DRI tables by age, sex and life stage, and user overrides."""

from __future__ import annotations

import pytest

from planner.core.targets import (
    DRI_KEYS,
    DriTables,
    TargetError,
    Targets,
    parse_dri_csv,
    targets_for,
)


def test_woman_45_gets_the_31_50_values(woman_45: Targets) -> None:
    mg, vitd, ca = woman_45["magnesium_mg"], woman_45["vitamin_d_ug"], woman_45["calcium_mg"]
    assert (mg.recommended, mg.kind, mg.ear, mg.ul) == (320, "RDA", 265, 350)
    assert mg.ul_applies_to == "supplements"
    assert (vitd.recommended, vitd.kind, vitd.ear, vitd.ul) == (15, "RDA", 10, 100)
    assert vitd.ul_applies_to == "total"
    assert (ca.recommended, ca.kind, ca.ear, ca.ul) == (1000, "RDA", 800, 2500)
    assert woman_45.notes == ()


def test_defaults_for_energy_protein_fibre_sodium(woman_45: Targets, dri_tables: DriTables) -> None:
    assert woman_45["energy_kcal"].recommended == 2000
    assert woman_45["protein_g"].recommended == 46
    # The AI of the table (dri_all.README.md: the table values, not 14 g per 1000 kcal).
    assert woman_45["fiber_g"].recommended == 25
    sodium = woman_45["sodium_mg"]
    assert (sodium.recommended, sodium.ul, sodium.ul_kind) == (1500, 2300, "CDRR")
    man = targets_for(dri_tables, age=30, sex="male")
    assert man["energy_kcal"].recommended == 2500
    assert man["fiber_g"].recommended == 38
    assert man["protein_g"].recommended == 56
    assert woman_45.get("lutein_ug") is None


@pytest.mark.parametrize(
    ("age", "sex", "mg_rda", "mg_ear", "vitd_rda", "ca_rda", "ca_ul"),
    [
        (19, "female", 310, 255, 15, 1000, 2500),
        (30, "female", 310, 255, 15, 1000, 2500),
        (31, "female", 320, 265, 15, 1000, 2500),
        (50, "female", 320, 265, 15, 1000, 2500),
        (51, "female", 320, 265, 15, 1200, 2000),
        (70, "female", 320, 265, 15, 1200, 2000),
        (71, "female", 320, 265, 20, 1200, 2000),
        (51, "male", 420, 350, 15, 1000, 2000),
        (25, "male", 400, 330, 15, 1000, 2500),
        (16, "male", 410, 340, 15, 1300, 3000),
        (16, "female", 360, 300, 15, 1300, 3000),
        (1, "female", 80, 65, 15, 700, 2500),
        (8, "male", 130, 110, 15, 1000, 2500),
    ],
)
def test_age_ranges_are_inclusive_completed_years(
    dri_tables: DriTables, age: int, sex: str, mg_rda: float, mg_ear: float, vitd_rda: float,
    ca_rda: float, ca_ul: float,
) -> None:
    targets = targets_for(dri_tables, age=age, sex=sex)  # type: ignore[arg-type]
    assert targets["magnesium_mg"].recommended == mg_rda
    assert targets["magnesium_mg"].ear == mg_ear
    assert targets["vitamin_d_ug"].recommended == vitd_rda
    assert targets["calcium_mg"].recommended == ca_rda
    assert targets["calcium_mg"].ul == ca_ul


def test_children_have_a_lower_magnesium_ul(dri_tables: DriTables) -> None:
    assert targets_for(dri_tables, age=2, sex="male")["magnesium_mg"].ul == 65
    assert targets_for(dri_tables, age=5, sex="male")["magnesium_mg"].ul == 110


def test_pregnancy_raises_the_magnesium_ear(dri_tables: DriTables) -> None:
    pregnant = targets_for(dri_tables, age=25, sex="female", life_stage="pregnancy")
    assert pregnant["magnesium_mg"].ear == 290
    assert pregnant["magnesium_mg"].recommended == 350
    assert pregnant["energy_kcal"].recommended == 2340
    assert pregnant["protein_g"].recommended == 71
    not_pregnant = targets_for(dri_tables, age=25, sex="female")
    assert not_pregnant["magnesium_mg"].ear == 255


def test_pregnant_45_year_old_uses_the_31_50_row(dri_tables: DriTables) -> None:
    targets = targets_for(dri_tables, age=45, sex="female", life_stage="pregnancy")
    assert (targets["magnesium_mg"].recommended, targets["magnesium_mg"].ear) == (360, 300)
    # The vitamin D EAR has one row for everyone over 1 year.
    assert targets["vitamin_d_ug"].ear == 10
    assert targets["calcium_mg"].recommended == 1000
    assert targets.notes == ()


def test_lactation_rows(dri_tables: DriTables) -> None:
    targets = targets_for(dri_tables, age=17, sex="female", life_stage="lactation")
    assert (targets["magnesium_mg"].recommended, targets["magnesium_mg"].ear) == (360, 300)
    assert targets["calcium_mg"].recommended == 1300


def test_pregnancy_outside_14_50_falls_back_with_a_note(dri_tables: DriTables) -> None:
    targets = targets_for(dri_tables, age=52, sex="female", life_stage="pregnancy")
    assert targets["magnesium_mg"].ear == 265
    assert targets["calcium_mg"].recommended == 1200
    assert targets["energy_kcal"].recommended == 2000
    assert targets.notes == (
        "The DRI tables give pregnancy values for ages 14-50 only; "
        "targets for age 52 use the non-pregnancy values.",
    )


def test_overrides_merge_on_top_and_are_tracked(dri_tables: DriTables) -> None:
    targets = targets_for(
        dri_tables, age=45, sex="female",
        overrides={"magnesium_mg": 400, "vitamin_d_ug.ul": 50, "energy_kcal": 1500,
                   "iron_mg": 18},
    )
    mg = targets["magnesium_mg"]
    assert (mg.recommended, mg.kind, mg.ear, mg.overridden) == (400, "user", 265,
                                                                 frozenset({"recommended"}))
    vitd = targets["vitamin_d_ug"]
    assert (vitd.recommended, vitd.ul, vitd.overridden) == (15, 50, frozenset({"ul"}))
    assert targets["iron_mg"].recommended == 18
    # Fibre keeps the table's AI whatever the energy goal is.
    assert targets["fiber_g"].recommended == 25
    assert not targets["fiber_g"].overridden
    assert targets.overridden_keys == {"magnesium_mg", "vitamin_d_ug", "energy_kcal", "iron_mg"}
    assert targets.overrides["magnesium_mg"] == 400


def test_a_fibre_override_wins(dri_tables: DriTables) -> None:
    targets = targets_for(dri_tables, age=45, sex="female",
                          overrides={"energy_kcal": 1500, "fiber_g": 40})
    assert targets["fiber_g"].recommended == 40
    assert targets["fiber_g"].overridden == {"recommended"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"age": 0, "sex": "female"}, "age must be 1 to 120 years, got 0"),
        ({"age": 30.5, "sex": "female"}, "age must be whole years"),
        ({"age": 30, "sex": "other"}, "sex must be female or male"),
        ({"age": 30, "sex": "female", "life_stage": "retired"}, "life stage must be"),
        ({"age": 30, "sex": "male", "life_stage": "pregnancy"}, "female profile only"),
        ({"age": 30, "sex": "female", "overrides": {"magnesium": 3}}, "unknown nutrient"),
        ({"age": 30, "sex": "female", "overrides": {"magnesium_mg.max": 3}}, "unknown target"),
        ({"age": 30, "sex": "female", "overrides": {"magnesium_mg": -3}}, "more than zero"),
        ({"age": 30, "sex": "female", "overrides": {"magnesium_mg": "a"}}, "must be a number"),
    ],
)
def test_bad_person_or_override_is_a_clear_error(
    dri_tables: DriTables, kwargs: dict, message: str
) -> None:
    with pytest.raises(TargetError, match=message):
        targets_for(dri_tables, **kwargs)


def test_percent_of_recommended(woman_45: Targets) -> None:
    assert woman_45.percent_of_recommended("magnesium_mg", 160) == 50.0
    assert woman_45.percent_of_recommended("magnesium_mg", None) is None
    assert woman_45.percent_of_recommended("iron_mg", 9) == 50.0
    assert woman_45.percent_of_recommended("lutein_ug", 10) is None


def test_parsers_name_the_bad_line() -> None:
    header = ("nutrient,unit,life_stage,sex,age_min_years,age_max_years,ear,rda_or_ai,kind,ul,"
              "ul_applies_to,source\n")
    with pytest.raises(TargetError, match="line 3: magnesium_mg must be in mg"):
        parse_dri_csv("# comment\n" + header + "magnesium_mg,ug,male,male,19,30,330,400,RDA,"
                      "350,supplements and medicines,X\n")
    with pytest.raises(TargetError, match="line 2: rda_or_ai 'x' is not a number"):
        parse_dri_csv(header + "calcium_mg,mg,male,male,19,50,800,x,RDA,2500,total,X\n")
    with pytest.raises(TargetError, match="missing columns source"):
        parse_dri_csv(header.replace(",source", ""))
    with pytest.raises(TargetError, match="unknown nutrient 'iron'"):
        parse_dri_csv(header + "iron,mg,male,male,19,,6,8,RDA,45,total,X\n")
    with pytest.raises(TargetError, match="the UL applies to 'food only'"):
        parse_dri_csv(header + "iron_mg,mg,male,male,19,,6,8,RDA,45,food only,X\n")


@pytest.mark.parametrize(
    ("key", "recommended", "ear", "ul", "applies", "basis"),
    [
        ("vitamin_c_mg", 75, 60, 2000, "total", "total"),
        ("iron_mg", 18, 8.1, 45, "total", "total"),
        ("folate_dfe_ug", 400, 320, 1000, "folic_acid_ug",
         "synthetic folic acid from supplements and fortified foods"),
        ("vitamin_a_rae_ug", 700, 500, 3000, "retinol_ug", "preformed vitamin A (retinol)"),
        ("magnesium_mg", 320, 265, 350, "supplements", "supplements and medicines"),
        ("niacin_mg", 14, 11, 35, "supplements", "supplemental and fortified niacin"),
        ("vitamin_e_mg", 15, 12, 1000, "vitamin_e_added_mg",
         "supplemental alpha-tocopherol (any form)"),
        ("zinc_mg", 8, 6.8, 40, "total", "total"),
        ("copper_ug", 900, 700, 10000, "total", "total"),
        ("selenium_ug", 55, 45, 400, "total", "total"),
        ("potassium_mg", 2600, None, None, "total", "total"),
        ("vitamin_b12_ug", 2.4, 2.0, None, "total", "total"),
    ],
)
def test_a_woman_of_40_has_a_target_for_every_nutrient_with_a_dri(
    dri_tables: DriTables, key: str, recommended: float, ear: float | None, ul: float | None,
    applies: str, basis: str,
) -> None:
    target = targets_for(dri_tables, age=40, sex="female")[key]
    assert (target.recommended, target.ear, target.ul) == (recommended, ear, ul)
    assert (target.ul_applies_to, target.ul_basis) == (applies, basis)


def test_every_dri_nutrient_has_targets_and_a_pregnancy_row(dri_tables: DriTables) -> None:
    woman = targets_for(dri_tables, age=40, sex="female")
    pregnant = targets_for(dri_tables, age=30, sex="female", life_stage="pregnancy")
    # 33 DRI nutrients (dri_all.csv) and the default energy goal.
    assert len(dri_tables.nutrients) == 33 and len(woman.by_key) == 34
    assert sorted(DRI_KEYS) == sorted(dri_tables.nutrients)
    assert pregnant["folate_dfe_ug"].recommended == 600
    assert pregnant["iron_mg"].recommended == 27
    assert pregnant["iodine_ug"].recommended == 220
