"""Where the planner keeps and finds its files: one module, environment overrides.

- ``PLANNER_DATA_DIR``: the user's data directory (database, backups, cache, settings).
- ``PLANNER_DB_URL``: any SQLAlchemy URL; default is ``planner.sqlite3`` in the data directory.

The shipped, read-only data (food dataset, DRI tables, swap groups, aisles) is package
data in ``planner.data`` (the repository's top-level ``data/`` folder, mapped into the
package by ``pyproject.toml``), found through :mod:`importlib.resources`.
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

APP_NAME = "planner"
DB_FILE_NAME = "planner.sqlite3"


def data_dir() -> Path:
    """The user data directory, created on first use."""
    override = os.environ.get("PLANNER_DATA_DIR")
    if override:
        path = Path(override)
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def db_url() -> str:
    """The database URL: ``PLANNER_DB_URL`` or the SQLite file in :func:`data_dir`."""
    override = os.environ.get("PLANNER_DB_URL")
    if override:
        return override
    return f"sqlite:///{data_dir() / DB_FILE_NAME}"


def cache_dir() -> Path:
    path = data_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shipped(name: str) -> Traversable:
    """A file of the shipped dataset, e.g. ``shipped("dri_all.csv")``."""
    return resources.files("planner.data").joinpath(name)


def read_shipped_text(name: str) -> str:
    return shipped(name).read_text(encoding="utf-8")


def resource(name: str) -> Traversable:
    """A file of ``resources/`` (icons, stylesheet, .desktop file)."""
    return resources.files("planner.resources").joinpath(name)
