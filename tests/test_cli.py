"""The ``planner`` command line: the real console script in a subprocess, and ``cli.main``.

Subprocess tests run the installed ``planner`` script with ``PLANNER_DATA_DIR`` pointing
at a copy of the loaded database (``db_path``), so they start in well under a second;
one of them starts on an empty data directory and loads the shipped dataset itself.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import planner
from planner import cli

_SCRIPT = Path(sys.executable).with_name("planner")
PLANNER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "planner"]


def run_planner(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the console script with this test's environment (PLANNER_DATA_DIR set)."""
    return subprocess.run(
        [*PLANNER, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=timeout,
        check=False,
    )


def run_json(*args: str) -> Any:
    result = run_planner(*args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("planner: ")
    return lines[0]


# -- the console script --------------------------------------------------------------


@pytest.mark.usefixtures("db_path")
def test_show_spinach_json() -> None:
    food = run_json("foods", "show", "usda:11457")
    assert food["food"] == "usda:11457"
    assert food["name"] == "Spinach, raw"
    assert food["group"] == "1100"
    assert food["per_100g"]["magnesium_mg"] == 79
    assert food["per_100g"]["vitamin_d_ug"] == 0
    assert food["per_100g"]["vitamin_d_ug"] is not None
    assert {"amount": 1.0, "unit": "cup", "label": "1 cup", "grams": 30.0} in food["portions"]
    assert [p["grams"] for p in food["portions"]] == [30, 340, 10, 284]


@pytest.mark.usefixtures("db_path")
@pytest.mark.parametrize(("ref", "vitamin_d_ug"), [("usda:15046", 16.1), ("usda:15076", None)])
def test_show_fish_vitamin_d_json(ref: str, vitamin_d_ug: float | None) -> None:
    food = run_json("foods", "show", ref)
    assert food["food"] == ref
    assert food["per_100g"]["vitamin_d_ug"] == vitamin_d_ug


@pytest.mark.usefixtures("db_path")
def test_search_spinach_raw_json() -> None:
    hits = run_json("foods", "search", "spinach raw")
    assert hits[0]["food"] == "usda:11457"
    assert hits[0]["per_100g"] == {"energy_kcal": 23, "magnesium_mg": 79, "vitamin_d_ug": 0}
    assert hits[0]["default_portion"] == {"label": "1 cup", "grams": 30}
    assert [h["food"] for h in hits] == ["usda:11457", "usda:11276", "usda:11274"]


@pytest.mark.usefixtures("db_path")
@pytest.mark.parametrize("query", ['"', "AND OR *"])
def test_hostile_search_exits_cleanly(query: str) -> None:
    result = run_planner("foods", "search", query)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Traceback" not in result.stdout


@pytest.mark.usefixtures("db_path")
@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("bogus", "planner: 'bogus' is not a food reference"),
        ("usda:99999", "planner: no food usda:99999 in the database"),
        ("nosuch:1", "planner: unknown food source 'nosuch'"),
    ],
)
def test_bad_reference_fails_with_one_line(ref: str, message: str) -> None:
    result = run_planner("foods", "show", ref)
    assert assert_clean_failure(result).startswith(message)
    assert result.stdout == ""


@pytest.mark.usefixtures("db_path")
def test_import_of_a_missing_directory_fails_cleanly() -> None:
    result = run_planner("import-usda", "/nonexistent")
    line = assert_clean_failure(result)
    assert "/nonexistent" in line


@pytest.mark.usefixtures("db_path")
def test_zero_limit_is_a_usage_error() -> None:
    result = run_planner("foods", "search", "x", "--limit", "0")
    assert result.returncode == 2
    assert "--limit: the limit must be between 1 and 1000" in result.stderr
    assert "Traceback" not in result.stderr


def test_first_start_on_an_empty_data_dir(isolated_paths: Path) -> None:
    assert not isolated_paths.exists()
    food = run_json("foods", "show", "usda:11457")
    assert food["per_100g"]["magnesium_mg"] == 79
    assert (isolated_paths / "planner.sqlite3").is_file()
    with sqlite3.connect(isolated_paths / "planner.sqlite3") as connection:
        count = connection.execute("SELECT count(*) FROM food").fetchone()
    connection.close()
    assert count == (8789,)


