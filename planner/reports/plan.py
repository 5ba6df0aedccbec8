"""A plan's days as a printable page (HTML) and as plain text.

What a printed week shows, from one :class:`~planner.core.analysis.Analysis`:

- the daily totals of energy, magnesium, vitamin D and calcium with their units (and the
  share of the magnesium target), the average over the days with entries, and the targets;
- the findings with their messages;
- each day's meals with their entries: amount as entered, food, weight and the magnesium
  and vitamin D each entry brings;
- the supplements, the targets with EAR and UL, where the food data comes from, and the
  statement that this is information, not medical advice.

The HTML keeps to the subset of HTML and CSS that Qt's rich text (``QTextDocument``)
renders, like :mod:`planner.reports.shopping`, so print preview, PDF and a browser agree.
Everything the user typed (plan, profile, meal and supplement names) is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections.abc import Iterable, Mapping
from typing import Final

from planner.core.analysis import Analysis, DayAnalysis
from planner.core.foods import Food, FoodRef
from planner.core.nutrients import BY_KEY, scaled
from planner.core.plan import Day, Entry, Plan, Supplement
from planner.core.references import DISCLAIMER
from planner.core.shopping import short_food_name
from planner.core.status import target_parts
from planner.core.targets import Target, Targets
from planner.core.totals import NutrientTotal
from planner.core.units import UnitError, format_nutrient, grams_for

__all__ = [
    "REPORT_KEYS",
    "data_sources",
    "plan_title",
    "plan_to_html",
    "plan_to_text",
]

#: The totals a printed plan shows, in this order.
REPORT_KEYS: Final = ("energy_kcal", "magnesium_mg", "vitamin_d_ug", "calcium_mg")
#: The nutrients each entry row shows.
_ENTRY_KEYS: Final = ("magnesium_mg", "vitamin_d_ug")
_TEXT_WIDTH: Final = 96
_NO_VALUE: Final = "\u2013"
_MIDDOT: Final = " \u00b7 "

#: Where the foods of each stored source come from, as a reader should be told.
_SOURCE_TEXT: Final = {
    "usda-sr28": "USDA National Nutrient Database for Standard Reference, Release 28 "
                 "(public domain)",
    "fdc": "USDA FoodData Central (public domain)",
    "off": "Open Food Facts (Open Database License)",
    "user": "foods you entered",
    "recipe": "your recipes, computed from their ingredients",
}
_TARGETS_SOURCE: Final = ("Targets: Dietary Reference Intakes, Institute of Medicine / "
                          "National Academies (1997, 2011)")


# --- Words and numbers --------------------------------------------------------------------


def plan_title(plan: Plan) -> str:
    """The plan's name, else ``Ana's plan``."""
    return plan.name or f"{plan.profile.name}'s plan"


def _long_date(when: dt.date) -> str:
    return f"{when:%A} {when.day} {when:%B %Y}"


def _short_date(when: dt.date) -> str:
    return f"{when:%a} {when.day} {when:%b}"


def _range_text(days: tuple[DayAnalysis, ...]) -> str:
    if not days:
        return ""
    first, last = days[0].date, days[-1].date
    if first == last:
        return _long_date(first)
    head = f"{first:%A} {first.day} {first:%B}" if first.year == last.year else _long_date(first)
    return f"{head} to {_long_date(last)}"


def _person(plan: Plan) -> str:
    profile = plan.profile
    stage = "" if profile.life_stage == "none" else f", {profile.life_stage}"
    return f"{profile.name} ({profile.sex}, {profile.age} years{stage})"


def _amount_text(value: float) -> str:
    return f"{value:g}" if value < 1000 else f"{value:,.0f}"


def _nutrient_text(key: str, value: float) -> str:
    # format_nutrient gives the unit's decimals; thousands read better with a separator.
    text = format_nutrient(key, value)
    number, _, unit = text.partition(" ")
    if value >= 1000:
        decimals = len(number.partition(".")[2])
        number = f"{value:,.{decimals}f}"
    return f"{number} {unit}"


def _total_text(total: NutrientTotal | None, *, percent: bool = False) -> str:
    """``212 mg (66 %)``; ``≥ 212 mg`` when some entries have no value; ``?``; ``–``."""
    if total is None:
        return _NO_VALUE
    if total.value is None:
        return "?"
    text = _nutrient_text(total.key, total.value)
    if total.unknown:
        text = f"\u2265 {text}"
    if percent and total.percent is not None:
        text += f" ({total.percent:.0f} %)"
    return text


def _day_cell(day: DayAnalysis, key: str) -> str:
    """A day's total in the totals table (``–`` for a day without entries)."""
    return _total_text(None if day.is_empty else day.totals[key], percent=key == "magnesium_mg")


