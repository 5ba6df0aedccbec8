"""Alembic environment: the engine comes from the caller (``planner.db.migrate``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from planner.db.records import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("run migrations through planner.db.migrate.upgrade(engine)")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
