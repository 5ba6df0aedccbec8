"""Fixtures of the core tests: the shipped DRI tables and targets of typical people."""

from __future__ import annotations

import pytest

from planner.core.targets import DriTables, Targets, targets_for
from planner.paths import read_shipped_text


@pytest.fixture(scope="session")
def dri_tables() -> DriTables:
    # The shipped CSVs, read the way the services layer reads them.
    return DriTables.from_csv(read_shipped_text("dri_all.csv"))


@pytest.fixture(scope="session")
def woman_45(dri_tables: DriTables) -> Targets:
    return targets_for(dri_tables, age=45, sex="female", life_stage="none")
