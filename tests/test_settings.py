"""Settings: declared once, read safely, written atomically, used by the services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.settings import Settings, load_settings, save_settings, settings_path


def test_missing_file_means_the_defaults(isolated_paths: Path) -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.rule_settings().ca_mg_ratio_max == 2.6
    assert settings.problems == ()


def test_round_trip(isolated_paths: Path) -> None:
    wanted = Settings(units="us", household_factor=2.0, aisle_order=("dairy and eggs", "produce"),
                      ca_mg_ratio_max=3.0, disabled_rules=("low_coverage",))
    path = save_settings(wanted)
    assert path == settings_path()
    assert load_settings() == wanted
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "planner.settings/1"
    rules = load_settings().rule_settings()
    assert rules.ca_mg_ratio_max == 3.0 and rules.disabled == frozenset({"low_coverage"})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "could not be read"),
        ("[1, 2]", "is not a settings object"),
        ('{"units": "imperial"}', "units must be 'metric' or 'us'"),
        ('{"household_factor": -2}', "household_factor must be a number from 0.1 to 50"),
        ('{"household_factor": 5e-324}', "household_factor must be a number from 0.1 to 50"),
        ('{"low_coverage_share": 1.5}', "low_coverage_share must be a number from 0.01 to 1"),
        ('{"ca_mg_ratio_max": 1e999}', "ca_mg_ratio_max must be a number from 0.01 to 100"),
        ('{"disabled_rules": ["nope"]}', "unknown: nope"),
        ('{"colour": "blue"}', "unknown setting 'colour' ignored"),
    ],
)
def test_a_bad_file_gives_defaults_and_says_why(isolated_paths: Path, text, problem) -> None:
    isolated_paths.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(text, encoding="utf-8")
    settings = load_settings()
    assert any(problem in message for message in settings.problems), settings.problems
    assert settings.rule_settings() == Settings().rule_settings()
    # The file is left as the user wrote it.
    assert settings_path().read_text(encoding="utf-8") == text


def test_services_use_the_thresholds(db, isolated_paths: Path) -> None:
    from planner.services.plans import PlanService

    save_settings(Settings(disabled_rules=("vitd_high_mg_low",)))
    plans = PlanService(db)
    saved = plans.create_demo(__import__("datetime").date(2026, 11, 25))
    codes = {f.code for f in plans.analyze(saved.plan).findings}
    assert "vitd_high_mg_low" not in codes and "ca_mg_ratio_high" in codes


def test_highlighted_nutrients_keep_the_known_keys(isolated_paths: Path) -> None:
    from planner.services.settings import SettingsService

    assert Settings().highlighted_nutrients == ()
    service = SettingsService()
    service.update(highlighted_nutrients=("iron_mg", "folate_dfe_ug"))
    stored = json.loads(settings_path().read_text(encoding="utf-8"))
    assert stored["highlighted_nutrients"] == ["iron_mg", "folate_dfe_ug"]
    assert load_settings().highlighted_nutrients == ("iron_mg", "folate_dfe_ug")
    assert load_settings().problems == ()

    # An unknown key (a typo, a nutrient of a newer version) is dropped, the rest kept.
    settings_path().write_text(
        '{"highlighted_nutrients": ["iron_mg", "vitamin_x_mg", "iron_mg", "zinc_mg"]}',
        encoding="utf-8",
    )
    loaded = load_settings()
    assert loaded.highlighted_nutrients == ("iron_mg", "zinc_mg")
    assert loaded.problems == (
        "settings.json: highlighted_nutrients: unknown nutrient 'vitamin_x_mg' ignored",
    )
    settings_path().write_text('{"highlighted_nutrients": "iron_mg"}', encoding="utf-8")
    assert load_settings().problems == (
        "settings.json: highlighted_nutrients must be a list of names; the default is used",
    )


def test_people_and_the_pantry_round_trip_and_bad_values_are_refused(
    isolated_paths: Path,
) -> None:
    settings = Settings(people=(("Ana", 1.0), ("Tom", 0.6)), pantry="omit")
    save_settings(settings)
    stored = json.loads(settings_path().read_text(encoding="utf-8"))
    assert stored["people"] == [["Ana", 1.0], ["Tom", 0.6]] and stored["pantry"] == "omit"
    loaded = load_settings()
    assert (loaded.people, loaded.pantry) == (settings.people, "omit")
    assert loaded.shopping_factor() == pytest.approx(1.6)
    assert Settings(household_factor=2).shopping_factor() == 2  # no people: the factor
    settings_path().write_text(json.dumps({
        "people": [["Ana", 1.0], ["", 4]], "pantry": "sometimes"}), encoding="utf-8")
    bad = load_settings()
    assert (bad.people, bad.pantry) == ((), "check")
    assert any("people must be" in p for p in bad.problems)
    assert any("pantry must be 'check', 'omit' or 'list'" in p for p in bad.problems)
