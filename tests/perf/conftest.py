"""Benchmarks: run once as plain tests by default; measure with ``--benchmark-enable``."""

from __future__ import annotations

import sys
from pathlib import Path

# The synthetic-food helpers live beside the benchmarks.
sys.path.insert(0, str(Path(__file__).resolve().parent))
