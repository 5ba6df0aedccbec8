"""Weeks as the planner counts them: Monday to Sunday (ISO 8601).

Every view, report and service asks here which week a day belongs to; nothing else
computes ``date - weekday()``.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

__all__ = ["DAYS_PER_WEEK", "WEEKDAY_NAMES", "week_days", "week_end", "week_start"]

DAYS_PER_WEEK: Final = 7
#: Short weekday names, Monday first (``date.weekday()`` indexes them).
WEEKDAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def week_end(day: dt.date) -> dt.date:
    """The Sunday of the week of ``day``."""
    return week_start(day) + dt.timedelta(days=DAYS_PER_WEEK - 1)


def week_days(day: dt.date) -> tuple[dt.date, ...]:
    """The seven days, Monday to Sunday, of the week of ``day``."""
    monday = week_start(day)
    return tuple(monday + dt.timedelta(days=n) for n in range(DAYS_PER_WEEK))