@pytest.mark.usefixtures("db_path")
def test_reader_going_away_is_not_an_error() -> None:
    # `planner foods search a --json | head -1`: the reader closes the pipe early.
    process = subprocess.Popen(
        [*PLANNER, "foods", "search", "raw", "--limit", "1000", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(1) == b"["
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 0, stderr
    assert stderr == ""


def test_version() -> None:
    result = run_planner("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"planner {planner.__version__}"


# -- in process ------------------------------------------------------------------------


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(args), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("db_path")
def test_search_table() -> None:
    code, out, err = call("foods", "search", "spinach raw")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["food", "Mg", "mg/100g", "vit", "D", "µg/100g", "name"]
    assert re.fullmatch(r"usda:11457\s+79\s+0\s+Spinach, raw", lines[1])
    assert re.fullmatch(r"usda:11276\s+39\s+0\s+New Zealand spinach, raw", lines[2])
    assert len(lines) == 4


@pytest.mark.usefixtures("db_path")
def test_search_table_marks_unknown_values() -> None:
    code, out, _err = call("foods", "search", "salmon atlantic wild raw")
    assert code == 0
    assert re.search(r"^usda:15076\s+29\s+\?\s+Fish, salmon, Atlantic, wild, raw$", out, re.M)


@pytest.mark.usefixtures("db_path")
def test_search_with_a_group() -> None:
    code, out, _err = call("foods", "search", "spinach", "--group", "1100", "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits[0]["food"] == "usda:11457"
    assert {h["group"] for h in hits} == {"1100"}


@pytest.mark.usefixtures("db_path")
def test_search_without_hits() -> None:
    assert call("foods", "search", "zzzqqq") == (0, "No food matches 'zzzqqq'.\n", "")
    assert call("foods", "search", "zzzqqq", "--json") == (0, "[]\n", "")


@pytest.mark.usefixtures("db_path")
def test_show_human_output() -> None:
    code, out, err = call("foods", "show", "usda:11457")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Spinach, raw  (usda:11457)"
    assert "Group: Vegetables and Vegetable Products" in lines
    assert re.search(r"^\s+Magnesium\s+79\.00 mg$", out, re.M)
    assert re.search(r"^\s+Vitamin D\s+0\.00 µg$", out, re.M)
    assert "  1 cup = 30 g" in lines
    assert "  1 bunch = 340 g" in lines


@pytest.mark.usefixtures("db_path")
def test_show_unknown_vitamin_d() -> None:
    code, out, _err = call("foods", "show", "usda:15076")
    assert code == 0
    assert re.search(r"^\s+Vitamin D\s+unknown$", out, re.M)


@pytest.mark.usefixtures("db_path")
def test_bad_reference_in_process() -> None:
    code, out, err = call("foods", "show", "bogus")
    assert (code, out) == (1, "")
    assert err.startswith("planner: 'bogus' is not a food reference")
    assert err.count("\n") == 1


@pytest.mark.usefixtures("db_path")
def test_import_usda_json(usda_dir: Path) -> None:
    code, out, err = call("import-usda", str(usda_dir), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"imported": 8789, "total_foods": 8789}


@pytest.mark.usefixtures("db_path")
def test_import_usda_damaged_release_in_process(tmp_path: Path) -> None:
    (tmp_path / "sr").mkdir()
    (tmp_path / "sr" / "FD_GROUP.txt").write_bytes(b"~1100~^~Vegetables~^extra\r\n")
    code, out, err = call("import-usda", str(tmp_path / "sr"))
    assert (code, out) == (1, "")
    assert err == "planner: FD_GROUP.txt, line 1: expected 2 '^'-separated fields, found 3\n"


def test_database_from_a_newer_planner_fails_cleanly(db_path: Path) -> None:
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.close()
    code, out, err = call("foods", "show", "usda:11457")
    assert (code, out) == (1, "")
    assert err.startswith("planner: ")
    assert "9999_from_the_future" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("limit", ["1001", "ten", "-1"])
def test_other_bad_limits_are_usage_errors(limit: str, capsys: pytest.CaptureFixture[str]) -> None:
    # argparse reports on the process's stderr, before any command runs.
    assert call("foods", "search", "x", f"--limit={limit}") == (2, "", "")
    assert "argument --limit" in capsys.readouterr().err


def test_no_command_prints_help() -> None:
    code, out, _err = call()
    assert code == 2
    assert out.startswith("usage: planner")
