"""``freqtrade.exchange``: the timeframe helpers strategies import."""

from __future__ import annotations

from ftserver.compat.missing import missing_name
from ftserver.data.timeframes import (
    date_minus_candles,
    timeframe_to_minutes,
    timeframe_to_next_date,
    timeframe_to_prev_date,
    timeframe_to_resample_freq,
    timeframe_to_seconds,
)
from ftserver.data.timeframes import timeframe_to_ms as timeframe_to_msecs

__all__ = [
    "date_minus_candles",
    "timeframe_to_minutes",
    "timeframe_to_msecs",
    "timeframe_to_next_date",
    "timeframe_to_prev_date",
    "timeframe_to_resample_freq",
    "timeframe_to_seconds",
]


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
