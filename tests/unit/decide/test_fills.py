"""Fills booked on a trade, with 0.1 % fees on both sides; every number worked out by hand."""

from __future__ import annotations

import pytest

from ftserver.decide.fills import book_entry_fill, book_exit_fill
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, Trade

from .trades import NOW


def filled(side: OrderSide, amount: float, price: float) -> Order:
    return Order(
        ft_trade_id=1,
        ft_order_side=side,
        ft_pair="BTC/USDT",
        order_id=f"{side.value}-{amount}-{price}",
        order_type=OrderType.MARKET,
        side=side,
        amount=amount,
        price=price,
        status=OrderStatus.CLOSED,
        filled=amount,
        average=price,
        cost=amount * price,
        order_date=NOW,
    )


def opened(amount: float) -> Trade:
    trade = Trade(
        pair="BTC/USDT",
        exchange="sim",
        strategy="S",
        timeframe=5,
        open_rate=101.0,  # the requested rate: the fill at 100 replaces it
        open_date=NOW,
        amount=amount,
        stake_amount=amount * 101.0,
        fee_open=0.001,
        fee_close=0.001,
    )
    book_entry_fill(trade, filled(OrderSide.BUY, amount, 100.0), -0.1, NOW)
    return trade


def test_entry_fill_sets_rate_stake_fee_and_stop() -> None:
    trade = opened(2.0)
    assert trade.open_rate == 100.0
    assert trade.stake_amount == pytest.approx(200.0)
    assert trade.fee_open_cost == pytest.approx(0.2)  # 200 x 0.1 %
    assert trade.stop_loss == pytest.approx(90.0)


def test_whole_exit_closes_with_freqtrade_profit() -> None:
    trade = opened(1.0)
    profit = book_exit_fill(trade, filled(OrderSide.SELL, 1.0, 110.0), NOW)
    # Sold for 110 - 0.11 = 109.89; bought for 100 + 0.10 = 100.10.
    assert profit == pytest.approx(9.79)
    assert not trade.is_open
    assert trade.close_rate == 110.0 and trade.close_date == NOW
    assert trade.close_profit == pytest.approx(9.79 / 100.1)
    assert trade.close_profit_abs == pytest.approx(9.79)


def test_partial_exit_keeps_the_rest_open_then_closes_on_the_whole_stake() -> None:
    trade = opened(2.0)
    first = book_exit_fill(trade, filled(OrderSide.SELL, 1.0, 110.0), NOW)
    assert first == pytest.approx(9.79)
    assert trade.is_open and trade.amount == pytest.approx(1.0) and trade.stake_amount == pytest.approx(100.0)
    second = book_exit_fill(trade, filled(OrderSide.SELL, 1.0, 90.0), NOW)
    # 90 - 0.09 = 89.91 against 100.10: -10.19. Together -0.40, over the 200.20 the two coins cost.
    assert second == pytest.approx(-10.19)
    assert not trade.is_open
    assert trade.close_profit_abs == pytest.approx(-0.4)
    assert trade.close_profit == pytest.approx(-0.4 / 200.2)
