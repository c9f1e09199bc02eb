"""The browser tests' strategy: SampleStrategy's indicators and entry signals, plus an entry for
BTC/USDT on the newest candles, so the bot opens a trade on its first iteration. BTC/USDT and
ETH/USDT never exit on a signal, so the trades a test opens there stay open until it closes them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ftserver.strategy.builtin.sample_strategy import SampleStrategy


class UiQuickStrategy(SampleStrategy):
    minimal_roi = {"0": 10.0}
    stoploss = -0.5

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe = super().populate_indicators(dataframe, metadata)
        # Two columns outside plot_config, for the chart's indicator picker: one on the price's
        # scale, one (a percentage) that needs its own pane.
        dataframe["sma_30"] = dataframe["close"].rolling(30).mean()
        dataframe["range_pct"] = (dataframe["high"] - dataframe["low"]) / dataframe["close"] * 100
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe = super().populate_entry_trend(dataframe, metadata)
        if metadata["pair"] == "BTC/USDT":
            dataframe.loc[dataframe.index[-3:], "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe = super().populate_exit_trend(dataframe, metadata)
        if metadata["pair"] in {"BTC/USDT", "ETH/USDT"}:
            dataframe["exit_long"] = 0
        return dataframe
