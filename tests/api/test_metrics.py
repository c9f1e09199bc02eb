"""``GET /metrics`` on the whole server, parsed with prometheus-client's own parser; the sample dashboard.

What the loop, its exchange calls and the database measured is read after each step of a scripted
run: the figures must move by exactly what that step did."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from ftserver.api import keys
from ftserver.app import BOT, create_app
from ftserver.config import settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.errors import ExchangeUnavailable
from ftserver.exchange.base import Candle
from ftserver.exchange.paper import PaperBroker
from tests.api.conftest import START, app_settings, basic_auth
from tests.api.test_api_tokens import bearer
from tests.support.polling import eventually
from tests.support.scripted_market import ScriptedMarket


async def metrics_server(
    aiohttp_client: Any, tmp_path: Path, clock: ManualClock, market: ScriptedMarket | None = None
) -> tuple[TestClient, ScriptedMarket]:
    base = app_settings(tmp_path)
    settings = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 100,
            "dry_run_wallet": 1000,
            "max_open_trades": 3,
            "initial_state": "running",
            "force_entry_enable": True,
            "strategy": "SampleStrategy",
            "timeframe": "1m",
            "db_url": f"sqlite:///{tmp_path / 'api.sqlite'}",
            "user_data_dir": str(tmp_path / "user_data"),
            "exchange": {"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
            "internals": {"process_throttle_secs": 3600, "heartbeat_interval": 0},
            "api_server": {
                "username": base.api_server.username,
                "password": base.api_server.password,
                "jwt_secret_key": base.api_server.jwt_secret_key,
                "ws_token": "ws-test-token",
                "enable_metrics": True,
            },
        }
    )
    market = market or ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client: TestClient = await aiohttp_client(app)
    await app[BOT].run_once()
    return client, market


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_metrics_count_requests_by_route_and_read_the_bot_hub_and_bus(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    clock = ManualClock(START)
    client, market = await metrics_server(aiohttp_client, tmp_path, clock)
    made = await client.post("/api/v1/tokens", headers=basic_auth(), json={"name": "prometheus", "role": "read"})
    token = (await made.json())["token"]
    for _ in range(2):
        assert (await client.get("/api/v1/trade/1", headers=basic_auth())).status == 404
    assert (await client.post("/api/v1/forceenter", headers=basic_auth(), json={"pair": "ETH/USDT"})).status == 200
    # A second trade, 1 BTC for 100 USDT, closed at 110: 110 * 0.999 - 100 * 1.001 = 9.79 (fee 0.1 % each way).
    btc = await client.post("/api/v1/forceenter", headers=basic_auth(), json={"pair": "BTC/USDT"})
    market.set_price("BTC/USDT", 110.0)
    exit_body = {"tradeid": (await btc.json())["trade_id"]}
    assert (await client.post("/api/v1/forceexit", headers=basic_auth(), json=exit_body)).status == 200
    assert (await client.post("/api/v1/stop", headers=bearer(token))).status == 403
    ws = await client.ws_connect("/api/v1/message/ws", params={"token": "ws-test-token"})
    clock.advance(seconds=42)

    response = await client.get("/metrics", headers=bearer(token))
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    found = samples(await response.text())

    def value(name: str, **labels: str) -> float:
        return found[(name, tuple(sorted(labels.items())))]

    trade_route = {"method": "GET", "route": "/api/v1/trade/{tradeid}"}
    assert value("ftserver_api_requests_total", **trade_route, status="404") == 2
    assert value("ftserver_api_request_duration_seconds_count", **trade_route) == 2
    assert value("ftserver_api_request_duration_seconds_bucket", **trade_route, le="+Inf") == 2
    assert value("ftserver_api_requests_total", method="POST", route="/api/v1/forceenter", status="200") == 2
    assert value("ftserver_api_requests_total", method="POST", route="/api/v1/stop", status="403") == 1
    assert value("ftserver_bot_state", state="running") == 1
    assert value("ftserver_bot_state", state="stopped") == 0
    assert value("ftserver_open_trades") == 1
    assert value("ftserver_max_open_trades") == 3
    assert value("ftserver_stake_in_trades") == pytest.approx(100.0)
    assert value("ftserver_profit_closed") == pytest.approx(9.79)
    # The open ETH trade, 10 ETH bought at 10 for 100: 10 * 10 * 0.999 - 100 * 1.001 = -0.2 if sold now.
    assert value("ftserver_profit_open") == pytest.approx(-0.2)
    assert value("ftserver_trades_closed_total", exit_reason="force_exit") == 1
    assert value("ftserver_storage_writable") == 1
    assert value("ftserver_last_process_age_seconds") == 42
    assert value("ftserver_ws_connections") == 1
    assert value("ftserver_bus_subscribers") >= 1
    assert value("ftserver_bus_published_total") >= 1  # the entry's messages
    assert value("ftserver_bus_dropped_total") == 0
    await ws.close()


async def test_metrics_need_credentials(aiohttp_client: Any, tmp_path: Path) -> None:
    client, _ = await metrics_server(aiohttp_client, tmp_path, ManualClock(START))
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers=basic_auth())).status == 200


async def test_the_sample_grafana_dashboard_queries_only_series_the_server_exports(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    client, _ = await metrics_server(aiohttp_client, tmp_path, ManualClock(START))
    await client.get("/api/v1/status", headers=basic_auth())  # so the request series exist
    families = list(text_string_to_metric_families(await (await client.get("/metrics", headers=basic_auth())).text()))
    exported = {sample.name for family in families for sample in family.samples}
    exported |= {f"{family.name}_total" for family in families if family.type == "counter"}  # none counted yet
    dashboard = json.loads((Path(__file__).parents[2] / "config" / "grafana-dashboard.json").read_text())
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"ftserver_\w+", target["expr"])
    }
    assert queried - exported == set()
    assert len(queried) >= 15


class UnreachableCandles(ScriptedMarket):
    """Its candle requests fail while ``down`` is set, as an exchange that cannot be reached."""

    down = False

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        if self.down:
            raise ExchangeUnavailable("binance is not reachable")
        return await super().fetch_ohlcv(pair, timeframe, since_ms, limit)


async def test_loop_iterations_exchange_calls_and_database_writes_are_measured(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    clock = ManualClock(START)
    market = UnreachableCandles(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    client, _ = await metrics_server(aiohttp_client, tmp_path, clock, market)

    async def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        return samples(await (await client.get("/metrics", headers=basic_auth())).text())

    def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
        return found.get((name, tuple(sorted(labels.items()))), 0.0)

    iterations = "ftserver_loop_iteration_duration_seconds_count"
    # Two iterations so far: the one the bot's task runs at start and the one the fixture asked for.
    await eventually(lambda: client.app[keys.INSTRUMENTS].loop_iterations.series()[()].count == 2)
    before = await scrape()
    assert value(before, iterations) == 2
    # The first fetched both pairs' candles (no informative pairs); the second, in the same minute, had
    # no closed candle to ask for. Nothing failed.
    assert value(before, "ftserver_exchange_call_duration_seconds_count", method="fetch_ohlcv") == 2
    assert value(before, "ftserver_exchange_call_duration_seconds_count", method="load_markets") == 1
    assert value(before, "ftserver_exchange_errors_total", method="fetch_ohlcv", error="ExchangeUnavailable") == 0

    # Five minutes on, the exchange down: one more iteration asks for both pairs' new candles and fails.
    market.down = True
    clock.advance(minutes=5)
    await client.app[BOT].run_once()
    after = await scrape()
    assert value(after, iterations) == 3
    assert value(after, "ftserver_loop_iteration_duration_seconds_bucket", le="+Inf") == 3
    assert value(after, "ftserver_loop_iteration_duration_seconds_sum") > value(
        before, "ftserver_loop_iteration_duration_seconds_sum"
    )
    assert value(after, "ftserver_exchange_call_duration_seconds_count", method="fetch_ohlcv") == 4
    assert value(after, "ftserver_exchange_errors_total", method="fetch_ohlcv", error="ExchangeUnavailable") == 2
    # The iteration's one write: the probe that checks the database can still be written.
    db_writes = "ftserver_db_write_duration_seconds_count"
    assert value(after, db_writes) == value(before, db_writes) + 1

    # A force entry, a market order the paper broker fills at once: its intent, the trade with its
    # order (settling the intent), then the trade again with the fill booked: three writes.
    market.down = False
    entered = await client.post("/api/v1/forceenter", headers=basic_auth(), json={"pair": "ETH/USDT"})
    assert entered.status == 200
    entry = await scrape()
    assert value(entry, db_writes) == value(after, db_writes) + 3
    assert value(entry, "ftserver_trades_opened_total", enter_tag="force_entry") == 1
    assert value(entry, "ftserver_exchange_call_duration_seconds_count", method="place_order") == 1
    assert value(entry, "ftserver_exchange_errors_total", method="place_order", error="ExchangeUnavailable") == 0
