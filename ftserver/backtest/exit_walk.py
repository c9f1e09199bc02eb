"""Walking one open trade to its exit while judging only the candles that can matter.

When a strategy asks nothing per candle (``walks_by_trade``), a candle can end a trade only if its low
reaches the stop, its high reaches the price at which the trade makes the ROI table's threshold for
its age, or it carries an exit signal; and a trailing stop can only move on a candle whose high beats
every high since the entry (a lower high proposes a lower stop, and stops only rise). ``walk_to_exit``
skips every other candle with a few float comparisons and hands the rest to the simulation's exact
per-candle judge (``decide.candle_exit``). The screen is deliberately loose (a relative margin of
1e-9 on both prices), so a candle it passes over could not have exited: the trades are the per-candle
walk's, to the last bit; only the work between them is saved.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ftserver.backtest.analysis import PairSignals
from ftserver.decide import strategy_answers
from ftserver.decide.candle_exit import roi_rate
from ftserver.models import Trade
from ftserver.strategy.base import Strategy

# Callbacks that see each candle (or the clock) of an open trade: with any of them the simulation
# judges every candle, in time order across pairs.
PER_CANDLE_CALLBACKS = (
    "bot_loop_start",
    "custom_exit",
    "custom_roi",
    "custom_exit_price",
    "confirm_trade_exit",
    "order_filled",  # asked at each exit too, in time order
)
Closed = TypeVar("Closed")
_MARGIN = 1e-9
_MINUTE_MS = 60_000


def walks_by_trade(strategy: Strategy) -> bool:
    """Whether the trades of ``strategy`` may be walked one at a time (see the module's docstring)."""
    if strategy.use_custom_stoploss or getattr(strategy, "use_custom_roi", False):
        return False
    return not any(strategy_answers.defines(strategy, name) for name in PER_CANDLE_CALLBACKS)


@dataclass(slots=True)
class PairColumns:
    """One pair's candles as the walk reads them: plain lists for the screened prices (a Python loop
    reads them far faster than NumPy scalars), the rows with an exit signal, the rest as arrays."""

    signals: PairSignals
    dates: list[int]
    opens: list[float]
    highs: list[float]
    lows: list[float]
    closes: list[float]
    exit_rows: list[int]

    @classmethod
    def of(cls, signals: PairSignals, *, use_exit_signal: bool) -> PairColumns:
        exits = signals.exit_long if use_exit_signal else np.zeros(len(signals), dtype=bool)
        return cls(
            signals=signals,
            dates=signals.dates.tolist(),
            opens=signals.open.tolist(),
            highs=signals.high.tolist(),
            lows=signals.low.tolist(),
            closes=signals.close.tolist(),
            exit_rows=np.flatnonzero(exits).tolist(),
        )


def walk_to_exit(
    trade: Trade,
    columns: PairColumns,
    row: int,
    *,
    roi_steps: list[tuple[float, float]],
    trailing: bool,
    exit_at: Callable[[int], Closed | None],
) -> tuple[int, Closed] | None:
    """Judge the entry candle ``row`` and every later candle that may end ``trade`` or move its stop
    (``exit_at(row)``: the closed trade when it closed there); the row it closed on and what
    ``exit_at`` answered, or None when the data ends first. Candles passed over only widen the
    trade's lowest and highest rate."""
    dates, highs, lows, exit_rows = columns.dates, columns.highs, columns.lows, columns.exit_rows
    end = len(dates)
    opened = dates[row]
    # Each ROI step as (first row it applies to, the price that reaches its threshold): the table is
    # keyed by whole minutes of age, so a step of ``m`` minutes starts ceil(m) minutes after the entry.
    # Before the first step there is no ROI exit: a step with an unreachable price.
    steps = [(row, math.inf)] + [
        (bisect.bisect_left(dates, opened + math.ceil(minutes) * _MINUTE_MS, row), roi_rate(trade, threshold))
        for minutes, threshold in roi_steps
    ]
    while True:
        closed = exit_at(row)
        if closed is not None:
            return row, closed
        row += 1
        if row >= end:
            return None
        stop = trade.stop_loss
        low_limit = -math.inf if stop is None else stop + abs(stop) * _MARGIN
        high_limit = trade.max_rate if trailing and trade.max_rate is not None else math.inf
        found = bisect.bisect_left(exit_rows, row)
        signal_row = exit_rows[found] if found < len(exit_rows) else end
        start = row
        row = _first_candidate(highs, lows, start, signal_row, steps, low_limit, high_limit)
        if row >= end:
            _widen(trade, highs, lows, start, end)
            return None
        if row > start:
            _widen(trade, highs, lows, start, row)


def _first_candidate(
    highs: list[float],
    lows: list[float],
    start: int,
    stop_row: int,
    steps: list[tuple[int, float]],
    low_limit: float,
    high_limit: float,
) -> int:
    """The first row in [start, stop_row) whose low reaches ``low_limit`` or whose high reaches
    ``high_limit`` or the ROI price of its step; ``stop_row`` when none does."""
    row = start
    for index, (first, price) in enumerate(steps):
        until = min(steps[index + 1][0] if index + 1 < len(steps) else stop_row, stop_row)
        if until <= row:
            continue
        limit = min(high_limit, price - abs(price) * _MARGIN)
        for candidate in range(max(row, first), until):
            if lows[candidate] <= low_limit or highs[candidate] >= limit:
                return candidate
        row = until
    return stop_row


def _widen(trade: Trade, highs: list[float], lows: list[float], start: int, until: int) -> None:
    trade.adjust_min_max_rates(min(lows[start:until]), max(highs[start:until]))
