"""Candle files written with the project's own ``CandleStore``, as ``ftserver download-data`` writes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from ftserver.data.frames import candles_to_frame
from ftserver.data.history import CandleStore, DataFormat
from ftserver.data.timeframes import timeframe_to_ms


def write_candles(
    datadir: Path,
    pair: str,
    timeframe: str,
    start: datetime,
    closes: Sequence[float],
    *,
    data_format: DataFormat = "feather",
) -> pd.DataFrame:
    """One candle per close, opening every ``timeframe`` from ``start``; returns the frame stored.

    Each candle opens at the previous close, its wicks reach 0.1 % beyond its body and its volume
    is 10 plus its index, so every value of a file is distinct and aggregates are easy to check.
    """
    step = timeframe_to_ms(timeframe)
    first = int(start.timestamp() * 1000)
    rows = []
    previous = closes[0]
    for i, close in enumerate(closes):
        high, low = max(previous, close) * 1.001, min(previous, close) * 0.999
        rows.append([first + i * step, previous, high, low, close, 10.0 + i])
        previous = close
    frame = candles_to_frame(rows)
    CandleStore(datadir, data_format).append(pair, timeframe, frame)
    return frame
