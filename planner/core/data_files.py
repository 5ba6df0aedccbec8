"""Reading the planner's own JSON data files (``data/*.json``): one object of one format."""

from __future__ import annotations

import json
from typing import Any


def json_object(text: str, fmt: str, what: str, error: type[ValueError]) -> dict[str, Any]:
    """The object of a ``fmt`` file (its ``"format"`` says so); ``error`` names ``what``
    ("the purchase file") when the text is no JSON or no such object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{what} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise error(f"{what} must be a {fmt} object")
    return data
