"""Real ccxt code against a loopback server that speaks Binance's public REST API."""

from __future__ import annotations

import gc
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import ccxt
import pytest

from ftserver.config.sections import ExchangeSettings
from ftserver.core.clock import ManualClock
from ftserver.errors import ConfigError, ExchangeUnavailable, InvalidRequest
from ftserver.exchange.ccxt_market import CcxtMarket, precision_to_tick
from ftserver.exchange.factory import create_market
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
    assert btc.min_amount == pytest.approx(btc.amount_precision)
    assert btc.spot and btc.base == "BTC" and btc.quote == "USDT"
    # Spot only: no futures/margin endpoints (which the stub does not serve) were asked for.
    assert stub.unknown == []
    assert set(stub.hits) == {"/api/v3/exchangeInfo"}


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


async def test_latest_candles_beyond_one_page_are_fetched_backwards(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    stub, market, _ = stub_and_market
    await market.load_markets()
    rows = await market.fetch_ohlcv("ETH/USDT", "5m", limit=1400)
    assert len(rows) == 1400
    expected = stub.market.candles("ETH/USDT", "5m", limit=1400)
    assert [r[0] for r in rows] == [r[0] for r in expected]
    assert [v for r in rows for v in r] == pytest.approx([v for r in expected for v in r])
    assert stub.hits["/api/v3/klines"] == 2


async def test_ticker_and_order_book(stub_and_market) -> None:  # type: ignore[no-untyped-def]
    stub, market, _ = stub_and_market
    await market.load_markets()
    ticker = await market.fetch_ticker("ETH/USDT")
    assert ticker.last == pytest.approx(stub.market.price("ETH/USDT"), rel=1e-6)
    tickers = await market.fetch_tickers(["BTC/USDT", "ETH/USDT"])
    assert set(tickers) == {"BTC/USDT", "ETH/USDT"}
    assert ticker.bid == pytest.approx(stub.market.price("ETH/USDT"), rel=1e-3)
    assert ticker.high is not None and ticker.high >= ticker.last
    book = await market.fetch_order_book("BTC/USDT", 5)
    assert book.bids[0][0] < book.asks[0][0]
    assert len(book.bids) == len(book.asks) == 5
    expected = (await stub.market.fetch_order_book("BTC/USDT", 5)).bids
    assert [v for level in book.bids for v in level] == pytest.approx([v for level in expected for v in level])


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


async def test_close_releases_the_http_session(aiohttp_server: Any) -> None:
    stub = BinanceStub(SimulatedMarket(clock=ManualClock(NOW), pairs=["BTC/USDT"]))
    server = await aiohttp_server(stub.app)
    market = CcxtMarket("binance", config=ccxt_config_for(str(server.make_url("")).rstrip("/")))
    await market.load_markets()
    await market.close()
    gc.collect()  # an unclosed aiohttp session would warn here, and warnings are errors
    assert stub.hits["/api/v3/exchangeInfo"] == 1


def test_precision_digits_become_tick_sizes() -> None:
    assert precision_to_tick("0.001", ccxt.TICK_SIZE) == pytest.approx(0.001)
    assert precision_to_tick(3, ccxt.DECIMAL_PLACES) == pytest.approx(0.001)
    assert precision_to_tick(None, ccxt.TICK_SIZE) is None


async def test_stub_answers_unknown_paths_with_404_and_records_them(aiohttp_client: Any) -> None:
    stub = BinanceStub(SimulatedMarket(clock=ManualClock(NOW), pairs=["BTC/USDT"]))
    client = await aiohttp_client(stub.app)
    response = await client.get("/fapi/v1/exchangeInfo")
    assert response.status == 404
    assert stub.unknown == ["/fapi/v1/exchangeInfo"]


async def test_factory_builds_a_ccxt_market_from_the_exchange_section(aiohttp_server: Any) -> None:
    stub = BinanceStub(SimulatedMarket(clock=ManualClock(NOW), pairs=["BTC/USDT"]))
    server = await aiohttp_server(stub.app)
    config = ExchangeSettings(name="binance", ccxt_config=ccxt_config_for(str(server.make_url("")).rstrip("/")))
    market = create_market(config)
    try:
        assert isinstance(market, CcxtMarket)
        assert market.id == "binance"
        assert set(await market.load_markets()) == {"BTC/USDT"}
        assert "1w" in market.timeframes
    finally:
        await market.close()
