"""The weekly report use case: gather a range of a plan and make its printable report.

:meth:`ReportService.weekly` reads what the report needs (the foods, when not given, and
the stored state of the range's shopping list), analyses the days of the range, builds
the shopping list and hands everything to :func:`planner.reports.weekly.weekly_report`,
which draws the charts (matplotlib, no Qt). The result is HTML plus the chart images;
the window and ``planner report`` pass both to :func:`planner.ui.common.printing.html_to_pdf`
(or the print preview), since PDF needs Qt's text layout, which this layer does not
import.

The work takes a few hundred milliseconds (the charts most of it): the window runs it
through its task runner, off the GUI thread. Nothing here touches Qt, so that is safe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planner.core.foods import Food, FoodRef
from planner.core.plan import Plan
from planner.core.rules import RuleSettings
from planner.core.shopping import Units
from planner.reports.weekly import Report, weekly_report
from planner.services.database import Database
from planner.services.plans import PlanService
from planner.services.settings import SettingsService
from planner.services.shopping import ShoppingService, plan_between

__all__ = ["Report", "ReportService"]


class ReportService:
    def __init__(
        self,
        db: Database,
        settings: SettingsService | RuleSettings | None = None,
        *,
        plans: PlanService | None = None,
        shopping: ShoppingService | None = None,
    ) -> None:
        self.db = db
        self.settings = SettingsService.of(settings)
        self.plans = plans or PlanService(db, self.settings)
        self.shopping = shopping or ShoppingService(db, self.settings)

    def weekly(
        self,
        plan: Plan,
        foods: Mapping[FoodRef, Food] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        *,
        plan_id: int | None = None,
        factor: float | None = None,
        units: Units | None = None,
        charts: bool = True,
    ) -> Report:
        """The weekly report of ``plan`` from ``start`` to ``end`` (inclusive; ``None``: open).

        ``foods`` default to the database's. With ``plan_id`` (and then both dates) the
        shopping list carries the ticks and hand-added items stored for that range, and
        its household factor and units when they are not given (else 1 and metric).
        A start after the end is a :class:`ValueError`.
        """
        part = plan_between(plan, start, end)  # checks the range
        if foods is None:
            foods = self.plans.foods_for(part)
        if plan_id is not None and start is not None and end is not None and (
                factor is None or units is None):
            stored = self.shopping.stored(plan_id, start, end)
            if stored is not None:
                factor = stored.factor if factor is None else factor
                units = stored.units if units is None else units
        analysis = self.shopping.analyze_range(plan, foods, start, end)
        shopping_list = self.shopping.build(
            plan, foods, start, end, 1.0 if factor is None else factor,
            units or "metric", analysis.targets, plan_id=plan_id,
        )
        return weekly_report(plan, analysis, foods, shopping_list, start=start, end=end,
                             charts=charts)
