"""freqtrade's stop-loss conversions for ``custom_stoploss``: results are relative to the current rate."""

from __future__ import annotations


def stoploss_from_open(
    open_relative_stop: float, current_profit: float, is_short: bool = False, leverage: float = 1.0
) -> float:
    """The stop, relative to the current rate, that sits ``open_relative_stop`` from the open rate (>= 0)."""
    profit = current_profit / leverage
    if (profit == -1 and not is_short) or (is_short and profit == 1):
        return 1.0  # the formula divides by zero there: ask for the widest stop
    if is_short:
        stop = -1 + (1 - open_relative_stop / leverage) / (1 - profit)
    else:
        stop = 1 - (1 + open_relative_stop / leverage) / (1 + profit)
    return max(stop * leverage, 0.0)


def stoploss_from_absolute(
    stop_rate: float, current_rate: float, is_short: bool = False, leverage: float = 1.0
) -> float:
    """The stop, relative to ``current_rate``, that triggers at the price ``stop_rate`` (>= 0)."""
    if current_rate == 0:
        return 1.0
    stop = 1 - stop_rate / current_rate
    if is_short:
        stop = -stop
    return max(stop, 0.0) * leverage
