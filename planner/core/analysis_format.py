"""An :class:`~planner.core.analysis.Analysis` as JSON data and as a plain-text table.

The JSON shape (``planner.analysis/1``) is what ``planner analyze --json`` prints; the
text is the human form of the same result: one table per (up to) seven days with the
week average, then the findings, then the statement that this is not medical advice.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any, Final

from planner.core.analysis import Analysis, DayAnalysis
from planner.core.nutrients import BY_KEY, PANEL
from planner.core.ratios import ratio_values
from planner.core.references import DISCLAIMER
from planner.core.rules import Finding
from planner.core.status import target_parts
from planner.core.targets import Target
from planner.core.totals import NutrientTotal
from planner.core.units import format_nutrient
from planner.core.weeks import WEEKDAY_NAMES

ANALYSIS_FORMAT: Final = "planner.analysis/1"
_DAYS_PER_TABLE: Final = 7
#: Prose is wrapped here; a table of seven days and the average is a little wider.
_TEXT_WIDTH: Final = 100


def _rounded(value: float | None) -> float | None:
    # Four decimals keep µg exact enough and hide float noise such as 0.30000000000000004.
    return None if value is None else round(value, 4)


def total_to_json(total: NutrientTotal) -> dict[str, Any]:
    return {
        "value": _rounded(total.value),
        "known": total.known,
        "unknown": total.unknown,
        "from_supplements": _rounded(total.from_supplements),
        "percent": _rounded(total.percent),
    }


def totals_to_json(totals: Mapping[str, NutrientTotal]) -> dict[str, Any]:
    return {key: total_to_json(total) for key, total in totals.items()}


def finding_to_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity,
        "scope": finding.scope,
        "message": finding.message,
        "explanation": finding.explanation,
        "advice": finding.advice,
        "numbers": {name: _rounded(value) for name, value in finding.numbers.items()},
        "references": [str(reference) for reference in finding.references],
    }


def target_to_json(target: Target) -> dict[str, Any]:
    return {
        "unit": target.unit,
        "recommended": target.recommended,
        "kind": target.kind,
        "ear": target.ear,
        "ul": target.ul,
        "ul_kind": target.ul_kind,
        "ul_applies_to": target.ul_applies_to,
        "ul_basis": target.ul_basis,
        "source": target.source,
        "overridden": sorted(target.overridden),
    }


def ratios_to_json(totals: Mapping[str, NutrientTotal]) -> dict[str, Any]:
    """The nutrient ratios of ``totals`` (Ca:Mg, K:Na, Zn:Cu, omega-6:omega-3)."""
    return {
        value.ratio.key: {
            "value": _rounded(value.value),
            "approximate": value.approximate,
            "in_range": value.in_range,
            "low": value.ratio.low,
            "high": value.ratio.high,
            "range": value.ratio.range_text,
            "note": value.ratio.note,
            "reference": str(value.ratio.reference),
        }
        for value in ratio_values(totals)
    }


def analysis_to_json(analysis: Analysis) -> dict[str, Any]:
    """The analysis as JSON-ready data (dicts, lists, str, int, float, None)."""
    profile = analysis.plan.profile
    return {
        "format": ANALYSIS_FORMAT,
        "plan": analysis.plan.name,
        "profile": {
            "name": profile.name,
            "sex": profile.sex,
            "age": profile.age,
            "life_stage": profile.life_stage,
        },
        "targets": {key: target_to_json(t) for key, t in analysis.targets.by_key.items()},
        "target_notes": list(analysis.targets.notes),
        "days": [
            {
                "date": day.date.isoformat(),
                "entries": day.entry_count,
                "totals": totals_to_json(day.totals),
                "ratios": ratios_to_json(day.totals),
                "findings": [finding_to_json(finding) for finding in day.findings],
            }
            for day in analysis.days
        ],
        "week": {
            "days": len(analysis.days),
            "averaged_days": analysis.week.averaged_days,
            "entries": analysis.week.entry_count,
            "average": totals_to_json(analysis.week.average),
            "ratios": ratios_to_json(analysis.week.average),
            "findings": [finding_to_json(finding) for finding in analysis.week.findings],
        },
        "unresolved": [
            {
                "date": entry.day.isoformat(),
                "meal": entry.meal,
                "entry": entry.position,
                "food": str(entry.food),
                "reason": entry.reason,
            }
            for entry in analysis.unresolved
        ],
        "disclaimer": DISCLAIMER,
    }


def _cell(total: NutrientTotal) -> str:
    if total.value is None:
        return "?"
    text = format_nutrient(total.key, total.value, unit=False)
    # A total with unknown entries is a lower bound.
    return f"≥{text}" if total.unknown else text


def _day_heading(day: DayAnalysis) -> str:
    return f"{WEEKDAY_NAMES[day.date.weekday()]} {day.date:%m-%d}"


def _table(analysis: Analysis, days: tuple[DayAnalysis, ...], with_average: bool) -> list[str]:
    headings = ["Nutrient", "Unit", "Target", *(_day_heading(day) for day in days)]
    if with_average:
        headings.append("Average")
    rows = [headings]
    for nutrient in (BY_KEY[key] for _group, keys in PANEL for key in keys):
        target = analysis.targets.get(nutrient.key)
        goal = "" if target is None or target.recommended is None else f"{target.recommended:g}"
        cells = [_cell(day.totals[nutrient.key]) if day.entry_count else "-" for day in days]
        row = [nutrient.label, nutrient.unit, goal, *cells]
        if with_average:
            average = analysis.week.average[nutrient.key]
            row.append(_cell(average) if analysis.week.averaged_days else "-")
        rows.append(row)
    widths = [max(len(row[column]) for row in rows) for column in range(len(headings))]
    lines = []
    for row in rows:
        left = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        right = [cell.rjust(width) for cell, width in zip(row[2:], widths[2:], strict=True)]
        lines.append("  ".join(left + right).rstrip())
    return lines


def _finding_lines(finding: Finding) -> list[str]:
    scope = "Week average" if finding.day is None else finding.scope
    first = f"  {scope:<12}  {finding.severity:<7}  "
    return textwrap.wrap(finding.message, _TEXT_WIDTH, initial_indent=first,
                         subsequent_indent=" " * len(first))


def _ratio_lines(analysis: Analysis) -> list[str]:
    """The week average's nutrient ratios, each with its reference range."""
    values = ratio_values(analysis.week.average) if analysis.week.averaged_days else []
    if not values:
        return []
    lines = ["Ratios (week average)"]
    for value in values:
        mark = "" if value.in_range else "  (outside)"
        lines.append(f"  {value.ratio.label:<20}  {value.text:>9}  {value.ratio.range_text}"
                     f" ({value.ratio.reference.short}){mark}")
    lines.append("")
    return lines


