"""Renderings of plans and shopping lists: HTML (printed by the UI), CSV, Markdown, text.

Reports import :mod:`planner.core` and the standard library only: no Qt, no database.
"""
