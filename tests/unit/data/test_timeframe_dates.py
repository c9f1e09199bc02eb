from datetime import UTC, datetime

from ftserver.data.timeframes import timeframe_to_next_date, timeframe_to_prev_date


def test_prev_date_is_the_start_of_the_candle_holding_the_date() -> None:
    when = datetime(2026, 1, 1, 10, 7, 30, tzinfo=UTC)
    assert timeframe_to_prev_date("5m", when) == datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
    assert timeframe_to_prev_date("1h", when) == datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def test_an_aligned_date_is_its_own_candle_start_and_the_next_is_one_period_later() -> None:
    when = datetime(2026, 1, 1, 10, 5, tzinfo=UTC)
    assert timeframe_to_prev_date("5m", when) == when
    assert timeframe_to_next_date("5m", when) == datetime(2026, 1, 1, 10, 10, tzinfo=UTC)
    assert timeframe_to_next_date("1d", when) == datetime(2026, 1, 2, tzinfo=UTC)