def _reference_lines(analysis: Analysis) -> list[str]:
    """The DRI of each nutrient that has an EAR or a UL, and the notes on the targets."""
    dri = [t for t in analysis.targets.by_key.values() if t.ear is not None or t.ul is not None]
    if not dri:
        return []
    lines = ["Reference values"]
    width = max(len(BY_KEY[target.key].label) for target in dri)
    for target in dri:
        lines.append(f"  {BY_KEY[target.key].label:<{width}}  "
                     f"{', '.join(target_parts(target))}")
    for note in analysis.targets.notes:
        lines.extend(textwrap.wrap(f"Note: {note}", _TEXT_WIDTH, initial_indent="  ",
                                   subsequent_indent="  "))
    lines.append("")
    return lines


def analysis_to_text(analysis: Analysis) -> str:
    """A readable report: totals per day with units and targets, then the findings."""
    profile = analysis.plan.profile
    stage = "" if profile.life_stage == "none" else f", {profile.life_stage}"
    title = analysis.plan.name or "Plan"
    lines = [f"{title}: {profile.name}, {profile.sex}, {profile.age} y{stage}", ""]
    days = analysis.days
    if not days:
        lines.append("The plan has no days.")
    for start in range(0, len(days), _DAYS_PER_TABLE):
        chunk = days[start:start + _DAYS_PER_TABLE]
        lines.extend(_table(analysis, chunk, with_average=start + _DAYS_PER_TABLE >= len(days)))
        lines.append("")
    if days:
        lines.extend(textwrap.wrap(
            f"Average over the {analysis.week.averaged_days} day(s) with entries; "
            "'≥' = some entries have no value (at least this much), '?' = no value known, "
            "'-' = nothing planned. Supplements count every day, weekly doses as 1/7.", _TEXT_WIDTH
        ))
        lines.append("")
    lines.extend(_ratio_lines(analysis))
    lines.extend(_reference_lines(analysis))
    findings = analysis.findings
    lines.append("Findings" if findings else "Findings: none")
    for finding in findings:
        lines.extend(_finding_lines(finding))
    if analysis.unresolved:
        lines.append("")
        lines.append("Entries not counted")
        for entry in analysis.unresolved:
            lines.append(f"  {entry.day.isoformat()}  {entry.meal} #{entry.position}: "
                         f"{entry.reason}")
    lines.append("")
    lines.extend(textwrap.wrap(DISCLAIMER, _TEXT_WIDTH))
    return "\n".join(lines) + "\n"
