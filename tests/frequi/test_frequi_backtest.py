"""The real FreqUI runs a backtest end to end against `ftserver webserver`.

FreqUI is not part of ftserver: build it from its public repository by hand (its README: install, then
build) and point ``FTSERVER_FREQUI`` at the built ``dist`` folder. Without it these tests are skipped.
The server serves that folder itself (``api_server.ui_path``), as a user who installed FreqUI would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.frequi.login import log_in
from tests.support.polling import wait_until
from tests.ui.conftest import PASSWORD, REPO, USER, Bot, _serve, browser, playwright, screenshot

__all__ = ["browser", "playwright"]  # the browser fixtures, shared with the UI tests

pytestmark = pytest.mark.browser

FREQUI = os.environ.get("FTSERVER_FREQUI", "")


@pytest.fixture(scope="module")
def frequi_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    if not FREQUI or not (Path(FREQUI) / "index.html").is_file():
        pytest.skip("FreqUI is not built here (set FTSERVER_FREQUI to a built FreqUI dist folder)")
    folder = tmp_path_factory.mktemp("frequi")
    for bot in _serve(folder, "webserver", first_trade=False, api_server={"ui_path": FREQUI}):
        # The strategy's own timeframe (1m in this config) is what FreqUI backtests by default.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "ftserver",
                "download-data",
                "--config",
                "config.json",
                "-p",
                "BTC/USDT",
                "-t",
                "1m",
            ],
            cwd=folder,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield bot


@pytest.mark.timeout(300)
def test_frequi_runs_a_backtest_and_manages_its_history(browser: Browser, frequi_server: Bot) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    failures: list[str] = []
    page.on(
        "response",
        lambda r: (
            failures.append(f"{r.status} {r.request.method} {r.url}")
            if "/api/v1/" in r.url and r.status >= 500 and r.status != 503  # 503: a trade route, as freqtrade
            else None
        ),
    )
    try:
        log_in(page, frequi_server, USER, PASSWORD)
        page.goto(frequi_server.url + "/backtest")
        expect(page.get_by_text("Run backtest").first).to_be_visible()
        page.locator("#strategy-select").click()
        page.get_by_role("option", name="UiQuickStrategy").click()
        with page.expect_response(lambda r: r.url.endswith("/api/v1/backtest") and r.request.method == "POST") as post:
            page.locator("#start-backtest").click()
        assert post.value.status == 200, post.value.text()
        screenshot(page, "frequi-backtest-running")
        # FreqUI polls GET /backtest until the result is in, then enables its result tabs.
        analyze = page.get_by_role("tab", name="Analyze result")
        wait_until(lambda: not frequi_server.call("GET", "backtest")["running"], within=120, what="the backtest ended")
        state = frequi_server.call("GET", "backtest")
        stored = sorted(p.name for p in (frequi_server.folder / "user_data" / "data" / "sim").iterdir())
        assert state["status"] == "ended", (state["status_msg"], stored)
        expect(analyze).to_be_enabled(timeout=30_000)
        analyze.click()
        expect(page.get_by_text("BTC/USDT").first).to_be_visible()
        expect(page.get_by_text("TOTAL").first).to_be_visible()
        screenshot(page, "frequi-backtest-result")
        page.get_by_role("tab", name="Visualize result").click()
        expect(page.locator("canvas").first).to_be_visible()
        screenshot(page, "frequi-backtest-chart")
        history = frequi_server.call("GET", "backtest/history")
        assert len(history) == 1 and history[0]["strategy"] == "UiQuickStrategy", history
        # A result FreqUI holds in memory cannot be deleted there: a fresh page lists it unloaded.
        page.reload()
        page.get_by_role("tab", name="Load Results").click()
        row = page.locator("tr", has_text=history[0]["filename"])
        expect(row).to_be_visible()
        screenshot(page, "frequi-backtest-history")
        row.get_by_title("Delete this Result from Disk").click()
        page.get_by_role("button", name="Ok").click()
        wait_until(lambda: frequi_server.call("GET", "backtest/history") == [], within=30, what="the result deleted")
        expect(row).to_have_count(0)
        assert not failures, failures
    finally:
        context.close()
