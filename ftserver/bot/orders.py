"""Mapping the exchange's view of an order (``ExchangeOrder``) onto our stored ``Order``."""

from __future__ import annotations

from datetime import UTC, datetime

from ftserver.exchange.base import ExchangeOrder
from ftserver.models import Order, OrderSide


def ms_to_datetime(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


def new_order(trade_id: int, ft_side: OrderSide, placed: ExchangeOrder, tag: str | None, now: datetime) -> Order:
    order = Order(
        ft_trade_id=trade_id,
        ft_order_side=ft_side,
        ft_pair=placed.symbol,
        order_id=placed.order_id,
        order_type=placed.order_type,
        side=placed.side,
        amount=placed.amount,
        price=placed.price,
        ft_amount=placed.amount,
        ft_price=placed.price or placed.average or 0.0,
        ft_order_tag=tag,
        order_date=ms_to_datetime(placed.timestamp) or now,
    )
    apply_update(order, placed, now)
    return order


def apply_update(order: Order, update: ExchangeOrder, now: datetime) -> bool:
    """Copy the exchange's state into ``order``. Returns True when anything changed."""
    before = (order.status, order.filled, order.average)
    order.status = update.status
    order.filled = update.filled
    order.remaining = update.remaining
    order.average = update.average
    order.cost = update.cost
    if update.price is not None:
        order.price = update.price
    if update.filled_timestamp is not None:
        order.order_filled_date = ms_to_datetime(update.filled_timestamp)
    if update.fee_cost is not None and update.fee_currency == update.symbol.split("/")[0]:
        order.ft_fee_base = update.fee_cost
    order.order_update_date = now
    return before != (order.status, order.filled, order.average)
