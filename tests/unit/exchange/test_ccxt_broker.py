"""Live orders through real ccxt code against the loopback Binance server's signed endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from ftserver.bot.orders import apply_update, new_order
from ftserver.core.clock import ManualClock
from ftserver.errors import Conflict, ExchangeError, ExchangeUnavailable, InvalidRequest
from ftserver.exchange.base import AssetBalance, ExchangeOrder
from ftserver.exchange.ccxt_broker import CcxtBroker
from ftserver.exchange.ccxt_market import CcxtMarket
from ftserver.exchange.retry import RetryPolicy
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.models import Order, OrderSide, OrderStatus, OrderType
from tests.support.binance_account import BinanceAccount
from tests.support.binance_server import BinanceStub, ccxt_config_for

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)
PAIR = "BTC/USDT"


@dataclass
class Live:
    clock: ManualClock
    sim: SimulatedMarket
    account: BinanceAccount
    stub: BinanceStub
    market: CcxtMarket
    broker: CcxtBroker
    warnings: list[str]

    async def bid(self) -> float:
        ticker = await self.sim.fetch_ticker(PAIR)
        assert ticker.bid is not None
        return ticker.bid

    def as_stored(self, placed: ExchangeOrder) -> Order:
        return new_order(1, placed.side, placed, None, self.clock.now())


@pytest.fixture
async def live(aiohttp_server: Any) -> AsyncIterator[Live]:
    clock = ManualClock(NOW)
    sim = SimulatedMarket(clock=clock, pairs=[PAIR, "ETH/USDT"], history_days=3)
    account = BinanceAccount(sim, balances={"USDT": 1000.0})
    stub = BinanceStub(sim, account=account)
    server = await aiohttp_server(stub.app)
    warnings: list[str] = []
    market = CcxtMarket(
        "binance",
        config=ccxt_config_for(str(server.make_url("")).rstrip("/"), api_key="test-key", secret="test-secret"),
        retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02),
        on_warning=warnings.append,
    )
    await market.load_markets()
    yield Live(clock, sim, account, stub, market, CcxtBroker(market, on_warning=warnings.append), warnings)
    await market.close()


async def test_market_buy_fills_with_the_fee_taken_in_the_bought_coin(live: Live) -> None:
    ask = (await live.sim.fetch_ticker(PAIR)).ask
    step = live.market.markets[PAIR].amount_precision or 0.0
    placed = await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.MARKET, 0.0123456, None)
    assert placed.status is OrderStatus.CLOSED
    assert 0.0123456 - step < placed.amount <= 0.0123456
    assert placed.filled == pytest.approx(placed.amount) and placed.remaining == pytest.approx(0.0)
    assert placed.average == pytest.approx(ask)
    assert placed.cost == pytest.approx(placed.amount * (ask or 0.0))
    assert placed.fee_currency == "BTC"
    assert placed.fee_cost == pytest.approx(placed.filled * 0.001)
    assert placed.fee_rate == pytest.approx(0.001)
    assert placed.client_order_id and placed.client_order_id.startswith("ft")
    [stored] = live.account.orders.values()
    assert str(stored.order_id) == placed.order_id and stored.client_order_id == placed.client_order_id
    balances = await live.broker.fetch_balance()
    assert balances["BTC"].free == pytest.approx(placed.filled - placed.fee_cost)
    assert balances["USDT"].free == pytest.approx(1000.0 - placed.cost)


async def crossed(live: Live, order: Order, *, days: int = 3) -> ExchangeOrder:
    """Let simulated minutes pass until the exchange reports ``order`` filled."""
    for _ in range(days * 24 * 6):
        live.clock.advance(minutes=10)
        update = await live.broker.refresh_order(order)
        apply_update(order, update, live.clock.now())
        if update.status is not OrderStatus.OPEN:
            return update
    raise AssertionError(f"the market never reached {order.price} in {days} days")


async def test_resting_limit_buy_fills_when_the_market_crosses_it(live: Live) -> None:
    price = round(await live.bid() * 0.997, 2)
    placed = await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.LIMIT, 0.01, price)
    assert placed.status is OrderStatus.OPEN and placed.filled == 0.0 and placed.fee_cost is None
    assert live.account.balance("USDT") == pytest.approx((1000.0 - 0.01 * price, 0.01 * price))
    order = live.as_stored(placed)
    assert (await live.broker.refresh_order(order)).status is OrderStatus.OPEN
    filled = await crossed(live, order)
    assert filled.status is OrderStatus.CLOSED
    assert filled.filled == pytest.approx(0.01) and filled.average == pytest.approx(price)
    # Binance's order query has no fills: the fee comes from the account's trades.
    assert filled.fee_currency == "BTC" and filled.fee_cost == pytest.approx(0.01 * filled.fee_rate)
    assert filled.filled_timestamp is not None and filled.filled_timestamp > placed.timestamp
    # A filled order is not asked for again.
    asked = live.stub.hits["/api/v3/order"]
    assert (await live.broker.refresh_order(order)).status is OrderStatus.CLOSED
    assert live.stub.hits["/api/v3/order"] == asked


async def test_cancel_releases_the_locked_stake(live: Live) -> None:
    price = round(await live.bid() * 0.95, 2)
    placed = await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.LIMIT, 0.01, price)
    cancelled = await live.broker.cancel_order(live.as_stored(placed))
    assert cancelled.status is OrderStatus.CANCELED and cancelled.filled == 0.0
    assert live.account.balance("USDT") == pytest.approx((1000.0, 0.0))


async def test_cancelling_an_order_that_filled_meanwhile_reports_the_fill(live: Live) -> None:
    ask = (await live.sim.fetch_ticker(PAIR)).ask or 0.0
    placed = await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.LIMIT, 0.01, round(ask * 1.01, 2))
    assert placed.status is OrderStatus.CLOSED
    # As a bot that crashed before it stored the fill knows it: still open.
    stale = live.as_stored(placed)
    stale.status, stale.filled, stale.remaining, stale.average = OrderStatus.OPEN, 0.0, 0.01, None
    result = await live.broker.cancel_order(stale)
    assert result.status is OrderStatus.CLOSED and result.filled == pytest.approx(0.01)


async def test_an_order_whose_answer_was_lost_is_found_by_its_client_id(live: Live) -> None:
    live.account.lose_next_order_response()
    placed = await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.MARKET, 0.01, None)
    assert placed.status is OrderStatus.CLOSED and placed.filled == pytest.approx(0.01)
    assert len(live.account.orders) == 1  # placed once, not twice
    assert any("answer was lost" in w and placed.order_id in w for w in live.warnings)


async def test_an_order_that_never_arrived_is_reported_as_not_placed(live: Live) -> None:
    price = round(await live.bid() * 0.95, 2)  # a limit order: no ticker request before the placement
    live.stub.fail_next(1)
    with pytest.raises(ExchangeUnavailable, match="not placed"):
        await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.LIMIT, 0.01, price)
    assert live.account.orders == {}
    assert live.stub.hits["/api/v3/order"] == 2  # one placement, one lookup, no second placement


async def test_when_even_the_lookup_fails_the_error_says_to_check_the_exchange(live: Live) -> None:
    price = round(await live.bid() * 0.95, 2)
    live.stub.fail_next(4)  # the placement and all three lookup attempts
    with pytest.raises(ExchangeUnavailable, match="check the exchange"):
        await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.LIMIT, 0.01, price)


async def test_refusals_become_clear_domain_errors(live: Live) -> None:
    with pytest.raises(Conflict, match="not enough balance"):
        await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.MARKET, 1.0, None)
    with pytest.raises(InvalidRequest, match="below the minimum"):
        await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.MARKET, 0.00002, None)
    with pytest.raises(InvalidRequest, match="spot"):
        await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.MARKET, 0.01, None, leverage=3.0)
    with pytest.raises(InvalidRequest, match="positive price"):
        await live.broker.place_order(PAIR, OrderSide.BUY, OrderType.LIMIT, 0.01, None)
    with pytest.raises(InvalidRequest, match="not available"):
        await live.broker.place_order("DOGE/USDT", OrderSide.BUY, OrderType.MARKET, 10, None)
    assert live.stub.hits["/api/v3/order"] == 1  # only the first reached the exchange
    assert live.account.orders == {}


async def test_balance_lists_what_the_account_holds(live: Live) -> None:
    assert await live.broker.fetch_balance() == {"USDT": AssetBalance("USDT", 1000.0, 0.0, 1000.0)}


async def test_a_refused_key_is_an_exchange_error(aiohttp_server: Any) -> None:
    clock = ManualClock(NOW)
    sim = SimulatedMarket(clock=clock, pairs=[PAIR])
    server = await aiohttp_server(BinanceStub(sim, account=BinanceAccount(sim)).app)
    url = str(server.make_url("")).rstrip("/")
    market = CcxtMarket("binance", config=ccxt_config_for(url, api_key="test-key", secret="wrong"))
    try:
        await market.load_markets()
        with pytest.raises(ExchangeError, match="AuthenticationError"):
            await CcxtBroker(market).fetch_balance()
    finally:
        await market.close()
