"""Real ccxt code against a loopback server that speaks Binance's public REST API."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ftserver.core.clock import ManualClock
from ftserver.errors import ConfigError, ExchangeUnavailable, InvalidRequest
from ftserver.exchange.ccxt_market import CcxtMarket
from ftserver.exchange.retry import RetryPolicy
from ftserver.exchange.simulated import SimulatedMarket
from tests.support.binance_server import BinanceStub, ccxt_config_for

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


@pytest.fixture
async def stub_and_market(aiohttp_server: Any) -> AsyncIterator[tuple[BinanceStub, CcxtMarket, list[str]]]:
    sim = SimulatedMarket(clock=ManualClock(NOW), pairs=["BTC/USDT", "ETH/USDT"], history_days=10)
    stub = BinanceStub(sim)
    server = await aiohttp_server(stub.app)
    warnings: list[str] = []
    market = CcxtMarket(
        "binance",
        config=ccxt_config_for(str(server.make_url("")).rstrip("/")),
        retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02),
        on_warning=warnings.append,
    )
    yield stub, market, warnings
    await market.close()


async def test_markets_carry_precision_and_limits(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    stub, market, _ = stub_and_market
    markets = await market.load_markets()
    assert set(markets) == {"BTC/USDT", "ETH/USDT"}
    btc = markets["BTC/USDT"]
    assert btc.price_precision == pytest.approx(stub.market.markets["BTC/USDT"].price_precision)
    assert btc.amount_precision == pytest.approx(stub.market.markets["BTC/USDT"].amount_precision)
    assert btc.min_cost == pytest.approx(5.0)


async def test_ohlcv_paginates_without_gaps_or_duplicates(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    stub, market, _ = stub_and_market
    await market.load_markets()
    since = int(NOW.timestamp() * 1000) - 2500 * 60_000
    rows = await market.fetch_ohlcv("BTC/USDT", "1m", since_ms=since)
    assert len(rows) >= 2500
    times = [int(r[0]) for r in rows]
    assert times == sorted(set(times))
    assert {b - a for a, b in itertools.pairwise(times)} == {60_000}
    assert stub.hits["/api/v3/klines"] >= 3  # Binance pages hold at most 1000 candles
    expected = stub.market.candles("BTC/USDT", "1m", since_ms=since, limit=5)
    assert [v for r in rows[:5] for v in r] == pytest.approx([v for r in expected for v in r])


async def test_ticker_and_order_book(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    stub, market, _ = stub_and_market
    await market.load_markets()
    ticker = await market.fetch_ticker("ETH/USDT")
    assert ticker.last == pytest.approx(stub.market.price("ETH/USDT"), rel=1e-6)
    tickers = await market.fetch_tickers(["BTC/USDT", "ETH/USDT"])
    assert set(tickers) == {"BTC/USDT", "ETH/USDT"}
    book = await market.fetch_order_book("BTC/USDT", 5)
    assert book.bids[0][0] < book.asks[0][0]


async def test_transient_failures_are_retried_with_warnings(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    stub, market, warnings = stub_and_market
    await market.load_markets()
    stub.fail_next(2, 503)
    ticker = await market.fetch_ticker("BTC/USDT")
    assert ticker.last > 0
    assert len(warnings) == 2
    assert "retrying" in warnings[0]


async def test_persistent_failure_becomes_exchange_unavailable(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    stub, market, _ = stub_and_market
    await market.load_markets()
    stub.fail_next(10, 503)
    with pytest.raises(ExchangeUnavailable, match="after 3 attempts"):
        await market.fetch_ticker("BTC/USDT")


async def test_unknown_symbol_is_invalid_request(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    _, market, _ = stub_and_market
    await market.load_markets()
    with pytest.raises(InvalidRequest):
        await market.fetch_ticker("NOPE/USDT")


def test_unknown_exchange_id_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        CcxtMarket("not-an-exchange")
    assert info.value.key == "exchange.name"
