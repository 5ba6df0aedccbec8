"""The rules that turn totals into findings: warnings as data, not strings in widgets.

A :class:`Finding` carries its code, severity, scope (a day or the week), the numbers it
was decided on, a plain-language message, a longer explanation and the references behind
it. Thresholds live in :class:`RuleSettings`; the per-person thresholds (RDA, EAR, UL) come
from the profile's targets. No rule fires on a day or plan without entries.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

from planner.core.bounds import (
    CA_MG_RATIO_MAX,
    LOW_COVERAGE_SHARE,
    MG_LOW_SHARE_OF_EAR,
    VITD_HIGH_SHARE_OF_RDA,
)
from planner.core.nutrients import BY_KEY
from planner.core.references import (
    DAI_2018,
    DENG_2013,
    DISCLAIMER,
    IOM_1997,
    IOM_2011,
    KHEYRURI_2020,
    MURSU_2015,
    REDDY_2019,
    ROSANOFF_2016,
    UWITONZE_2018,
    VAZQUEZ_LORENTE_2020,
    Reference,
    dri_report,
)
from planner.core.status import amount_for_ul, ul_basis
from planner.core.targets import Target, Targets
from planner.core.totals import NutrientTotal
from planner.core.units import format_nutrient

Severity = Literal["info", "warning", "alert"]
SEVERITIES: Final[tuple[Severity, ...]] = ("info", "warning", "alert")

VITD_HIGH_MG_LOW: Final = "vitd_high_mg_low"
VITD_ABOVE_UL: Final = "vitd_above_ul"
MG_SUPPLEMENT_ABOVE_UL: Final = "mg_supplement_above_ul"
CA_MG_RATIO_HIGH: Final = "ca_mg_ratio_high"
LOW_COVERAGE: Final = "low_coverage"
#: The generic rules, one finding per nutrient: ``below_ear:iron_mg``, ``above_ul:zinc_mg``.
#: ``disabled`` may name a family (all nutrients) or one code.
BELOW_EAR: Final = "below_ear"
ABOVE_UL: Final = "above_ul"
RULE_CODES: Final = (
    VITD_HIGH_MG_LOW, VITD_ABOVE_UL, MG_SUPPLEMENT_ABOVE_UL, CA_MG_RATIO_HIGH, LOW_COVERAGE,
    BELOW_EAR, ABOVE_UL,
)
#: Nutrients whose UL has a rule of its own (the generic one stays silent on them).
_OWN_UL_RULES: Final = frozenset({"vitamin_d_ug", "magnesium_mg"})


def is_rule_code(code: str) -> bool:
    """A code a user may disable: a rule, a family, or a family and a nutrient key."""
    family, _, key = code.partition(":")
    if not key:
        return code in RULE_CODES
    return family in (BELOW_EAR, ABOVE_UL) and key in BY_KEY


@dataclass(frozen=True, slots=True)
class Finding:
    """Something worth telling about a day or the week average (``day is None``)."""

    code: str
    severity: Severity
    day: date | None
    #: The figures the rule decided on, by name (e.g. ``magnesium_mg``, ``magnesium_ear_mg``).
    numbers: Mapping[str, float]
    message: str
    explanation: str
    references: tuple[Reference, ...] = ()
    #: What could be done about it, in plain words (information, not medical advice).
    advice: str = ""

    @property
    def scope(self) -> str:
        """``week`` or the ISO date of the day."""
        return "week" if self.day is None else self.day.isoformat()


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Thresholds and switches of the rules (declared once, with their defaults)."""

    #: Vitamin D counts as high from this share of the profile's RDA (1.0 = the RDA).
    vitd_high_share_of_rda: float = 1.0
    #: Magnesium counts as low below this share of the profile's EAR (1.0 = the EAR).
    mg_low_share_of_ear: float = 1.0
    #: Calcium-to-magnesium intake ratio above which ``ca_mg_ratio_high`` is shown.
    ca_mg_ratio_max: float = 2.6
    #: A total is flagged when at least this share of its entries has no value.
    low_coverage_share: float = 1 / 3
    #: The totals whose coverage is checked.
    coverage_keys: tuple[str, ...] = ("energy_kcal", "magnesium_mg", "vitamin_d_ug", "calcium_mg")
    #: Rule codes switched off by the user.
    disabled: frozenset[str] = frozenset()

    def is_disabled(self, code: str) -> bool:
        """Whether the finding ``code`` is switched off, itself or by its family."""
        return code in self.disabled or code.partition(":")[0] in self.disabled

    def __post_init__(self) -> None:
        for bound in (VITD_HIGH_SHARE_OF_RDA, MG_LOW_SHARE_OF_EAR, CA_MG_RATIO_MAX,
                      LOW_COVERAGE_SHARE):
            object.__setattr__(self, bound.name, bound.check(getattr(self, bound.name)))
        unknown = [key for key in self.coverage_keys if key not in BY_KEY]
        if unknown:
            raise ValueError(f"unknown nutrient keys in coverage_keys: {', '.join(unknown)}")
        unknown = sorted(code for code in self.disabled if not is_rule_code(code))
        if unknown:
            raise ValueError(f"unknown rule codes: {', '.join(unknown)}")