def _target_text(target: Target | None) -> str:
    if target is None or target.recommended is None:
        return _NO_VALUE
    return f"{_nutrient_text(target.key, target.recommended)} ({target.kind})"


def _target_line(target: Target) -> str:
    """``Magnesium: RDA 320 mg a day, EAR 265 mg, UL 350 mg (supplements only)``."""
    parts = target_parts(target, a_day=True)
    if target.overridden:
        parts.append("set by you")
    return f"{BY_KEY[target.key].label}: {', '.join(parts) or 'no target'}"


def _supplement_text(supplement: Supplement) -> str:
    when = "daily" if supplement.schedule == "daily" else f"weekly on {supplement.weekday}"
    dose = f"{supplement.amount:g} {supplement.unit}"
    return f"{supplement.name}: {dose}, {when}"


def data_sources(foods: Iterable[Food]) -> str:
    """``Food data: USDA National Nutrient Database ... Targets: Dietary Reference ...``."""
    foods = list(foods)
    sources = sorted({food.ref.source for food in foods}, key=lambda s: (s != "usda-sr28", s))
    named = [_SOURCE_TEXT.get(source, source) for source in sources]
    attributions = sorted({food.attribution for food in foods
                           if food.attribution and food.ref.source in ("fdc", "off")})
    text = f"Food data: {'; '.join(named)}." if named else "Food data: none used."
    if attributions:
        text += f" {' '.join(a.rstrip('.') + '.' for a in attributions)}"
    return f"{text} {_TARGETS_SOURCE}."


class _EntryLine:
    """One entry as printed: amount, food, weight and the nutrients it brings."""

    __slots__ = ("amount", "food", "weight", "values")

    def __init__(self, entry: Entry, food: Food | None) -> None:
        self.amount = f"{_amount_text(entry.amount)} {entry.unit}"
        if food is None:
            self.food = str(entry.food)
        else:
            short = short_food_name(food)
            self.food = short[:1].upper() + short[1:]
        grams: float | None
        try:
            grams = None if food is None else grams_for(food, entry.amount, entry.unit)
        except (UnitError, ValueError):
            grams = None
        unit = " ".join(entry.unit.split()).lower()
        self.weight = "" if grams is None or unit == "g" else f"{grams:,.0f} g"
        self.values: dict[str, str] = {}
        for key in _ENTRY_KEYS:
            amount = None if food is None or grams is None else scaled(
                food.nutrients.get(key), grams)
            self.values[key] = "?" if amount is None else format_nutrient(key, amount, unit=False)


def _entry_lines(day: Day, foods: Mapping[FoodRef, Food]) -> list[tuple[str, list[_EntryLine]]]:
    return [(meal.name, [_EntryLine(entry, foods.get(entry.food)) for entry in meal.entries])
            for meal in day.meals if meal.entries]


def _used_foods(plan: Plan, foods: Mapping[FoodRef, Food]) -> list[Food]:
    refs = {entry.food for day in plan.days for entry in day.entries}
    return [foods[ref] for ref in sorted(refs) if ref in foods]


def _report_targets(targets: Targets) -> list[Target]:
    return [target for key in REPORT_KEYS if (target := targets.get(key)) is not None]


# --- HTML ---------------------------------------------------------------------------------

