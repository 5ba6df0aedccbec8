"""The user's settings, read once per process and written only through here.

:mod:`planner.settings` declares every setting (type, default, range) and reads and
writes ``settings.json``. One :class:`SettingsService` is made by the composition root
(:func:`planner.app.open_services`) and shared by every service: a change saved by one
(the aisle order from the Shopping tab) is what the others see next.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from planner.core.rules import RuleSettings
from planner.settings import Settings, load_settings, save_settings

__all__ = ["SettingsService"]


class SettingsService:
    def __init__(
        self,
        path: Path | None = None,
        settings: Settings | None = None,
        *,
        rules: RuleSettings | None = None,
    ) -> None:
        self.path = path
        #: The settings in force; what could not be used when reading is in ``problems``.
        self.current = load_settings(path) if settings is None else settings
        self._rules = rules

    @classmethod
    def of(cls, settings: Settings | RuleSettings | SettingsService | None) -> SettingsService:
        """The service for a caller's argument: the user's file when ``None``; rule
        thresholds given as :class:`RuleSettings` (tests, one-off analyses) stand in
        for the file's, in memory only."""
        if isinstance(settings, SettingsService):
            return settings
        if isinstance(settings, Settings):
            return cls(settings=settings)
        if isinstance(settings, RuleSettings):
            return cls(rules=settings)
        return cls()

    @property
    def rules(self) -> RuleSettings:
        """The rule thresholds: the caller's stand-in, else the settings'."""
        return self._rules if self._rules is not None else self.current.rule_settings()

    @property
    def problems(self) -> tuple[str, ...]:
        return self.current.problems

    def update(self, **changes: Any) -> Settings:
        """Save the settings with ``changes`` (checked as when the file is read)."""
        new = replace(self.current, problems=(), **changes)
        save_settings(new, self.path)
        self.current = new
        return new
