"""Supplement compounds: their elemental share against the formula weight, worked by hand
from IUPAC standard atomic weights (not through the library the planner uses)."""

from __future__ import annotations

import pytest

from planner.core.analysis import analyze
from planner.core.compounds import COMPOUNDS, find_compound
from planner.core.plan import Meal, PlanError, Supplement
from planner.core.targets import DriTables, Targets, targets_for

from .foods_fixture import EGG, FOODS_BY_REF
from .plans import ANA, entry, week_of

#: Standard atomic weights (IUPAC 2021, abridged), g/mol.
WEIGHT = {"H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "S": 32.06, "Cl": 35.45,
          "Mg": 24.305, "Ca": 40.078}

#: Each compound's atoms, counted by hand from its formula, and the mineral atoms in it.
ATOMS: dict[tuple[str, str], tuple[dict[str, int], int]] = {
    ("magnesium", "oxide"): ({"Mg": 1, "O": 1}, 1),
    ("magnesium", "citrate"): ({"Mg": 3, "C": 12, "H": 10, "O": 14}, 3),  # Mg3(C6H5O7)2
    ("magnesium", "bisglycinate"): ({"Mg": 1, "C": 4, "H": 8, "N": 2, "O": 4}, 1),
    ("magnesium", "malate"): ({"Mg": 1, "C": 4, "H": 4, "O": 5}, 1),
    ("magnesium", "chloride hexahydrate"): ({"Mg": 1, "Cl": 2, "H": 12, "O": 6}, 1),
    ("magnesium", "sulfate heptahydrate"): ({"Mg": 1, "S": 1, "O": 11, "H": 14}, 1),
    ("magnesium", "l-threonate"): ({"Mg": 1, "C": 8, "H": 14, "O": 10}, 1),
    ("magnesium", "taurate"): ({"Mg": 1, "C": 4, "H": 12, "N": 2, "O": 6, "S": 2}, 1),
    ("magnesium", "orotate"): ({"Mg": 1, "C": 10, "H": 6, "N": 4, "O": 8}, 1),
    ("magnesium", "lactate"): ({"Mg": 1, "C": 6, "H": 10, "O": 6}, 1),
    ("magnesium", "aspartate"): ({"Mg": 1, "C": 8, "H": 12, "N": 2, "O": 8}, 1),
    ("magnesium", "carbonate"): ({"Mg": 1, "C": 1, "O": 3}, 1),
    ("calcium", "carbonate"): ({"Ca": 1, "C": 1, "O": 3}, 1),
    ("calcium", "citrate tetrahydrate"): ({"Ca": 3, "C": 12, "H": 18, "O": 18}, 3),
}


@pytest.mark.parametrize("compound", COMPOUNDS, ids=lambda c: c.name)
def test_every_compounds_share_matches_its_formula_weight(compound) -> None:  # type: ignore[no-untyped-def]
    atoms, count = ATOMS[(compound.mineral, compound.key)]
    weight = sum(WEIGHT[element] * n for element, n in atoms.items())
    symbol = "Mg" if compound.mineral == "magnesium" else "Ca"
    assert compound.formula_weight == pytest.approx(weight, rel=1e-3)
    assert compound.factor == pytest.approx(count * WEIGHT[symbol] / weight, rel=1e-3)
    assert set(ATOMS) == {(c.mineral, c.key) for c in COMPOUNDS}


def test_known_shares_as_supplement_makers_print_them() -> None:
    shares = {c.name: round(c.factor * 100, 1) for c in COMPOUNDS}
    assert shares["magnesium oxide"] == 60.3
    assert shares["magnesium citrate"] == 16.2
    assert shares["magnesium bisglycinate"] == 14.1
    assert shares["magnesium chloride hexahydrate"] == 12.0
    assert shares["magnesium sulfate heptahydrate"] == 9.9
    assert shares["calcium carbonate"] == 40.0
    assert shares["calcium citrate tetrahydrate"] == 21.1


def test_labels_name_their_compounds_in_many_ways() -> None:
    assert find_compound("Magnesium Bisglycinate").key == "bisglycinate"  # type: ignore[union-attr]
    assert find_compound("glycinate", "magnesium").key == "bisglycinate"  # type: ignore[union-attr]
    assert find_compound("Magnesium L-Threonate").key == "l-threonate"  # type: ignore[union-attr]
    assert find_compound("Epsom salt", "magnesium").key == "sulfate heptahydrate"  # type: ignore[union-attr]
    assert find_compound("calcium citrate").mineral == "calcium"  # type: ignore[union-attr]
    assert find_compound("citrate", "magnesium").mineral == "magnesium"  # type: ignore[union-attr]
    assert find_compound("magnesium oxide", "calcium") is None
    assert find_compound("unobtainium") is None


def test_magnesium_bisglycinate_500_mg_counts_70_mg_and_no_ul_warning(
    dri_tables: DriTables,
) -> None:
    """The acceptance of the supplements issue: a label of 500 mg bisglycinate is 70 mg of
    magnesium, below the 350 mg UL for supplements (it read as 500 mg before)."""
    supplement = Supplement.of_compound("Magnesium bisglycinate 500 mg", "magnesium",
                                        "magnesium bisglycinate", 500)
    assert supplement.amount == pytest.approx(70, abs=2)
    assert supplement.compound_text == (
        "500 mg magnesium bisglycinate = 70.5 mg magnesium (14.1%)")
    eggs = (Meal("Breakfast", (entry(EGG, 2, "large"),)),)
    woman_40 = targets_for(dri_tables, age=40, sex="female", life_stage="none")
    analysis = analyze(week_of(ANA, eggs, supplement), FOODS_BY_REF, woman_40)
    day = analysis.days[0]
    assert day.totals["magnesium_mg"].value == pytest.approx(12 + supplement.amount)
    assert "mg_supplement_above_ul" not in [f.code for f in analysis.findings]
    assert all("mg_supplement_above_ul" not in [f.code for f in d.findings]
               for d in analysis.days)


def test_calcium_carbonate_adds_its_calcium(woman_45: Targets) -> None:
    tums = Supplement.of_compound("Calcium carbonate 1250 mg", "calcium", "carbonate", 1250)
    assert tums.amount == pytest.approx(500.3, abs=0.5)  # 40 % of 1250 mg
    analysis = analyze(week_of(ANA, (), tums), FOODS_BY_REF, woman_45)
    assert analysis.days[0].totals["calcium_mg"].value == pytest.approx(tums.amount)


@pytest.mark.parametrize("kwargs, message", [
    ({"compound": "bisglycinate", "compound_amount": 500, "amount": 500},
     "contradicts 500 mg of magnesium bisglycinate, which holds 70.5 mg"),
    ({"compound": "calcium carbonate", "amount": 100}, "is a calcium compound, not magnesium"),
    ({"compound": "unobtainium", "amount": 100}, "unknown magnesium compound"),
    ({"compound_amount": 500, "amount": 70.5}, "needs the compound's name"),
])
def test_a_compound_that_does_not_fit_is_refused(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    amount = kwargs.pop("amount")
    with pytest.raises(PlanError, match=message):
        Supplement("Mg", "magnesium", amount, "mg", **kwargs)
