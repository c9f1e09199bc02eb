"""When an open trade should exit, and in which order the reasons are offered: exit signal (or the
strategy's ``custom_exit``), stoploss, minimal ROI (or ``custom_roi``), trailing stoploss, with
``exit_profit_only`` / ``exit_profit_offset`` and ``ignore_roi_if_entry_signal`` as freqtrade applies them.

``check_exits`` is the whole check for one trade at one rate: it asks the strategy's callbacks in
freqtrade's order (``custom_stoploss``, ``custom_roi``, ``custom_exit``), moves the stop, and lists
the exits due. The caller offers them in turn (``confirm_trade_exit`` may decline one) and places
the order: the live loop on the market, the backtester on the candle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ftserver.decide import strategy_answers
from ftserver.decide.roi import RoiTable, roi_reached, trade_minutes
from ftserver.decide.stoploss import StopRules, adjust_stoploss, asks_custom_stoploss, stop_is_trailing, stoploss_hit
from ftserver.models import ExitReason, Trade
from ftserver.strategy.base import Strategy


class ExitRules(StopRules, RoiTable, Protocol):
    """The strategy parameters exits depend on (``Strategy`` satisfies this)."""

    use_custom_roi: bool
    use_exit_signal: bool
    exit_profit_only: bool
    exit_profit_offset: float
    ignore_roi_if_entry_signal: bool


@dataclass(frozen=True, slots=True)
class ExitDecision:
    reason: str
    is_stoploss: bool = False
    exit_tag: str | None = None


@dataclass(frozen=True, slots=True)
class ExitCheck:
    """What ``check_exits`` found: the exits due, best first, and whether the stop moved (to be saved)."""

    candidates: tuple[ExitDecision, ...]
    stop_moved: bool


def asks_custom_roi(rules: ExitRules, *, entry_signal: bool) -> bool:
    return rules.use_custom_roi and not (rules.ignore_roi_if_entry_signal and entry_signal)


def asks_custom_exit(rules: ExitRules, *, exit_signal: bool, entry_signal: bool) -> bool:
    """``custom_exit`` is asked when exit signals are used and the candle gives none (as in freqtrade)."""
    return rules.use_exit_signal and not (exit_signal and not entry_signal)


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
    custom exit), stoploss, ROI, trailing stoploss. The caller tries them in turn: when the strategy
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
    trailing = stop_is_trailing(trade)
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


def check_exits(
    trade: Trade,
    strategy: Strategy,
    current_rate: float,
    now: datetime,
    *,
    exit_signal: bool = False,
    exit_tag: str | None = None,
    entry_signal: bool = False,
) -> ExitCheck:
    """Ask the strategy (``custom_stoploss``, ``custom_roi``, ``custom_exit``, in freqtrade's order), move
    the stop, and list the exits due at ``current_rate``. The trade's max/min rates are the caller's
    to update first (the live loop from the rate, the backtester from the candle's high and low)."""
    profit = trade.calc_profit_ratio(current_rate)
    custom_stop = None
    if asks_custom_stoploss(trade, strategy, current_rate):
        custom_stop = strategy_answers.custom_stoploss(strategy, trade, now, current_rate, profit)
    moved = adjust_stoploss(trade, strategy, current_rate, now, custom_stoploss=custom_stop)
    custom_roi = None
    if asks_custom_roi(strategy, entry_signal=entry_signal):
        custom_roi = strategy_answers.custom_roi(strategy, trade, now, trade_minutes(trade, now))
    custom_exit = None
    if asks_custom_exit(strategy, exit_signal=exit_signal, entry_signal=entry_signal):
        custom_exit = strategy_answers.custom_exit(strategy, trade, now, current_rate, profit)
    candidates = exit_candidates(
        trade,
        strategy,
        current_rate,
        now,
        exit_signal=exit_signal,
        exit_tag=exit_tag,
        entry_signal=entry_signal,
        custom_exit=custom_exit,
        custom_roi=custom_roi,
    )
    return ExitCheck(tuple(candidates), moved)


def check_after_fill(trade: Trade, strategy: Strategy, current_rate: float | None, now: datetime) -> bool:
    """Right after a fill, a ``custom_stoploss`` that takes ``after_fill`` is asked again and may move the
    stop either way (freqtrade's rule). Returns True when the stop moved."""
    if not (trade.is_open and current_rate and strategy.use_custom_stoploss):
        return False
    if not strategy_answers.uses_after_fill(strategy) or not asks_custom_stoploss(trade, strategy, current_rate):
        return False
    profit = trade.calc_profit_ratio(current_rate)
    custom = strategy_answers.custom_stoploss(strategy, trade, now, current_rate, profit, after_fill=True)
    return adjust_stoploss(trade, strategy, current_rate, now, custom_stoploss=custom, after_fill=True)
