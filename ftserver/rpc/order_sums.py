"""What a trade's orders add up to, as freqtrade 2026.9 counts them.

- Entry cost: the stake of every entry-side order that filled something (position increases
  included, whatever the order's status), at its average price (else its limit price, else the
  price it was requested at), divided by the trade's leverage. /performance, /entries, /exits and
  /profit's best pair divide a group's summed profit by its summed entry cost.
- Traded volume (/profit's ``trading_volume``): the ``cost`` of every order of the trade, entry or
  exit, that is closed and has a fill date; a cancelled order is left out even when it filled part
  of its amount.

A trade loaded without its orders counts for nothing in either sum, as in freqtrade.
"""

from __future__ import annotations

from collections.abc import Callable

from ftserver.models import OrderStatus, Trade

# How a statistic learns a trade's sums: from its loaded orders (below) or from sums kept for it.
EntryCost = Callable[[Trade], float | None]
TradedVolume = Callable[[Trade], float]


def entry_cost(trade: Trade) -> float | None:
    """Stake of the trade's filled entry orders; None when no entry order filled anything."""
    cost: float | None = None
    side = trade.entry_side
    leverage = trade.leverage or 1.0
    for order in trade.orders:
        if order.ft_order_side != side or order.filled <= 0:
            continue
        # First price that is known, in this order (0 counts as known, unlike Order.safe_price).
        price = next((p for p in (order.average, order.price, order.ft_price) if p is not None), 0.0)
        cost = (cost or 0.0) + order.filled * price / leverage
    return cost


def traded_volume(trade: Trade) -> float:
    """Summed cost of the trade's closed orders that have a fill date."""
    volume = 0.0
    for order in trade.orders:
        if order.status == OrderStatus.CLOSED and order.order_filled_date is not None:
            volume += order.cost
    return volume