_STYLE: Final = """\
body { font-family: sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 16pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; margin-top: 14pt; margin-bottom: 4pt; }
p.meta { color: #444; margin-top: 0; }
table { border-collapse: collapse; }
table.totals th { text-align: right; padding: 2pt 6pt; border-bottom: 1px solid #888; }
table.totals th.day { text-align: left; }
table.totals td { text-align: right; padding: 2pt 6pt; }
table.totals td.day { text-align: left; }
tr.average td { font-weight: bold; border-top: 1px solid #888; }
tr.target td { color: #444; }
table.meals { margin-top: 14pt; }
table.meals th { text-align: left; padding: 1pt 4pt; }
table.meals th.day { font-size: 12pt; padding: 0 0 4pt 0; }
tr.columns th { color: #444; font-weight: normal; font-size: 9pt;
                border-bottom: 1px solid #ccc; }
table.meals th.number { text-align: right; }
table.meals td { padding: 1pt 4pt; vertical-align: top; }
table.meals td.number { text-align: right; }
tr.meal td { font-weight: bold; padding-top: 5pt; }
p.daytotal { margin-top: 4pt; margin-bottom: 2pt; }
ul.findings li { margin-bottom: 3pt; }
p.small, ul.small { color: #444; font-size: 9pt; }
p.footer { margin-top: 18pt; color: #444; font-size: 9pt; }
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _totals_table(analysis: Analysis) -> list[str]:
    headings = "".join(f"<th>{BY_KEY[key].label}</th>" for key in REPORT_KEYS)
    rows = ['<table class="totals" width="100%" cellspacing="0">',
            f'<tr><th class="day">Day</th>{headings}</tr>']
    for day in analysis.days:
        cells = "".join(f"<td>{_esc(_day_cell(day, key))}</td>" for key in REPORT_KEYS)
        rows.append(f'<tr><td class="day">{_esc(_short_date(day.date))}</td>{cells}</tr>')
    week = analysis.week
    if week.averaged_days:
        days = "1 day" if week.averaged_days == 1 else f"{week.averaged_days} days"
        cells = "".join(
            f"<td>{_esc(_total_text(week.average[key], percent=key == 'magnesium_mg'))}</td>"
            for key in REPORT_KEYS
        )
        rows.append(f'<tr class="average"><td class="day">Average ({days})</td>{cells}</tr>')
    cells = "".join(f"<td>{_esc(_target_text(analysis.targets.get(key)))}</td>"
                    for key in REPORT_KEYS)
    rows.append(f'<tr class="target"><td class="day">Target a day</td>{cells}</tr>')
    rows.append("</table>")
    return rows


def _day_html(day: Day, analysis: DayAnalysis, foods: Mapping[FoodRef, Food]) -> list[str]:
    heading = _esc(_long_date(day.date))
    meals = _entry_lines(day, foods)
    if not meals:
        return [f'<h2 class="day">{heading}</h2>', '<p class="small">Nothing planned.</p>']
    # The day's name is a header row of its table: Qt repeats header rows on every page
    # the table spans and never leaves them alone at the foot of a page.
    parts = [
        '<table class="meals" width="100%" cellspacing="0">',
        "<thead>",
        f'<tr><th class="day" colspan="5">{heading}</th></tr>',
        '<tr class="columns"><th width="13%">Amount</th><th width="41%">Food</th>'
        '<th class="number" width="12%">Weight</th>'
        '<th class="number" width="17%">Magnesium (mg)</th>'
        '<th class="number" width="17%">Vitamin D (\u00b5g)</th></tr>',
        "</thead>",
    ]
    for name, lines in meals:
        parts.append(f'<tr class="meal"><td colspan="5">{_esc(name)}</td></tr>')
        for line in lines:
            parts.append(
                f'<tr><td class="amount">{_esc(line.amount)}</td><td>{_esc(line.food)}</td>'
                f'<td class="number">{line.weight}</td>'
                + "".join(f'<td class="number">{line.values[key]}</td>' for key in _ENTRY_KEYS)
                + "</tr>"
            )
    parts.append("</table>")
    parts.append(f'<p class="daytotal"><b>Day total</b> (with supplements): '
                 f"{_esc(_day_total_sentence(analysis))}</p>")
    if analysis.findings:
        parts.append('<ul class="findings">')
        parts += [f"<li><b>{f.severity.capitalize()}:</b> {_esc(f.message)}</li>"
                  for f in analysis.findings]
        parts.append("</ul>")
    return parts


def _day_total_sentence(day: DayAnalysis) -> str:
    return ", ".join(
        f"{BY_KEY[key].label} {_total_text(day.totals[key], percent=key == 'magnesium_mg')}"
        for key in REPORT_KEYS
    )


def plan_to_html(analysis: Analysis, foods: Mapping[FoodRef, Food], *,
                 title: str | None = None) -> str:
    """The plan of ``analysis`` as a printable HTML page (see the module docstring)."""
    plan = analysis.plan
    title = title or plan_title(plan)
    meta = [_person(plan), _range_text(analysis.days)]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_esc(title)}</title>",
        f"<style>\n{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_esc(title)}</h1>",
        f'<p class="meta">{_esc(_MIDDOT.join(part for part in meta if part))}</p>',
    ]
    if not analysis.days:
        parts.append("<p>The plan has no days.</p>")
    else:
        parts.append("<h2>Daily totals</h2>")
        parts += _totals_table(analysis)
        parts.append('<p class="small">Totals include supplements. \u2265: some entries have '
                     "no value, so at least this much. ?: no value known. \u2013: nothing "
                     "planned. The average counts the days with entries.</p>")
    parts.append("<h2>Findings for the week</h2>")
    if analysis.week.findings:
        parts.append('<ul class="findings">')
        parts += [f"<li><b>{f.severity.capitalize()}:</b> {_esc(f.message)}</li>"
                  for f in analysis.week.findings]
        parts.append("</ul>")
    else:
        parts.append("<p>None for the week average.</p>")
    flagged = [day for day in analysis.days if day.findings]
    if flagged:
        names = ", ".join(_short_date(day.date) for day in flagged)
        parts.append(f'<p class="small">Days with findings of their own (listed under each '
                     f"day): {_esc(names)}.</p>")
    if plan.supplements:
        parts.append("<h2>Supplements</h2>")
        parts.append("<ul>")
        parts += [f"<li>{_esc(_supplement_text(s))}</li>" for s in plan.supplements]
        parts.append("</ul>")
    targets = _report_targets(analysis.targets)
    if targets:
        parts.append(f"<h2>Targets a day for {_esc(_person(plan))}</h2>")
        parts.append("<ul>")
        parts += [f"<li>{_esc(_target_line(target))}</li>" for target in targets]
        parts.append("</ul>")
        if analysis.targets.notes:
            parts.append('<ul class="small">')
            parts += [f"<li>{_esc(note)}</li>" for note in analysis.targets.notes]
            parts.append("</ul>")
    by_date = {day.date: day for day in analysis.days}
    for day in plan.days:
        if day.date in by_date:
            parts += _day_html(day, by_date[day.date], foods)
    parts += [
        f'<p class="footer">{_esc(data_sources(_used_foods(plan, foods)))}<br>'
        f"<b>Not medical advice.</b> {_esc(DISCLAIMER)}</p>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


# --- Text ---------------------------------------------------------------------------------


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, _TEXT_WIDTH, initial_indent=indent,
                         subsequent_indent=indent + "  ")


def _text_table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join([row[0].ljust(widths[0]),
                       *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:],
                                                                  strict=True))]).rstrip()
            for row in rows]


def _totals_text(analysis: Analysis) -> list[str]:
    """The table of daily totals, the average and the targets (text)."""
    if not analysis.days:
        return ["The plan has no days.", ""]
    rows = [["Day", *(BY_KEY[key].label for key in REPORT_KEYS)]]
    for day in analysis.days:
        rows.append([_short_date(day.date), *(_day_cell(day, key) for key in REPORT_KEYS)])
    if analysis.week.averaged_days:
        rows.append(["Average", *(_total_text(analysis.week.average[key],
                                              percent=key == "magnesium_mg")
                                  for key in REPORT_KEYS)])
    rows.append(["Target", *(_target_text(analysis.targets.get(key)) for key in REPORT_KEYS)])
    return ["DAILY TOTALS (with supplements)", *_text_table(rows), ""]


def _day_text(plan_day: Day, day_analysis: DayAnalysis, foods: Mapping[FoodRef, Food]
              ) -> list[str]:
    """One day of the plan as text: its meals, the day's total, the day's findings."""
    lines = [_long_date(plan_day.date).upper()]
    meals = _entry_lines(plan_day, foods)
    if not meals:
        return [*lines, "  Nothing planned.", ""]
    for name, entries in meals:
        lines.append(f"  {name}")
        amount_width = max(len(e.amount) for e in entries)
        for entry in entries:
            weight = f" ({entry.weight})" if entry.weight else ""
            lines.append(f"    {entry.amount.ljust(amount_width)}  {entry.food}{weight}"
                         f" \u2014 magnesium {entry.values['magnesium_mg']} mg, "
                         f"vitamin D {entry.values['vitamin_d_ug']} \u00b5g")
    total = _day_total_sentence(day_analysis)
    lines += _wrap(f"Day total (with supplements): {total}", "  ")
    for finding in day_analysis.findings:
        lines += _wrap(f"{finding.severity.capitalize()}: {finding.message}", "  ")
    lines.append("")
    return lines


def plan_to_text(analysis: Analysis, foods: Mapping[FoodRef, Food], *,
                 title: str | None = None) -> str:
    """The same report as :func:`plan_to_html`, as plain text."""
    plan = analysis.plan
    title = title or plan_title(plan)
    lines = [title, _MIDDOT.join(p for p in (_person(plan), _range_text(analysis.days)) if p),
             ""]
    lines += _totals_text(analysis)
    lines.append("FINDINGS FOR THE WEEK" if analysis.week.findings
                 else "FINDINGS FOR THE WEEK: none")
    for finding in analysis.week.findings:
        lines += _wrap(f"{finding.severity.capitalize()}: {finding.message}", "  ")
    lines.append("")
    if plan.supplements:
        lines.append("SUPPLEMENTS")
        lines += [f"  {_supplement_text(s)}" for s in plan.supplements]
        lines.append("")
    targets = _report_targets(analysis.targets)
    if targets:
        lines.append(f"TARGETS A DAY for {_person(plan)}")
        for target in targets:
            lines += _wrap(_target_line(target), "  ")
        for note in analysis.targets.notes:
            lines += _wrap(f"Note: {note}", "  ")
        lines.append("")
    analyses = {day.date: day for day in analysis.days}
    for plan_day in plan.days:
        if plan_day.date in analyses:
            lines += _day_text(plan_day, analyses[plan_day.date], foods)
    lines += _wrap(data_sources(_used_foods(plan, foods)))
    lines += _wrap(f"Not medical advice. {DISCLAIMER}")
    return "\n".join(lines) + "\n"
