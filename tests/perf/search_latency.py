"""Search latency: median and p95 over typed queries (plain script, prints a table).

    .venv/bin/python tests/perf/search_latency.py                  # the 8,789 shipped foods
    .venv/bin/python tests/perf/search_latency.py --synthetic 500000

Each query runs through the service (a session, the FTS query, core values), cold
page cache aside: the database file is warmed by one pass first, as in a running app.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import QUERIES, add_synthetic_foods

from planner.services.database import Database, ensure_food_data
from planner.services.foods import FoodService


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(f"sqlite:///{tmp}/bench.sqlite3")
        ensure_food_data(db)
        if args.synthetic:
            started = time.perf_counter()
            add_synthetic_foods(db, args.synthetic)
            elapsed = time.perf_counter() - started
            print(f"added {args.synthetic:,} synthetic foods in {elapsed:.1f} s")
        service = FoodService(db)
        total = service.count()
        for query in QUERIES:
            service.search(query)
        times = []
        for _ in range(args.rounds):
            for query in QUERIES:
                started = time.perf_counter()
                service.search(query)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{total:,} foods, {len(times)} searches: median {statistics.median(times):.2f} ms, "
            f"p95 {p95:.2f} ms, max {times[-1]:.2f} ms"
        )
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