#: Below this much magnesium (mg) a calcium-to-magnesium ratio says nothing (and 1 mg of
#: calcium over 1e-320 mg of magnesium would be infinite).
RATIO_MIN_MAGNESIUM_MG: Final = 0.01


def calcium_magnesium_ratio(calcium_mg: float | None, magnesium_mg: float | None) -> float | None:
    """Calcium over magnesium, or ``None`` when either is unknown or magnesium is
    (nearly) zero; the one place the ratio is computed, for the rule and the charts."""
    if calcium_mg is None or magnesium_mg is None or magnesium_mg < RATIO_MIN_MAGNESIUM_MG:
        return None
    return calcium_mg / magnesium_mg


def _amount(key: str, value: float) -> str:
    return format_nutrient(key, value)


def _threshold(value: float, key: str) -> str:
    return f"{value:g} {BY_KEY[key].unit}"


def _below(key: str, value: float, threshold: float) -> str:
    """``value`` formatted so that it does not read as equal to the threshold it is under."""
    text = _amount(key, value)
    if float(text.split()[0]) >= threshold:
        # 264.6 mg rounds to "265 mg", which would read as not below a 265 mg EAR.
        text = f"{math.floor(value * 10) / 10:.1f} {BY_KEY[key].unit}"
    return text


def _recommended_label(target: Target) -> str:
    return "your target" if target.kind == "user" else target.kind


