from datetime import UTC, datetime, timedelta

import pytest

from ftserver.core.clock import ManualClock
from ftserver.errors import InvalidRequest
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.models import OrderSide, OrderStatus, OrderType
from tests.support.paper_orders import as_order
from tests.support.scripted_market import ScriptedMarket

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


def setup() -> tuple[ManualClock, ScriptedMarket, PaperBroker]:
    clock = ManualClock(NOW)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0}, spread=0.02)
    return clock, market, PaperBroker(market, clock=clock)


async def test_market_orders_fill_at_the_touch_with_fees() -> None:
    _, _, broker = setup()
    buy = await broker.place_order("BTC/USDT", OrderSide.BUY, OrderType.MARKET, 1.0, None)
    assert buy.status is OrderStatus.CLOSED
    assert buy.average == pytest.approx(101.0)  # ask = 100 + 2 % spread / 2
    assert buy.fee_cost == pytest.approx(101.0 * 0.001)
    sell = await broker.place_order("BTC/USDT", OrderSide.SELL, OrderType.MARKET, 1.0, None)
    assert sell.average == pytest.approx(99.0)
    assert buy.order_id.startswith("dry_run_buy_BTC/USDT_")


async def test_resting_limit_order_fills_after_price_crosses_even_after_restart() -> None:
    clock, market, broker = setup()
    placed = await broker.place_order("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, 1.0, 95.0)
    assert placed.status is OrderStatus.OPEN
    order = as_order(placed)
    assert (await broker.refresh_order(order)).status is OrderStatus.OPEN
    clock.advance(minutes=2)
    market.set_price("BTC/USDT", 94.0)
    clock.advance(minutes=1)
    market.set_price("BTC/USDT", 97.0)  # the dip is over, but it happened
    restarted = PaperBroker(market, clock=clock)
    update = await restarted.refresh_order(order)
    assert update.status is OrderStatus.CLOSED
    assert update.average == pytest.approx(95.0)


async def test_marketable_limit_fills_at_its_price() -> None:
    _, _, broker = setup()
    placed = await broker.place_order("BTC/USDT", OrderSide.SELL, OrderType.LIMIT, 1.0, 98.0)
    assert placed.status is OrderStatus.CLOSED
    assert placed.average == pytest.approx(98.0)


async def test_order_below_minimum_cost_is_refused() -> None:
    _, _, broker = setup()
    with pytest.raises(InvalidRequest, match="below the minimum"):
        await broker.place_order("BTC/USDT", OrderSide.BUY, OrderType.MARKET, 0.001, None)


async def test_cancel_open_order() -> None:
    clock, _, broker = setup()
    placed = await broker.place_order("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, 1.0, 90.0)
    clock.advance(timedelta(minutes=1).total_seconds())
    cancelled = await broker.cancel_order(as_order(placed))
    assert cancelled.status is OrderStatus.CANCELED
    assert cancelled.remaining == pytest.approx(1.0)


async def test_limit_price_is_required_and_positive() -> None:
    _, _, broker = setup()
    with pytest.raises(InvalidRequest, match="positive price"):
        await broker.place_order("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, 1.0, None)
    with pytest.raises(InvalidRequest, match="not available"):
        await broker.place_order("NOPE/USDT", OrderSide.BUY, OrderType.MARKET, 1.0, None)


async def test_amount_and_price_are_rounded_to_the_market_steps() -> None:
    _, _, broker = setup()
    placed = await broker.place_order("BTC/USDT", OrderSide.BUY, OrderType.LIMIT, 1.23456789, 90.000049)
    assert placed.amount == pytest.approx(1.2345)
    assert placed.price == pytest.approx(90.0)
    assert placed.remaining == placed.amount and placed.filled == 0.0


async def test_refresh_of_closed_or_canceled_order_changes_nothing() -> None:
    _, _, broker = setup()
    placed = await broker.place_order("BTC/USDT", OrderSide.SELL, OrderType.MARKET, 1.0, None)
    order = as_order(placed)
    order.average, order.cost = placed.average, placed.cost
    again = await broker.refresh_order(order)
    assert again.status is OrderStatus.CLOSED and again.average == placed.average
    assert (await broker.cancel_order(order)).status is OrderStatus.CLOSED


async def test_resting_order_on_simulated_market_fills_when_candles_cross(sim, clock) -> None:  # type: ignore[no-untyped-def]
    broker = PaperBroker(sim, clock=clock)
    ticker = await sim.fetch_ticker("ETH/USDT")
    now_ms = int(clock.now().timestamp() * 1000)
    # Peek at the next three hours (the simulation is deterministic) and bid halfway down to their low.
    ahead = SimulatedMarket(clock=ManualClock(clock.now() + timedelta(hours=3)), seed=7, history_days=5)
    future = ahead.candles("ETH/USDT", "1m", since_ms=now_ms - now_ms % 60_000 + 60_000, limit=180)
    low = min(c[3] for c in future)
    assert low < ticker.bid * 0.999
    price = round((low + ticker.bid) / 2, 2)
    placed = await broker.place_order("ETH/USDT", OrderSide.BUY, OrderType.LIMIT, 0.5, price)
    assert placed.status is OrderStatus.OPEN
    order = as_order(placed)
    first = next(c for c in future if c[3] <= price)
    crossing = None
    for _ in range(180):
        clock.advance(minutes=1)
        update = await broker.refresh_order(order)
        if update.status is OrderStatus.CLOSED:
            crossing = update
            break
        assert clock.now().timestamp() * 1000 < first[0] + 60_000, "still open after the price crossed"
    assert crossing is not None
    assert crossing.average == pytest.approx(price)
    assert crossing.cost == pytest.approx(0.5 * price)
    assert crossing.fee_cost == pytest.approx(0.5 * price * 0.001)
    assert crossing.filled_timestamp == int(first[0])
    # A fresh broker (as after a restart) reaches the same fill from the stored order alone.
    clock.advance(hours=3)
    restarted = await PaperBroker(sim, clock=clock).refresh_order(order)
    assert restarted.status is OrderStatus.CLOSED
    assert restarted.filled_timestamp == crossing.filled_timestamp
