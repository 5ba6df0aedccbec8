"""Dates of the demo week as the UI tests create it (a module of its own: every test
folder has a conftest.py, so ``from conftest import`` depended on collection order)."""

from __future__ import annotations

import datetime as dt

#: The demo week lands on the week of this date: Monday 2026-11-23 .. Sunday 2026-11-29.
DEMO_DAY = dt.date(2026, 11, 25)
MONDAY = dt.date(2026, 11, 23)
