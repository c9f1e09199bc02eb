from __future__ import annotations

from ftserver.decide.cancels import EntryCancel, after_entry_cancel, exit_sold_part, reopen_after_exit_cancel
from ftserver.models import Order, OrderSide, OrderStatus, OrderType

from .trades import NOW, long_trade


def order(side: OrderSide, amount: float, filled: float, status: OrderStatus = OrderStatus.CANCELED) -> Order:
    return Order(
        ft_trade_id=1,
        ft_order_side=side,
        ft_pair="BTC/USDT",
        order_id=f"{side.value}-{filled}",
        order_type=OrderType.LIMIT,
        side=side,
        amount=amount,
        price=100.0,
        status=status,
        filled=filled,
        average=100.0 if filled else None,
        cost=filled * 100.0,
        order_date=NOW,
    )


def test_an_entry_that_bought_nothing_takes_its_trade_along() -> None:
    trade = long_trade()
    entry = order(OrderSide.BUY, 1.0, 0.0)
    trade.orders.append(entry)
    assert after_entry_cancel(trade, entry, replacing=False) is EntryCancel.DROP_TRADE
    assert after_entry_cancel(trade, entry, replacing=True) is EntryCancel.AWAIT_REPLACEMENT


def test_a_partly_filled_entry_is_booked() -> None:
    trade = long_trade()
    entry = order(OrderSide.BUY, 1.0, 0.4)
    trade.orders.append(entry)
    assert after_entry_cancel(trade, entry, replacing=False) is EntryCancel.BOOK_FILLED


def test_an_unfilled_added_entry_leaves_the_trade_holding_its_first_fill() -> None:
    trade = long_trade()
    trade.orders.append(order(OrderSide.BUY, 1.0, 1.0, OrderStatus.CLOSED))
    added = order(OrderSide.BUY, 1.0, 0.0)
    trade.orders.append(added)
    assert after_entry_cancel(trade, added, replacing=False) is EntryCancel.BOOK_FILLED


def test_a_cancelled_exit_reopens_the_trade_after_booking_what_it_sold() -> None:
    trade = long_trade()
    trade.exit_reason = "roi"
    assert exit_sold_part(order(OrderSide.SELL, 1.0, 0.3))
    assert not exit_sold_part(order(OrderSide.SELL, 1.0, 0.0))
    reopen_after_exit_cancel(trade)
    assert trade.exit_reason is None and trade.exit_order_status == "canceled"
