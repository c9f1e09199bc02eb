"""``OrderIntent``: an order about to be placed, written down before it is sent to the exchange.

An intent is committed before ``place_order`` and deleted in the same transaction that books the
placed order into its trade. One still stored later means the process stopped (or the database
failed) between the exchange accepting an order and the bot recording it; the client order id it
carries lets the bot ask the exchange whether that order exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ftserver.models import OrderSide, OrderType
from ftserver.persistence.rows import RowMapping


@dataclass(slots=True)
class OrderIntent:
    client_order_id: str
    pair: str
    side: OrderSide
    order_type: OrderType
    amount: float
    price: float | None  # the limit price sent; None for a market order
    created: datetime
    trade_id: int | None = None  # the trade an exit belongs to; None for an entry
    tag: str | None = None  # enter tag of an entry, exit reason of an exit
    leverage: float = 1.0
    rate: float | None = None  # the rate the bot acted on (open_rate_requested / close_rate_requested)
    id: int | None = None

    @property
    def is_entry(self) -> bool:
        return self.trade_id is None


INTENTS = RowMapping(OrderIntent, "order_intents")
