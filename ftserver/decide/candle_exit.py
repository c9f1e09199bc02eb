"""Exits decided over a whole candle, as a backtest sees it: the candle's open is the current rate,
its high and low are where the price went within it.

The rules are the live loop's (``decide.stoploss``, ``decide.roi``, ``decide.exit_checks``): the same
reasons in the same order (exit signal or ``custom_exit``, stoploss, ROI, trailing stoploss), the same
callbacks. What a candle adds, as freqtrade's backtesting does: the stop is moved from the candle's
best price (high for a long) and only while the candle stayed above it, ROI is judged at the best
price, a stop is hit when the low reaches it; and each exit has its fill rate inside the candle
(``close_rate``): the stop price (or the open after a gap through it), the ROI price (or the open when
a new ROI step starts above it), the open for signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ftserver.decide import strategy_answers
from ftserver.decide.exit_checks import ExitDecision, asks_custom_exit, asks_custom_roi
from ftserver.decide.roi import roi_threshold, trade_minutes
from ftserver.decide.stoploss import stop_is_trailing
from ftserver.models import ExitReason, Trade
from ftserver.strategy.base import Strategy


@dataclass(frozen=True, slots=True)
class Candle:
    """The candle a backtest acts on: its open time, prices, and the signals of the candle before it."""

    date: datetime
    open: float
    high: float
    low: float
    close: float
    entry_signal: bool = False
    exit_signal: bool = False
    exit_tag: str | None = None
    # The time the backtest's walk is at, when it is not the candle's own: a detail candle stands in
    # for a missing earlier one at the start of its data. Exits are dated and filled at this time
    # (freqtrade's), while they are judged at the candle's own.
    clock: datetime | None = None

    @property
    def exit_time(self) -> datetime:
        return self.clock or self.date


def move_stop_within(trade: Trade, strategy: Strategy, candle: Candle) -> None:
    """The stop after this candle's move: the strategy's ``custom_stoploss`` and trailing, asked at the
    candle's best price, only while the candle stayed on the stop's good side."""
    best = candle.low if trade.is_short else candle.high
    if trade.stop_loss is None:
        return
    holding = trade.stop_loss > candle.high if trade.is_short else trade.stop_loss < candle.low
    if not holding:
        return
    best_profit = trade.calc_profit_ratio(best)
    stop_value = strategy.stoploss
    if strategy.use_custom_stoploss:
        custom = strategy_answers.custom_stoploss(strategy, trade, candle.date, best, best_profit)
        if custom is not None:
            stop_value = custom
            trade.raise_stoploss(best, custom, candle.date)
    if strategy.trailing_stop:
        offset = strategy.trailing_stop_positive_offset
        if not (strategy.trailing_only_offset_is_reached and best_profit < offset):
            if strategy.trailing_stop_positive is not None and best_profit > offset:
                stop_value = strategy.trailing_stop_positive
            trade.raise_stoploss(best, stop_value, candle.date)


def candle_exits(trade: Trade, strategy: Strategy, candle: Candle) -> list[ExitDecision]:
    """Every reason to exit within ``candle``, in freqtrade's order (see ``decide.exit_checks``)."""
    rate = candle.open
    profit = trade.calc_profit_ratio(rate)
    best = candle.low if trade.is_short else candle.high
    best_profit = trade.calc_profit_ratio(best)
    trade.adjust_min_max_rates(candle.low, candle.high)
    move_stop_within(trade, strategy, candle)
    found: list[ExitDecision] = []
    if strategy.use_exit_signal:
        if candle.exit_signal and not candle.entry_signal:
            if not strategy.exit_profit_only or profit > strategy.exit_profit_offset:
                found.append(ExitDecision(ExitReason.EXIT_SIGNAL.value, exit_tag=candle.exit_tag))
        elif strategy_answers.defines(strategy, "custom_exit") and asks_custom_exit(
            strategy, exit_signal=candle.exit_signal, entry_signal=candle.entry_signal
        ):
            custom = strategy_answers.custom_exit(strategy, trade, candle.date, rate, profit)
            if custom is not None:
                found.append(ExitDecision(custom))
    stop = trade.stop_loss
    hit = stop is not None and (stop <= candle.high if trade.is_short else stop >= candle.low)
    trailing = stop_is_trailing(trade)
    if hit and not trailing:
        found.append(ExitDecision(ExitReason.STOP_LOSS.value, is_stoploss=True))
    if not (strategy.ignore_roi_if_entry_signal and candle.entry_signal):
        roi = roi_step(trade, strategy, candle.date)[1]
        if roi is not None and best_profit > roi:
            found.append(ExitDecision(ExitReason.ROI.value))
    if hit and trailing:
        found.append(ExitDecision(ExitReason.TRAILING_STOP_LOSS.value, is_stoploss=True))
    return found


