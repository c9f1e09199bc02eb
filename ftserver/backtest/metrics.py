"""freqtrade's backtest metrics over a frame of trade records (columns of ``records.TRADE_COLUMNS``).

Each function gives the number freqtrade's report gives for the same trades, including its
conventions for the degenerate cases (no trades, no losses, no spread), which are stated per function.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from ftserver.backtest.significance import t_test_p_value

# Ratios that cannot be computed (no spread, no drawdown) are reported as this, so a ranking by
# the ratio puts such runs last, as freqtrade does.
UNDEFINED_RATIO = -100.0


@dataclass(frozen=True, slots=True)
class Drawdown:
    """The largest fall of cumulative profit from an earlier peak.

    ``high_value``/``low_value`` are the cumulative profits at the peak and at the trough;
    ``relative`` is the fall as a share of the balance at the peak (starting balance + peak profit).
    """

    drawdown_abs: float
    high_date: pd.Timestamp
    low_date: pd.Timestamp
    high_value: float
    low_value: float
    relative: float


def max_drawdown(
    trades: pd.DataFrame,
    *,
    starting_balance: float,
    value_col: str = "profit_abs",
    date_col: str = "close_date",
    relative: bool = False,
) -> Drawdown | None:
    """The largest drawdown of the profits in ``value_col`` taken in ``date_col`` order; ``relative``
    picks the largest relative fall instead of the largest absolute one. None without trades.

    The series starts at zero profit before the first trade, so a run that only loses has its peak
    at the start (dated at the first trade) and one that only wins has no drawdown.
    """
    if len(trades) == 0:
        return None
    ordered = trades.sort_values(date_col).reset_index(drop=True)
    dates = ordered[date_col]
    cumulative = np.concatenate(([0.0], ordered[value_col].cumsum().to_numpy(dtype="float64")))
    peak = np.concatenate(([0.0], np.maximum(0, ordered[value_col].cumsum().cummax().to_numpy(dtype="float64"))))
    fall = cumulative - peak
    if starting_balance:
        fall_relative = ((starting_balance + peak) - (starting_balance + cumulative)) / (starting_balance + peak)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            fall_relative = (peak - cumulative) / peak
        fall_relative[0] = 0.0
    # The first trough wins a tie, and the first peak before it.
    low = int(np.nanargmax(fall_relative)) if relative else int(np.argmin(fall))
    high = int(np.argmax(peak[: low + 1]))
    return Drawdown(
        drawdown_abs=abs(float(fall[low])),
        high_date=dates.iloc[max(high - 1, 0)],
        low_date=dates.iloc[max(low - 1, 0)],
        high_value=float(cumulative[high]),
        low_value=float(cumulative[low]),
        relative=float(fall_relative[low]),
    )


def balance_range(trades: pd.DataFrame, starting_balance: float) -> tuple[float, float]:
    """The lowest and highest balance reached after each trade, in the trades' order."""
    running = trades["profit_abs"].cumsum()
    return float(running.min() + starting_balance), float(running.max() + starting_balance)


def cagr(days: int, starting_balance: float, final_balance: float) -> float:
    """Compound annual growth rate; 0 for a negative final balance, no start or no days, or a growth
    too large for a float."""
    if final_balance < 0 or starting_balance <= 0 or days <= 0:
        return 0
    try:
        return float((final_balance / starting_balance) ** (1 / (days / 365)) - 1)
    except OverflowError:
        return 0


def expectancy(trades: pd.DataFrame) -> tuple[float, float]:
    """(Expectancy, expectancy ratio): the expected profit per trade, and
    (1 + average win / average loss) * win rate - 1. Without losses the ratio is 100."""
    if len(trades) == 0:
        return 0.0, 100.0
    profits = trades["profit_abs"]
    won = profits[profits > 0]
    lost = profits[profits < 0]
    average_win = won.sum() / len(won) if len(won) else 0
    average_loss = abs(lost.sum()) / len(lost) if len(lost) else 0
    win_rate = len(won) / len(trades)
    loss_rate = len(lost) / len(trades)
    value = win_rate * average_win - loss_rate * average_loss
    ratio = ((1 + average_win / average_loss) * win_rate) - 1 if average_loss > 0 else 100.0
    return value, ratio


def profit_factor(trades: pd.DataFrame) -> float:
    """Gross profit over gross loss; 0 without losses."""
    profits = trades["profit_abs"]
    won = profits[profits > 0].sum()
    lost = profits[profits < 0].sum()
    return float(won / abs(lost)) if lost else 0.0


