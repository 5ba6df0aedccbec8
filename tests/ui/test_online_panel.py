"""The Online tab against a real HTTP server on 127.0.0.1 playing FDC and Open Food Facts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from online_server import FakeServer, Reply, serve
from sqlalchemy import text

from planner.services.database import Database
from planner.services.online import OnlineService, OnlineSettings
from planner.sources.http import HttpSettings
from planner.ui.common.tasks import TaskRunner
from planner.ui.foods.online_panel import OnlinePanel

CEREAL = "/off/api/v2/product/038000313295.json"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from serve(monkeypatch)


@pytest.fixture
def panel(qtbot, db: Database, server: FakeServer) -> Iterator[OnlinePanel]:
    server.route("/fdc/v1/foods/search", Reply.json("fdc_search.json"))
    server.route("/fdc/v1/food/168149", Reply.json("fdc_food_168149.json"))
    server.route(CEREAL, Reply.json("off_product_038000313295.json"))
    settings = OnlineSettings(
        fdc_base_url=server.fdc_base,
        off_base_url=server.off_base,
        http=HttpSettings(read_timeout=2.0),
    )
    service = OnlineService(db, settings, sleep=lambda seconds: None)
    tasks = TaskRunner()
    widget = OnlinePanel(service, tasks)
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    yield widget
    tasks.wait()
    service.close()


def foods_from(db: Database, source: str) -> list[str]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT name FROM food WHERE source = :s ORDER BY id"), {"s": source}
        )
        return [row[0] for row in rows]


def test_search_shows_magnesium_and_vitamin_d_then_imports(qtbot, panel, db) -> None:
    qtbot.keyClicks(panel.search_edit, "mackerel")
    panel.search_button.click()
    assert not panel.search_button.isEnabled()  # busy: the request runs off the GUI thread
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10000)
    assert panel.search_button.isEnabled()
    assert panel.status.text().endswith("found.")
    first = panel.model.rows[0]
    assert panel.model.index(0, 2).data() == (
        "?" if first.magnesium_mg is None else f"{first.magnesium_mg:.0f}"
    )
    assert "FoodData Central" in panel.attribution.text()

    panel.table.selectRow(0)
    with qtbot.waitSignal(panel.food_imported, timeout=10000) as blocker:
        panel.import_button.click()
    stored = blocker.args[0]
    assert stored.id is not None and stored.ref.source == "fdc"
    assert foods_from(db, "fdc") == [stored.name]


def test_barcode_lookup_converts_grams_and_shows_the_licence(qtbot, panel) -> None:
    qtbot.keyClicks(panel.barcode_edit, "038000313295")
    panel.barcode_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10000)
    product = panel.model.rows[0]
    # magnesium_100g 0.0563 g is 56.3 mg per 100 g.
    assert product.nutrients["magnesium_mg"] == pytest.approx(56.3)
    assert panel.model.index(0, 2).data() == "56"
    assert "ODbL" in panel.attribution.text()


def test_bad_barcode_and_not_found_are_clear_messages(qtbot, panel, server) -> None:
    qtbot.keyClicks(panel.barcode_edit, "12ab")
    panel.barcode_button.click()
    assert panel.status.text() == "A barcode is 8 to 14 digits."
    assert server.requests == [] or all("12ab" not in seen.path for seen in server.requests)
    panel.barcode_edit.setText("12345678")
    with qtbot.waitSignal(panel.message, timeout=10000) as blocker:
        panel.barcode_button.click()
    assert "12345678" in blocker.args[0]
    assert panel.barcode_button.isEnabled()
    assert panel.model.rowCount() == 0
