"""The weekly report: one printable document with everything about a week of a plan.

In this order:

- who the plan is for and the targets a day (RDA or AI, EAR, UL, with units), and the
  supplements;
- the daily totals against the targets (the table of the printed week plan);
- the findings, for the week and for each day, then once per kind of finding what it
  means and the literature behind it;
- the charts (:mod:`planner.reports.charts`): magnesium and vitamin D by day, where the
  magnesium comes from, the calcium-to-magnesium ratio and the share from supplements,
  for each Monday-to-Sunday week of the range;
- each day's meals with their entries and the day's totals and findings;
- the shopping list of the range, by aisle;
- where the food data comes from and that this is information, not medical advice.

The pieces are those of :mod:`planner.reports.plan` and :mod:`planner.reports.shopping`
(same tables, same wording), put together in one HTML page. The charts are PNG images the
page names (``<img src="chart-week.png" ...>``); :class:`Report` carries their bytes
beside the HTML, for the printing code to hand to Qt's rich text
(:func:`planner.ui.common.printing.html_to_pdf` with ``images=``), and
:meth:`Report.standalone_html` puts them inside the page for a browser. No Qt here.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final

from planner.core.analysis import Analysis
from planner.core.chart_data import build_chart_data
from planner.core.foods import Food, FoodRef
from planner.core.nutrients import BY_KEY, GROUP_LABELS, PANEL
from planner.core.plan import Plan, Profile
from planner.core.ratios import ratio_values
from planner.core.references import DISCLAIMER, Reference
from planner.core.rules import (
    ABOVE_UL,
    BELOW_EAR,
    CA_MG_RATIO_HIGH,
    LOW_COVERAGE,
    MG_SUPPLEMENT_ABOVE_UL,
    VITD_ABOVE_UL,
    VITD_HIGH_MG_LOW,
    Finding,
)
from planner.core.shopping import ShoppingList
from planner.core.status import Status, nutrient_status, target_parts
from planner.core.units import format_nutrient
from planner.core.weeks import week_start
from planner.reports.charts import (
    CHART_KINDS,
    CHART_TITLES,
    LIGHT,
    ChartKind,
    ChartStyle,
    render_chart,
)

# The printed week plan's and shopping list's own pieces, private to their modules: the
# report shows the same tables in the same words and styles, so it is built from them
# rather than from copies.
from planner.reports.plan import _STYLE as _PLAN_STYLE
from planner.reports.plan import (
    _day_html,
    _esc,
    _long_date,
    _range_text,
    _report_targets,
    _short_date,
    _supplement_text,
    _target_line,
    _totals_table,
    _used_foods,
    data_sources,
    plan_title,
)
from planner.reports.shopping import _STYLE as _SHOPPING_STYLE
from planner.reports.shopping import list_body_html

__all__ = [
    "CHART_DPI",
    "CHART_SIZES",
    "CHART_STYLE",
    "Report",
    "chart_image_name",
    "report_title",
    "weekly_report",
]

#: Resolution of the chart images: sharp on paper, quick to render.
CHART_DPI: Final = 150.0
#: Figure size of each chart in inches. 7 in is the text width of A4 and Letter with the
#: printing margins, so a chart prints at its own size: its 8 pt labels stay 8 pt.
CHART_SIZES: Final[Mapping[ChartKind, tuple[float, float]]] = MappingProxyType({
    "week": (7.0, 5.0),
    "sources": (7.0, 4.2),
    "ratio": (7.0, 3.2),
    "shares": (7.0, 2.6),
})
#: The window's light colours with 8 pt text: at 9 pt the longest subtitle (the ratio
#: chart's) runs past the right edge of a 7 in figure.
CHART_STYLE: Final[ChartStyle] = replace(LIGHT, font_size=8.0)
#: CSS pixels per inch: how wide and high the page shows an image of a given size.
_PX_PER_INCH: Final = 96

#: What each kind of finding is about, as the heading of its explanation.
_FINDING_TOPICS: Final[Mapping[str, str]] = MappingProxyType({
    VITD_HIGH_MG_LOW: "Vitamin D high while magnesium is low",
    VITD_ABOVE_UL: "Vitamin D above the upper limit",
    MG_SUPPLEMENT_ABOVE_UL: "Magnesium from supplements above the upper limit",
    CA_MG_RATIO_HIGH: "A high calcium-to-magnesium ratio",
    LOW_COVERAGE: "Foods without a value",
    ABOVE_UL: "Above the upper limit",
    BELOW_EAR: "Below the estimated average requirement (EAR)",
})

# The report's own rules, after the two pages' styles (which it shares): sections that
# start a page, the findings table, the explanations and the charts.
_STYLE: Final = """\
h1 { font-size: 18pt; }
h2.section { font-size: 14pt; margin-top: 16pt; }
h2.newpage { page-break-before: always; }
h3 { font-size: 11pt; margin-top: 10pt; margin-bottom: 3pt; }
h3.aisle { border-bottom: 1px solid #888; }
p.profile { font-size: 11pt; margin-bottom: 4pt; }
table.findings td { padding: 2pt 6pt 2pt 0; vertical-align: top; }
table.findings tr.first td { border-top: 1px solid #ccc; padding-top: 3pt; }
table.findings td.when { white-space: nowrap; font-weight: bold; }
p.explanation { margin-top: 2pt; margin-bottom: 3pt; }
ol.references { color: #444; font-size: 9pt; margin-top: 0; }
p.chart { margin-top: 6pt; margin-bottom: 10pt; }
table.panel td { padding: 1pt 6pt 1pt 0; }
table.panel td.num { text-align: right; white-space: nowrap; }
table.panel td.label { white-space: nowrap; }
table.panel th.group { text-align: left; padding-top: 6pt; border-bottom: 1px solid #888; }
"""


@dataclass(frozen=True, slots=True)
class Report:
    """A printable page and the images it names (``<img src=NAME>``), by name."""

    html: str
    images: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}))
    title: str = ""

    def standalone_html(self) -> str:
        """The page with its images inside it (``data:`` URLs): one file for a browser."""
        page = self.html
        for name, data in self.images.items():
            encoded = base64.b64encode(data).decode("ascii")
            page = page.replace(f'src="{name}"', f'src="data:image/png;base64,{encoded}"')
        return page


def report_title(plan: Plan) -> str:
    """``Weekly report — Demo week``."""
    return f"Weekly report \u2014 {plan_title(plan)}"


def chart_image_name(kind: ChartKind, monday: dt.date | None = None) -> str:
    """``chart-week.png``; ``chart-week-2026-11-23.png`` when the range has several weeks."""
    week = "" if monday is None else f"-{monday.isoformat()}"
    return f"chart-{kind}{week}.png"


def _profile_line(profile: Profile) -> str:
    """``Ana, female, 45 years`` (and ``, pregnancy`` or ``, lactation``)."""
    stage = "" if profile.life_stage == "none" else f", {profile.life_stage}"
    return f"{profile.name}, {profile.sex}, {profile.age} years{stage}"


def _range_heading(start: dt.date | None, end: dt.date | None) -> str:
    """``Monday 23 November 2026 to Sunday 29 November 2026``; ``""`` for an open range."""
    if start is None or end is None:
        return ""
    if start == end:
        return _long_date(start)
    return f"{_long_date(start)} to {_long_date(end)}"


def _mondays(dates: Iterable[dt.date]) -> list[dt.date]:
    return sorted({week_start(when) for when in dates})


# --- Sections -----------------------------------------------------------------------------


def _heading(text: str, *, new_page: bool = False) -> str:
    css = "section newpage" if new_page else "section"
    return f'<h2 class="{css}">{_esc(text)}</h2>'


def _profile_section(analysis: Analysis) -> list[str]:
    plan = analysis.plan
    parts = [_heading("Profile and targets"),
             f'<p class="profile"><b>Profile:</b> {_esc(_profile_line(plan.profile))}</p>']
    targets = _report_targets(analysis.targets)
    if targets:
        parts.append("<p><b>Targets a day</b> (RDA or AI: the intake to aim for; EAR: below "
                     "it, intake is likely too low; UL: the upper limit):</p>")
        parts.append("<ul>")
        parts += [f"<li>{_esc(_target_line(target))}</li>" for target in targets]
        parts.append("</ul>")
        if analysis.targets.notes:
            parts.append('<ul class="small">')
            parts += [f"<li>{_esc(note)}</li>" for note in analysis.targets.notes]
            parts.append("</ul>")
    if plan.supplements:
        parts.append("<p><b>Supplements:</b></p>")
        parts.append("<ul>")
        parts += [f"<li>{_esc(_supplement_text(s))}</li>" for s in plan.supplements]
        parts.append("</ul>")
    else:
        parts.append("<p><b>Supplements:</b> none.</p>")
    return parts


def _totals_section(analysis: Analysis) -> list[str]:
    parts = [_heading("Daily totals")]
    if not analysis.days:
        return [*parts, "<p>The plan has no days in this range.</p>"]
    parts += _totals_table(analysis)
    parts.append('<p class="small">Totals include supplements. \u2265: some entries have no '
                 "value, so at least this much. ?: no value known. \u2013: nothing planned. "
                 "The average counts the days with entries.</p>")
    return parts


#: Text colours of a nutrient's status in the panel (the window's light shades).
_STATUS_COLORS: Final[Mapping[Status, str]] = MappingProxyType({
    Status.LOW: "#c62828", Status.BELOW_TARGET: "#9a6400", Status.OK: "#2e7d32",
    Status.ABOVE_UL: "#c62828", Status.NEUTRAL: "#444444", Status.EMPTY: "#777777",
})
_STATUS_WORDS: Final[Mapping[Status, str]] = MappingProxyType({
    Status.LOW: "below EAR", Status.BELOW_TARGET: "below target", Status.OK: "",
    Status.ABOVE_UL: "above UL", Status.NEUTRAL: "", Status.EMPTY: "",
})


def _panel_row(key: str, analysis: Analysis) -> str:
    nutrient = BY_KEY[key]
    average = analysis.week.average
    total, target = average[key], analysis.targets.get(key)
    status = nutrient_status(total, target, average)
    value = "–" if total.value is None else format_nutrient(key, total.value)
    if total.value is not None and total.unknown:
        value = f"≥{value}"
    percent = "" if total.percent is None else f"{total.percent:.0f} %"
    words = _STATUS_WORDS[status]
    # A number and its unit stay on one line.
    goal = (", ".join(target_parts(target)).replace(f" {nutrient.unit}", f"\u00a0{nutrient.unit}")
            if target is not None else "")
    indent = "&nbsp;&nbsp;&nbsp;" if nutrient.part_of else ""
    color = _STATUS_COLORS[status]
    return (f'<tr><td class="label">{indent}{_esc(nutrient.label)}</td>'
            f'<td class="num">{_esc(value)}</td>'
            f'<td class="num" style="color:{color}"><b>{_esc(percent)}</b></td>'
            f'<td style="color:{color}">{_esc(words)}</td><td class="small">{_esc(goal)}</td>'
            "</tr>")


def _panel_section(analysis: Analysis) -> list[str]:
    """Every nutrient's week average against its target, group by group, and the ratios."""
    if not analysis.week.averaged_days:
        return []
    parts = [_heading("The full panel (average a day)")]
    parts.append('<table class="panel" width="100%" cellspacing="0">')
    for group, keys in PANEL:
        parts.append(f'<tr><th colspan="5" class="group">{_esc(GROUP_LABELS[group])}</th></tr>')
        parts += [_panel_row(key, analysis) for key in keys]
    parts.append("</table>")
    ratios = ratio_values(analysis.week.average)
    if ratios:
        parts.append("<h3>Ratios</h3>")
        parts.append('<table class="panel" cellspacing="0">')
        for value in ratios:
            color = "#2e7d32" if value.in_range else "#c62828"
            parts.append(
                f"<tr><td>{_esc(value.ratio.label)}</td>"
                f'<td class="num" style="color:{color}"><b>{_esc(value.text)}</b></td>'
                f"<td>{_esc(value.ratio.range_text)}</td>"
                f'<td class="small">{_esc(value.ratio.reference.short)}</td></tr>')
        parts.append("</table>")
    parts.append('<p class="small">% of the RDA or AI; red: below the EAR or above the UL '
                 "(for a UL that counts part of the intake, that part); ≥: some entries "
                 "have no value; –: no food has a value.</p>")
    return parts


def _finding_rows(when: str, findings: Sequence[Finding]) -> list[str]:
    """The findings of the week or of one day: ``when`` on the first row only."""
    return [
        f'<tr class="{"first" if index == 0 else "more"}">'
        f'<td class="when">{_esc(when) if index == 0 else ""}</td>'
        f"<td><b>{finding.severity.capitalize()}:</b> {_esc(finding.message)}</td></tr>"
        for index, finding in enumerate(findings)
    ]


def _explained(findings: Iterable[Finding]) -> list[Finding]:
    """One finding of each kind (code and explanation), in the order they first appear."""
    seen: set[tuple[str, str]] = set()
    chosen = []
    for finding in findings:
        # below_ear:iron_mg and below_ear:zinc_mg share one explanation: told once.
        key = (finding.code.partition(":")[0], finding.explanation)
        if key not in seen:
            seen.add(key)
            chosen.append(finding)
    return chosen


def _reference_item(reference: Reference) -> str:
    return f"<li>{_esc(str(reference))}</li>"


def _findings_section(analysis: Analysis) -> list[str]:
    parts = [_heading("Findings")]
    week = analysis.week.findings
    days = [day for day in analysis.days if day.findings]
    if not week and not days:
        return [*parts, "<p>None: no day and not the week average gave cause for a "
                        "remark.</p>"]
    parts.append('<table class="findings" width="100%" cellspacing="0">')
    if week:
        parts += _finding_rows("Week average", week)
    for day in days:
        parts += _finding_rows(_short_date(day.date), day.findings)
    parts.append("</table>")
    parts.append("<h3>What the findings mean</h3>")
    every = [*week, *(finding for day in days for finding in day.findings)]
    for finding in _explained(every):
        family = finding.code.partition(":")[0]
        topic = _FINDING_TOPICS.get(finding.code) or _FINDING_TOPICS.get(family, family)
        if family in (BELOW_EAR, ABOVE_UL):
            # One explanation for the family, naming each nutrient it was given for.
            named = dict.fromkeys(BY_KEY[f.code.partition(":")[2]].label for f in every
                                  if f.code.partition(":")[0] == family)
            topic = f"{topic}: {', '.join(named)}"
        parts.append(f"<p><b>{_esc(topic)}.</b></p>")
        parts.append(f'<p class="explanation">{_esc(finding.explanation)}</p>')
        if family == BELOW_EAR:
            parts.append('<p class="explanation"><b>What you can do:</b> foods rich in each '
                         "of these close the gap: the food search sorts foods by any "
                         "nutrient (<i>planner foods top</i> on the command line).</p>")
        elif finding.advice:
            # The week's finding comes first (_explained keeps the order), so its advice
            # speaks of an average day.
            parts.append(f'<p class="explanation"><b>What you can do:</b> '
                         f"{_esc(finding.advice)}</p>")
        if finding.references:
            parts.append('<p class="small">References:</p>')
            parts.append('<ol class="references">')
            parts += [_reference_item(reference) for reference in finding.references]
            parts.append("</ol>")
    return parts


def _charts_section(
    analysis: Analysis, foods: Mapping[FoodRef, Food], images: dict[str, bytes]
) -> list[str]:
    parts = [_heading("Charts", new_page=True)]
    mondays = _mondays(day.date for day in analysis.days)
    drawn = False
    for monday in mondays:
        data = build_chart_data(analysis, foods, monday)
        if data.is_empty:
            parts.append(f"<p>Nothing planned in the week of {_esc(_short_date(monday))}.</p>")
            continue
        for kind in CHART_KINDS:
            width, height = CHART_SIZES[kind]
            name = chart_image_name(kind, monday if len(mondays) > 1 else None)
            images[name] = render_chart(data, kind, scope="week", fmt="png", dpi=CHART_DPI,
                                        size=(width, height), style=CHART_STYLE)
            parts.append(
                f'<p class="chart"><img src="{name}" alt="{_esc(CHART_TITLES[kind])}" '
                f'width="{round(width * _PX_PER_INCH)}" '
                f'height="{round(height * _PX_PER_INCH)}"></p>'
            )
            drawn = True
    if not mondays:
        parts.append("<p>No days to chart.</p>")
    elif drawn:
        parts.append('<p class="small">Bars: food, and hatched the part from supplements. '
                     "Lines: the EAR, the RDA or AI and the upper limit of your targets. "
                     "Week figures are averages a day over the days with entries.</p>")
    return parts


def _days_section(analysis: Analysis, plan: Plan, foods: Mapping[FoodRef, Food]) -> list[str]:
    parts = [_heading("Meals day by day", new_page=True)]
    by_date = {day.date: day for day in analysis.days}
    days = [day for day in plan.days if day.date in by_date]
    if not days:
        return [*parts, "<p>The plan has no days in this range.</p>"]
    for day in days:
        parts += _day_html(day, by_date[day.date], foods)
    return parts


def _shopping_section(sl: ShoppingList) -> list[str]:
    return [
        _heading("Shopping list", new_page=True),
        *list_body_html(sl, aisle_heading='<h3 class="aisle">{}</h3>'),
    ]


# --- The report ---------------------------------------------------------------------------


def weekly_report(
    plan: Plan,
    analysis: Analysis,
    foods: Mapping[FoodRef, Food],
    shopping_list: ShoppingList,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    charts: bool = True,
) -> Report:
    """The weekly report of ``plan`` from ``start`` to ``end`` (see the module docstring).

    ``analysis`` is the analysis of those days alone and ``shopping_list`` their list
    (:class:`~planner.services.reports.ReportService` makes both); ``foods`` are the foods
    of the plan. ``start`` and ``end`` are the range asked for (``None``: open); the
    charts cover each Monday-to-Sunday week with a day in it. Without ``charts`` no image
    is rendered.
    """
    title = report_title(plan)
    dates = _range_heading(start, end) or _range_text(analysis.days)
    images: dict[str, bytes] = {}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_esc(title)}</title>",
        f"<style>\n{_SHOPPING_STYLE}{_PLAN_STYLE}{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_esc(title)}</h1>",
    ]
    if dates:
        parts.append(f'<p class="meta">{_esc(dates)}</p>')
    parts += _profile_section(analysis)
    parts += _totals_section(analysis)
    parts += _findings_section(analysis)
    parts += _panel_section(analysis)
    if charts:
        parts += _charts_section(analysis, foods, images)
    parts += _days_section(analysis, plan, foods)
    parts += _shopping_section(shopping_list)
    parts += [
        f'<p class="footer">{_esc(data_sources(_used_foods(analysis.plan, foods)))}<br>'
        f"<b>Not medical advice.</b> {_esc(DISCLAIMER)}</p>",
        "</body>",
        "</html>",
        "",
    ]
    return Report("\n".join(parts), MappingProxyType(images), title)

