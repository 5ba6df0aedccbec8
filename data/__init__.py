"""Shipped read-only data of the planner (installed as the package ``planner.data``)."""
