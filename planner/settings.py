"""The user's settings: declared once here, typed, with their defaults.

Stored as ``settings.json`` in the data directory (see :mod:`planner.paths`); window
geometry stays in QSettings and the FoodData Central key in its own 0600 file. A
missing file means the defaults. A broken file, an unknown key or a bad value never
stops the app: the default is used, a message says what was ignored, and the file is
left as it is until the user saves new settings.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from planner import paths
from planner.core.rules import RULE_CODES, RuleSettings

FILE_NAME: Final = "settings.json"
FORMAT: Final = "planner.settings/1"


@dataclass(frozen=True, slots=True)
class Settings:
    #: Shopping list quantities: ``metric`` (g, kg) or ``us`` (oz, lb).
    units: str = "metric"
    #: Cook for this many people: the shopping list's default household factor.
    household_factor: float = 1.0
    #: Aisles in walking order; empty means the shipped order.
    aisle_order: tuple[str, ...] = ()
    #: Rule thresholds (see :class:`planner.core.rules.RuleSettings`).
    vitd_high_share_of_rda: float = 1.0
    mg_low_share_of_ear: float = 1.0
    ca_mg_ratio_max: float = 2.6
    low_coverage_share: float = 1 / 3
    disabled_rules: tuple[str, ...] = ()
    #: Messages about what was ignored when the file was read (not stored).
    problems: tuple[str, ...] = field(default=(), compare=False)

    def rule_settings(self) -> RuleSettings:
        return RuleSettings(
            vitd_high_share_of_rda=self.vitd_high_share_of_rda,
            mg_low_share_of_ear=self.mg_low_share_of_ear,
            ca_mg_ratio_max=self.ca_mg_ratio_max,
            low_coverage_share=self.low_coverage_share,
            disabled=frozenset(self.disabled_rules),
        )


def _positive(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("a number")
    if value <= 0:
        raise ValueError("a number above zero")
    return float(value)


def _share(value: Any) -> float:
    number = _positive(value)
    if number > 1:
        raise ValueError("a share between 0 and 1")
    return number


def _factor(value: Any) -> float:
    number = _positive(value)
    if number > 50:
        raise ValueError("at most 50")
    return number


def _units(value: Any) -> str:
    if value not in ("metric", "us"):
        raise ValueError("'metric' or 'us'")
    return str(value)


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


#: How each stored key is checked; the one table of what the file may hold.
_CHECKS: Final[dict[str, Callable[[Any], Any]]] = {
    "units": _units,
    "household_factor": _factor,
    "aisle_order": _words,
    "vitd_high_share_of_rda": _positive,
    "mg_low_share_of_ear": _positive,
    "ca_mg_ratio_max": _positive,
    "low_coverage_share": _share,
    "disabled_rules": _rules,
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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return Settings(problems=(f"{path.name} could not be read ({exc}); using the defaults",))
    if not isinstance(data, dict):
        return Settings(problems=(f"{path.name} is not a settings object; using the defaults",))
    values: dict[str, Any] = {}
    problems = []
    for key, value in data.items():
        if key == "format":
            continue
        check = _CHECKS.get(key)
        if check is None:
            problems.append(f"{path.name}: unknown setting {key!r} ignored")
            continue
        try:
            values[key] = check(value)
        except ValueError as exc:
            problems.append(f"{path.name}: {key} must be {exc}; the default is used")
    return replace(Settings(**values), problems=tuple(problems))


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a crash never leaves half a file)."""
    path = path or settings_path()
    data: dict[str, Any] = {"format": FORMAT}
    for key, value in asdict(settings).items():
        if key != "problems":
            data[key] = list(value) if isinstance(value, tuple) else value
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path
