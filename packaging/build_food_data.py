#!/usr/bin/env python3
"""Build the shipped food dataset (``data/foods/``) from the official USDA SR28 files.

Usage: ``python packaging/build_food_data.py [SR_DIR] [OUT_DIR]``; defaults are
``../shared/data/usda`` beside the checkout and ``data/foods``. The raw USDA files are
never committed; this script and the planner's own importer are the only way in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.sources.food_dataset import read_dataset_dir, write_dataset
from planner.sources.usda_sr import UsdaFormatError, read_release

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sr_dir", nargs="?", type=Path, default=ROOT.parent / "shared/data/usda")
    parser.add_argument("out_dir", nargs="?", type=Path, default=ROOT / "data/foods")
    args = parser.parse_args(argv)
    try:
        release = read_release(args.sr_dir)
    except UsdaFormatError as exc:
        print(f"build_food_data: {exc}", file=sys.stderr)
        return 1
    write_dataset(release, args.out_dir)
    if read_dataset_dir(args.out_dir) != release:
        print("build_food_data: the written dataset does not read back equal", file=sys.stderr)
        return 1
    portions = sum(len(f.portions) for f in release.foods)
    print(f"wrote {len(release.foods)} foods, {portions} portions, {len(release.groups)} groups "
          f"to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
