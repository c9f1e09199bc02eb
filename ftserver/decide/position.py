"""Position adjustment decided: what a strategy's ``adjust_trade_position`` and ``adjust_order_price``
answers mean for a trade, under the market's rules. Pure functions; the trading loop places the orders.

The rules are freqtrade's: a positive stake is one more entry (not while paused, not past
``max_entry_position_adjustment``), a negative stake a partial exit of that stake's worth (at the
trade's own stake per coin, cut to the market's amount grid, never leaving less than the market's
minimum behind), and a repriced order is cancelled and placed again at the new price, or just
cancelled when the answer is empty.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ftserver.decide.market_limits import MarketLimits
from ftserver.exchange.order_rules import round_down
from ftserver.models import Order, Trade

log = logging.getLogger(__name__)

# freqtrade's default ``amount_reserve_percent``: room kept above the market minimum for fees and slippage.
AMOUNT_RESERVE = 0.05
REPLACE_REASON = "cancelled to be replaced by new limit order"
USER_CANCEL_REASON = "user requested order cancel"


def adjustment_enabled(configured: bool, strategy_enabled: bool) -> bool:
    """Position adjustment is on when the config or the strategy says so (freqtrade lets the config
    switch it on for the strategy)."""
    return bool(configured or strategy_enabled)


def max_entry_adjustments(configured: int, strategy_value: int) -> int:
    """How many entries may be added to a trade: the config's number, unless it is -1 (then the
    strategy's, where -1 means no limit)."""
    return configured if configured != -1 else int(strategy_value)


@dataclass(frozen=True, slots=True)
class AddEntry:
    stake: float
    tag: str | None


@dataclass(frozen=True, slots=True)
class PartialExit:
    amount: float
    tag: str | None


Adjustment = AddEntry | PartialExit


def read_answer(answer: Any) -> tuple[float | None, str | None]:
    """(stake, order tag) from what ``adjust_trade_position`` returned: a number, None, or a tuple."""
    tag = None
    if isinstance(answer, tuple):
        stake = answer[0] if answer else None
        tag = answer[1] if len(answer) > 1 and isinstance(answer[1], str) and answer[1] else None
    else:
        stake = answer
    if isinstance(stake, bool) or not isinstance(stake, int | float) or not math.isfinite(stake):
        return None, tag
    return float(stake), tag


def is_answer(answer: Any) -> bool:
    """Whether ``answer`` is something ``read_answer`` understands (else the callback's answer is logged)."""
    if answer is None or isinstance(answer, tuple):
        return True
    return isinstance(answer, int | float) and not isinstance(answer, bool)


def min_stake(market: MarketLimits, rate: float, stoploss: float) -> float | None:
    """The smallest stake the market takes at ``rate``, with freqtrade's reserve for a stoploss below it."""
    limits = [value for value in (market.min_cost, (market.min_amount or 0.0) * rate) if value]
    if not limits:
        return None
    reserve = 1.0 + AMOUNT_RESERVE
    reserve = reserve / (1 - abs(stoploss)) if abs(stoploss) != 1 else 1.5
    return max(limits) * max(min(reserve, 1.5), 1.0)


def decide_adjustment(
    trade: Trade,
    stake: float | None,
    tag: str | None,
    *,
    market: MarketLimits,
    exit_rate: float,
    stoploss: float,
    max_entry_adjustments: int,
    paused: bool,
) -> Adjustment | None:
    """What the strategy's stake answer asks of ``trade``, or None when nothing is to be done."""
    if stake is None or stake == 0.0:
        return None
    if stake > 0:
        if paused:
            log.debug("%s: position adjustment skipped, the bot is paused", trade.pair)
            return None
        if -1 < max_entry_adjustments < trade.nr_of_successful_entries:
            log.debug("%s: the maximum of %d added entries is reached", trade.pair, max_entry_adjustments)
            return None
        return AddEntry(stake, tag)
    if not trade.stake_amount or not trade.amount:
        return None
    wanted = min(abs(stake) * trade.amount / trade.stake_amount, trade.amount)
    amount = round_down(wanted, market.amount_precision)
    if amount <= 0.0:
        log.info(
            "%s: wanted to exit %s worth of stake, but the exit amount is 0 on the market's grid; not exiting",
            trade.pair,
            abs(stake),
        )
        return None
    remaining = (trade.amount - amount) * exit_rate
    smallest = min_stake(market, exit_rate, stoploss)
    if smallest and remaining > 1e-12 and remaining < smallest:
        log.info(
            "%s: a partial exit leaving %.8f %s would leave less than the minimum of %.8f; not exiting",
            trade.pair,
            remaining,
            market.quote,
            smallest,
        )
        return None
    return PartialExit(amount, tag)


@dataclass(frozen=True, slots=True)
class Reprice:
    """Cancel ``order``; place it again at ``price`` unless ``price`` is None."""

    price: float | None
    reason: str


def decide_reprice(order: Order, answer: float | None) -> Reprice | None:
    """What ``adjust_order_price``'s answer means for an open order: keep it (None), move it, or cancel it."""
    current = order.price or order.ft_price
    if not answer:
        return Reprice(None, USER_CANCEL_REASON)
    if answer == current:
        return None
    return Reprice(answer, REPLACE_REASON)


def candle_closed_since(order: Order, newest_candle_open: datetime | None, timeframe_seconds: int) -> bool:
    """Whether a candle closed after ``order`` was placed: orders are repriced once per new candle."""
    if newest_candle_open is None or order.order_date is None:
        return False
    return newest_candle_open + timedelta(seconds=timeframe_seconds) > order.order_date


def is_added_entry(trade: Trade, order: Order) -> bool:
    """Whether ``order`` adds to a position other entry orders already filled (its fill is averaged in)."""
    return any(
        o is not order and o.ft_order_side == trade.entry_side and not o.ft_is_open and o.filled > 0
        for o in trade.orders
    )


def is_price(answer: Any) -> bool:
    """An ``adjust_order_price`` answer the bot can act on: a finite number, or None (cancel)."""
    if answer is None:
        return True
    return isinstance(answer, int | float) and not isinstance(answer, bool) and math.isfinite(answer)
