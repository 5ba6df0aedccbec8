"""The user's settings: declared once here, typed, with their defaults.

Stored as ``settings.json`` in the data directory (see :mod:`planner.paths`); window
geometry stays in QSettings and the FoodData Central key in its own 0600 file. A
missing file means the defaults. A broken file, an unknown key or a bad value never
stops the app: the default is used, a message says what was ignored, and the file is
left as it is until the user saves new settings.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from planner import paths
from planner.core.bounds import (
    CA_MG_RATIO_MAX,
    HOUSEHOLD_FACTOR,
    LOW_COVERAGE_SHARE,
    MG_LOW_SHARE_OF_EAR,
    VITD_HIGH_SHARE_OF_RDA,
    Bound,
    clip,
    quote,
)
from planner.core.nutrients import BY_KEY
from planner.core.rules import RULE_CODES, RuleSettings

FILE_NAME: Final = "settings.json"
FORMAT: Final = "planner.settings/1"
#: A value nested deeper than this (lists in lists...) is no setting; past it, reading
#: the file whole would exhaust Python's stack.
MAX_NESTING: Final = 64


@dataclass(frozen=True, slots=True)
class Settings:
    #: Shopping list quantities: ``metric`` (g, kg) or ``us`` (oz, lb).
    units: str = "metric"
    #: Cook for this many people: the shopping list's default household factor.
    household_factor: float = 1.0
    #: The people eating the plan, each with a portion factor (a child 0.6): when given,
    #: their sum is the shopping list's household factor.
    people: tuple[tuple[str, float], ...] = ()
    #: Pantry staples on the shopping list: ``check`` (their own section), ``omit`` or
    #: ``list`` (with the rest).
    pantry: str = "check"
    #: Aisles in walking order; empty means the shipped order.
    aisle_order: tuple[str, ...] = ()
    #: Rule thresholds (see :class:`planner.core.rules.RuleSettings`).
    vitd_high_share_of_rda: float = 1.0
    mg_low_share_of_ear: float = 1.0
    ca_mg_ratio_max: float = 2.6
    low_coverage_share: float = 1 / 3
    disabled_rules: tuple[str, ...] = ()
    #: Nutrient keys the totals panel shows with big bars on top, after the focus ones.
    highlighted_nutrients: tuple[str, ...] = ()
    #: Messages about what was ignored when the file was read (not stored).
    problems: tuple[str, ...] = field(default=(), compare=False)

    def shopping_factor(self) -> float:
        """The shopping list's default household factor: the people's portions added up
        (1.0 + 1.0 + 0.6 = 2.6), or ``household_factor`` when no people are set."""
        if self.people:
            return round(min(HOUSEHOLD_FACTOR.maximum, sum(p for _n, p in self.people)), 6)
        return self.household_factor

    def rule_settings(self) -> RuleSettings:
        return RuleSettings(
            vitd_high_share_of_rda=self.vitd_high_share_of_rda,
            mg_low_share_of_ear=self.mg_low_share_of_ear,
            ca_mg_ratio_max=self.ca_mg_ratio_max,
            low_coverage_share=self.low_coverage_share,
            disabled=frozenset(self.disabled_rules),
        )


def _within(bound: Bound) -> Callable[[Any], float]:
    """A check of a number against its declared range."""

    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not bound.contains(value):
            raise ValueError(f"a number from {bound.range_text}")
        return float(value)

    return check


def _units(value: Any) -> str:
    if value not in ("metric", "us"):
        raise ValueError("'metric' or 'us'")
    return str(value)


def _pantry(value: Any) -> str:
    if value not in ("check", "omit", "list"):
        raise ValueError("'check', 'omit' or 'list'")
    return str(value)


def _people(value: Any) -> tuple[tuple[str, float], ...]:
    """``[["Ana", 1.0], ["Tom", 0.6]]``: names and portion factors (above 0, at most 3)."""
    if not isinstance(value, list) or len(value) > 50:
        raise ValueError("a list of [name, portion] pairs")
    people = []
    for person in value:
        if (not isinstance(person, list) or len(person) != 2 or not isinstance(person[0], str)
                or not person[0].strip() or isinstance(person[1], bool)
                or not isinstance(person[1], int | float) or not 0 < person[1] <= 3):
            raise ValueError("a list of [name, portion] pairs, portions above 0 and at most 3")
        people.append((" ".join(person[0].split()), float(person[1])))
    return tuple(people)


def _words(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("a list of names")
    return tuple(v.strip() for v in value)


def _rules(value: Any) -> tuple[str, ...]:
    codes = _words(value)
    unknown = sorted(set(codes) - set(RULE_CODES))
    if unknown:
        raise ValueError(f"rule codes ({', '.join(RULE_CODES)}); unknown: {', '.join(unknown)}")
    return codes


class _PartlyUsedError(ValueError):
    """A value of which only a part is used: ``kept``; the message says what was not."""

    def __init__(self, message: str, kept: Any) -> None:
        super().__init__(message)
        self.kept = kept


def _nutrients(value: Any) -> tuple[str, ...]:
    """Nutrient keys, each once; unknown ones are dropped (the known ones kept)."""
    keys = tuple(dict.fromkeys(_words(value)))
    unknown = [key for key in keys if key not in BY_KEY]
    if unknown:
        names = clip(", ".join(quote(key) for key in unknown), 120)
        raise _PartlyUsedError(f"unknown nutrient {names} ignored" if len(unknown) == 1
                          else f"unknown nutrients {names} ignored",
                          tuple(key for key in keys if key in BY_KEY))
    return keys


#: How each stored key is checked; the one table of what the file may hold.
_CHECKS: Final[dict[str, Callable[[Any], Any]]] = {
    "units": _units,
    "household_factor": _within(HOUSEHOLD_FACTOR),
    "people": _people,
    "pantry": _pantry,
    "aisle_order": _words,
    "vitd_high_share_of_rda": _within(VITD_HIGH_SHARE_OF_RDA),
    "mg_low_share_of_ear": _within(MG_LOW_SHARE_OF_EAR),
    "ca_mg_ratio_max": _within(CA_MG_RATIO_MAX),
    "low_coverage_share": _within(LOW_COVERAGE_SHARE),
    "disabled_rules": _rules,
    "highlighted_nutrients": _nutrients,
}
assert set(_CHECKS) == {f.name for f in fields(Settings)} - {"problems"}


def settings_path() -> Path:
    return paths.data_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> Settings:
    """The settings from ``path`` (default: the data directory's); never raises for a
    bad file: what could not be used is listed in :attr:`Settings.problems`."""
    path = path or settings_path()
    if not path.exists():
        return Settings()
    problems: list[str] = []
    try:
        # utf-8-sig: a byte order mark (Notepad writes one) is not content.
        text = path.read_text(encoding="utf-8-sig")
        try:
            data = json.loads(text)
        except RecursionError:
            data = json.loads(_without_deep_values(text, path.name, problems))
    except RecursionError:
        return Settings(problems=(f"{path.name} is nested too deeply to be settings; "
                                  "using the defaults",))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = clip(str(exc), 200)
        return Settings(problems=(f"{path.name} could not be read ({reason}); "
                                  "using the defaults",))
    if not isinstance(data, dict):
        return Settings(problems=(f"{path.name} is not a settings object; using the defaults",))
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "format":
            continue
        check = _CHECKS.get(key)
        if check is None:
            problems.append(f"{path.name}: unknown setting {quote(key)} ignored")
            continue
        try:
            values[key] = check(value)
        except _PartlyUsedError as exc:
            values[key] = exc.kept
            problems.append(f"{path.name}: {key}: {exc}")
        except ValueError as exc:
            problems.append(f"{path.name}: {key} must be {exc}; the default is used")
    return replace(Settings(**values), problems=tuple(problems))


class _MemberScan:
    """The top-level members of a JSON object text, found by scanning its characters
    with a depth counter (never a recursive parse): (key, start, end, deepest level)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.members: list[tuple[str, int, int, int]] = []
        self.depth = self.deepest = 0
        self.in_text = self.escaped = self.expect_key = False
        self.key = ""
        self.start = self.text_start = -1

    def scan(self) -> list[tuple[str, int, int, int]] | None:
        """The members, or ``None`` when the text is no object."""
        for index, char in enumerate(self.text):
            if self.in_text:
                self._in_string(index, char)
            elif not self._outside_string(index, char):
                return None
        return self.members

    def _in_string(self, index: int, char: str) -> None:
        if self.escaped:
            self.escaped = False
        elif char == "\\":
            self.escaped = True
        elif char == '"':
            self.in_text = False
            if self.depth == 1 and self.expect_key:
                self.key, self.expect_key = self.text[self.text_start:index + 1], False

    def _outside_string(self, index: int, char: str) -> bool:
        if char == '"':
            self.in_text, self.text_start = True, index
            if self.depth == 1 and self.expect_key:
                self.start = index
        elif char in "[{":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
            if self.depth == 1:
                if char != "{":
                    return False
                self.expect_key, self.deepest = True, 1
        elif char in "]}" or (char == "," and self.depth == 1):
            if self.depth == 1 and self.start >= 0:
                self.members.append((self.key, self.start, index, self.deepest))
                self.start, self.deepest = -1, 1
            if char == ",":
                self.expect_key = True
            else:
                self.depth -= 1
        return True


def _without_deep_values(text: str, name: str, problems: list[str]) -> str:
    """The settings object of ``text`` without its members nested deeper than
    :data:`MAX_NESTING`, each named in ``problems``; a text that is no object is
    returned as it is (its parse error says what is wrong).
    """
    members = _MemberScan(text).scan()
    if members is None:
        return text
    kept = []
    for key_text, begin, end, level in members:
        if level > MAX_NESTING:
            try:
                shown = clip(str(json.loads(key_text)))
            except ValueError:
                shown = clip(key_text)
            problems.append(f"{name}: {shown} is nested too deeply (more than "
                            f"{MAX_NESTING} levels); the default is used")
        else:
            kept.append(text[begin:end])
    return "{" + ",".join(kept) + "}"


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a crash never leaves half a file)."""
    path = path or settings_path()
    data: dict[str, Any] = {"format": FORMAT}
    for key, value in asdict(settings).items():
        if key != "problems":
            data[key] = ([list(v) if isinstance(v, tuple) else v for v in value]
                         if isinstance(value, tuple) else value)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path
