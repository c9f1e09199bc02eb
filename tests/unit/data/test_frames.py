import pandas as pd
import pytest

from ftserver.data.frames import (
    OHLCV_COLUMNS,
    candles_to_frame,
    drop_incomplete_candle,
    frame_to_candles,
    merge_candles,
)
from ftserver.errors import InvalidRequest

T = 1_772_452_800_000  # 2026-03-02 12:00 UTC
MINUTE = 60_000


def rows(start: int, count: int, price: float = 1.0, step: int = MINUTE) -> list[list[float]]:
    return [[start + i * step, price, price + 1, price - 0.5, price, 10.0] for i in range(count)]


def closes(df: pd.DataFrame) -> list[float]:
    return df["close"].tolist()


def minutes(df: pd.DataFrame) -> list[int]:
    return [int((ts.timestamp() * 1000 - T) // MINUTE) for ts in df["date"]]


def test_candles_become_a_utc_frame_of_floats() -> None:
    df = candles_to_frame([[T, 1, 2, 0.5, 1.5, 7]])
    assert list(df.columns) == OHLCV_COLUMNS
    assert str(df["date"].dt.tz) == "UTC"
    assert df["date"].iloc[0] == pd.Timestamp("2026-03-02 12:00", tz="UTC")
    assert all(df[column].dtype == "float64" for column in OHLCV_COLUMNS[1:])
    assert df.iloc[0, 1:].tolist() == [1.0, 2.0, 0.5, 1.5, 7.0]


def test_unsorted_rows_are_sorted_and_the_later_duplicate_wins() -> None:
    data = [*reversed(rows(T, 3)), [T + MINUTE, 9.0, 9.0, 9.0, 9.0, 9.0]]
    df = candles_to_frame(data)
    assert minutes(df) == [0, 1, 2]
    assert closes(df) == [1.0, 9.0, 1.0]
    assert df.index.tolist() == [0, 1, 2]


def test_frame_to_candles_gives_back_the_rows() -> None:
    data = rows(T, 3, price=2.5)
    candles = frame_to_candles(candles_to_frame(data))
    assert candles == data
    assert all(isinstance(row[0], int) for row in candles)


def test_no_candles_give_an_empty_frame_with_the_columns() -> None:
    df = candles_to_frame([])
    assert df.empty and list(df.columns) == OHLCV_COLUMNS
    assert frame_to_candles(df) == []


@pytest.mark.parametrize("bad", [[[T, 1, 2, 3, 4]] * 6, [[T, 1, 2, 3, 4, 5, 6]], [[T, 1], [T, 1, 2, 3, 4, 5]]])
def test_rows_that_are_not_six_values_are_refused(bad: list[list[float]]) -> None:
    with pytest.raises(InvalidRequest, match=r"rows of .*\[timestamp_ms, open, high, low, close, volume\]"):
        candles_to_frame(bad)


def test_merge_appends_newer_candles() -> None:
    merged = merge_candles(candles_to_frame(rows(T, 3)), candles_to_frame(rows(T + 3 * MINUTE, 2, 2.0)), None)
    assert minutes(merged) == [0, 1, 2, 3, 4]
    assert closes(merged) == [1.0, 1.0, 1.0, 2.0, 2.0]
    assert merged.index.tolist() == list(range(5))


def test_merge_replaces_overlapping_candles_with_the_new_rows() -> None:
    merged = merge_candles(candles_to_frame(rows(T, 5)), candles_to_frame(rows(T + 3 * MINUTE, 3, 2.0)), None)
    assert minutes(merged) == [0, 1, 2, 3, 4, 5]
    assert closes(merged) == [1.0, 1.0, 1.0, 2.0, 2.0, 2.0]


def test_merge_into_the_middle_keeps_the_later_old_candles() -> None:
    old = candles_to_frame([row for row in rows(T, 6) if row[0] != T + 2 * MINUTE])
    merged = merge_candles(old, candles_to_frame(rows(T + 2 * MINUTE, 2, 2.0)), None)
    assert minutes(merged) == [0, 1, 2, 3, 4, 5]
    assert closes(merged) == [1.0, 1.0, 2.0, 2.0, 1.0, 1.0]


def test_merge_keeps_only_the_newest_max_rows() -> None:
    merged = merge_candles(candles_to_frame(rows(T, 5)), candles_to_frame(rows(T + 5 * MINUTE, 3, 2.0)), 4)
    assert minutes(merged) == [4, 5, 6, 7]
    assert merged.index.tolist() == [0, 1, 2, 3]


def test_merge_without_old_candles_is_the_new_ones_trimmed() -> None:
    new = candles_to_frame(rows(T, 5))
    assert minutes(merge_candles(None, new, 3)) == [2, 3, 4]
    assert minutes(merge_candles(candles_to_frame([]), new, None)) == [0, 1, 2, 3, 4]
    assert minutes(merge_candles(new, candles_to_frame([]), None)) == [0, 1, 2, 3, 4]


def test_merge_leaves_its_inputs_alone() -> None:
    old, new = candles_to_frame(rows(T, 3)), candles_to_frame(rows(T + MINUTE, 3, 2.0))
    merge_candles(old, new, 2)
    assert closes(old) == [1.0, 1.0, 1.0] and len(new) == 3


def test_last_candle_is_dropped_until_it_has_closed() -> None:
    df = candles_to_frame(rows(T, 3))  # the last candle opens at T+2m and closes at T+3m
    assert minutes(drop_incomplete_candle(df, "1m", T + 2 * MINUTE + 30_000)) == [0, 1]
    assert minutes(drop_incomplete_candle(df, "1m", T + 3 * MINUTE - 1)) == [0, 1]
    assert minutes(drop_incomplete_candle(df, "1m", T + 3 * MINUTE)) == [0, 1, 2]
    assert minutes(drop_incomplete_candle(df, "5m", T + 6 * MINUTE)) == [0, 1]
    assert drop_incomplete_candle(candles_to_frame([]), "1m", T).empty


def test_dates_are_what_pandas_makes_of_epoch_milliseconds() -> None:
    stamps = [0, T, T + 1, 4_102_444_800_000, -86_400_000]  # the epoch, now, +1 ms, 2100, 1969
    df = candles_to_frame([[ms, 1, 1, 1, 1, 1] for ms in sorted(stamps)])
    expected = pd.to_datetime(pd.Series(sorted(stamps)), unit="ms", utc=True).rename("date")
    pd.testing.assert_series_equal(df["date"], expected, check_exact=True)


def test_dates_beyond_what_pandas_can_hold_fail_as_pandas_does() -> None:
    with pytest.raises(pd.errors.OutOfBoundsDatetime):
        candles_to_frame([[2**62, 1, 1, 1, 1, 1]])