_VITD_MG_EXPLANATION: Final = (
    "Vitamin D from food, sunlight or a supplement is not yet the hormone the body uses. "
    "The liver first turns it into 25-hydroxyvitamin D, the form a blood test measures, "
    "with the enzyme 25-hydroxylase; the kidney then makes the active form with "
    "1-alpha-hydroxylase. Both enzymes depend on magnesium, and so does 24-hydroxylase, "
    "which breaks down vitamin D the body does not need. When magnesium runs short, more of "
    "a vitamin D intake can stay in its inactive forms, and large amounts of inactive "
    "vitamin D can push blood calcium and phosphate up. The link works the other way too: "
    "active vitamin D helps the gut take up magnesium. In a randomized trial, magnesium "
    "supplements changed how vitamin D levels moved depending on where they started "
    "(Dai et al. 2018); reviews describe magnesium as needed to activate vitamin D "
    "(Uwitonze and Razzaque 2018; Reddy and Edwards 2019); and in population studies, "
    "magnesium intake changed how vitamin D status related to mortality (Deng et al. 2013; "
    "Mursu et al. 2015). Co-supplementation trials paired weekly or daily vitamin D with "
    "magnesium (Kheyruri et al. 2020; Vazquez-Lorente et al. 2020). Magnesium-rich foods "
    "include spinach and other leafy greens, nuts, seeds, beans and whole grains. "
    "The EAR is the intake that covers the needs of half the people of your age and sex; "
    "below it, intake is likely to be too low. " + DISCLAIMER
)
_VITD_MG_REFERENCES: Final = (
    UWITONZE_2018, DAI_2018, DENG_2013, REDDY_2019, MURSU_2015, KHEYRURI_2020,
    VAZQUEZ_LORENTE_2020,
)
_VITD_UL_EXPLANATION: Final = (
    "The tolerable upper intake level (UL) is the most vitamin D a day that is unlikely to "
    "harm almost anyone, counting food and supplements together. Vitamin D is stored in the "
    "body, so a weekly dose counts here as one seventh on every day. Over long periods, "
    "intakes well above the UL can raise blood calcium, which can damage the kidneys and "
    "blood vessels; a doctor may prescribe more for a while to correct a deficiency. "
    + DISCLAIMER
)
_MG_UL_EXPLANATION: Final = (
    "The upper limit for magnesium (350 mg a day from age 9, less for younger children) "
    "covers magnesium from "
    "supplements and medicines only: magnesium in food and water is not known to cause "
    "harm, because the kidneys remove what the body does not need. Larger supplemental "
    "doses often cause diarrhoea and cramps; some forms, such as oxide and citrate, are "
    "also used as laxatives. People with kidney disease can accumulate magnesium. "
    + DISCLAIMER
)
_CA_MG_EXPLANATION: Final = (
    "Calcium and magnesium share transport routes and regulating hormones, and a diet rich "
    "in calcium but poor in magnesium has been proposed to upset the balance between them. "
    "The vitamin D and magnesium trial of Dai et al. (2018) enrolled people whose "
    "calcium-to-magnesium intake ratio was at least 2.6, and found that the ratio shaped "
    "how magnesium affected vitamin D metabolism (see also Rosanoff et al. 2016). The "
    "evidence is still limited, so this is shown as information: adding magnesium-rich "
    "foods lowers the ratio more usefully than cutting calcium. " + DISCLAIMER
)
_COVERAGE_EXPLANATION: Final = (
    "Some foods in the database have no value for this nutrient. An unknown value is not "
    "counted as zero, but the total can only add what is known, so the real intake is "
    "probably higher than shown. Choosing a similar food with a measured value, or entering "
    "the value from the label, makes the total reliable."
)


def _vitd_high_mg_low(
    totals: Mapping[str, NutrientTotal], targets: Targets, settings: RuleSettings,
    day: date | None,
) -> list[Finding]:
    vitd, mg = totals.get("vitamin_d_ug"), totals.get("magnesium_mg")
    vitd_target, mg_target = targets.get("vitamin_d_ug"), targets.get("magnesium_mg")
    if vitd is None or mg is None or vitd_target is None or mg_target is None:
        return []
    if vitd.value is None or mg.value is None:
        return []
    if vitd_target.recommended is None or mg_target.ear is None:
        return []
    vitd_threshold = vitd_target.recommended * settings.vitd_high_share_of_rda
    mg_threshold = mg_target.ear * settings.mg_low_share_of_ear
    if not (vitd.value >= vitd_threshold and mg.value < mg_threshold):
        return []
    label = _recommended_label(vitd_target)
    share = settings.vitd_high_share_of_rda
    level = f"your {label}" if share == 1 else f"{share:g} × your {label}"
    message = (
        f"Vitamin D {_amount('vitamin_d_ug', vitd.value)} is at or above {level} "
        f"({_threshold(vitd_target.recommended, 'vitamin_d_ug')}) while "
        f"magnesium is {_below('magnesium_mg', mg.value, mg_threshold)}, below the "
        f"{_threshold(mg_threshold, 'magnesium_mg')} EAR."
    )
    numbers = {
        "vitamin_d_ug": vitd.value,
        "vitamin_d_threshold_ug": vitd_threshold,
        "magnesium_mg": mg.value,
        "magnesium_threshold_mg": mg_threshold,
    }
    shortfall = mg_threshold - mg.value
    when = "this day" if day is not None else "an average day"
    advice = (
        f"Reaching the EAR takes about {math.ceil(shortfall)} mg more magnesium on {when}. "
        "Add magnesium-rich foods such as spinach, pumpkin seeds, almonds or black beans, "
        "or see the Swaps for an entry to find a magnesium-rich alternative to a food "
        "already planned."
    )
    return [Finding(VITD_HIGH_MG_LOW, "warning", day, MappingProxyType(numbers), message,
                    _VITD_MG_EXPLANATION, _VITD_MG_REFERENCES, advice)]


