"""Whether an entry signal may open a trade, and what the new trade may look like once the strategy's
callbacks have answered: pure rules, no I/O.

A signal opens nothing while ``max_open_trades`` trades are open, while its pair already has an open
trade or is locked, or when its candle closed too long ago (``ignore_buying_expired_candle_after``).

The strategy may move the entry or exit price (``custom_entry_price`` / ``custom_exit_price``), only
so far from the proposed rate; it may pick the stake (``custom_stake_amount``), only within the
market's limits and the money available; and a signal from a candle that closed too long ago
(``ignore_buying_expired_candle_after``) opens nothing. The numbers follow freqtrade's.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import datetime, timedelta

from ftserver.decide.market_limits import MarketLimits


def valid_custom_price(answer: float | None, proposed: float, max_distance_ratio: float) -> float:
    """The strategy's price, held within ``max_distance_ratio`` of ``proposed`` (no usable answer: ``proposed``)."""
    price = answer if answer and math.isfinite(answer) else proposed
    low = proposed - proposed * max_distance_ratio
    high = proposed + proposed * max_distance_ratio
    return max(min(price, high), low)


def min_stake(market: MarketLimits, rate: float, stoploss: float, leverage: float, reserve: float) -> float | None:
    """The smallest stake that still meets the market's minimum amount and value, with room for the
    fee and a stoploss exit (``reserve``, e.g. 0.05 for 5 %); None when the market sets no minimum."""
    margin = 1.0 + reserve
    stop_reserve = margin / (1 - abs(stoploss)) if abs(stoploss) != 1 else 1.5
    stop_reserve = max(min(stop_reserve, 1.5), 1.0)  # never more than half again
    limits = []
    if market.min_cost:
        limits.append(market.min_cost * stop_reserve)
    if market.min_amount:
        limits.append(market.min_amount * rate * margin)
    return max(limits) / leverage if limits else None


def max_stake(market: MarketLimits, rate: float, leverage: float) -> float:
    """The largest stake the market's maximum amount and value allow (infinite without limits)."""
    limits = []
    if market.max_cost:
        limits.append(market.max_cost)
    if market.max_amount:
        limits.append(market.max_amount * rate)
    return min(limits) / leverage if limits else math.inf


def unlimited_stake(available: float, tied: float, max_open_trades: int) -> float:
    """An "unlimited" stake, freqtrade's rule: an equal share per slot of the tradable balance (what is
    still available plus what open trades hold), never more than is available; 0 with no slots at all."""
    if max_open_trades == 0:
        return 0.0
    slots = max_open_trades if max_open_trades > 0 else 1
    return max(min((available + tied) / slots, available), 0.0)


def clamp_stake(stake: float | None, lowest: float | None, highest: float) -> float:
    """The stake to open with, or 0 for no trade: none, zero or negative opens nothing; below the
    minimum it is raised to it unless that is more than 30 % up; above ``highest`` it is lowered."""
    if stake is None or not stake > 0 or (lowest is not None and lowest > highest):
        return 0.0
    if lowest is not None and stake < lowest:
        if stake * 1.3 < lowest:
            return 0.0
        stake = lowest
    return min(stake, highest)


def entry_expired(candle_date: datetime, now: datetime, timeframe_seconds: int, ignore_after: int) -> bool:
    """Whether an entry signal of the candle opened at ``candle_date`` is too old to act on."""
    if not ignore_after:
        return False
    since_close = now - (candle_date + timedelta(seconds=timeframe_seconds))
    return since_close.total_seconds() > ignore_after


def slots_full(open_trades: int, max_open_trades: int) -> bool:
    """No free slot for another trade (a negative ``max_open_trades`` means no limit)."""
    return 0 <= max_open_trades <= open_trades


OPEN_ON_PAIR = "a trade on the pair is open"
PAIR_LOCKED = "the pair is locked"
SIGNAL_EXPIRED = "its entry signal is older than ignore_buying_expired_candle_after"


def entry_refusal(pair: str, *, open_pairs: Collection[str], locked: bool, expired: bool) -> str | None:
    """Why an entry signal on ``pair`` opens nothing (None: it may open, slots permitting), checked in
    the live loop's order: an open trade on the pair, a lock, an expired candle."""
    if pair in open_pairs:
        return OPEN_ON_PAIR
    if locked:
        return PAIR_LOCKED
    if expired:
        return SIGNAL_EXPIRED
    return None
