"""The real FreqUI logged in as a read-role user: every view loads, a control fails cleanly with the 403.

FreqUI is not part of ftserver: build it from its public repository by hand and point ``FTSERVER_FREQUI``
at the built ``dist`` folder (see test_frequi_backtest.py). Without it this test is skipped.
The server is ``ftserver trade`` (dry-run, sim market) with an admin and a ``read`` user; FreqUI logs
in as the read user, as someone with a shared dashboard would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Response, expect

from tests.frequi.login import log_in
from tests.ui.conftest import Bot, _serve, browser, playwright, screenshot

__all__ = ["browser", "playwright"]  # the browser fixtures, shared with the UI tests

pytestmark = pytest.mark.browser

FREQUI = os.environ.get("FTSERVER_FREQUI", "")
VIEWER, VIEWER_PASSWORD = "viewer", "read-only-pässword"
# Each view, and an answer it waits for (a full page load also refreshes the bot's data).
VIEWS = {
    "/trade": "/api/v1/status",
    "/dashboard": "/api/v1/profit",
    "/graph": "/api/v1/whitelist",
    "/logs": "/api/v1/logs",
    "/balance": "/api/v1/balance",
    "/open_trades": "/api/v1/status",
    "/trade_history": "/api/v1/trades",
}


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    if not FREQUI or not (Path(FREQUI) / "index.html").is_file():
        pytest.skip("FreqUI is not built here (set FTSERVER_FREQUI to a built FreqUI dist folder)")
    viewer = {"username": VIEWER, "password": VIEWER_PASSWORD, "role": "read"}
    folder = tmp_path_factory.mktemp("frequi-read")
    yield from _serve(folder, "trade", first_trade=True, api_server={"ui_path": FREQUI, "users": [viewer]})


def _posted(path: str) -> Callable[[Response], bool]:
    return lambda r: r.url.endswith(path) and r.request.method == "POST"


@pytest.mark.timeout(300)
def test_frequi_as_a_read_user_shows_every_view_and_controls_fail_with_the_403(
    browser: Browser, read_only_server: Bot
) -> None:
    bot = read_only_server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    refused: list[str] = []

    def watch(response: Response) -> None:
        if "/api/v1/" in response.url and (response.status in (401, 403) or response.status >= 500):
            refused.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", watch)
    try:
        log_in(page, bot, VIEWER, VIEWER_PASSWORD)
        for view, answer in VIEWS.items():
            with page.expect_response(lambda r, answer=answer: answer in r.url and r.status == 200):
                page.goto(bot.url + view)
            screenshot(page, "frequi-read" + view.replace("/", "-"))
        # Viewing needs nothing beyond the read role.
        assert refused == [], refused

        page.goto(bot.url + "/trade")
        page.locator("[title^='Stop Trading']").first.click()
        with page.expect_response(_posted("/api/v1/stop")) as stop:
            page.get_by_role("button", name="Ok").click()
        assert stop.value.status == 403
        assert stop.value.json()["detail"] == f"This needs the admin role; {VIEWER} has the read role"
        expect(page.get_by_text("Error stopping bot.").first).to_be_visible()

        # FreqUI shows the answer's ``error`` (the same text as ``detail``) when a force entry fails.
        page.locator("[title^='Force enter']").first.click()
        page.get_by_role("dialog").get_by_label("Pair").first.fill("ETH/USDT")
        with page.expect_response(_posted("/api/v1/forcebuy")) as entry:
            page.get_by_role("button", name="Enter Position").click()
        denied = f"This needs the trade role; {VIEWER} has the read role"
        assert entry.value.status == 403
        assert entry.value.json()["detail"] == denied
        expect(page.get_by_text(denied).first).to_be_visible()
        screenshot(page, "frequi-read-refused")

        # Nothing was done, and both refusals are in the audit log under the read user's name.
        assert bot.call("GET", "show_config")["state"] == "running"
        entries = bot.call("GET", "audit?limit=10")["entries"]
        refusals = [(e["route"], e["outcome"]) for e in entries if e["actor"] == VIEWER and e["status"] == 403]
        assert refusals == [("/api/v1/forcebuy", denied), ("/api/v1/stop", stop.value.json()["detail"])]  # newest first
    finally:
        context.close()