def annualized_ratio(mean: float, spread: float) -> float:
    """A mean daily return over a spread, scaled to a year; UNDEFINED_RATIO without spread."""
    if spread != 0 and not np.isnan(spread):
        return float(mean / spread * np.sqrt(365))
    return UNDEFINED_RATIO


def _undefined_period(trades: pd.DataFrame, start: datetime | None, end: datetime | None) -> bool:
    return len(trades) == 0 or start is None or end is None or start == end


def _mean_daily_return(trades: pd.DataFrame, start: datetime, end: datetime, starting_balance: float) -> float:
    days = max(1, (end - start).days)
    return float((trades["profit_abs"] / starting_balance).sum() / days)


def sharpe(trades: pd.DataFrame, start: datetime | None, end: datetime | None, starting_balance: float) -> float:
    """Annualised mean daily return over the spread of per-trade returns (population spread)."""
    if _undefined_period(trades, start, end):
        return 0
    assert start is not None and end is not None
    spread = float(np.std(trades["profit_abs"] / starting_balance))
    return annualized_ratio(_mean_daily_return(trades, start, end, starting_balance), spread)


def sortino(trades: pd.DataFrame, start: datetime | None, end: datetime | None, starting_balance: float) -> float:
    """As ``sharpe``, over the spread of the losing trades' returns only."""
    if _undefined_period(trades, start, end):
        return 0
    assert start is not None and end is not None
    losses = trades.loc[trades["profit_abs"] < 0, "profit_abs"] / starting_balance
    spread = float(np.std(losses)) if len(losses) else float("nan")
    return annualized_ratio(_mean_daily_return(trades, start, end, starting_balance), spread)


def calmar(trades: pd.DataFrame, start: datetime | None, end: datetime | None, starting_balance: float) -> float:
    """Annualised mean daily return (in percent) over the largest relative drawdown."""
    if _undefined_period(trades, start, end):
        return 0.0
    assert start is not None and end is not None
    days = max(1, (end - start).days)
    mean = trades["profit_abs"].sum() / starting_balance / days * 100
    drawdown = max_drawdown(trades, starting_balance=starting_balance)
    if drawdown is None:
        return 0.0
    return annualized_ratio(mean, drawdown.relative)


def sqn(trades: pd.DataFrame, starting_balance: float) -> float:
    """Van Tharp's system quality number, rounded to 4 decimals: sqrt(n) * mean / spread of the
    per-trade returns (sample spread)."""
    if len(trades) == 0:
        return 0.0
    returns = trades["profit_abs"] / starting_balance
    spread = returns.std()
    if spread != 0 and not np.isnan(spread):
        return round(math.sqrt(len(trades)) * (returns.mean() / spread), 4)
    return round(UNDEFINED_RATIO, 4)


def p_value(trades: pd.DataFrame, starting_balance: float) -> float:
    """Two-sided p-value that the mean per-trade return is zero; 1.0 with fewer than two trades or
    no spread."""
    if len(trades) < 2:
        return 1.0
    returns = trades["profit_abs"] / starting_balance
    if returns.std() == 0:
        return 1.0
    return t_test_p_value(returns.tolist())


def market_change(frames: Mapping[str, pd.DataFrame], start: datetime | None = None, column: str = "close") -> float:
    """The mean over pairs of (last - first) / first of ``column`` from ``start`` on (pairs without
    candles then are left out; 0.0 if none has any)."""
    changes = []
    for frame in frames.values():
        candles = frame if start is None else frame[frame["date"] >= start]
        values = candles[column].dropna()
        if len(values) == 0:
            continue
        first, last = values.iloc[0], values.iloc[-1]
        changes.append((last - first) / first)
    return float(np.mean(changes)) if changes else 0.0


def market_change_frame(
    frames: Mapping[str, pd.DataFrame], start: datetime, end: datetime, column: str = "close"
) -> pd.DataFrame:
    """Per candle date in [start, end): the mean of ``column`` over pairs, the cumulative mean of
    their relative changes (``rel_mean``) and how many pairs had a candle (``count``); the
    market-change chart of a stored result."""
    combined = pd.concat(
        [frame.set_index("date")[column].rename(pair) for pair, frame in frames.items()],
        axis=1,
    )
    combined = combined.iloc[(combined.index >= start) & (combined.index < end)]
    return pd.DataFrame(
        {
            "mean": combined.mean(axis=1),
            "rel_mean": combined.pct_change().mean(axis=1).fillna(0).cumsum(),
            "count": combined.count(axis=1),
        }
    )
