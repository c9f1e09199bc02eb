"""When an open order has waited too long: the configured ``unfilledtimeout`` (entry or exit, in
minutes or seconds), or else the strategy's ``check_entry_timeout`` / ``check_exit_timeout`` answer.

As in freqtrade, the strategy is only asked while the configured time has not passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from ftserver.decide import strategy_answers
from ftserver.models import Order, OrderSide, Trade
from ftserver.strategy.base import Strategy


class UnfilledTimeouts(Protocol):
    """``unfilledtimeout`` from the config (``UnfilledTimeoutSettings`` satisfies this)."""

    @property
    def entry(self) -> float: ...

    @property
    def exit(self) -> float: ...

    @property
    def unit(self) -> str: ...


def timeout_limit(order: Order, timeouts: UnfilledTimeouts) -> timedelta | None:
    """How long ``order`` may stay open (None: no configured limit, 0 or less switches it off)."""
    limit = timeouts.entry if order.ft_order_side is OrderSide.BUY else timeouts.exit
    if limit <= 0:
        return None
    return timedelta(seconds=limit * 60 if timeouts.unit == "minutes" else limit)


def unfilled_timeout_passed(order: Order, now: datetime, timeouts: UnfilledTimeouts) -> bool:
    """Whether the configured time for ``order`` (from when it was placed) has passed."""
    limit = timeout_limit(order, timeouts)
    return limit is not None and order.order_date is not None and now - order.order_date > limit


def order_timed_out(strategy: Strategy, trade: Trade, order: Order, now: datetime, timeouts: UnfilledTimeouts) -> bool:
    """The configured time passed, or else the strategy's ``check_*_timeout`` says the order has waited enough."""
    if unfilled_timeout_passed(order, now, timeouts):
        return True
    return strategy_answers.check_timeout(strategy, trade, order, now)
