from datetime import UTC, datetime

import pandas as pd

from ftserver.data.cache import CandleCache
from ftserver.data.frames import candles_to_frame

T = 1_772_452_800_000  # 2026-03-02 12:00 UTC
MINUTE = 60_000
AT = datetime(2026, 3, 2, 12, 5, tzinfo=UTC)


def candles(start_minute: int, count: int, price: float = 1.0) -> pd.DataFrame:
    start = T + start_minute * MINUTE
    return candles_to_frame([[start + i * MINUTE, price, price, price, price, 1.0] for i in range(count)])


def test_first_candles_and_each_newer_candle_count_as_new() -> None:
    cache = CandleCache()
    assert cache.update_ohlcv("BTC/USDT", "1m", candles(0, 3)) is True
    assert cache.update_ohlcv("BTC/USDT", "1m", candles(3, 1)) is True
    assert cache.last_candle_date("BTC/USDT", "1m") == datetime(2026, 3, 2, 12, 3, tzinfo=UTC)


def test_candles_already_held_are_not_new_but_corrections_are_kept() -> None:
    cache = CandleCache()
    cache.update_ohlcv("BTC/USDT", "1m", candles(0, 3))
    assert cache.update_ohlcv("BTC/USDT", "1m", candles(0, 3)) is False
    assert cache.update_ohlcv("BTC/USDT", "1m", candles(1, 2, price=2.0)) is False
    assert cache.ohlcv("BTC/USDT", "1m")["close"].tolist() == [1.0, 2.0, 2.0]  # type: ignore[index]


def test_empty_update_of_an_unknown_pair_stores_nothing() -> None:
    cache = CandleCache()
    assert cache.update_ohlcv("BTC/USDT", "1m", candles(0, 0)) is False
    assert cache.ohlcv("BTC/USDT", "1m") is None
    assert cache.last_candle_date("BTC/USDT", "1m") is None
    assert cache.pairs() == []


def test_cache_keeps_at_most_max_rows_per_key() -> None:
    cache = CandleCache(max_rows=4)
    cache.update_ohlcv("BTC/USDT", "1m", candles(0, 3))
    cache.update_ohlcv("BTC/USDT", "1m", candles(3, 3))
    held = cache.ohlcv("BTC/USDT", "1m")
    assert held is not None and len(held) == 4
    assert held["date"].iloc[0] == pd.Timestamp("2026-03-02 12:02", tz="UTC")


def test_pairs_timeframes_and_candle_types_are_kept_apart() -> None:
    cache = CandleCache()
    cache.update_ohlcv("BTC/USDT", "1m", candles(0, 2))
    cache.update_ohlcv("BTC/USDT", "5m", candles(0, 1))
    cache.update_ohlcv("BTC/USDT:USDT", "1m", candles(0, 3), candle_type="futures")
    assert cache.pairs() == [("BTC/USDT", "1m", "spot"), ("BTC/USDT", "5m", "spot"), ("BTC/USDT:USDT", "1m", "futures")]
    assert len(cache.ohlcv("BTC/USDT:USDT", "1m", "futures")) == 3  # type: ignore[arg-type]
    assert cache.ohlcv("BTC/USDT:USDT", "1m") is None


def test_analyzed_frame_round_trips_with_its_time() -> None:
    cache = CandleCache()
    frame = candles(0, 2).assign(enter_long=[0, 1])
    assert cache.analyzed("BTC/USDT", "1m") is None
    cache.set_analyzed("BTC/USDT", "1m", frame, AT)
    stored = cache.analyzed("BTC/USDT", "1m")
    assert stored is not None and stored[0] is frame and stored[1] == AT
    assert cache.analyzed("BTC/USDT", "5m") is None


def test_drop_forgets_one_timeframe_or_all_of_a_pair() -> None:
    cache = CandleCache()
    for timeframe in ("1m", "5m"):
        cache.update_ohlcv("BTC/USDT", timeframe, candles(0, 2))
        cache.set_analyzed("BTC/USDT", timeframe, candles(0, 2), AT)
    cache.update_ohlcv("ETH/USDT", "1m", candles(0, 2))
    cache.drop("BTC/USDT", "1m")
    assert cache.ohlcv("BTC/USDT", "1m") is None and cache.analyzed("BTC/USDT", "1m") is None
    assert cache.ohlcv("BTC/USDT", "5m") is not None and cache.analyzed("BTC/USDT", "5m") is not None
    cache.drop("BTC/USDT")
    assert cache.pairs() == [("ETH/USDT", "1m", "spot")]
    assert cache.analyzed("BTC/USDT", "5m") is None


def test_producer_frames_are_kept_per_producer_and_survive_drop() -> None:
    cache = CandleCache()
    frame = candles(0, 2)
    cache.set_external("alpha", "BTC/USDT", "1m", frame, AT)
    assert cache.external("alpha", "BTC/USDT", "1m") == (frame, AT)
    assert cache.external("beta", "BTC/USDT", "1m") is None
    assert cache.external("alpha", "BTC/USDT", "1m", candle_type="futures") is None
    assert cache.analyzed("BTC/USDT", "1m") is None
    cache.drop("BTC/USDT")
    assert cache.external("alpha", "BTC/USDT", "1m") is not None


def test_dropped_pair_has_no_last_candle_date_until_it_gets_candles_again() -> None:
    cache = CandleCache()
    cache.update_ohlcv("BTC/USDT", "1m", candles(0, 3))
    cache.drop("BTC/USDT")
    assert cache.last_candle_date("BTC/USDT", "1m") is None
    assert cache.update_ohlcv("BTC/USDT", "1m", candles(0, 1)) is True, "new again after the drop"
    assert cache.last_candle_date("BTC/USDT", "1m") == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
