"""Candles as DataFrames: ``date`` (UTC), ``open``, ``high``, ``low``, ``close``, ``volume``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ftserver.data.timeframes import timeframe_to_ms
from ftserver.errors import InvalidRequest

OHLCV_COLUMNS = ["date", "open", "high", "low", "close", "volume"]


def candles_to_frame(candles: Sequence[Sequence[float]]) -> pd.DataFrame:
    """Rows of [ms, o, h, l, c, v] -> a sorted frame without duplicate dates (the later row wins)."""
    try:
        values = np.asarray(candles, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidRequest(f"Candles must be rows of [timestamp_ms, open, high, low, close, volume]: {exc}") from exc
    if values.size == 0:
        values = values.reshape(0, 6)
    if values.ndim != 2 or values.shape[1] != 6:
        # A blind reshape would silently shift values between rows, so the shape is checked instead.
        raise InvalidRequest(
            f"Candles must be rows of 6 values [timestamp_ms, open, high, low, close, volume]; got shape {values.shape}"
        )
    stamps = values[:, 0].astype(np.int64)
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(stamps, unit="ms", utc=True),
            **{name: values[:, i] for i, name in enumerate(OHLCV_COLUMNS[1:], start=1)},
        }
    )
    if len(stamps) > 1 and not bool(np.all(np.diff(stamps) > 0)):
        # Exchanges answer in order; only sort and de-duplicate when this one did not.
        df = df.drop_duplicates("date", keep="last").sort_values("date", kind="stable").reset_index(drop=True)
    return df


def frame_to_candles(df: pd.DataFrame) -> list[list[float]]:
    """The inverse of ``candles_to_frame``: rows of [ms (int), o, h, l, c, v]."""
    dates = (pd.to_datetime(df["date"], utc=True) - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)
    values = df[OHLCV_COLUMNS[1:]].to_numpy(dtype="float64").tolist()
    return [[int(ts), *row] for ts, row in zip(dates.tolist(), values, strict=True)]


def merge_candles(old: pd.DataFrame | None, new: pd.DataFrame, max_rows: int | None) -> pd.DataFrame:
    """``old`` plus ``new``; where dates overlap the row from ``new`` wins; only the newest ``max_rows`` kept.

    ``new`` may overlap ``old`` anywhere (a re-fetched tail, or a gap filled in the middle): rows of
    ``old`` outside ``new``'s dates are kept.
    """
    if old is None or old.empty:
        merged = new
    elif new.empty:
        merged = old
    elif new["date"].iloc[0] > old["date"].iloc[-1]:
        merged = pd.concat([old, new], ignore_index=True)  # the usual case: only newer candles
    else:
        merged = pd.concat([old, new], ignore_index=True)
        merged = merged.drop_duplicates("date", keep="last").sort_values("date", kind="stable")
    if max_rows is not None and len(merged) > max_rows:
        merged = merged.iloc[len(merged) - max_rows :] if max_rows > 0 else merged.iloc[:0]
    return merged.reset_index(drop=True)


def drop_incomplete_candle(df: pd.DataFrame, timeframe: str, now_ms: int) -> pd.DataFrame:
    """Drop the last row if that candle has not closed yet at ``now_ms``."""
    if df.empty:
        return df
    last_open = int(df["date"].iloc[-1].timestamp() * 1000)
    if last_open + timeframe_to_ms(timeframe) > now_ms:
        return df.iloc[:-1]
    return df
