"""``planner online ...``: search, barcode, import and the API key, against a local server.

Most tests call ``cli.main`` in-process with ``PLANNER_FDC_URL``/``PLANNER_OFF_URL``
pointing at the fake server on 127.0.0.1; one runs the real console script to see a
network failure end as one clean line with exit status 1.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from online_server import FakeServer, Reply, closed_port, serve

from planner import cli
from planner.sources.off import ATTRIBUTION

KEY = "CliTESTKEYv8Rr00000000000000000000000000"
_SCRIPT = Path(sys.executable).with_name("planner")
PLANNER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "planner"]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    for server in serve(monkeypatch):
        monkeypatch.setenv("PLANNER_FDC_URL", server.fdc_base)
        monkeypatch.setenv("PLANNER_OFF_URL", server.off_base)
        assert os.environ["PLANNER_FDC_URL"].startswith("http://127.0.0.1:")
        server.route("/fdc/v1/foods/search", Reply.json("fdc_search.json"))
        server.route("/fdc/v1/food/168149", Reply.json("fdc_food_168149.json"))
        server.route("/off/api/v2/product/038000313295.json",
                     Reply.json("off_product_038000313295.json"))
        server.route("/off/api/v2/product/12345678.json", Reply.json("off_not_found.json"))
        yield server


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> Any:
    code, out, err = run(*argv, "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def one_line_error(code: int, err: str) -> str:
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("planner: ")
    assert "Traceback" not in err
    return lines[0]


def test_search_table(server: FakeServer) -> None:
    code, out, err = run("online", "search", "mackerel")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["food", "Mg", "mg/100g", "vit", "D", "µg/100g", "type", "name"]
    assert lines[1].split()[:4] == ["fdc:168149", "60", "25.15", "SR"]
    assert lines[1].endswith("Fish, mackerel, salted")
    assert lines[3].split()[:3] == ["fdc:2345678", "?", "?"]


def test_search_json_and_types(server: FakeServer) -> None:
    results = run_json("online", "search", "mackerel", "--type", "Branded", "--type", "Survey")
    assert results[0] == {
        "food": "fdc:168149",
        "name": "Fish, mackerel, salted",
        "data_type": "SR Legacy",
        "brand": None,
        "gtin_upc": None,
        "category": "Finfish and Shellfish Products",
        "per_100g": results[0]["per_100g"],
    }
    assert results[0]["per_100g"]["magnesium_mg"] == 60
    assert results[0]["per_100g"]["vitamin_d_ug"] == 25.15
    assert "dataType=Branded%2CSurvey+%28FNDDS%29&pageSize=25&" in server.requests[0].path


def test_unknown_type_is_a_usage_error(
    server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run("online", "search", "x", "--type", "Experimental")
    assert code == 2
    assert "invalid choice: 'Experimental'" in capsys.readouterr().err
    assert server.requests == []


def test_barcode_text_and_json(server: FakeServer) -> None:
    code, out, err = run("online", "barcode", "038000313295")
    assert (code, err) == (0, "")
    assert out.startswith("Kelloggs cereal in a cup, kellogg-s  (off:038000313295)\n")
    assert "  Magnesium      56.30 mg\n" in out
    assert f"Source: {ATTRIBUTION}" in out
    product = run_json("online", "barcode", "038000313295")
    assert product["per_100g"]["magnesium_mg"] == pytest.approx(56.3)
    assert product["attribution"] == ATTRIBUTION


def test_barcode_not_found_and_invalid(server: FakeServer) -> None:
    line = one_line_error(*run("online", "barcode", "12345678")[::2])
    assert line == "planner: Open Food Facts has no product with barcode 12345678"
    line = one_line_error(*run("online", "barcode", "12ab")[::2])
    assert line == "planner: '12ab' is not a barcode (8 to 14 digits, e.g. 3017620422003)"


@pytest.mark.usefixtures("db_path")
def test_import_then_show_offline(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("online", "import", "fdc:168149")
    assert (code, err) == (0, "")
    assert out == (
        "Imported fdc:168149 Fish, mackerel, salted: magnesium 60.0 mg, "
        "vitamin D 25.1 µg per 100 g.\n"
    )
    imported = run_json("online", "import", "fdc:168149")
    assert imported["per_100g"]["vitamin_d_ug"] == 25.15
    # Offline: the stored food is there without the network.
    monkeypatch.setenv("PLANNER_FDC_URL", f"http://127.0.0.1:{closed_port()}/fdc/v1")
    food = run_json("foods", "show", "fdc:168149")
    assert food["per_100g"]["magnesium_mg"] == 60
    hits = run_json("foods", "search", "mackerel salted")
    assert [h["food"] for h in hits].count("fdc:168149") == 1


@pytest.mark.usefixtures("db_path")
def test_import_errors_are_one_line(server: FakeServer) -> None:
    line = one_line_error(*run("online", "import", "usda:11457")[::2])
    assert line.startswith("planner: usda:11457 is not an online food; give fdc:ID")
    server.route("/fdc/v1/food/5", Reply.json({}, status=404))
    line = one_line_error(*run("online", "import", "fdc:5")[::2])
    assert line == "planner: FoodData Central has no food fdc:5"


def test_bad_key_and_rate_limit_messages(server: FakeServer) -> None:
    server.route("/fdc/v1/foods/search", Reply.json("fdc_error_403.json", status=403))
    line = one_line_error(*run("online", "search", "x")[::2])
    assert line.startswith("planner: FoodData Central refused the API key (API_KEY_INVALID)")
    server.route("/fdc/v1/foods/search", Reply.json({}, status=429, **{"Retry-After": "600"}))
    line = one_line_error(*run("online", "search", "y")[::2])
    assert "too many requests (HTTP 429); try again in 10 minutes" in line


def test_key_set_is_private_and_used(server: FakeServer, isolated_paths: Path) -> None:
    code, out, err = run("online", "key", "set", KEY)
    assert (code, err) == (0, "")
    assert out.startswith("Saved the FoodData Central API key in ")
    assert KEY not in out
    secrets = isolated_paths / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    run("online", "search", "mackerel")
    assert server.requests[-1].headers["X-Api-Key"] == KEY
    assert KEY not in server.requests[-1].path
    code, out, _ = run("online", "key", "clear")
    assert code == 0
    assert json.loads(secrets.read_text(encoding="utf-8")) == {}


def test_key_from_stdin(monkeypatch: pytest.MonkeyPatch, isolated_paths: Path) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(KEY + "\n"))
    code, _, err = run("online", "key", "set", "-")
    assert (code, err) == (0, "")
    saved = json.loads((isolated_paths / "secrets.json").read_text(encoding="utf-8"))
    assert saved == {"fdc_api_key": KEY}


def test_bad_key_is_refused_without_echo() -> None:
    line = one_line_error(*run("online", "key", "set", "bad key!")[::2])
    assert line.startswith("planner: that is not an API key")
    assert "bad key" not in line


def test_no_network_is_one_line_from_the_console_script(isolated_paths: Path) -> None:
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "PLANNER_FDC_URL": f"http://127.0.0.1:{closed_port()}/fdc/v1",
        "PLANNER_OFF_URL": f"http://127.0.0.1:{closed_port()}/off",
    }
    for args in (["search", "mackerel"], ["barcode", "3017620422003"]):
        result = subprocess.run(
            [*PLANNER, "online", *args], capture_output=True, text=True, encoding="utf-8",
            env=env, timeout=60, check=False,
        )
        assert result.returncode == 1, result.stderr
        (line,) = result.stderr.splitlines()
        assert "refused the connection" in line
        assert line.startswith("planner: ")
        assert result.stdout == ""


def test_the_cli_loads_requests_only_when_it_goes_online() -> None:
    """The error classes come from planner.sources.http without importing requests."""
    code = "import sys, planner.cli; print('requests' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "False"
