"""A :class:`~planner.core.shopping.ShoppingList` as JSON data, CSV, Markdown, text and HTML.

Every rendering groups the items by aisle in walking order and shows each item's
``display`` ("4 large eggs (200 g)"), followed by the full food name when the display
shortened it. The HTML is a whole printable page that Qt's rich text (``QTextDocument``)
and browsers both render: tables rather than styled boxes, the tick boxes are the
characters U+2610/U+2611. Everything the user typed (item names, notes, the title) is
escaped for the format it goes into.
"""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any, Final

from planner.core.shopping import ListNutrition, ShoppingItem, ShoppingList

__all__ = [
    "FOOTER",
    "SHOPPING_FORMAT",
    "nutrition_sentence",
    "range_text",
    "shopping_list_to_json",
    "to_csv",
    "to_html",
    "to_markdown",
    "to_text",
]

SHOPPING_FORMAT: Final = "planner.shopping/1"
FOOTER: Final = "Food data: USDA SR28. planner gives information, not medical advice."
CSV_COLUMNS: Final = ("aisle", "item", "quantity", "grams", "food", "checked")
_DEFAULT_TITLE: Final = "Shopping list"
_BOX: Final = "\u2610"
_TICKED_BOX: Final = "\u2611"


def _rounded(value: float | None) -> float | None:
    # Four decimals hide float noise (1400.0000000002) and keep milligrams exact enough.
    return None if value is None else round(value, 4)


def _grams_text(grams: float | None) -> str:
    if grams is None:
        return ""
    return f"{grams:.1f}".rstrip("0").rstrip(".")


def _aisle_title(aisle: str) -> str:
    return aisle[:1].upper() + aisle[1:]


def range_text(sl: ShoppingList) -> str:
    """The dates of the list: ``2026-11-23 to 2026-11-29``, one date, or ``""``."""
    if sl.start and sl.end:
        if sl.start == sl.end:
            return sl.start.isoformat()
        return f"{sl.start.isoformat()} to {sl.end.isoformat()}"
    if sl.start:
        return f"from {sl.start.isoformat()}"
    if sl.end:
        return f"up to {sl.end.isoformat()}"
    return ""


def _meta_line(sl: ShoppingList) -> str:
    parts = [range_text(sl)]
    if sl.factor != 1:
        parts.append(f"household factor \u00d7 {sl.factor:g}")
    count = len(sl.items)
    parts.append("1 item" if count == 1 else f"{count} items")
    return " \u00b7 ".join(part for part in parts if part)


def _period(days: int) -> str:
    if days == 7:
        return "the week's"
    if days == 1:
        return "the day's"
    return f"the {days} days'"


def nutrition_sentence(sl: ShoppingList) -> str | None:
    """``This list supplies 82 % of the week's magnesium target and 40 % of vitamin D.``

    ``None`` when the range has no entries. Without targets the amounts are given instead.
    """
    nutrition = sl.nutrition
    if nutrition is None:
        return None
    magnesium, vitamin_d = nutrition.magnesium_percent, nutrition.vitamin_d_percent
    if magnesium is not None and vitamin_d is not None:
        sentence = (f"This list supplies {magnesium:.0f} % of {_period(nutrition.days)} "
                    f"magnesium target and {vitamin_d:.0f} % of vitamin D")
        if nutrition.factor != 1:
            sentence += f" (targets \u00d7 {nutrition.factor:g} for the household)"
    else:
        sentence = (f"This list supplies {nutrition.magnesium_mg:,.0f} mg of magnesium and "
                    f"{nutrition.vitamin_d_ug:,.1f} \u00b5g of vitamin D")
    return sentence + "." + _unknown_remark(nutrition)


def _unknown_remark(nutrition: ListNutrition) -> str:
    magnesium, vitamin_d = nutrition.magnesium_unknown, nutrition.vitamin_d_unknown
    if not magnesium and not vitamin_d:
        return ""
    missing = []
    if magnesium:
        missing.append(f"{_entries_have(magnesium)} no magnesium value")
    if vitamin_d:
        have = str(vitamin_d) if magnesium else _entries_have(vitamin_d)
        missing.append(f"{have} no vitamin D value")
    return f" These are lower bounds: {' and '.join(missing)}."


