"""When an open trade should exit: stoploss (fixed, trailing or the strategy's own), minimal ROI (or the
strategy's), exit signal or the strategy's custom exit.

Pure decisions over a trade, the current rate, the strategy's parameters and what its callbacks
answered; the loop asks the callbacks and acts on the decisions.
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
    use_custom_stoploss: bool
    use_custom_roi: bool
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


def trade_minutes(trade: Trade, now: datetime) -> int:
    """Whole minutes the trade has been open (what ROI tables and ``custom_roi`` are keyed by)."""
    return int((now - trade.open_date).total_seconds() // 60)


def stop_can_move(trade: Trade, current_rate: float) -> bool:
    """A stop only moves (and ``custom_stoploss`` is only asked) while the price is on its good side."""
    if trade.stop_loss is None:
        return True
    return current_rate < trade.stop_loss if trade.is_short else current_rate > trade.stop_loss


def asks_custom_stoploss(trade: Trade, rules: ExitRules, current_rate: float) -> bool:
    return rules.use_custom_stoploss and stop_can_move(trade, current_rate)


def asks_custom_roi(rules: ExitRules, *, entry_signal: bool) -> bool:
    return rules.use_custom_roi and not (rules.ignore_roi_if_entry_signal and entry_signal)


def asks_custom_exit(rules: ExitRules, *, exit_signal: bool, entry_signal: bool) -> bool:
    """``custom_exit`` is asked when exit signals are used and the candle gives none (as in freqtrade)."""
    return rules.use_exit_signal and not (exit_signal and not entry_signal)


def adjust_stoploss(
    trade: Trade,
    rules: ExitRules,
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


def update_trailing_stop(trade: Trade, rules: ExitRules, current_rate: float, now: datetime) -> bool:
    """Raise the stop along with the price when trailing is on. Returns True when the stop moved."""
    return adjust_stoploss(trade, rules, current_rate, now)


def _trail(trade: Trade, rules: ExitRules, current_rate: float, now: datetime, stop_value: float) -> bool:
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


def roi_reached(
    trade: Trade, rules: ExitRules, current_rate: float, now: datetime, *, custom_roi: float | None = None
) -> bool:
    """Profit above the ROI threshold for the trade's age: the lower of the table's and ``custom_roi``."""
    roi = rules.min_roi_at(trade_minutes(trade, now))
    if custom_roi is not None and (roi is None or custom_roi < roi):
        roi = custom_roi
    return roi is not None and trade.calc_profit_ratio(current_rate) > roi


def exit_candidates(
    trade: Trade,
    rules: ExitRules,
    current_rate: float,
    now: datetime,
    *,
    exit_signal: bool = False,
    exit_tag: str | None = None,
    entry_signal: bool = False,
    custom_exit: str | None = None,
    custom_roi: float | None = None,
) -> list[ExitDecision]:
    """Every reason this trade should exit now, in freqtrade's order: exit signal (or the strategy's
    custom exit), stoploss, ROI, trailing stoploss. The loop tries them in turn: when the strategy
    declines one (``confirm_trade_exit``), the next one is offered."""
    found: list[ExitDecision] = []
    profit = trade.calc_profit_ratio(current_rate)
    if rules.use_exit_signal:
        if exit_signal and not entry_signal:
            if not rules.exit_profit_only or profit > rules.exit_profit_offset:
                found.append(ExitDecision(exit_tag or ExitReason.EXIT_SIGNAL.value, exit_tag=exit_tag))
        elif custom_exit is not None:
            found.append(ExitDecision(custom_exit))
    hit = stoploss_hit(trade, current_rate)
    trailing = trade.is_stop_loss_trailing and trade.stop_loss != trade.initial_stop_loss
    if hit and not trailing:
        found.append(ExitDecision(ExitReason.STOP_LOSS.value, is_stoploss=True))
    if not (rules.ignore_roi_if_entry_signal and entry_signal) and roi_reached(
        trade, rules, current_rate, now, custom_roi=custom_roi
    ):
        found.append(ExitDecision(ExitReason.ROI.value))
    if hit and trailing:
        found.append(ExitDecision(ExitReason.TRAILING_STOP_LOSS.value, is_stoploss=True))
    return found


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
    """The first reason this trade should exit now (see ``exit_candidates``), or None."""
    found = exit_candidates(
        trade, rules, current_rate, now, exit_signal=exit_signal, exit_tag=exit_tag, entry_signal=entry_signal
    )
    return found[0] if found else None