def _vitd_above_ul(
    totals: Mapping[str, NutrientTotal], targets: Targets, settings: RuleSettings,
    day: date | None,
) -> list[Finding]:
    vitd, target = totals.get("vitamin_d_ug"), targets.get("vitamin_d_ug")
    if vitd is None or target is None or target.ul is None:
        return []
    value = amount_for_ul(vitd, target)
    if value is None or value <= target.ul:
        return []
    message = (
        f"Vitamin D {_amount('vitamin_d_ug', value)} is above the "
        f"{_threshold(target.ul, 'vitamin_d_ug')} tolerable upper intake level (UL)"
    )
    if vitd.from_supplements > 0 and target.ul_applies_to == "total":
        message += f"; {_amount('vitamin_d_ug', vitd.from_supplements)} of it is from supplements"
    numbers = {"vitamin_d_ug": value, "vitamin_d_ul_ug": target.ul,
               "vitamin_d_from_supplements_ug": vitd.from_supplements}
    advice = (
        "A lower supplement dose keeps the total at or below the UL. If a clinician "
        "prescribed this dose, follow their plan."
        if vitd.from_supplements > 0 else
        "Vitamin D this high from food alone is unusual: check the amounts entered."
    )
    return [Finding(VITD_ABOVE_UL, "alert", day, MappingProxyType(numbers), message + ".",
                    _VITD_UL_EXPLANATION, (IOM_2011,), advice)]


def _mg_supplement_above_ul(
    totals: Mapping[str, NutrientTotal], targets: Targets, settings: RuleSettings,
    day: date | None,
) -> list[Finding]:
    mg, target = totals.get("magnesium_mg"), targets.get("magnesium_mg")
    if mg is None or target is None or target.ul is None:
        return []
    value = amount_for_ul(mg, target)
    if target.ul_applies_to == "supplements":
        what = "Magnesium from supplements"
        limit = "upper limit for supplemental magnesium (magnesium in food does not count)"
    else:
        what, limit = "Magnesium", "upper limit"
    if value is None or value <= target.ul:
        return []
    message = (f"{what} is {_amount('magnesium_mg', value)} a day, above the "
               f"{_threshold(target.ul, 'magnesium_mg')} {limit}.")
    numbers = {"magnesium_from_supplements_mg": mg.from_supplements, "magnesium_ul_mg": target.ul}
    advice = ("A lower-dose magnesium supplement keeps it within the UL; magnesium from food "
              "does not count towards it, so magnesium-rich foods can make up the difference.")
    return [Finding(MG_SUPPLEMENT_ABOVE_UL, "warning", day, MappingProxyType(numbers), message,
                    _MG_UL_EXPLANATION, (IOM_1997,), advice)]


