"""When an open trade should exit: stoploss (fixed or trailing), minimal ROI, exit signal.

Pure decisions over a trade, the current rate and the strategy's parameters; the loop acts on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ftserver.models import ExitReason, Trade


class ExitRules(Protocol):
    """The strategy parameters exits depend on (``Strategy`` satisfies this)."""

    stoploss: float
    trailing_stop: bool
    trailing_stop_positive: float | None
    trailing_stop_positive_offset: float
    trailing_only_offset_is_reached: bool
    use_exit_signal: bool
    exit_profit_only: bool
    exit_profit_offset: float
    ignore_roi_if_entry_signal: bool

    def min_roi_at(self, minutes: float) -> float | None: ...


@dataclass(frozen=True, slots=True)
class ExitDecision:
    reason: str
    is_stoploss: bool = False
    exit_tag: str | None = None


def update_trailing_stop(trade: Trade, rules: ExitRules, current_rate: float, now: datetime) -> bool:
    """Raise the stop along with the price when trailing is on. Returns True when the stop moved."""
    if not rules.trailing_stop:
        return False
    profit = trade.calc_profit_ratio(current_rate)
    offset = rules.trailing_stop_positive_offset
    if rules.trailing_only_offset_is_reached and profit < offset:
        return False
    stop_value = rules.stoploss
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


def decide_exit(
    trade: Trade,
    rules: ExitRules,
    current_rate: float,
    now: datetime,
    *,
    exit_signal: bool = False,
    exit_tag: str | None = None,
    entry_signal: bool = False,
) -> ExitDecision | None:
    """The reason this trade should exit now, or None. Stoploss wins over ROI, ROI over the exit signal."""
    if stoploss_hit(trade, current_rate):
        trailing = trade.is_stop_loss_trailing and trade.stop_loss != trade.initial_stop_loss
        reason = ExitReason.TRAILING_STOP_LOSS if trailing else ExitReason.STOP_LOSS
        return ExitDecision(reason.value, is_stoploss=True)

    profit = trade.calc_profit_ratio(current_rate)
    if not (rules.ignore_roi_if_entry_signal and entry_signal):
        minutes = (now - trade.open_date).total_seconds() / 60
        roi = rules.min_roi_at(minutes)
        if roi is not None and profit > roi:
            return ExitDecision(ExitReason.ROI.value)

    profit_ok = not rules.exit_profit_only or profit > rules.exit_profit_offset
    if rules.use_exit_signal and exit_signal and not entry_signal and profit_ok:
        return ExitDecision(exit_tag or ExitReason.EXIT_SIGNAL.value, exit_tag=exit_tag)
    return None
