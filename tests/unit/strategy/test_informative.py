"""merge_informative_pair and @informative on hand-made frames: column names and no look-ahead."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from ftserver.strategy.informative import informative, merge_informative_pair
from ftserver.strategy.safe import SafeStrategy

CANDLE_COLUMNS = ["date", "open", "high", "low", "close", "volume"]


def candles(start: str, count: int, freq: str, closes: list[float] | None = None) -> pd.DataFrame:
    dates = pd.date_range(start, periods=count, freq=freq, tz="UTC")
    close = np.array(closes if closes is not None else range(count), dtype=float)
    return pd.DataFrame(
        {"date": dates, "open": close, "high": close + 0.5, "low": close - 0.5, "close": close, "volume": 1.0}
    )


def base_5m() -> pd.DataFrame:
    """36 five-minute candles, 10:00 to 12:55."""
    return candles("2026-03-02 10:00", 36, "5min")


def hourly() -> pd.DataFrame:
    """1h candles opened at 09:00, 10:00, 11:00 and 12:00, closing at 9, 10, 11 and 12."""
    return candles("2026-03-02 09:00", 4, "1h", [9.0, 10.0, 11.0, 12.0])


def at(frame: pd.DataFrame, time: str, column: str) -> Any:
    return frame.loc[frame["date"] == pd.Timestamp(f"2026-03-02 {time}", tz="UTC"), column].item()


def test_merge_names_columns_by_timeframe_and_keeps_rows() -> None:
    merged = merge_informative_pair(base_5m(), hourly(), "5m", "1h")

    assert merged.columns.tolist() == [*CANDLE_COLUMNS, *(f"{c}_1h" for c in CANDLE_COLUMNS)]
    assert len(merged) == 36
    assert merged["close"].tolist() == list(map(float, range(36)))


def test_an_hourly_candle_reaches_only_the_5m_candle_that_closes_with_it_and_later_ones() -> None:
    merged = merge_informative_pair(base_5m(), hourly(), "5m", "1h")

    # The 10:00 hourly candle closes at 11:00, together with the 10:55 five-minute candle.
    assert at(merged, "10:50", "close_1h") == 9.0
    assert at(merged, "10:55", "close_1h") == 10.0
    assert at(merged, "10:55", "date_1h") == pd.Timestamp("2026-03-02 10:00", tz="UTC")
    assert at(merged, "11:50", "close_1h") == 10.0
    assert at(merged, "11:55", "close_1h") == 11.0
    assert at(merged, "12:50", "close_1h") == 11.0
    assert at(merged, "12:55", "close_1h") == 12.0


def test_rows_before_the_first_merged_candle_get_the_hourly_candle_closed_before_them() -> None:
    merged = merge_informative_pair(base_5m(), hourly(), "5m", "1h")

    # 10:00 to 10:50: the 09:00 candle (closed at 10:00) is the newest one known.
    assert merged["close_1h"].iloc[:11].tolist() == [9.0] * 11
    assert merged["date_1h"].iloc[0] == pd.Timestamp("2026-03-02 09:00", tz="UTC")


def test_without_ffill_only_the_candle_that_closes_with_the_hourly_one_has_its_values() -> None:
    merged = merge_informative_pair(base_5m(), hourly(), "5m", "1h", ffill=False)

    assert at(merged, "10:55", "close_1h") == 10.0
    assert np.isnan(at(merged, "11:00", "close_1h"))
    assert np.isnan(at(merged, "10:00", "close_1h"))
    assert merged["close_1h"].notna().sum() == 3  # 10:55, 11:55 and 12:55


def test_same_timeframe_merges_date_on_date() -> None:
    other = candles("2026-03-02 10:00", 36, "5min", [100.0 + n for n in range(36)])

    merged = merge_informative_pair(base_5m(), other, "5m", "5m")

    assert at(merged, "10:20", "close_5m") == 104.0


def test_suffix_replaces_the_timeframe_in_column_names() -> None:
    merged = merge_informative_pair(base_5m(), hourly(), "5m", "1h", append_timeframe=False, suffix="btc")

    assert [c for c in merged.columns if c.endswith("_btc")] == [f"{c}_btc" for c in CANDLE_COLUMNS]


def test_informative_rows_out_of_order_merge_the_same() -> None:
    shuffled = hourly().iloc[[2, 0, 3, 1]]

    merged = merge_informative_pair(base_5m(), shuffled, "5m", "1h")

    assert merged["close_1h"].tolist() == [9.0] * 11 + [10.0] * 12 + [11.0] * 12 + [12.0]


def test_integer_columns_turn_float_when_the_first_rows_had_no_informative_candle() -> None:
    counted = hourly().assign(n=[1, 2, 3, 4])

    from_ten = merge_informative_pair(base_5m(), counted, "5m", "1h")  # 10:00-10:50 before any match
    from_ten_fifty_five = merge_informative_pair(base_5m().iloc[11:], counted, "5m", "1h")  # 10:55 matches

    assert (from_ten["n_1h"].dtype, from_ten["n_1h"].iloc[0]) == (np.float64, 1.0)
    assert (from_ten_fifty_five["n_1h"].dtype, from_ten_fifty_five["n_1h"].iloc[0]) == (np.int64, 2)
    assert from_ten_fifty_five.index.tolist() == list(range(25))  # rows numbered from 0, as a merge does


def test_merge_refuses_a_faster_informative_timeframe_and_suffix_with_timeframe() -> None:
    with pytest.raises(ValueError, match="slower"):
        merge_informative_pair(hourly(), base_5m(), "1h", "5m")
    with pytest.raises(ValueError, match="not both"):
        merge_informative_pair(base_5m(), hourly(), "5m", "1h", suffix="x")


# ---- @informative -------------------------------------------------------------------------------
class HandDp:
    """The two markets and their 1h candles a test strategy reads through ``self.dp``."""

    def __init__(self) -> None:
        self.frames = {"ETH/USDT": hourly(), "BTC/USDT": candles("2026-03-02 09:00", 4, "1h", [90.0, 91.0, 92.0, 93.0])}
        self.reads: list[tuple[str, str | None]] = []

    def market(self, pair: str) -> dict[str, Any] | None:
        if pair not in self.frames:
            return None
        base, quote = pair.split("/")
        return {"symbol": pair, "base": base, "quote": quote}

    def get_pair_dataframe(self, pair: str, timeframe: str | None = None, candle_type: str = "") -> pd.DataFrame:
        self.reads.append((pair, timeframe))
        return self.frames[pair].copy()

    def current_whitelist(self) -> list[str]:
        return ["ETH/USDT"]


class Decorated(Strategy):
    timeframe = "5m"

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        super().__init__(config or {"stake_currency": "USDT"})
        self.calls: list[str] = []
        self.seen_columns: list[str] = []

    @informative("1h")
    def populate_indicators_1h(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        self.calls.append(f"own {metadata['pair']} {metadata['timeframe']}")
        dataframe["double"] = dataframe["close"] * 2
        return dataframe

    @informative("1h", "BTC/{stake}")
    def populate_indicators_btc_1h(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        self.calls.append(f"btc {metadata['pair']}")
        dataframe["double"] = dataframe["close"] * 2
        return dataframe

    @informative("1h", "BTC/USDT", "BTC_{column}_{timeframe}")
    def populate_indicators_btc_fmt(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        self.seen_columns = list(dataframe.columns)
        return dataframe


def decorated() -> Decorated:
    strategy = Decorated()
    strategy.dp = HandDp()
    return strategy


def test_informative_columns_are_named_by_asset_and_timeframe_and_there_for_populate_indicators() -> None:
    strategy = decorated()

    result = strategy.analyze(base_5m(), {"pair": "ETH/USDT"})

    assert {"double_1h", "close_1h", "date_1h"} <= set(strategy.seen_columns)  # the pair's own 1h
    assert {"btc_usdt_double_1h", "btc_usdt_close_1h", "btc_usdt_date_1h"} <= set(strategy.seen_columns)
    assert {"BTC_close_1h", "BTC_date_1h"} <= set(strategy.seen_columns)
    assert at(result, "10:55", "double_1h") == 20.0  # ETH's 10:00 hourly candle closed at 10, doubled
    assert at(result, "10:50", "btc_usdt_close_1h") == 90.0
    assert at(result, "12:55", "BTC_close_1h") == 93.0
    assert "date_merge" not in result.columns


def test_an_informative_of_one_asset_is_populated_once_while_its_candles_are_unchanged() -> None:
    strategy = decorated()

    strategy.analyze(base_5m(), {"pair": "ETH/USDT"})
    strategy.analyze(base_5m(), {"pair": "ETH/USDT"})

    assert strategy.calls.count("btc BTC/USDT") == 1
    strategy.dp.frames["BTC/USDT"] = candles("2026-03-02 09:00", 5, "1h", [90.0, 91.0, 92.0, 93.0, 94.0])
    strategy.analyze(base_5m(), {"pair": "ETH/USDT"})
    assert strategy.calls.count("btc BTC/USDT") == 2  # a new candle: populated again


def test_gathered_pairs_cover_informative_pairs_and_decorated_methods() -> None:
    class Both(Decorated):
        def informative_pairs(self) -> list[tuple[str, ...]]:
            return [("LTC/USDT", "15m"), ("ETH/USDT", "1d", "spot")]

    strategy = Both()
    strategy.dp = HandDp()

    assert strategy.gather_informative_pairs() == [
        ("LTC/USDT", "15m", "spot"),
        ("ETH/USDT", "1d", "spot"),
        ("ETH/USDT", "1h", "spot"),  # populate_indicators_1h (methods in name order), per whitelisted pair
        ("BTC/USDT", "1h", "spot"),  # populate_indicators_btc_1h and _btc_fmt, once
    ]


def test_base_pattern_is_filled_per_whitelisted_pair() -> None:
    class PerBase(Strategy):
        timeframe = "5m"

        @informative("1h", "{base}/BTC")
        def populate_indicators_vs_btc(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
            return dataframe

    strategy = PerBase({"stake_currency": "USDT"})
    strategy.dp = HandDp()

    assert strategy.gather_informative_pairs() == [("ETH/BTC", "1h", "spot")]


def test_stacked_decorators_each_merge_their_timeframe() -> None:
    class Stacked(Strategy):
        timeframe = "5m"

        @informative("30m")
        @informative("1h")
        def populate_indicators_tf(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
            return dataframe

    strategy = Stacked()
    strategy.dp = HandDp()

    result = strategy.analyze(base_5m(), {"pair": "ETH/USDT"})

    assert {"close_1h", "close_30m"} <= set(result.columns)
    assert strategy.dp.reads == [("ETH/USDT", "1h"), ("ETH/USDT", "30m")]  # bottom decorator first


def test_an_empty_informative_frame_or_a_missing_dp_is_a_clear_strategy_error() -> None:
    strategy = Decorated()
    with pytest.raises(StrategyError, match="data provider"):
        SafeStrategy(strategy).analyze_sync(base_5m(), "ETH/USDT")
    strategy.dp = HandDp()
    strategy.dp.frames["ETH/USDT"] = hourly().iloc[0:0]
    with pytest.raises(StrategyError, match="no 1h candles of ETH/USDT"):
        SafeStrategy(strategy).analyze_sync(base_5m(), "ETH/USDT")


def test_informative_pairs_of_the_wrong_shape_are_refused() -> None:
    class Wrong(Strategy):
        def informative_pairs(self) -> list[tuple[str, ...]]:
            return [("BTC/USDT",)]

    with pytest.raises(StrategyError, match=r"\(pair, timeframe\[, candle_type\]\)"):
        Wrong().gather_informative_pairs()


def test_an_informative_timeframe_faster_than_the_strategys_is_refused_at_creation() -> None:
    class TooFast(Strategy):
        timeframe = "1h"

        @informative("15m")
        def populate_indicators_15m(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
            return dataframe

    with pytest.raises(StrategyError, match="informative timeframe 15m is faster than the strategy's 1h"):
        TooFast()