def _ca_mg_ratio_high(
    totals: Mapping[str, NutrientTotal], targets: Targets, settings: RuleSettings,
    day: date | None,
) -> list[Finding]:
    ca, mg = totals.get("calcium_mg"), totals.get("magnesium_mg")
    if ca is None or mg is None or ca.value is None or mg.value is None:
        return []
    ratio = calcium_magnesium_ratio(ca.value, mg.value)
    if ratio is None:
        return []
    if ratio <= settings.ca_mg_ratio_max:
        return []
    message = (
        f"Calcium to magnesium ratio is {ratio:.1f} (calcium {_amount('calcium_mg', ca.value)}, "
        f"magnesium {_amount('magnesium_mg', mg.value)}), above {settings.ca_mg_ratio_max:g}."
    )
    numbers = {"ratio": ratio, "ratio_max": settings.ca_mg_ratio_max,
               "calcium_mg": ca.value, "magnesium_mg": mg.value}
    mg_rda = targets.recommended("magnesium_mg")
    if mg_rda is None or mg.value < mg_rda:
        advice = ("More magnesium-rich foods (greens, nuts, seeds, legumes, whole grains) "
                  "bring the ratio down, as magnesium is below your RDA.")
    else:
        advice = ("Magnesium is at your RDA: the ratio is high because calcium is. Less "
                  "calcium from supplements or fortified foods brings it down.")
    return [Finding(CA_MG_RATIO_HIGH, "info", day, MappingProxyType(numbers), message,
                    _CA_MG_EXPLANATION, (DAI_2018, ROSANOFF_2016), advice)]


def _low_coverage(
    totals: Mapping[str, NutrientTotal], targets: Targets, settings: RuleSettings,
    day: date | None,
) -> list[Finding]:
    findings = []
    for key in settings.coverage_keys:
        total = totals.get(key)
        if total is None or not total.unknown:
            continue
        if total.unknown < settings.low_coverage_share * total.entries:
            continue
        label = BY_KEY[key].label
        entries = f"{total.unknown} of {total.entries} entries"
        if total.value is None:
            message = f"{label} is unknown for all {total.entries} entries."
        else:
            message = (f"{label} is unknown for {entries}, so the total of "
                       f"{_amount(key, total.value)} is probably too low.")
        numbers = {"known": float(total.known), "unknown": float(total.unknown)}
        if total.value is not None:
            numbers[key] = total.value
        advice = (f"Choose foods with a measured {label.lower()} value, or enter the value "
                  "from the label.")
        findings.append(Finding(LOW_COVERAGE, "info", day, MappingProxyType(numbers), message,
                                _COVERAGE_EXPLANATION, advice=advice))
    return findings


_EAR_EXPLANATION: Final = (
    "The EAR (Estimated Average Requirement) is the intake that meets the needs of half the "
    "healthy people of your age and sex; a usual intake below it is likely to fall short. "
    "The DRIs are about usual intake, so this is judged on the week's average, not on one day."
)
_UL_EXPLANATION: Final = (
    "The UL (Tolerable Upper Intake Level) is the highest usual daily intake that is "
    "unlikely to harm almost anyone; above it the risk of adverse effects rises. Some ULs "
    "count only part of the intake: folate's counts synthetic folic acid, vitamin A's "
    "preformed retinol, niacin's and vitamin E's the supplemental forms; food sources of "
    "those never count. It is judged on the week's average, as the DRIs are about usual "
    "intake."
)
_CDRR_EXPLANATION: Final = (
    "Sodium has no UL: the CDRR (Chronic Disease Risk Reduction intake, NASEM 2019) is the "
    "level above which eating less lowers the risk of high blood pressure and heart disease. "
    "It is judged on the week's average."
)


def _lower_bound_note(total: NutrientTotal) -> str:
    if not total.unknown:
        return ""
    return (f" (at least: {total.unknown} of {total.entries} entries have no "
            f"{BY_KEY[total.key].in_sentence} value)")


