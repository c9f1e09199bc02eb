"""The whole server on a loopback port: real app, real SQLite file, scripted market, manual clock."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ftserver.app import BOT, create_app
from ftserver.bot.loop import TradingLoop
from ftserver.config import settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from tests.support.scripted_market import ScriptedMarket

USER = "freq"
PASSWORD = "s3cret-pässword"
START = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


def basic_auth(user: str = USER, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def app_settings(tmp_path: Path, **extra: Any) -> Any:
    values: dict[str, Any] = {
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
        "order_types": {"entry": "market", "exit": "market", "stoploss": "market"},
        "exchange": {"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        # The background loop iterates once at start; tests drive further iterations by hand.
        "internals": {"process_throttle_secs": 3600, "heartbeat_interval": 0},
        "api_server": {
            "username": USER,
            "password": PASSWORD,
            "jwt_secret_key": "a-test-secret-that-is-long-enough-0123456789",
            "ws_token": "ws-test-token",
            "CORS_origins": ["http://ui.example:3000"],
        },
    }
    values.update(extra)
    return settings_from_dict(values)


@dataclass
class Server:
    client: TestClient
    clock: ManualClock
    market: ScriptedMarket

    @property
    def bot(self) -> TradingLoop:
        return self.client.app[BOT]

    async def get(self, path: str, **kwargs: Any) -> Any:
        response = await self.client.get(path, headers=basic_auth(), **kwargs)
        assert response.status == 200, f"{path}: {response.status} {await response.text()}"
        return await response.json()

    async def post(self, path: str, json: Any = None) -> Any:
        response = await self.client.post(path, headers=basic_auth(), json=json)
        assert response.status == 200, f"{path}: {response.status} {await response.text()}"
        return await response.json()


@pytest.fixture
async def server(aiohttp_client: Any, tmp_path: Path) -> Server:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(tmp_path)
    app = create_app(
        settings,
        market=market,
        broker=PaperBroker(market, clock=clock),
        clock=clock,
        settings_loader=lambda: settings,  # reload_config re-reads the same values
    )
    client = await aiohttp_client(app)
    await app[BOT].run_once()  # candles analyzed before the test starts
    return Server(client, clock, market)
