"""The rules every order must meet before it goes out: amounts and prices on the market's grid,
within the market's minimum and maximum amount and value. Shared by the paper broker and the live broker so
a dry-run refuses exactly what the exchange would."""

from __future__ import annotations

import math

from ftserver.errors import InvalidRequest
from ftserver.exchange.base import Market
from ftserver.models import OrderType


def round_down(value: float, tick: float | None) -> float:
    if not tick:
        return value
    return round(math.floor(round(value / tick, 9)) * tick, 12)


def round_nearest(value: float, tick: float | None) -> float:
    if not tick:
        return value
    return round(round(value / tick) * tick, 12)


def check_price(order_type: OrderType, price: float | None, pair: str) -> None:
    if order_type is OrderType.LIMIT and (price is None or not price > 0):
        raise InvalidRequest(f"A limit order needs a positive price, got {price} for {pair}")


def check_limits(market: Market, amount: float, reference_price: float) -> None:
    """Raise ``InvalidRequest`` when ``amount`` (already on the grid) at ``reference_price`` is outside
    the market's minimum or maximum amount or value."""
    if not math.isfinite(amount) or amount <= 0 or (market.min_amount and amount < market.min_amount):
        raise InvalidRequest(f"Order amount {amount} {market.base} is below the minimum for {market.symbol}")
    if market.max_amount and amount > market.max_amount:
        raise InvalidRequest(
            f"Order amount {amount} {market.base} is above the maximum of {market.max_amount} for {market.symbol}"
        )
    cost = amount * reference_price
    if market.min_cost and cost < market.min_cost:
        raise InvalidRequest(
            f"Order value {cost:.8f} {market.quote} is below the minimum of {market.min_cost} for {market.symbol}"
        )
    if market.max_cost and cost > market.max_cost:
        raise InvalidRequest(
            f"Order value {cost:.8f} {market.quote} is above the maximum of {market.max_cost} for {market.symbol}"
        )