def _entries_have(count: int) -> str:
    return "1 entry has" if count == 1 else f"{count} entries have"


def _full_name(item: ShoppingItem) -> str | None:
    """The food's full name when the display does not already say it."""
    if item.name.casefold() in item.display.casefold():
        return None
    return item.name


# --- JSON and CSV -------------------------------------------------------------------------


def _item_to_json(item: ShoppingItem) -> dict[str, Any]:
    return {
        "food": None if item.food is None else str(item.food),
        "name": item.name,
        "grams": _rounded(item.grams),
        "display": item.display,
        "buy": item.display,
        "buy_food": None if item.buy_food is None else str(item.buy_food),
        "from": [{"food": str(ref), "grams": _rounded(grams)} for ref, grams in item.sources],
        "aisle": item.aisle,
        "checked": item.checked,
        "note": item.note,
    }


def _nutrition_to_json(nutrition: ListNutrition | None) -> dict[str, Any] | None:
    if nutrition is None:
        return None
    return {
        "days": nutrition.days,
        "factor": nutrition.factor,
        "magnesium_mg": _rounded(nutrition.magnesium_mg),
        "vitamin_d_ug": _rounded(nutrition.vitamin_d_ug),
        "magnesium_unknown": nutrition.magnesium_unknown,
        "vitamin_d_unknown": nutrition.vitamin_d_unknown,
        "magnesium_target_mg": _rounded(nutrition.magnesium_target_mg),
        "vitamin_d_target_ug": _rounded(nutrition.vitamin_d_target_ug),
        "magnesium_percent": _rounded(nutrition.magnesium_percent),
        "vitamin_d_percent": _rounded(nutrition.vitamin_d_percent),
    }


def shopping_list_to_json(sl: ShoppingList) -> dict[str, Any]:
    """The list as JSON data (format ``planner.shopping/1``)."""
    return {
        "format": SHOPPING_FORMAT,
        "start": None if sl.start is None else sl.start.isoformat(),
        "end": None if sl.end is None else sl.end.isoformat(),
        "factor": sl.factor,
        "units": sl.units,
        "aisles": list(sl.aisle_order),
        "items": [_item_to_json(item) for item in sl.items],
        "notes": list(sl.notes),
        "nutrition": _nutrition_to_json(sl.nutrition),
    }


def to_csv(sl: ShoppingList) -> str:
    """One row per item: aisle, item (full name), quantity (display), grams, food, checked."""
    buffer = io.StringIO()
    # "\n" rows: the caller writes the text with newline="" or not, either way one newline.
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in sl.items:
        writer.writerow((
            item.aisle, item.name, item.display, _grams_text(item.grams),
            "" if item.food is None else str(item.food), "yes" if item.checked else "no",
        ))
    return buffer.getvalue()


# --- Markdown and text --------------------------------------------------------------------

_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """``text`` with Markdown's markup characters escaped (a name may hold ``*`` or ``<``)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _markdown_line(item: ShoppingItem) -> str:
    line = f"- [{'x' if item.checked else ' '}] {_md(item.display)}"
    full = _full_name(item)
    if full:
        line += f" \u2014 {_md(full)}"
    if item.note:
        line += f" *({_md(item.note)})*"
    return line


def to_markdown(sl: ShoppingList, *, title: str = _DEFAULT_TITLE) -> str:
    """A Markdown task list: ``## Aisle`` headings and ``- [ ] 4 large eggs (200 g)`` items."""
    lines = [f"# {_md(title)}", ""]
    meta = _meta_line(sl)
    if meta:
        lines += [_md(meta), ""]
    for aisle, items in sl.by_aisle():
        lines += [f"## {_md(_aisle_title(aisle))}", ""]
        lines += [_markdown_line(item) for item in items]
        lines.append("")
    sentence = nutrition_sentence(sl)
    if sentence:
        lines += [_md(sentence), ""]
    for note in sl.notes:
        lines += [f"> {_md(note)}", ""]
    lines += ["---", "", _md(FOOTER), ""]
    return "\n".join(lines)


def _text_line(item: ShoppingItem) -> str:
    line = f"  [{'x' if item.checked else ' '}] {item.display}"
    full = _full_name(item)
    if full:
        line += f" \u2014 {full}"
    if item.note:
        line += f" ({item.note})"
    return line