#: The nutrients the planner is about: below the EAR is a warning, on every day too, with
#: its own explanation and advice (the rest of the panel is judged on the week, as info).
FOCUS_BELOW_EAR: Final = ("magnesium_mg", "vitamin_d_ug", "calcium_mg")
_FOCUS_EXPLANATIONS: Final = MappingProxyType({
    "magnesium_mg": (
        "Magnesium is a cofactor of the enzymes that make vitamin D active and of hundreds "
        "more (energy, muscles, nerves, bone). An intake below the EAR (the need of half of "
        "the people of your age and sex) is likely to fall short; a usual intake this low "
        "is common with refined grains and few nuts, seeds, legumes or greens."),
    "vitamin_d_ug": (
        "Vitamin D keeps calcium and bone in balance; few foods hold much of it (oily fish, "
        "egg yolk, fortified milk), and sunlight makes it in the skin, little in winter at "
        "high latitudes. An intake below the EAR is likely to fall short without sun."),
    "calcium_mg": (
        "Calcium builds bone and works with magnesium and vitamin D. An intake below the EAR "
        "(the need of half of the people of your age and sex) is likely to fall short."),
})
_FOCUS_ADVICE: Final = MappingProxyType({
    "magnesium_mg": ("Pumpkin seeds, almonds, cashews, spinach, black beans, whole grains and "
                     "dark chocolate are rich in magnesium: Magnesium swaps (Ctrl+W) or Fix "
                     "magnesium this week propose changes."),
    "vitamin_d_ug": ("Oily fish (salmon, mackerel, sardines), eggs and fortified milk bring "
                     "vitamin D; so does midday sun in summer."),
    "calcium_mg": ("Milk, yogurt, cheese, calcium-set tofu, fortified plant milks and leafy "
                   "greens such as kale bring calcium."),
})


def _below_ear(
    totals: Mapping[str, NutrientTotal], targets: Targets, settings: RuleSettings,
    day: date | None,
) -> list[Finding]:
    findings = []
    for key, target in targets.by_key.items():
        if day is not None and key not in FOCUS_BELOW_EAR:
            continue
        total = totals.get(key)
        if target.ear is None or total is None or total.value is None or total.value >= target.ear:
            continue
        code = f"{BELOW_EAR}:{key}"
        if settings.is_disabled(code):
            continue
        findings.append(_below_ear_finding(key, target, total, day))
    return findings


def _below_ear_finding(key: str, target: Target, total: NutrientTotal, day: date | None
                       ) -> Finding:
    assert total.value is not None and target.ear is not None
    nutrient = BY_KEY[key]
    amount = _below(key, total.value, target.ear)
    if day is not None:
        message = (f"{nutrient.label} is {amount} on this day{_lower_bound_note(total)}, "
                   f"below the {_threshold(target.ear, key)} EAR.")
    else:
        message = (f"{nutrient.label}: the week's average of {amount} "
                   f"a day{_lower_bound_note(total)} is below the EAR of "
                   f"{_threshold(target.ear, key)}.")
    numbers = {key: total.value, f"{key}_ear": target.ear}
    report = dri_report(target.source)
    references = (report,) if report else ()
    if key in FOCUS_BELOW_EAR:
        return Finding(f"{BELOW_EAR}:{key}", "warning", day, MappingProxyType(numbers),
                       message, _FOCUS_EXPLANATIONS[key], references, _FOCUS_ADVICE[key])
    advice = (f"Foods rich in {nutrient.in_sentence} can close the gap: sort the food "
              f"search by it (planner foods top {key}).")
    return Finding(f"{BELOW_EAR}:{key}", "info", None, MappingProxyType(numbers), message,
                   _EAR_EXPLANATION, references, advice)


#: ULs also judged day by day (the others on the week's average): calcium's, on total
#: intake, whose excess comes from supplements taken daily.
DAILY_UL: Final = ("calcium_mg",)


def _above_ul(
    totals: Mapping[str, NutrientTotal], targets: Targets, settings: RuleSettings,
    day: date | None,
) -> list[Finding]:
    findings = []
    for key, target in targets.by_key.items():
        if day is not None and key not in DAILY_UL:
            continue
        total = totals.get(key)
        if target.ul is None or total is None or key in _OWN_UL_RULES:
            continue
        value = amount_for_ul(total, target, totals)
        code = f"{ABOVE_UL}:{key}"
        if value is None or value <= target.ul or settings.is_disabled(code):
            continue
        findings.append(_ul_finding(key, target, total, value, day))
    return findings


