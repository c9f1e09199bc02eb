"""``GET /metrics`` on the whole server, parsed with prometheus-client's own parser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from ftserver.app import BOT, create_app
from ftserver.config import settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from tests.api.conftest import START, app_settings, basic_auth
from tests.api.test_api_tokens import bearer
from tests.support.scripted_market import ScriptedMarket


async def metrics_server(aiohttp_client: Any, tmp_path: Path, clock: ManualClock) -> TestClient:
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
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client: TestClient = await aiohttp_client(app)
    await app[BOT].run_once()
    return client


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
    client = await metrics_server(aiohttp_client, tmp_path, clock)
    made = await client.post("/api/v1/tokens", headers=basic_auth(), json={"name": "prometheus", "role": "read"})
    token = (await made.json())["token"]
    for _ in range(2):
        assert (await client.get("/api/v1/trade/1", headers=basic_auth())).status == 404
    assert (await client.post("/api/v1/forceenter", headers=basic_auth(), json={"pair": "ETH/USDT"})).status == 200
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
    assert value("ftserver_api_requests_total", method="POST", route="/api/v1/forceenter", status="200") == 1
    assert value("ftserver_api_requests_total", method="POST", route="/api/v1/stop", status="403") == 1
    assert value("ftserver_bot_state", state="running") == 1
    assert value("ftserver_bot_state", state="stopped") == 0
    assert value("ftserver_open_trades") == 1
    assert value("ftserver_max_open_trades") == 3
    assert value("ftserver_storage_writable") == 1
    assert value("ftserver_last_process_age_seconds") == 42
    assert value("ftserver_ws_connections") == 1
    assert value("ftserver_bus_subscribers") >= 1
    assert value("ftserver_bus_published_total") >= 1  # the entry's messages
    assert value("ftserver_bus_dropped_total") == 0
    await ws.close()


async def test_metrics_need_credentials(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await metrics_server(aiohttp_client, tmp_path, ManualClock(START))
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers=basic_auth())).status == 200
