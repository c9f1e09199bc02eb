"""The position adjustment decisions and the trade arithmetic, without a loop: numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ftserver.decide.position import (
    AddEntry,
    PartialExit,
    decide_adjustment,
    decide_reprice,
    min_stake,
    read_answer,
)
from ftserver.exchange.base import Market
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, Trade

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
MARKET = Market("BTC/USDT", "BTC", "USDT", amount_precision=0.001, price_precision=0.01, min_cost=5.0)


def order(side: OrderSide, filled: float, price: float, *, status: OrderStatus = OrderStatus.CLOSED) -> Order:
    return Order(
        ft_trade_id=1,
        ft_order_side=side,
        ft_pair="BTC/USDT",
        order_id=f"{side}-{filled}-{price}",
        order_type=OrderType.LIMIT,
        side=side,
        amount=filled,
        price=price,
        status=status,
        filled=filled if status is not OrderStatus.OPEN else 0.0,
        average=price,
        cost=filled * price,
    )


def trade(*orders: Order, fee: float = 0.001) -> Trade:
    first = orders[0]
    t = Trade(
        pair="BTC/USDT",
        exchange="scripted",
        strategy="S",
        timeframe=5,
        open_rate=first.price or 0.0,
        open_date=NOW,
        amount=first.filled,
        stake_amount=first.filled * (first.price or 0.0),
        fee_open=fee,
        fee_close=fee,
        amount_precision=0.001,
        price_precision=0.01,
        orders=list(orders),
    )
    t.set_initial_stoploss(-0.1, NOW)
    return t


def test_two_entries_average_by_amount() -> None:
    t = trade(order(OrderSide.BUY, 1.0, 100.0), order(OrderSide.BUY, 3.0, 80.0))
    t.recalc_from_orders(NOW)
    # (1 x 100 + 3 x 80) / 4 = 340 / 4 = 85
    assert (t.amount, t.open_rate, t.stake_amount, t.max_stake_amount) == pytest.approx((4.0, 85.0, 340.0, 340.0))
    assert t.fee_open_cost == pytest.approx(0.34)
    assert t.stop_loss == pytest.approx(90.0)  # 10 % under 100 stays: 10 % under 85 (76.5) is lower


def test_an_exit_between_entries_realizes_profit_at_the_average_of_that_moment() -> None:
    t = trade(
        order(OrderSide.BUY, 2.0, 100.0),
        order(OrderSide.SELL, 1.0, 120.0),
        order(OrderSide.BUY, 1.0, 130.0),
    )
    t.recalc_from_orders(NOW)
    # exit: 1 x 120 x 0.999 - 1 x 100 x 1.001 = 119.88 - 100.1 = 19.78
    assert t.realized_profit == pytest.approx(19.78)
    # over all the entries cost: 200 x 1.001 + 130 x 1.001 = 330.33
    assert t.close_profit == pytest.approx(19.78 / 330.33)
    assert t.close_profit_abs == pytest.approx(19.78)
    # left: 1 at 100 (stake 100), then 1 at 130: 2 at 115, stake 230
    assert (t.amount, t.open_rate, t.stake_amount) == pytest.approx((2.0, 115.0, 230.0))
    assert t.max_stake_amount == pytest.approx(330.0)  # every entry counted: 200 + 130
    assert t.stop_loss == pytest.approx(103.5)  # 10 % under 115 is above the first 90
    assert t.nr_of_successful_entries == 2 and t.nr_of_successful_exits == 1


def test_open_orders_and_fees_in_the_coin_count_as_freqtrade_counts_them() -> None:
    first = order(OrderSide.BUY, 1.0, 100.0)
    first.ft_fee_base = 0.001  # the exchange kept 0.001 BTC
    resting = order(OrderSide.BUY, 1.0, 90.0, status=OrderStatus.OPEN)
    t = trade(first, order(OrderSide.BUY, 1.0, 80.0), resting)
    t.recalc_from_orders(NOW)
    # 0.999 at 100 + 1.0 at 80 = 179.9 for 1.999: 89.9949.. -> 89.99 on the price grid
    assert t.amount == pytest.approx(1.999)
    assert t.open_rate == pytest.approx(89.99)
    assert t.stake_amount == pytest.approx(179.9)
    assert t.nr_of_successful_entries == 2  # the resting order is not one yet
    assert [o.price for o in t.select_filled_orders("buy")] == [100.0, 80.0]


def test_the_amount_is_cut_to_the_market_step() -> None:
    t = trade(order(OrderSide.BUY, 1.0, 100.0), order(OrderSide.BUY, 0.0005, 100.0))
    t.recalc_from_orders(NOW)
    assert t.amount == pytest.approx(1.0)  # 1.0005 on a 0.001 step


def test_answers_are_a_stake_or_a_stake_and_a_tag() -> None:
    assert read_answer(None) == (None, None)
    assert read_answer(12.5) == (12.5, None)
    assert read_answer((-5, "half")) == (-5.0, "half")
    assert read_answer((None, "tag")) == (None, "tag")
    assert read_answer(float("nan")) == (None, None)


def test_a_positive_stake_is_an_entry_unless_paused_or_capped() -> None:
    t = trade(order(OrderSide.BUY, 1.0, 100.0))
    common = {"market": MARKET, "exit_rate": 100.0, "stoploss": -0.1}
    assert decide_adjustment(t, 20.0, "dca", max_entry_adjustments=-1, paused=False, **common) == AddEntry(20.0, "dca")
    assert decide_adjustment(t, 20.0, None, max_entry_adjustments=-1, paused=True, **common) is None
    assert decide_adjustment(t, 20.0, None, max_entry_adjustments=1, paused=False, **common) == AddEntry(20.0, None)
    assert decide_adjustment(t, 20.0, None, max_entry_adjustments=0, paused=False, **common) is None
    assert decide_adjustment(t, 0.0, None, max_entry_adjustments=-1, paused=False, **common) is None


def test_a_negative_stake_exits_at_the_trade_s_own_stake_per_coin() -> None:
    t = trade(order(OrderSide.BUY, 2.0, 100.0))  # stake 200 for 2 BTC
    common = {"market": MARKET, "exit_rate": 150.0, "stoploss": -0.1, "max_entry_adjustments": -1, "paused": False}
    # 50 of the stake -> 50 x 2 / 200 = 0.5 BTC, whatever the price now
    assert decide_adjustment(t, -50.0, "tp", **common) == PartialExit(0.5, "tp")
    assert decide_adjustment(t, -1000.0, None, **common) == PartialExit(2.0, None)  # never more than held
    assert decide_adjustment(t, -0.04, None, **common) is None  # 0.0004 BTC is 0 on the 0.001 step
    # 199 -> 1.99 BTC leaves 0.01 x 150 = 1.5 under 5 x 1.05 / 0.9 = 5.83
    assert decide_adjustment(t, -199.0, None, **common) is None


def test_the_minimum_stake_keeps_freqtrade_s_reserve() -> None:
    assert min_stake(MARKET, 100.0, 0.0) == pytest.approx(5.25)  # 5 x 1.05
    assert min_stake(MARKET, 100.0, -0.5) == pytest.approx(7.5)  # 1.05 / 0.5 = 2.1, capped at 1.5
    assert min_stake(Market("X/Y", "X", "Y"), 100.0, 0.0) is None


def test_a_repriced_order_is_kept_moved_or_cancelled() -> None:
    resting = order(OrderSide.BUY, 1.0, 90.0, status=OrderStatus.OPEN)
    assert decide_reprice(resting, 90.0) is None
    moved = decide_reprice(resting, 91.0)
    assert moved is not None and moved.price == 91.0
    cancelled = decide_reprice(resting, None)
    assert cancelled is not None and cancelled.price is None


def test_the_last_fill_date_is_the_newest_done_order_s() -> None:
    later = NOW.replace(hour=13)
    second = order(OrderSide.BUY, 1.0, 80.0)
    second.order_filled_date = later
    resting = order(OrderSide.BUY, 1.0, 70.0, status=OrderStatus.OPEN)
    resting.order_filled_date = NOW.replace(hour=14)  # not done: does not count
    assert trade(order(OrderSide.BUY, 1.0, 100.0)).date_last_filled_utc == NOW
    assert trade(order(OrderSide.BUY, 1.0, 100.0), second, resting).date_last_filled_utc == later
