"""Strategies for bot tests: their signals are switched on and off by the test."""

from __future__ import annotations

import pandas as pd

from ftserver.strategy.base import Strategy


class ScriptedStrategy(Strategy):
    """Signals on the newest candle for the pairs the test lists in ``enter_pairs`` / ``exit_pairs``."""

    timeframe = "1m"
    minimal_roi = {"0": 10.0}  # effectively off unless a test sets it
    stoploss = -0.5
    startup_candle_count = 0

    def __init__(self) -> None:
        super().__init__()
        self.enter_pairs: set[str] = set()
        self.exit_pairs: set[str] = set()

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        if metadata["pair"] in self.enter_pairs:
            dataframe.loc[dataframe.index[-1], ["enter_long", "enter_tag"]] = (1, "scripted")
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        if metadata["pair"] in self.exit_pairs:
            dataframe.loc[dataframe.index[-1], ["exit_long", "exit_tag"]] = (1, "scripted_exit")
        return dataframe
