"""ParityProbe: one strategy body (TA-Lib indicators, tagged entries and exits) written for both bots.

``source(for_freqtrade)`` gives the file text: the same body under freqtrade's ``IStrategy`` or
ftserver's ``Strategy``, so any difference between the bots' columns comes from the bots.
"""

from __future__ import annotations

HEADERS = {
    True: "from freqtrade.strategy import IStrategy as Base, merge_informative_pair\n",
    False: "from ftserver.strategy.base import Strategy as Base\n"
    "from ftserver.strategy.informative import merge_informative_pair\n",
}

BODY = """
import numpy as np
import talib.abstract as ta
from pandas import DataFrame


class ParityProbe(Base):
    INTERFACE_VERSION = 3
    timeframe = "{timeframe}"
    minimal_roi = {"0": 10.0}
    stoploss = -0.99
    startup_candle_count = 50

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe["rsi"] = ta.RSI(dataframe, timeperiod=14)
        dataframe["ema_fast"] = ta.EMA(dataframe, timeperiod=12)
        dataframe["ema_slow"] = ta.EMA(dataframe, timeperiod=26)
        bands = ta.BBANDS(dataframe, timeperiod=20, nbdevup=2.0, nbdevdn=2.0)
        dataframe["bb_lower"] = bands["lowerband"]
        dataframe["bb_upper"] = bands["upperband"]
        macd = ta.MACD(dataframe)
        dataframe["macdhist"] = macd["macdhist"]
        dataframe["sar"] = ta.SAR(dataframe)
        dataframe["vol_mean"] = dataframe["volume"].rolling(10).mean()
        dataframe["above"] = np.where(dataframe["close"] > dataframe["ema_slow"], 1, 0)
        return dataframe

    def populate_entry_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        cross_up = (dataframe["ema_fast"] > dataframe["ema_slow"]) & (
            dataframe["ema_fast"].shift(1) <= dataframe["ema_slow"].shift(1)
        )
        dataframe.loc[cross_up & (dataframe["volume"] > 0), ["enter_long", "enter_tag"]] = (1, "ema_cross")
        dataframe.loc[(dataframe["rsi"] < 30) & ~cross_up, ["enter_long", "enter_tag"]] = (1, "rsi_low")
        return dataframe

    def populate_exit_trend(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe.loc[dataframe["rsi"] > 70, ["exit_long", "exit_tag"]] = (1, "rsi_high")
        dataframe.loc[dataframe["close"] > dataframe["bb_upper"], ["exit_long", "exit_tag"]] = (1, "bb_upper")
        return dataframe
"""


# ParityProbeInformative: the probe plus BTC/USDT's 15-minute candles merged in.
INFORMATIVE = """

class ParityProbeInformative(ParityProbe):
    def informative_pairs(self):
        return [("BTC/USDT", "15m")]

    def populate_indicators(self, dataframe: DataFrame, metadata: dict) -> DataFrame:
        dataframe = super().populate_indicators(dataframe, metadata)
        informative = self.dp.get_pair_dataframe(pair="BTC/USDT", timeframe="15m")
        informative["sma20"] = informative["close"].rolling(20).mean()
        informative["rsi"] = ta.RSI(informative, timeperiod=14)
        return merge_informative_pair(dataframe, informative, self.timeframe, "15m", ffill=True)
"""


def source(for_freqtrade: bool, timeframe: str = "5m") -> str:
    return HEADERS[for_freqtrade] + BODY.replace("{timeframe}", timeframe) + INFORMATIVE
