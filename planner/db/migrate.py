"""Run the Alembic migrations that ship inside the package, at start-up.

A warm start must not pay for importing Alembic (about a quarter of a second): the
newest revision is also written here as :data:`HEAD` (a test keeps it equal to the
migration scripts' head), and Alembic is loaded only when the database is behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The newest migration's revision id; test_schema checks it against the scripts.
HEAD = "0004_recipes"
#: Every revision this version knows, oldest first.
KNOWN_REVISIONS = ("0001_food_tables", "0002_plans", "0003_shopping", "0004_recipes")


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer planner; upgrading the app is the way out."""


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision; refuse a database from a newer app."""
    current = current_revision(engine)
    if current == HEAD:
        return
    if current is not None and current not in KNOWN_REVISIONS:
        raise SchemaTooNewError(
            f"the database has schema revision {current}, which this version of planner "
            "does not know; it was written by a newer planner"
        )
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
