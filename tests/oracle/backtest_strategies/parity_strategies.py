"""Strategies for the backtest comparison with freqtrade, written as a freqtrade user writes them
(``from freqtrade.strategy import ...``): both bots load this same file. Indicators in plain pandas."""

from datetime import datetime

import pandas as pd
from freqtrade.persistence import Trade
from freqtrade.strategy import IStrategy


def _sma_cross(dataframe: pd.DataFrame) -> pd.DataFrame:
    dataframe["fast"] = dataframe["close"].rolling(8).mean()
    dataframe["slow"] = dataframe["close"].rolling(21).mean()
    up = (dataframe["fast"] > dataframe["slow"]) & (dataframe["fast"].shift(1) <= dataframe["slow"].shift(1))
    down = (dataframe["fast"] < dataframe["slow"]) & (dataframe["fast"].shift(1) >= dataframe["slow"].shift(1))
    dataframe["cross_up"] = up.astype(int)
    dataframe["cross_down"] = down.astype(int)
    return dataframe


class RoiStoplossOnly(IStrategy):
    """Enters on an SMA cross; leaves only through the ROI table or the stoploss."""

    INTERFACE_VERSION = 3
    timeframe = "5m"
    startup_candle_count = 30
    minimal_roi = {"0": 0.02, "30": 0.01, "90": 0.004, "180": 0}
    stoploss = -0.025
    use_exit_signal = False

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        return _sma_cross(dataframe)

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        dataframe.loc[dataframe["cross_up"] == 1, ["enter_long", "enter_tag"]] = (1, "cross_up")
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        dataframe["exit_long"] = 0
        return dataframe


class TrailingWithExitSignal(RoiStoplossOnly):
    """A trailing stop that starts at +1 %, exit signals on the cross down, a far ROI."""

    minimal_roi = {"0": 0.08}
    stoploss = -0.04
    use_exit_signal = True
    trailing_stop = True
    trailing_stop_positive = 0.005
    trailing_stop_positive_offset = 0.01
    trailing_only_offset_is_reached = True

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        dataframe.loc[dataframe["cross_down"] == 1, ["exit_long", "exit_tag"]] = (1, "cross_down")
        return dataframe


class CustomStoploss(RoiStoplossOnly):
    """custom_stoploss: -3 % at first, -1 % once the trade made 1 %, and a ROI table."""

    minimal_roi = {"0": 0.03, "120": 0}
    stoploss = -0.05
    use_custom_stoploss = True

    def custom_stoploss(
        self, pair: str, trade: Trade, current_time: datetime, current_rate: float, current_profit: float, **kwargs
    ) -> float | None:
        if current_profit > 0.01:
            return -0.01
        return -0.03


class Protected(RoiStoplossOnly):
    """The ROI and stoploss of RoiStoplossOnly under all four protections (run with protections on)."""

    @property
    def protections(self) -> list[dict]:
        return [
            {"method": "CooldownPeriod", "stop_duration_candles": 2},
            {"method": "StoplossGuard", "lookback_period_candles": 36, "trade_limit": 2,
             "stop_duration_candles": 12, "only_per_pair": False},
            {"method": "LowProfitPairs", "lookback_period_candles": 60, "trade_limit": 2,
             "stop_duration": 90, "required_profit": 0.0},
            {"method": "MaxDrawdown", "lookback_period_candles": 48, "trade_limit": 3,
             "stop_duration_candles": 12, "max_allowed_drawdown": 0.03},
        ]  # fmt: skip


class AddsOnDips(RoiStoplossOnly):
    """Position adjustment: one more entry of 100 after each further 0.6 % dip (at most two), half
    the position sold once the trade is 0.8 % up."""

    minimal_roi = {"0": 0.015}
    stoploss = -0.04
    position_adjustment_enable = True
    max_entry_position_adjustment = 2

    def adjust_trade_position(
        self, trade: Trade, current_time: datetime, current_rate: float, current_profit: float,
        min_stake: float | None, max_stake: float, current_entry_rate: float, current_exit_rate: float,
        current_entry_profit: float, current_exit_profit: float, **kwargs,
    ):  # fmt: skip
        entries = trade.nr_of_successful_entries
        if current_profit > 0.008 and trade.nr_of_successful_exits == 0:
            return -(trade.stake_amount / 2), "half"
        if current_profit < -0.006 * entries and entries < 3:
            return 100.0, "dip"
        return None


class PeeksAhead(RoiStoplossOnly):
    """Enters on the SMA cross only when the close three candles later is higher: it reads the future."""

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        dataframe = _sma_cross(dataframe)
        dataframe["later_close"] = dataframe["close"].shift(-3)
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        up = (dataframe["cross_up"] == 1) | (dataframe["later_close"] > dataframe["close"] * 1.004)
        dataframe.loc[up, ["enter_long", "enter_tag"]] = (1, "peek")
        return dataframe


class CountsFills(RoiStoplossOnly):
    """Counts the orders ``order_filled`` reports and refuses every entry that comes when the count
    is 3 more than a multiple of 7: its trades match freqtrade's only if both call it alike."""

    def bot_start(self, **kwargs) -> None:
        self.fills = 0

    def order_filled(self, pair: str, trade: Trade, order, current_time: datetime, **kwargs) -> None:
        self.fills += 1

    def confirm_trade_entry(self, pair: str, order_type: str, amount: float, rate: float, time_in_force: str,
                            current_time: datetime, entry_tag, side: str, **kwargs) -> bool:  # fmt: skip
        return self.fills % 7 != 3
