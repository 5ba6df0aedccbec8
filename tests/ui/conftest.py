"""Fixtures for the window tests: services over a loaded database and an open demo week."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.services.database import Database
from planner.services.foods import FoodService
from planner.services.plans import PlanService

#: The demo week lands on the week of this date: Monday 2026-11-23 .. Sunday 2026-11-29.
DEMO_DAY = dt.date(2026, 11, 25)
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def services(db: Database) -> tuple[FoodService, PlanService]:
    return FoodService(db), PlanService(db)


@pytest.fixture
def demo_document(qtbot, services):  # type: ignore[no-untyped-def]
    from planner.ui.document import PlanDocument

    foods, plans = services
    saved = plans.create_demo(DEMO_DAY)
    return PlanDocument(plans, foods, saved)