def _ul_finding(key: str, target: Target, total: NutrientTotal, value: float,
                day: date | None = None) -> Finding:
    nutrient = BY_KEY[key]
    limit = f"{_threshold(target.ul or 0.0, key)} {target.ul_kind}"
    numbers = {key: value, f"{key}_ul": target.ul or 0.0}
    report = dri_report(target.source)
    references = (report,) if report else ()
    if target.ul_kind == "CDRR":
        message = (f"{nutrient.label} averages {_amount(key, value)} a day, above the "
                   f"{limit} (chronic disease risk reduction intake).")
        advice = ("Less salt in cooking and fewer processed foods (bread, cheese, cured meat, "
                  "ready meals) bring sodium down.")
        return Finding(f"{ABOVE_UL}:{key}", "warning", None, MappingProxyType(numbers),
                       message, _CDRR_EXPLANATION, references, advice)
    if target.ul_applies_to == "total" and day is not None:
        what = f"{nutrient.label} is {_amount(key, value)} on this day"
    elif target.ul_applies_to == "total":
        what = f"{nutrient.label} averages {_amount(key, value)} a day"
    elif target.ul_applies_to == "supplements":
        what = (f"{nutrient.label} from supplements averages {_amount(key, value)} a day "
                f"(the UL counts {ul_basis(target)})")
    else:
        part = BY_KEY[target.ul_applies_to].label
        what = (f"{part} averages {_amount(key, value)} a day (the {nutrient.in_sentence} UL "
                f"counts {ul_basis(target)})")
    message = f"{what}, above the {limit}."
    advice = ("Intakes above a UL mostly come from supplements and fortified foods: a lower "
              "dose, or fewer fortified foods, brings it down."
              if total.from_supplements > 0 or target.ul_applies_to != "total" else
              "This much from food alone is unusual: check the amounts entered.")
    return Finding(f"{ABOVE_UL}:{key}", "alert", day, MappingProxyType(numbers), message,
                   _UL_EXPLANATION, references, advice)


_Rule = Callable[
    [Mapping[str, NutrientTotal], Targets, RuleSettings, date | None], list[Finding]
]
_RULES: Final[tuple[tuple[str, _Rule], ...]] = (
    (VITD_ABOVE_UL, _vitd_above_ul),
    (VITD_HIGH_MG_LOW, _vitd_high_mg_low),
    (MG_SUPPLEMENT_ABOVE_UL, _mg_supplement_above_ul),
    (CA_MG_RATIO_HIGH, _ca_mg_ratio_high),
    (LOW_COVERAGE, _low_coverage),
    (ABOVE_UL, _above_ul),
    (BELOW_EAR, _below_ear),
)
_SEVERITY_ORDER: Final = MappingProxyType({"alert": 0, "warning": 1, "info": 2})


def evaluate(
    totals: Mapping[str, NutrientTotal],
    targets: Targets,
    settings: RuleSettings,
    *,
    day: date | None,
    entry_count: int,
) -> tuple[Finding, ...]:
    """The findings on one day's totals (or the week average when ``day`` is ``None``).

    ``entry_count`` is the number of food entries behind the totals: without any, the
    totals are supplements alone and nothing is said.
    """
    if entry_count <= 0:
        return ()
    findings: list[Finding] = []
    for code, rule in _RULES:
        if code not in settings.disabled:
            findings.extend(rule(totals, targets, settings, day))
    if any(finding.code == VITD_HIGH_MG_LOW for finding in findings):
        # That finding says magnesium is low already, and why it matters.
        findings = [f for f in findings if f.code != f"{BELOW_EAR}:magnesium_mg"]
    findings.sort(key=lambda finding: _SEVERITY_ORDER[finding.severity])
    return tuple(findings)
