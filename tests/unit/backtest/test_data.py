"""Loading a backtest's candles from the candle store: startup candles, the stop, gaps, missing data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ftserver.backtest.data import fill_gaps, load_backtest_data
from ftserver.data.history import CandleStore
from ftserver.data.timerange import TimeRange, parse_timerange
from ftserver.errors import InvalidRequest

T0 = datetime(2024, 1, 1, tzinfo=UTC)
FIVE = timedelta(minutes=5)


def candles(start: datetime, count: int, step: timedelta = FIVE, first_close: float = 100.0) -> pd.DataFrame:
    """Candles whose close is first_close + their index, so each row names itself."""
    closes = first_close + np.arange(count, dtype=float)
    return pd.DataFrame(
        {
            "date": pd.date_range(start, periods=count, freq=step, tz="UTC"),
            "open": closes - 0.5,
            "high": closes + 1,
            "low": closes - 1,
            "close": closes,
            "volume": np.full(count, 10.0),
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> CandleStore:
    store = CandleStore(tmp_path / "data")
    # 2023-12-31 00:00 .. 2024-01-02 23:55: one day before and two days of the year
    store.append("BTC/USDT", "5m", candles(T0 - timedelta(days=1), 3 * 288))
    store.append("ETH/USDT", "5m", candles(T0 - timedelta(days=1), 3 * 288, first_close=10.0))
    store.append("BTC/USDT", "1m", candles(T0 - timedelta(days=1), 3 * 1440, step=timedelta(minutes=1)))
    return store


def test_startup_candles_come_before_the_start_and_the_stop_is_inclusive(store: CandleStore) -> None:
    data = load_backtest_data(
        store, ["BTC/USDT", "ETH/USDT"], "5m", parse_timerange("20240101-20240102"), startup_candles=30
    )
    btc = data.candles["BTC/USDT"]
    # 30 candles of 5 minutes before 2024-01-01 00:00 is 2023-12-31 21:30; the stop candle 2024-01-02 00:00 is in
    assert btc["date"].iloc[0] == pd.Timestamp("2023-12-31 21:30", tz="UTC")
    assert btc["date"].iloc[-1] == pd.Timestamp("2024-01-02 00:00", tz="UTC")
    assert len(btc) == 30 + 288 + 1
    assert data.start == T0 and data.end == datetime(2024, 1, 2, tzinfo=UTC)
    assert data.pairs == ["BTC/USDT", "ETH/USDT"] and data.missing == () and data.filled == {}
    # row 0 is the 258th candle stored (21:30 is 258 candles after 2023-12-31 00:00)
    assert btc["close"].iloc[0] == 100.0 + 258


def test_without_enough_history_the_start_moves_past_the_startup_candles(store: CandleStore) -> None:
    data = load_backtest_data(store, ["BTC/USDT"], "5m", parse_timerange("20231201-"), startup_candles=12)
    # data begins 2023-12-31 00:00: the backtest starts 12 candles (one hour) later
    assert data.start == datetime(2023, 12, 31, 1, tzinfo=UTC)
    assert data.candles["BTC/USDT"]["date"].iloc[0] == pd.Timestamp("2023-12-31", tz="UTC")


def test_an_open_timerange_starts_after_the_startup_candles_of_the_data(store: CandleStore) -> None:
    data = load_backtest_data(store, ["BTC/USDT"], "5m", TimeRange(), startup_candles=2)
    assert data.start == datetime(2023, 12, 31, 0, 10, tzinfo=UTC)
    assert data.end == datetime(2024, 1, 2, 23, 55, tzinfo=UTC)


def test_missing_candles_are_filled_with_the_previous_close_and_no_volume(tmp_path: Path) -> None:
    store = CandleStore(tmp_path)
    frame = candles(T0, 6).drop(index=[2, 3])  # 00:10 and 00:15 are missing
    store.append("BTC/USDT", "5m", frame)
    data = load_backtest_data(store, ["BTC/USDT"], "5m", TimeRange())
    filled = data.candles["BTC/USDT"]
    assert len(filled) == 6 and data.filled == {"BTC/USDT": 2}
    assert filled.loc[2, ["open", "high", "low", "close", "volume"]].tolist() == [101.0, 101.0, 101.0, 101.0, 0.0]
    assert filled.loc[3, "close"] == 101.0
    assert filled.loc[4, ["open", "close", "volume"]].tolist() == [103.5, 104.0, 10.0]
    assert filled["date"].diff().iloc[1:].eq(pd.Timedelta(minutes=5)).all()


def test_duplicate_dates_are_merged_as_one_candle() -> None:
    frame = pd.concat([candles(T0, 3), candles(T0 + FIVE, 1, first_close=200.0)]).reset_index(drop=True)
    merged = fill_gaps(frame, "5m")
    assert len(merged) == 3
    # first open, highest high, lowest low, last close of the two 00:05 rows
    assert merged.loc[1, ["open", "high", "low", "close"]].tolist() == [100.5, 201.0, 100.0, 200.0]


def test_pairs_without_candles_are_reported_and_left_out(store: CandleStore) -> None:
    data = load_backtest_data(store, ["BTC/USDT", "XRP/USDT"], "5m", parse_timerange("20240101-"))
    assert data.pairs == ["BTC/USDT"] and data.missing == ("XRP/USDT",)


def test_no_candles_for_any_pair_says_what_to_download(store: CandleStore) -> None:
    with pytest.raises(InvalidRequest, match=r"No 1h candles stored for BTC/USDT.*download-data -t 1h"):
        load_backtest_data(store, ["BTC/USDT"], "1h", parse_timerange("20240101-"))
    with pytest.raises(InvalidRequest, match="No 5m candles"):
        load_backtest_data(store, ["BTC/USDT"], "5m", parse_timerange("20250101-"))


def test_detail_candles_cover_the_backtested_range_without_startup(store: CandleStore) -> None:
    data = load_backtest_data(
        store, ["BTC/USDT"], "5m", parse_timerange("20240101-20240102"), startup_candles=30, timeframe_detail="1m"
    )
    detail = data.detail["BTC/USDT"]
    assert detail["date"].iloc[0] == pd.Timestamp("2024-01-01", tz="UTC")
    assert detail["date"].iloc[-1] == pd.Timestamp("2024-01-02", tz="UTC")
    assert len(detail) == 1441


def test_a_pair_without_detail_candles_is_left_unsplit_and_none_at_all_is_an_error(store: CandleStore) -> None:
    # As freqtrade: ETH has no 1m candles, so its 5m candles are backtested as they are.
    data = load_backtest_data(
        store, ["BTC/USDT", "ETH/USDT"], "5m", parse_timerange("20240101-"), timeframe_detail="1m"
    )
    assert set(data.candles) == {"BTC/USDT", "ETH/USDT"} and set(data.detail) == {"BTC/USDT"}
    with pytest.raises(InvalidRequest, match=r"No 3m detail candles stored for BTC/USDT, ETH/USDT"):
        load_backtest_data(store, ["BTC/USDT", "ETH/USDT"], "5m", parse_timerange("20240101-"), timeframe_detail="3m")
