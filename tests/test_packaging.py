"""The package works installed from a wheel, outside the source tree.

The food dataset, DRI tables, swap groups, aisles, icon and the migrations must be
package data: a wheel is built, installed into an empty folder, and run from another
directory with the source tree out of reach.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(wheels), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (wheel,) = wheels.glob("planner-*.whl")
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True, capture_output=True, text=True,
    )
    return site


def test_wheel_holds_the_data(installed: Path) -> None:
    package = installed / "planner"
    for name in (
        "data/foods/foods.csv", "data/foods/portions.csv", "data/dri_all.csv",
        "data/swap_groups.json", "data/aisles.json", "data/demo_week.json",
        "data/purchase.json", "data/pantry.json",
        "resources/planner.svg", "resources/planner.desktop",
        "db/migrations/env.py", "db/migrations/versions/2026_11_21_0001_food_tables.py",
    ):
        assert (package / name).is_file(), name


def test_installed_package_runs_outside_the_source_tree(installed: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        # The installed copy first; the editable install's finder comes after it.
        "PYTHONPATH": str(installed),
        "PLANNER_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    code = (
        "import planner, sys; from planner import cli; "
        "print(planner.__file__); sys.exit(cli.main(['foods', 'show', 'usda:11457']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first.startswith(str(installed))
    assert "Spinach, raw  (usda:11457)" in rest[0]
    assert "  Magnesium      79.00 mg" in rest


def test_wheel_has_no_tests_or_raw_usda_files(installed: Path) -> None:
    names = {p.name for p in installed.rglob("*")}
    assert "conftest.py" not in names
    assert not any(name.startswith(("FOOD_DES", "NUT_DATA")) for name in names)
