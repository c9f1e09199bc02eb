"""SmaCrossRsi: the backtest benchmark's strategy, written for freqtrade's interface so that freqtrade
and ftserver run the same file. Enters when the 10-candle SMA crosses above the 30-candle SMA while the
RSI is below 70, exits on the cross back down or an RSI above 80; ROI and a stoploss close the rest."""

import talib.abstract as ta
from freqtrade.strategy import IStrategy
from pandas import DataFrame, Series


class SmaCrossRsi(IStrategy):
    INTERFACE_VERSION = 3
    timeframe = "5m"
    minimal_roi = {"0": 0.02, "60": 0.01, "180": 0.0}
    stoploss = -0.03
    startup_candle_count = 30
    process_only_new_candles = True

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["sma_fast"] = ta.SMA(dataframe, timeperiod=10)
        dataframe["sma_slow"] = ta.SMA(dataframe, timeperiod=30)
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            crossed_above(dataframe["sma_fast"], dataframe["sma_slow"])
            & (dataframe["rsi"] < 70)
            & (dataframe["volume"] > 0),
            ["enter_long", "enter_tag"],
        ] = (1, "sma_cross")
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[
            (crossed_above(dataframe["sma_slow"], dataframe["sma_fast"]) | (dataframe["rsi"] > 80))
            & (dataframe["volume"] > 0),
            ["exit_long", "exit_tag"],
        ] = (1, "sma_cross_down")
        return dataframe


def crossed_above(a: Series, b: Series) -> Series:
    """``a`` above ``b`` now and not on the previous candle (qtpylib's rule)."""
    return (a > b) & (a.shift(1) <= b.shift(1))
