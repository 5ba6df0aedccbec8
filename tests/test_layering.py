"""Imports point down only: each layer is imported in a fresh interpreter and what it
pulled in is checked (``sys.modules``), so a stray import anywhere in the chain shows.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import planner
import planner.core

PACKAGE_DIR = Path(planner.__file__).resolve().parent


def _modules_of(package: str) -> list[str]:
    path = PACKAGE_DIR.joinpath(*package.split(".")[1:])
    return sorted(
        f"{package}.{info.name}" for info in pkgutil.iter_modules([str(path)]) if not info.ispkg
    )


def loaded_after(*modules: str) -> set[str]:
    """Names of every module loaded after importing ``modules`` in a fresh interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def _roots(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


def test_core_modules_are_discovered() -> None:
    core = _modules_of("planner.core")
    assert {"planner.core.foods", "planner.core.nutrients", "planner.core.units"} <= set(core)
    assert core == sorted(
        f"planner.core.{m.name}" for m in pkgutil.iter_modules(planner.core.__path__)
        if not m.ispkg
    )


def test_core_imports_no_database_gui_or_network() -> None:
    core = _modules_of("planner.core")
    loaded = loaded_after("planner.core", *core)
    assert set(core) <= loaded
    assert _roots(loaded) & {"sqlalchemy", "alembic", "PySide6", "shiboken6", "requests"} == set()
    # The core needs nothing else of the project either.
    project = {name for name in loaded if name.startswith("planner.")}
    assert {name.split(".")[1] for name in project} == {"core"}


@pytest.mark.parametrize("package", ["planner.sources", "planner.db", "planner.services"])
def test_lower_layers_import_no_qt(package: str) -> None:
    loaded = loaded_after(*_modules_of(package))
    assert _roots(loaded) & {"PySide6", "shiboken6"} == set()


def test_services_and_cli_import_no_qt() -> None:
    loaded = loaded_after("planner.services.foods", "planner.cli")
    assert {"planner.cli", "planner.services.foods", "sqlalchemy"} <= loaded
    assert _roots(loaded) & {"PySide6", "shiboken6"} == set()
    assert not any(name.startswith("planner.ui") for name in loaded)


def test_app_does_nothing_at_import_time() -> None:
    loaded = loaded_after("planner.app")
    assert "planner.app" in loaded
    assert _roots(loaded) & {"PySide6", "shiboken6", "sqlalchemy", "alembic"} == set()
    assert not {"planner.cli", "planner.ui", "planner.services", "planner.db"} & loaded


def test_the_check_sees_qt_where_it_belongs() -> None:
    # The window does import Qt: proof that the checks above would see it.
    loaded = loaded_after("planner.ui.main_window")
    assert {"PySide6", "sqlalchemy"} <= _roots(loaded)
