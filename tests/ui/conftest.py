"""Fixtures for the window tests: services over a loaded database and an open demo week."""

from __future__ import annotations

import pytest
from demo_dates import DEMO_DAY

from planner.services.database import Database
from planner.services.foods import FoodService
from planner.services.plans import PlanService


@pytest.fixture
def services(db: Database) -> tuple[FoodService, PlanService]:
    return FoodService(db), PlanService(db)


@pytest.fixture
def demo_document(qtbot, services):  # type: ignore[no-untyped-def]
    from planner.ui.document import PlanDocument

    foods, plans = services
    saved = plans.create_demo(DEMO_DAY)
    return PlanDocument(plans, foods, saved)
