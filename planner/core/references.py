"""The literature the findings cite, and the product's statement that it is not advice.

References are facts (authors, title, journal, year); the explanations that cite them are
the product's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Reference:
    """A cited publication."""

    key: str
    authors: str
    title: str
    journal: str
    year: int
    #: Volume, issue and pages as the journal gives them, e.g. ``118(3):181-9``.
    locator: str = ""

    @property
    def short(self) -> str:
        """In-text form: ``Uwitonze and Razzaque 2018``, ``Dai et al. 2018``."""
        names = [_surname(name) for name in self.authors.replace(", et al.", "").split(", ")]
        if "et al." in self.authors or len(names) > 2:
            return f"{names[0]} et al. {self.year}"
        return f"{' and '.join(names)} {self.year}"

    def __str__(self) -> str:
        locator = f";{self.locator}" if self.locator else ""
        parts = (self.authors, self.title, self.journal, f"{self.year}{locator}")
        # "et al." and a title ending in "?" already close their sentence.
        return " ".join(part if part[-1] in ".?!" else f"{part}." for part in parts)


def _surname(author: str) -> str:
    """``Uwitonze AM`` -> ``Uwitonze``; an organisation keeps its whole name."""
    surname, _, initials = author.rpartition(" ")
    return surname if surname and initials.isupper() else author


UWITONZE_2018: Final = Reference(
    "uwitonze2018", "Uwitonze AM, Razzaque MS",
    "Role of Magnesium in Vitamin D Activation and Function",
    "J Am Osteopath Assoc", 2018, "118(3):181-9",
)
DAI_2018: Final = Reference(
    "dai2018", "Dai Q, et al.",
    "Magnesium status and supplementation influence vitamin D status and metabolism: "
    "results from a randomized trial",
    "Am J Clin Nutr", 2018, "108(6):1249-58",
)
DENG_2013: Final = Reference(
    "deng2013", "Deng X, et al.",
    "Magnesium, vitamin D status and mortality: results from US National Health and "
    "Nutrition Examination Survey (NHANES) 2001 to 2006 and NHANES III",
    "BMC Med", 2013, "11:187",
)
REDDY_2019: Final = Reference(
    "reddy2019", "Reddy P, Edwards LR",
    "Magnesium Supplementation in Vitamin D Deficiency",
    "Am J Ther", 2019, "26(1):e124-e132",
)
MURSU_2015: Final = Reference(
    "mursu2015", "Mursu J, et al.",
    "The association between serum 25-hydroxyvitamin D3 concentration and risk of disease "
    "death in men: modification by magnesium intake",
    "Eur J Epidemiol", 2015, "30(4):343-7",
)
KHEYRURI_2020: Final = Reference(
    "kheyruri2020", "Kheyruri F, et al.",
    "Randomized Study of the Effects of Vitamin D and Magnesium Co-Supplementation on Muscle "
    "Strength and Function, Body Composition, and Inflammation in Vitamin D-Deficient "
    "Middle-Aged Women",
    "Biol Trace Elem Res", 2020,
)
VAZQUEZ_LORENTE_2020: Final = Reference(
    "vazquezlorente2020", "Vazquez-Lorente H, et al.",
    "Response of Vitamin D after Magnesium Intervention in a Postmenopausal Population from "
    "the Province of Granada, Spain",
    "Nutrients", 2020, "12(8)",
)
ROSANOFF_2016: Final = Reference(
    "rosanoff2016", "Rosanoff A, Dai Q, Shapses SA",
    "Essential Nutrient Interactions: Does Low or Suboptimal Magnesium Status Interact with "
    "Vitamin D and/or Calcium Status?",
    "Adv Nutr", 2016, "7(1):25-43",
)
IOM_1997: Final = Reference(
    "iom1997", "Institute of Medicine",
    "Dietary Reference Intakes for Calcium, Phosphorus, Magnesium, Vitamin D, and Fluoride",
    "National Academies Press", 1997,
)
IOM_2011: Final = Reference(
    "iom2011", "Institute of Medicine",
    "Dietary Reference Intakes for Calcium and Vitamin D",
    "National Academies Press", 2011,
)

IOM_1998: Final = Reference(
    "iom1998", "Institute of Medicine",
    "Dietary Reference Intakes for Thiamin, Riboflavin, Niacin, Vitamin B6, Folate, "
    "Vitamin B12, Pantothenic Acid, Biotin, and Choline",
    "National Academies Press", 1998,
)
IOM_2000: Final = Reference(
    "iom2000", "Institute of Medicine",
    "Dietary Reference Intakes for Vitamin C, Vitamin E, Selenium, and Carotenoids",
    "National Academies Press", 2000,
)
IOM_2001: Final = Reference(
    "iom2001", "Institute of Medicine",
    "Dietary Reference Intakes for Vitamin A, Vitamin K, Arsenic, Boron, Chromium, Copper, "
    "Iodine, Iron, Manganese, Molybdenum, Nickel, Silicon, Vanadium, and Zinc",
    "National Academies Press", 2001,
)
IOM_2005_MACRONUTRIENTS: Final = Reference(
    "iom2005m", "Institute of Medicine",
    "Dietary Reference Intakes for Energy, Carbohydrate, Fiber, Fat, Fatty Acids, "
    "Cholesterol, Protein, and Amino Acids",
    "National Academies Press", 2005,
)
IOM_2005_WATER: Final = Reference(
    "iom2005w", "Institute of Medicine",
    "Dietary Reference Intakes for Water, Potassium, Sodium, Chloride, and Sulfate",
    "National Academies Press", 2005,
)
NASEM_2019: Final = Reference(
    "nasem2019", "National Academies of Sciences, Engineering, and Medicine",
    "Dietary Reference Intakes for Sodium and Potassium", "National Academies Press", 2019,
)
WHO_2012: Final = Reference(
    "who2012", "World Health Organization",
    "Guideline: Potassium intake for adults and children", "WHO, Geneva", 2012,
)
SIMOPOULOS_2002: Final = Reference(
    "simopoulos2002", "Simopoulos AP",
    "The importance of the ratio of omega-6/omega-3 essential fatty acids",
    "Biomed Pharmacother", 2002, "56(8):365-79",
)
SANDSTEAD_1995: Final = Reference(
    "sandstead1995", "Sandstead HH",
    "Requirements and toxicity of essential trace elements, illustrated by zinc and copper",
    "Am J Clin Nutr", 1995, "61(3 Suppl):621S-624S",
)

#: The DRI report each row of ``dri_all.csv`` names (its ``source`` column, first two
#: words), for the findings that rest on it.
DRI_REPORTS: Final = {
    "IOM 1997": IOM_1997, "IOM 1998": IOM_1998, "IOM 2000": IOM_2000, "IOM 2001": IOM_2001,
    "IOM 2011": IOM_2011, "NASEM 2019": NASEM_2019,
}


def dri_report(source: str) -> Reference | None:
    """The report a target's ``source`` names (``IOM 2001 (A, K, trace elements)``)."""
    if source.startswith("IOM 2005"):
        return IOM_2005_WATER if "water" in source else IOM_2005_MACRONUTRIENTS
    return DRI_REPORTS.get(" ".join(source.split()[:2]))


REFERENCES: Final[tuple[Reference, ...]] = (
    UWITONZE_2018, DAI_2018, DENG_2013, REDDY_2019, MURSU_2015, KHEYRURI_2020,
    VAZQUEZ_LORENTE_2020, ROSANOFF_2016, IOM_1997, IOM_2011, IOM_1998, IOM_2000, IOM_2001,
    IOM_2005_MACRONUTRIENTS, IOM_2005_WATER, NASEM_2019, WHO_2012, SIMOPOULOS_2002,
    SANDSTEAD_1995,
)

DISCLAIMER: Final = (
    "The planner gives information about what a plan contains, not medical advice. "
    "Talk to a doctor or dietitian before changing supplements, especially in pregnancy, "
    "with kidney disease or while taking medicines."
)
