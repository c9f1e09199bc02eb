"""The ``Order`` the bot keeps for an order a ``PaperBroker`` placed (what the broker reads back later)."""

from __future__ import annotations

from datetime import UTC, datetime

from ftserver.bot.orders import new_order
from ftserver.exchange.base import ExchangeOrder
from ftserver.models import Order


def as_order(placed: ExchangeOrder, trade_id: int = 1) -> Order:
    return new_order(trade_id, placed.side, placed, None, datetime.fromtimestamp(placed.timestamp / 1000, tz=UTC))
