"""Fixtures for the view tests: the real services over a loaded database, and an open
demo week. A view test builds the one view it tests from these (no whole window)."""

from __future__ import annotations

import pytest
from demo_dates import DEMO_DAY

from planner.app import Services, build_services
from planner.services.database import Database


@pytest.fixture
def services(db: Database) -> Services:
    """Every service, as the composition root builds them, over this test's database."""
    built = build_services(db)
    yield built
    built.online.close()


@pytest.fixture
def demo_document(qtbot, services):  # type: ignore[no-untyped-def]
    from planner.ui.common.document import PlanDocument

    saved = services.plans.create_demo(DEMO_DAY)
    return PlanDocument(services.plans, services.foods, saved)
