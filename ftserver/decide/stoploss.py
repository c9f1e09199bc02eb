"""Where a trade's stop sits and when it is hit: the fixed stoploss, the strategy's ``custom_stoploss``
answer, and trailing (with ``trailing_stop_positive``, its offset and ``trailing_only_offset_is_reached``).

The stop only moves in the trade's favour (up for a long), except right after a fill, when a
``custom_stoploss`` that takes ``after_fill`` may move it either way. Stoploss orders on the exchange
are the live loop's business, not decided here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ftserver.models import Trade


class StopRules(Protocol):
    """The strategy parameters the stop depends on (``Strategy`` satisfies this)."""

    stoploss: float
    trailing_stop: bool
    trailing_stop_positive: float | None
    trailing_stop_positive_offset: float
    trailing_only_offset_is_reached: bool
    use_custom_stoploss: bool


def stop_can_move(trade: Trade, current_rate: float) -> bool:
    """A stop only moves (and ``custom_stoploss`` is only asked) while the price is on its good side."""
    if trade.stop_loss is None:
        return True
    return current_rate < trade.stop_loss if trade.is_short else current_rate > trade.stop_loss


def asks_custom_stoploss(trade: Trade, rules: StopRules, current_rate: float) -> bool:
    return rules.use_custom_stoploss and stop_can_move(trade, current_rate)


def adjust_stoploss(
    trade: Trade,
    rules: StopRules,
    current_rate: float,
    now: datetime,
    *,
    custom_stoploss: float | None = None,
    after_fill: bool = False,
) -> bool:
    """Move the stop: to the strategy's ``custom_stoploss`` answer (a ratio below ``current_rate``),
    then along with the price when trailing. Only upwards for a long, except right after a fill
    (``after_fill``), where the custom stop may also move down. Returns True when the stop moved."""
    if not stop_can_move(trade, current_rate):
        return False
    stop_value = rules.stoploss
    moved = False
    if custom_stoploss is not None:
        stop_value = custom_stoploss
        moved = trade.raise_stoploss(current_rate, custom_stoploss, now, either_way=after_fill)
    if rules.trailing_stop:
        moved = _trail(trade, rules, current_rate, now, stop_value) or moved
    return moved


def update_trailing_stop(trade: Trade, rules: StopRules, current_rate: float, now: datetime) -> bool:
    """Raise the stop along with the price when trailing is on. Returns True when the stop moved."""
    return adjust_stoploss(trade, rules, current_rate, now)


def _trail(trade: Trade, rules: StopRules, current_rate: float, now: datetime, stop_value: float) -> bool:
    profit = trade.calc_profit_ratio(current_rate)
    offset = rules.trailing_stop_positive_offset
    if rules.trailing_only_offset_is_reached and profit < offset:
        return False
    if rules.trailing_stop_positive is not None and profit > offset:
        stop_value = -abs(rules.trailing_stop_positive)
    reference = (
        max(current_rate, trade.max_rate or current_rate)
        if not trade.is_short
        else min(current_rate, trade.min_rate or current_rate)
    )
    return trade.raise_stoploss(reference, stop_value, now)


def stoploss_hit(trade: Trade, current_rate: float) -> bool:
    if trade.stop_loss is None:
        return False
    return current_rate >= trade.stop_loss if trade.is_short else current_rate <= trade.stop_loss


def stop_is_trailing(trade: Trade) -> bool:
    """Whether the stop has moved away from where it started (a hit is then a trailing stoploss exit)."""
    return trade.is_stop_loss_trailing and trade.stop_loss != trade.initial_stop_loss
