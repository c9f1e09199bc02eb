from datetime import UTC, datetime

from ftserver.data.timeframes import (
    date_minus_candles,
    timeframe_to_next_date,
    timeframe_to_prev_date,
    timeframe_to_resample_freq,
)


def test_prev_date_is_the_start_of_the_candle_holding_the_date() -> None:
    when = datetime(2026, 1, 1, 10, 7, 30, tzinfo=UTC)
    assert timeframe_to_prev_date("5m", when) == datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
    assert timeframe_to_prev_date("1h", when) == datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def test_an_aligned_date_is_its_own_candle_start_and_the_next_is_one_period_later() -> None:
    when = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
    assert timeframe_to_prev_date("5m", when) == when
    assert timeframe_to_next_date("5m", when) == datetime(2026, 1, 1, 10, 10, tzinfo=UTC)
    assert timeframe_to_next_date("1d", when) == datetime(2026, 1, 2, tzinfo=UTC)


def test_date_minus_candles_counts_back_from_the_candle_start() -> None:
    when = datetime(2026, 1, 1, 10, 7, tzinfo=UTC)
    # candle start 10:05, three 5m candles earlier: 09:50
    assert date_minus_candles("5m", 3, when) == datetime(2026, 1, 1, 9, 50, tzinfo=UTC)


def test_resample_rules_follow_pandas_spelling() -> None:
    assert timeframe_to_resample_freq("5m") == "300s"
    assert timeframe_to_resample_freq("1w") == "1W-MON"
    assert timeframe_to_resample_freq("1M") == "1MS"
    assert timeframe_to_resample_freq("1y") == "1YS"
