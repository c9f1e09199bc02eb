"""SampleStrategy: a fast/slow EMA cross filtered by RSI. Lively on 1-minute candles of the simulated market."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ftserver.strategy.base import Strategy
from ftserver.strategy.indicators import crossed_above, crossed_below, ema, rsi


class SampleStrategy(Strategy):
    timeframe = "5m"
    minimal_roi = {"0": 0.01, "10": 0.005, "30": 0.0}
    stoploss = -0.02
    startup_candle_count = 30
    plot_config = {
        "main_plot": {"ema_fast": {"color": "orange"}, "ema_slow": {"color": "blue"}},
        "subplots": {"RSI": {"rsi": {"color": "red"}}},
    }

    fast_period = 5
    slow_period = 20

    def version(self) -> str | None:
        return "1"

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["ema_fast"] = ema(dataframe["close"], self.fast_period)
        dataframe["ema_slow"] = ema(dataframe["close"], self.slow_period)
        dataframe["rsi"] = rsi(dataframe["close"], 14)
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        signal = crossed_above(dataframe["ema_fast"], dataframe["ema_slow"]) & (dataframe["rsi"] < 70)
        signal &= dataframe["volume"] > 0
        dataframe["enter_long"] = signal.astype("int64")
        dataframe["enter_tag"] = _tags(signal, "ema_cross_up")
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        signal = crossed_below(dataframe["ema_fast"], dataframe["ema_slow"]) & (dataframe["volume"] > 0)
        dataframe["exit_long"] = signal.astype("int64")
        dataframe["exit_tag"] = _tags(signal, "ema_cross_down")
        return dataframe


def _tags(signal: pd.Series, tag: str) -> pd.Series:
    """``tag`` where ``signal`` is set, None elsewhere, as an object column.

    (pandas 3 would infer an Arrow string column from the strings, which costs more to build and
    to read back than the whole rest of the analysis.)
    """
    values = np.full(len(signal), None, dtype=object)
    values[signal.to_numpy(dtype=bool)] = tag
    return pd.Series(values, index=signal.index, dtype=object)
