"""An analyzed DataFrame in the shape of freqtrade's ``pair_candles`` / ``pair_history`` answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import orjson
import pandas as pd

from ftserver.data.timeframes import timeframe_to_ms
from ftserver.rpc.shapes.candles import PairCandles

OHLCV = ["date", "open", "high", "low", "close", "volume"]
SIGNALS = ["enter_long", "exit_long", "enter_short", "exit_short"]
EPOCH = pd.Timestamp(0, tz="UTC")


def select_columns(df: pd.DataFrame, columns: Sequence[str] | None) -> pd.DataFrame:
    """Keep candles, signals and the requested columns (unknown names are ignored, as freqtrade does)."""
    if not columns:
        return df
    wanted = [*OHLCV, *SIGNALS, "enter_tag", "exit_tag", *columns]
    keep = [c for c in dict.fromkeys(wanted) if c in df.columns]
    return df[keep]


def _signal_count(df: pd.DataFrame, column: str) -> int:
    return int((df[column] == 1).sum()) if column in df.columns else 0


def analyzed_view(
    *,
    strategy: str,
    pair: str,
    timeframe: str,
    df: pd.DataFrame,
    last_analyzed: datetime,
    columns: Sequence[str] | None = None,
) -> PairCandles:
    all_columns = [str(c) for c in df.columns]
    frame = select_columns(df, columns).copy()
    dates = pd.to_datetime(frame["date"], utc=True)
    frame["__date_ts"] = (dates - EPOCH) // pd.Timedelta(milliseconds=1)
    for signal in SIGNALS:
        if signal in frame.columns:
            frame[f"_{signal}_signal_close"] = frame["close"].where(frame[signal] == 1)
    frame["date"] = dates.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    # Other date columns (an informative pair's date_1h) in the same text; a missing one is null.
    for column in frame.select_dtypes(include=["datetime", "datetimetz"]).columns:
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    # pandas' C encoder writes the rows straight to JSON (NaN -> null); orjson embeds that text as
    # is. Building Python lists first would cost ~2 million objects for a year of 5m candles.
    values = orjson.Fragment(frame.to_json(orient="values", double_precision=15))
    length = len(frame)
    start = dates.iloc[0] if length else None
    stop = dates.iloc[-1] if length else None
    return PairCandles(
        strategy=strategy,
        pair=pair,
        timeframe=timeframe,
        timeframe_ms=timeframe_to_ms(timeframe),
        columns=[str(c) for c in frame.columns],
        all_columns=all_columns,
        data=values,
        annotations=[],
        length=length,
        buy_signals=_signal_count(df, "enter_long"),
        sell_signals=_signal_count(df, "exit_long"),
        enter_long_signals=_signal_count(df, "enter_long"),
        exit_long_signals=_signal_count(df, "exit_long"),
        enter_short_signals=_signal_count(df, "enter_short"),
        exit_short_signals=_signal_count(df, "exit_short"),
        last_analyzed=last_analyzed.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        last_analyzed_ts=int(last_analyzed.timestamp()),
        data_start_ts=int(start.timestamp() * 1000) if start is not None else 0,
        data_start=str(start) if start is not None else "",
        data_stop=str(stop) if stop is not None else "",
        data_stop_ts=int(stop.timestamp() * 1000) if stop is not None else 0,
    )
