"""Mineral compounds of supplements: how much magnesium or calcium a label's weight holds.

A label says "magnesium bisglycinate 500 mg": that is the weight of the compound, of
which magnesium is a small part. The elemental amount is the compound's weight times the
mineral's share of its formula weight::

    elemental = compound weight x (atoms x atomic weight of the mineral) / formula weight

so 500 mg of magnesium bisglycinate, Mg(C2H4NO2)2 (172.42 g/mol; Mg 24.305), holds
500 x 24.305 / 172.42 = 70.5 mg of magnesium. The formula weights are worked out from
the formulas by :mod:`molmass` (IUPAC atomic weights); the formulas are the ones
supplement makers and the NIH Office of Dietary Supplements use: anhydrous salts unless
the hydrate is what is sold (magnesium chloride hexahydrate, magnesium sulfate heptahydrate
(Epsom salt), calcium citrate tetrahydrate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

__all__ = ["COMPOUNDS", "Compound", "Mineral", "find_compound", "mineral_compounds"]

Mineral = Literal["magnesium", "calcium"]
_SYMBOLS: Final = {"magnesium": "Mg", "calcium": "Ca"}


@dataclass(frozen=True, slots=True)
class Compound:
    """A compound of a mineral as a supplement holds it."""

    #: Stored in plans and files: ``bisglycinate``, ``chloride hexahydrate``.
    key: str
    mineral: Mineral
    formula: str
    #: Other names a label uses for it ("glycinate" for the bisglycinate).
    aliases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """``magnesium bisglycinate``."""
        return f"{self.mineral} {self.key}"

    @property
    def formula_weight(self) -> float:
        return _mass(self.formula)

    @property
    def factor(self) -> float:
        """The mineral's share of the compound's weight (0.141 for the bisglycinate)."""
        return _factor(self.formula, _SYMBOLS[self.mineral])

    def elemental(self, compound_amount: float) -> float:
        """The mineral in ``compound_amount`` of the compound (same unit)."""
        return compound_amount * self.factor

    def describe(self, compound_amount: float, unit: str = "mg") -> str:
        """``500 mg magnesium bisglycinate = 70.5 mg magnesium (14.1 %)``."""
        elemental = f"{self.elemental(compound_amount):.1f}".removesuffix(".0")
        return (f"{compound_amount:g} {unit} {self.name} = {elemental} {unit} "
                f"{self.mineral} ({self.factor:.1%})")


#: Every compound the planner reads, magnesium first.
COMPOUNDS: Final[tuple[Compound, ...]] = (
    Compound("oxide", "magnesium", "MgO"),
    Compound("citrate", "magnesium", "Mg3(C6H5O7)2", ("trimagnesium dicitrate",)),
    Compound("bisglycinate", "magnesium", "Mg(C2H4NO2)2", ("glycinate", "diglycinate")),
    Compound("malate", "magnesium", "MgC4H4O5"),
    Compound("chloride hexahydrate", "magnesium", "MgCl2(H2O)6", ("chloride",)),
    Compound("sulfate heptahydrate", "magnesium", "MgSO4(H2O)7",
             ("sulfate", "sulphate", "epsom salt")),
    Compound("l-threonate", "magnesium", "Mg(C4H7O5)2", ("threonate",)),
    Compound("taurate", "magnesium", "Mg(C2H6NO3S)2", ("taurinate",)),
    Compound("orotate", "magnesium", "Mg(C5H3N2O4)2"),
    Compound("lactate", "magnesium", "Mg(C3H5O3)2"),
    Compound("aspartate", "magnesium", "Mg(C4H6NO4)2"),
    Compound("carbonate", "magnesium", "MgCO3"),
    Compound("carbonate", "calcium", "CaCO3"),
    Compound("citrate tetrahydrate", "calcium", "Ca3(C6H5O7)2(H2O)4", ("citrate",)),
)


def mineral_compounds(mineral: str) -> tuple[Compound, ...]:
    return tuple(c for c in COMPOUNDS if c.mineral == mineral)


def find_compound(text: str, mineral: str | None = None) -> Compound | None:
    """The compound a label or a file names: ``magnesium bisglycinate``, ``glycinate``,
    ``Magnesium L-Threonate``, ``calcium carbonate``; ``None`` when none is known.

    ``mineral`` says which mineral's compounds to look among when the text does not.
    """
    words = " ".join(re.sub(r"[^a-z0-9 -]", " ", text.lower()).split())
    named = next((m for m in _SYMBOLS if words.startswith(m + " ")), None)
    if named is not None:
        words = words[len(named) + 1:]
        if mineral is not None and named != mineral:
            return None
        mineral = named
    for compound in COMPOUNDS:
        if mineral is not None and compound.mineral != mineral:
            continue
        if words == compound.key or words in compound.aliases:
            return compound
    return None


@cache
def _mass(formula: str) -> float:
    from molmass import Formula

    return float(Formula(formula).mass)


@cache
def _factor(formula: str, symbol: str) -> float:
    from molmass import ELEMENTS, Formula

    atoms = Formula(formula).composition()[symbol].count
    return float(atoms * ELEMENTS[symbol].mass / _mass(formula))
