"""Alembic environment: the connection, inside its transaction, comes from the caller.

:func:`planner.db.migrate.upgrade` opens one transaction for the whole upgrade (and
the data loaded with it) and hands its connection over; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import Connection

from planner.db.records import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection) or not connection.in_transaction():
        raise RuntimeError("run migrations through planner.db.migrate.upgrade(engine)")
    on_step = context.config.attributes.get("on_step")

    def applied(
        ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any],
        run_args: Mapping[str, Any],
    ) -> None:
        # Alembic passes these by name, after each migration, inside the transaction.
        if on_step is not None:
            on_step(str(step.up_revision_id))

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        # SQLite's Alembic implementation says DDL is not transactional; on the
        # migration engine it is (BEGIN IMMEDIATE, driver transactions off).
        transactional_ddl=True,
        on_version_apply=applied,
    )
    context.run_migrations()


run_migrations_online()
