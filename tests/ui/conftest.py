"""Browser tests: a real `ftserver trade` process on a loopback port (sim market, SQLite file),
driven by Playwright in the system's Chromium. Screenshots go to tests/artifacts/screenshots/."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.support.polling import wait_until

REPO = Path(__file__).resolve().parents[2]

# A page waits up to 15 s for what it expects (Playwright's default is 5 s): on a 2-core machine
# busy with the server, Chromium and the test itself, a view's first answers can take longer.
expect.set_options(timeout=15_000)
STRATEGIES = Path(__file__).resolve().parent / "strategies"
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
USER = "trader"
PASSWORD = "ui-tests-pässword"
DOWNLOAD = ["-p", "BTC/USDT", "-t", "5m", "--days", "2"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = os.environ.get("FTSERVER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Bot:
    """The running server, and a small REST helper to set the scene and check the UI's effects."""

    url: str
    folder: Path

    def call(self, method: str, path: str, body: Any = None) -> Any:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/api/v1/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def _config(folder: Path, port: int) -> dict[str, Any]:
    return {
        "bot_name": "ui-test-bot",
        "dry_run": True,
        "dry_run_wallet": 1000,
        "stake_currency": "USDT",
        "stake_amount": 100,
        "max_open_trades": 6,
        "strategy": "UiQuickStrategy",
        "strategy_path": str(STRATEGIES),
        "timeframe": "1m",
        "initial_state": "running",
        "force_entry_enable": True,
        "order_types": {"entry": "market", "exit": "market", "stoploss": "market"},
        "exchange": {
            "name": "sim",
            "sim": {"seed": 7, "history_days": 2},
            "pair_whitelist": ["BTC/USDT", "ETH/USDT", "SOL/USDT", "XRP/USDT", "ADA/USDT", "DOGE/USDT"],
        },
        "db_url": f"sqlite:///{folder / 'ui.sqlite'}",
        "user_data_dir": str(folder / "user_data"),
        "api_server": {
            "enabled": True,
            "listen_ip_address": "127.0.0.1",
            "listen_port": port,
            "username": USER,
            "password": PASSWORD,
            "jwt_secret_key": "browser-tests-secret-0123456789-abcdefghij",
            "ws_token": "browser-tests-ws-token",
            "enable_openapi": True,
            # The UI loaded from http://localhost:PORT is another origin than the API at 127.0.0.1.
            "CORS_origins": [f"http://localhost:{port}"],
        },
        "internals": {"process_throttle_secs": 2, "heartbeat_interval": 0},
    }


def _serve(
    folder: Path,
    command: str,
    *,
    first_trade: bool,
    api_server: dict[str, Any] | None = None,
    config_changes: dict[str, Any] | None = None,
) -> Iterator[Bot]:
    """Write the config, store candles for the history chart, run `ftserver <command>` until the test ends.

    ``api_server`` adds to (or replaces) keys of the config's ``api_server`` section; ``config_changes``
    replaces top-level keys."""
    if not (REPO / "static" / "dist" / "index.html").is_file():
        pytest.fail("the UI is not built: `make test` builds it (npm ci && npm run build in static/)")
    port = free_port()
    config = folder / "config.json"
    settings = _config(folder, port)
    settings["api_server"].update(api_server or {})
    settings.update(config_changes or {})
    config.write_text(json.dumps(settings))
    # Stored candles for the chart's history source, written offline from the sim market.
    subprocess.run(
        [sys.executable, "-m", "ftserver", "download-data", "--config", str(config), *DOWNLOAD],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "ftserver", command, "--config", str(config)],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Bot(url=f"http://127.0.0.1:{port}", folder=folder)

    def answering() -> bool:
        try:
            return server.call("GET", "ping")["status"] == "pong"
        except (urllib.error.URLError, OSError):
            assert process.poll() is None, (folder / "server.log").read_text()
            return False

    try:
        wait_until(answering, within=60, what="the server answering")
        if first_trade:
            # The strategy enters BTC/USDT on the first iteration.
            wait_until(lambda: server.call("GET", "status"), within=60, what="the first trade")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    yield from _serve(tmp_path_factory.mktemp("ui-bot"), "trade", first_trade=True)


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """The same configuration in webserver mode: the API without a trading loop."""
    yield from _serve(tmp_path_factory.mktemp("ui-webserver"), "webserver", first_trade=False)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def login(page: Page, bot: Bot, *, password: str = PASSWORD) -> None:
    page.goto(bot.url + "/")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
