"""Raw ccxt against the loopback Binance server with a listing time: no kline opens before it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from ftserver.core.clock import ManualClock
from ftserver.exchange.simulated import SimulatedMarket
from tests.support.binance_server import BinanceStub, ccxt_config_for

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)
LISTED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LISTED_MS = int(LISTED.timestamp() * 1000)
FIVE_MINUTES_MS = 300_000


@pytest.fixture
async def exchange(aiohttp_server: Any) -> AsyncIterator[Any]:
    sim = SimulatedMarket(clock=ManualClock(NOW), pairs=["BTC/USDT"], history_days=2)
    server = await aiohttp_server(BinanceStub(sim, listed_ms=LISTED_MS).app)
    config = ccxt_config_for(str(server.make_url("")).rstrip("/"))
    config["options"] = {"fetchMarkets": {"types": ["spot"]}}  # the futures hosts are not on loopback
    client = ccxt_async.binance(config)
    yield client
    await client.close()


async def test_newest_klines_of_a_new_listing_start_at_the_listing(exchange: Any) -> None:
    candles = await exchange.fetch_ohlcv("BTC/USDT", "5m", limit=500)
    # 10:00 to 12:00 inclusive (the 12:00 candle still forming): 2 h / 5 m + 1 candles.
    assert len(candles) == 25
    assert candles[0][0] == LISTED_MS
    assert candles[-1][0] == LISTED_MS + 24 * FIVE_MINUTES_MS


async def test_a_start_time_before_the_listing_counts_the_limit_from_the_listing(exchange: Any) -> None:
    candles = await exchange.fetch_ohlcv("BTC/USDT", "5m", since=LISTED_MS - 86_400_000, limit=3)
    assert [c[0] for c in candles] == [LISTED_MS, LISTED_MS + FIVE_MINUTES_MS, LISTED_MS + 2 * FIVE_MINUTES_MS]


async def test_hourly_klines_respect_the_listing_too(exchange: Any) -> None:
    candles = await exchange.fetch_ohlcv("BTC/USDT", "1h", limit=100)
    assert [c[0] for c in candles] == [LISTED_MS, LISTED_MS + 3_600_000, LISTED_MS + 7_200_000]
