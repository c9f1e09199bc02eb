from typing import Any

import numpy as np
import pandas as pd
import pytest

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from tests.unit.strategy.candles import random_walk

META = {"pair": "BTC/USDT"}


class Silent(Strategy):
    pass


class EntersOnLastRow(Strategy):
    """Sets only enter_long on the newest candle, the way freqtrade strategies use .loc."""

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe.loc[dataframe.index[-1], ["enter_long", "enter_tag"]] = (1, "last")
        return dataframe


class MessySignals(Strategy):
    """Leaves signals as floats with NaN, booleans and stray values, and tags in a pandas str column."""

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["enter_long"] = [np.nan, 1.0, 0.0, 2.0]
        dataframe["enter_short"] = [True, False, None, True]
        dataframe["enter_tag"] = pd.Series([None, "up", "", None], dtype="str")
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe.drop(columns=["exit_long", "exit_tag"])


class DropsRows(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe.iloc[:-1]


class AltersClose(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["close"] = dataframe["close"] * 2
        return dataframe


class ForgetsToReturn(Strategy):
    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["enter_long"] = 1
        return None  # type: ignore[return-value]


def last_row(frame: pd.DataFrame, **values: Any) -> pd.DataFrame:
    """``frame`` with the newest row's columns set as given (signals default to 0)."""
    out = frame.copy()
    for column, value in values.items():
        out[column] = out[column].astype(object)
        out.loc[out.index[-1], column] = value
    return out


@pytest.fixture
def analyzed() -> pd.DataFrame:
    return Silent().analyze(random_walk(5), META)


def test_defaults_match_freqtrade_interface_version_3() -> None:
    strategy = Silent()
    # No ROI table unless the strategy sets one: freqtrade's interface has an empty one.
    assert (Strategy.INTERFACE_VERSION, strategy.timeframe, strategy.minimal_roi) == (3, "5m", {})
    assert (strategy.stoploss, strategy.trailing_stop, strategy.trailing_stop_positive) == (-0.1, False, None)
    assert (strategy.can_short, strategy.process_only_new_candles, strategy.use_exit_signal) == (False, True, True)
    assert (strategy.name, strategy.version(), strategy.dp, dict(strategy.config)) == ("Silent", None, None, {})


def test_editing_an_instance_roi_table_leaves_the_class_alone() -> None:
    Silent().minimal_roi["0"] = 0.5
    assert Silent().minimal_roi == {}


def test_analyze_adds_zero_signals_and_empty_tags(analyzed: pd.DataFrame) -> None:
    for column in ("enter_long", "exit_long", "enter_short", "exit_short"):
        assert analyzed[column].dtype == np.int64
        assert analyzed[column].tolist() == [0] * 5
    for column in ("enter_tag", "exit_tag"):
        assert analyzed[column].dtype == object
        assert analyzed[column].tolist() == [None] * 5


def test_analyze_leaves_the_input_frame_untouched() -> None:
    candles = random_walk(5)
    EntersOnLastRow().analyze(candles, META)
    assert list(candles.columns) == ["date", "open", "high", "low", "close", "volume"]


def test_setting_one_signal_does_not_touch_the_others() -> None:
    df = EntersOnLastRow().analyze(random_walk(5), META)
    assert df["enter_long"].tolist() == [0, 0, 0, 0, 1]
    assert df["enter_tag"].tolist() == [None, None, None, None, "last"]
    for column in ("exit_long", "enter_short", "exit_short"):
        assert df[column].tolist() == [0] * 5


def test_analyzing_an_analyzed_frame_starts_from_blank_signals() -> None:
    first = EntersOnLastRow().analyze(random_walk(5), META)
    again = Silent().analyze(first, META)
    assert list(again.columns) == list(first.columns)
    assert again["enter_long"].tolist() == [0] * 5 and again["enter_tag"].tolist() == [None] * 5
    assert first["enter_long"].tolist() == [0, 0, 0, 0, 1], "the first result is left as it was"


class AddsANumberedColumn(Strategy):
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe[7] = 1.0
        return dataframe


def test_column_labels_keep_the_dtype_pandas_gives_them() -> None:
    candles = random_walk(5)
    assert Silent().analyze(candles, META).columns.dtype == candles.columns.dtype
    mixed = AddsANumberedColumn().analyze(candles, META)
    assert mixed.columns.dtype == object and mixed.columns.tolist()[-1] == 7


def test_messy_signals_become_zero_one_integers_and_tags_none() -> None:
    df = MessySignals().analyze(random_walk(4), META)
    assert df["enter_long"].tolist() == [0, 1, 0, 0]
    assert df["enter_short"].tolist() == [1, 0, 0, 1]
    assert df["enter_long"].dtype == np.int64
    assert df["enter_tag"].dtype == object
    assert df["enter_tag"].tolist() == [None, "up", "", None]
    assert df["exit_long"].tolist() == [0] * 4  # dropped by the strategy, put back
    assert df["exit_tag"].tolist() == [None] * 4


@pytest.mark.parametrize("strategy", [DropsRows(), AltersClose()], ids=["drops_rows", "alters_close"])
def test_strategy_that_changes_the_candles_is_refused(strategy: Strategy) -> None:
    with pytest.raises(StrategyError, match=rf"Strategy {strategy.name} changed the candles of BTC/USDT"):
        strategy.analyze(random_walk(10), META)


def test_populate_method_that_returns_nothing_is_named() -> None:
    with pytest.raises(StrategyError, match="ForgetsToReturn: populate_entry_trend returned NoneType for BTC/USDT"):
        ForgetsToReturn().analyze(random_walk(3), META)


def test_empty_frame_is_refused_with_the_pair() -> None:
    with pytest.raises(StrategyError, match="no candles to analyze for BTC/USDT"):
        Silent().analyze(random_walk(0), META)


def test_roi_table_lookup_uses_largest_key_not_above_age() -> None:
    strategy = Silent()
    strategy.minimal_roi = {"30": 0.01, "0": 0.05, "10": 0.02}
    assert [strategy.min_roi_at(m) for m in (0, 9.99, 10, 15, 30, 1000)] == [0.05, 0.05, 0.02, 0.02, 0.01, 0.01]


def test_roi_table_without_key_zero_has_no_threshold_before_first_key() -> None:
    strategy = Silent()
    strategy.minimal_roi = {"5": 0.01}
    assert strategy.min_roi_at(1) is None
    assert strategy.min_roi_at(5) == 0.01


def test_replacing_the_roi_table_is_seen_even_with_the_same_size() -> None:
    strategy = Silent()
    strategy.minimal_roi = {"0": 0.1}
    assert strategy.min_roi_at(0) == 0.1
    strategy.minimal_roi = {"0": 0.3}
    assert strategy.min_roi_at(0) == 0.3
    strategy.minimal_roi["0"] = 0.4
    assert strategy.min_roi_at(0) == 0.4


def test_roi_table_with_a_non_number_key_names_the_strategy() -> None:
    strategy = Silent()
    strategy.minimal_roi = {"soon": 0.1}
    with pytest.raises(StrategyError, match="Strategy Silent: minimal_roi must map minutes"):
        strategy.min_roi_at(3)


def test_entry_signal_reads_only_the_last_row(analyzed: pd.DataFrame) -> None:
    strategy = Silent()
    earlier = analyzed.copy()
    earlier.loc[earlier.index[-2], "enter_long"] = 1
    assert strategy.entry_signal(earlier) == (None, None)
    assert strategy.entry_signal(last_row(analyzed, enter_long=1, enter_tag="go")) == ("long", "go")
    assert strategy.entry_signal(last_row(analyzed, enter_long=1)) == ("long", None)


def test_entry_is_refused_when_the_candle_also_says_exit(analyzed: pd.DataFrame) -> None:
    assert Silent().entry_signal(last_row(analyzed, enter_long=1, exit_long=1, enter_tag="go")) == (None, None)


def test_short_entries_need_can_short(analyzed: pd.DataFrame) -> None:
    frame = last_row(analyzed, enter_short=1, enter_tag="down")
    assert Silent().entry_signal(frame) == (None, None)
    shorting = Silent()
    shorting.can_short = True
    assert shorting.entry_signal(frame) == ("short", "down")
    assert shorting.entry_signal(last_row(frame, enter_long=1)) == (None, None)  # both sides: no entry


def test_exit_signal_and_tag_per_side(analyzed: pd.DataFrame) -> None:
    strategy = Silent()
    frame = last_row(analyzed, exit_long=1, exit_tag="cross_down")
    assert strategy.exit_signal(frame, is_short=False) == (True, "cross_down")
    assert strategy.exit_signal(frame, is_short=True) == (False, None)
    assert strategy.exit_signal(last_row(analyzed, exit_short=1), is_short=True) == (True, None)
    assert strategy.exit_signal(analyzed, is_short=False) == (False, None)


def test_exit_signal_is_ignored_while_the_same_side_enters(analyzed: pd.DataFrame) -> None:
    frame = last_row(analyzed, exit_long=1, enter_long=1, exit_tag="cross_down")
    assert Silent().exit_signal(frame, is_short=False) == (False, None)


def test_signals_of_an_empty_frame_are_none() -> None:
    empty = random_walk(0)
    assert Silent().entry_signal(empty) == (None, None)
    assert Silent().exit_signal(empty, is_short=False) == (False, None)


class VersionTwo(Strategy):
    """Interface version 2 names: populate_buy_trend / populate_sell_trend setting buy, buy_tag and sell."""

    def populate_buy_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["buy"] = 0
        dataframe.loc[dataframe.index[-2], ["buy", "buy_tag"]] = (1, "old_style")
        return dataframe

    def populate_sell_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["sell"] = 0
        dataframe.loc[dataframe.index[-1], "sell"] = 1
        return dataframe


class BuyColumnAsIndicator(EntersOnLastRow):
    """A version-3 strategy may name an indicator "buy": only version-2 methods get their columns mapped."""

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["buy"] = 7.0
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe


def test_version_2_methods_run_and_their_columns_map_to_version_3_signals() -> None:
    frame = VersionTwo().analyze(random_walk(4), META)
    assert frame["enter_long"].tolist() == [0, 0, 1, 0]
    assert frame["enter_tag"].tolist() == [None, None, "old_style", None]
    assert frame["exit_long"].tolist() == [0, 0, 0, 1]
    assert not {"buy", "buy_tag", "sell"} & set(frame.columns)
    assert list(frame.columns).count("enter_long") == 1


def test_a_version_3_strategy_keeps_a_column_called_buy() -> None:
    frame = BuyColumnAsIndicator().analyze(random_walk(4), META)
    assert frame["buy"].tolist() == [7.0] * 4
    assert frame["enter_long"].tolist() == [0, 0, 0, 1]


class PlotConfigProperty(Strategy):
    @property
    def plot_config(self) -> dict[str, Any]:  # type: ignore[override]
        return {"main_plot": {"sma": {"color": "blue"}}}


def test_plot_config_may_be_a_property_as_in_freqtrade() -> None:
    strategy = PlotConfigProperty()
    assert strategy.plot_config == {"main_plot": {"sma": {"color": "blue"}}}
    assert Silent().plot_config == {}