def roi_step(trade: Trade, strategy: Strategy, now: datetime) -> tuple[int | None, float | None]:
    """(minutes of the ROI step in force, its threshold): the table's step, or the trade's age when
    the strategy's ``custom_roi`` answers lower."""
    minutes = trade_minutes(trade, now)
    custom = None
    if asks_custom_roi(strategy, entry_signal=False):
        custom = strategy_answers.custom_roi(strategy, trade, now, minutes)
    start, table = strategy.min_roi_step(minutes)
    table_step = None if start is None else int(start)
    threshold = roi_threshold(table, custom)
    if threshold is None:
        return None, None
    if custom is not None and threshold == custom and (table is None or custom < table):
        return minutes, custom
    return table_step, threshold


def roi_rate(trade: Trade, roi: float) -> float:
    """The rate at which closing the whole trade makes exactly ``roi`` after fees."""
    per_unit = trade.close_trade_value(1.0) - trade.close_trade_value(0.0)
    base = trade.close_trade_value(0.0)
    target = (1 - roi / trade.leverage) if trade.is_short else (1 + roi / trade.leverage)
    return (target * trade.open_trade_value - base) / per_unit


def close_rate(
    trade: Trade, strategy: Strategy, candle: Candle, decision: ExitDecision, timeframe_minutes: int
) -> float | None:
    """Where in ``candle`` the exit fills; None when it cannot (ROI on the opening candle of a trade
    entered above a falling candle's open, as freqtrade refuses it)."""
    minutes = trade_minutes(trade, candle.exit_time)
    stop = trade.stop_loss
    if decision.is_stoploss and stop is not None:
        if (stop < candle.low) if trade.is_short else (stop > candle.high):
            return candle.open  # the candle opened beyond the stop
        if decision.reason == ExitReason.TRAILING_STOP_LOSS.value and minutes == 0:
            side = -1 if trade.is_short else 1
            if (
                not strategy.use_custom_stoploss
                and strategy.trailing_stop
                and strategy.trailing_only_offset_is_reached
                and strategy.trailing_stop_positive_offset is not None
                and strategy.trailing_stop_positive
            ):
                worst = candle.open * (
                    1
                    + side * abs(strategy.trailing_stop_positive_offset)
                    - side * abs(strategy.trailing_stop_positive / trade.leverage)
                )
            else:
                worst = candle.open * (1 - side * abs((trade.stop_loss_pct or 0.0) / trade.leverage))
            return min(candle.high, worst) if trade.is_short else max(candle.low, worst)
        return stop
    if decision.reason == ExitReason.ROI.value:
        step, roi = roi_step(trade, strategy, candle.exit_time)
        if roi is None or step is None:
            return candle.open
        if roi == -1 and step % timeframe_minutes == 0:
            return candle.open
        rate = roi_rate(trade, roi)
        new_step_above = candle.open < rate if trade.is_short else candle.open > rate
        if minutes > 0 and minutes == step and step % timeframe_minutes == 0 and new_step_above:
            return candle.open
        if minutes == 0:
            falling = candle.open < candle.close if trade.is_short else candle.open > candle.close
            entered_inside = trade.open_rate > candle.open if trade.is_short else trade.open_rate < candle.open
            beyond_close = rate < candle.close if trade.is_short else rate > candle.close
            if falling and entered_inside and beyond_close:
                return None
        return min(max(rate, candle.low), candle.high)
    return candle.open