def to_text(sl: ShoppingList, *, title: str = _DEFAULT_TITLE) -> str:
    """Plain text: the title, the dates, then per aisle (in capitals) one line per item."""
    lines = [title]
    meta = _meta_line(sl)
    if meta:
        lines.append(meta)
    lines.append("")
    for aisle, items in sl.by_aisle():
        lines.append(aisle.upper())
        lines += [_text_line(item) for item in items]
        lines.append("")
    sentence = nutrition_sentence(sl)
    if sentence:
        lines += [sentence, ""]
    if sl.notes:
        lines.append("Notes:")
        lines += [f"- {note}" for note in sl.notes]
        lines.append("")
    lines += [FOOTER, ""]
    return "\n".join(lines)


# --- HTML ---------------------------------------------------------------------------------

# Kept to the CSS subset QTextDocument supports, so the print preview matches a browser.
_STYLE: Final = """\
body { font-family: sans-serif; font-size: 11pt; color: #000; }
h1 { font-size: 16pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; margin-top: 12pt; margin-bottom: 3pt; border-bottom: 1px solid #888; }
p.meta { color: #444; margin-top: 0; }
table.aisle { border-collapse: collapse; width: 100%; }
table.aisle td { padding: 2pt 4pt; vertical-align: top; }
td.box { width: 16pt; font-size: 13pt; }
td.name { color: #555; font-size: 9pt; }
tr.checked td.quantity { color: #777; text-decoration: line-through; }
p.nutrition { margin-top: 12pt; }
ul.notes { color: #444; font-size: 9pt; }
p.footer { margin-top: 18pt; color: #555; font-size: 9pt; border-top: 1px solid #ccc; }
@media print { tr { page-break-inside: avoid; } h2 { page-break-after: avoid; } }
"""


def _esc(text: str) -> str:
    # User text only ever goes into element content, never into an attribute, so quotes
    # may stay as typed ("Ana's week" reads the same in the HTML source and in Qt).
    return html.escape(text, quote=False)


def _html_row(item: ShoppingItem) -> str:
    box = _TICKED_BOX if item.checked else _BOX
    details = [_esc(full)] if (full := _full_name(item)) else []
    if item.note:
        details.append(f"<i>{_esc(item.note)}</i>")
    row_class = ' class="checked"' if item.checked else ""
    return (f"<tr{row_class}><td class=\"box\">{box}</td>"
            f"<td class=\"quantity\">{_esc(item.display)}</td>"
            f"<td class=\"name\">{' &middot; '.join(details)}</td></tr>")


def to_html(sl: ShoppingList, *, title: str) -> str:
    """A printable HTML page: title, dates and factor, the aisles, nutrition, notes, footer."""
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
    ]
    parts += list_body_html(sl)
    parts += [f'<p class="footer">{_esc(FOOTER)}</p>', "</body>", "</html>", ""]
    return "\n".join(parts)


def list_body_html(sl: ShoppingList, *, aisle_heading: str = "<h2>{}</h2>") -> list[str]:
    """The list itself as HTML lines: range, aisles with their items, nutrition, notes.

    Shared by the printed list and the weekly report (which sets its own aisle heading).
    """
    parts = []
    meta = _meta_line(sl)
    if meta:
        parts.append(f'<p class="meta">{_esc(meta)}</p>')
    groups = sl.by_aisle()
    if not groups:
        parts.append("<p>Nothing to buy.</p>")
    for aisle, items in groups:
        # The heading is the table's header row: a page break inside the aisle repeats it
        # on the next page, and it never stays alone at the bottom of a page.
        heading = aisle_heading.format(_esc(_aisle_title(aisle)))
        parts.append('<table class="aisle">')
        parts.append(f'<thead><tr><td colspan="3">{heading}</td></tr></thead>')
        parts += [_html_row(item) for item in items]
        parts.append("</table>")
    sentence = nutrition_sentence(sl)
    if sentence:
        parts.append(f'<p class="nutrition">{_esc(sentence)}</p>')
    if sl.notes:
        parts.append('<ul class="notes">')
        parts += [f"<li>{_esc(note)}</li>" for note in sl.notes]
        parts.append("</ul>")
    return parts
