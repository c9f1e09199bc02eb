from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from ftserver.core.clock import ManualClock
from ftserver.data.frames import candles_to_frame, frame_to_candles
from ftserver.data.history import CandleStore
from ftserver.data.timerange import parse_timerange
from ftserver.exchange.downloader import download_candles
from ftserver.exchange.simulated import SimulatedMarket

T = 1_772_452_800_000  # 2026-03-02 12:00 UTC


def rows(start: int, count: int, step: int = 60_000, price: float = 1.0) -> list[list[float]]:
    return [[start + i * step, price, price, price, price, 1.0] for i in range(count)]


@pytest.mark.parametrize("fmt", ["feather", "json"])
def test_store_appends_and_reads_back_with_freqtrade_names(tmp_path: Path, fmt: str) -> None:
    store = CandleStore(tmp_path, fmt)  # type: ignore[arg-type]
    assert store.append("BTC/USDT", "5m", candles_to_frame(rows(T, 4, 300_000))) == 4
    assert store.append("BTC/USDT", "5m", candles_to_frame(rows(T + 2 * 300_000, 4, 300_000))) == 2
    assert (tmp_path / f"BTC_USDT-5m.{fmt}").exists()
    assert len(store.load("BTC/USDT", "5m")) == 6
    assert len(store.load("BTC/USDT", "5m", timerange=parse_timerange(f"{(T + 300_000) // 1000}-"))) == 5
    [item] = store.stored()
    assert (item.pair, item.timeframe, item.candles) == ("BTC/USDT", "5m", 6)
    assert store.available_pairs(timeframe="5m", stake_currency="USDT") == [("BTC/USDT", "5m", "spot")]
    assert store.path_for("BTC/USDT:USDT", "1h", "futures") == tmp_path / "futures" / f"BTC_USDT_USDT-1h-futures.{fmt}"


def test_feather_file_is_readable_by_plain_pandas(tmp_path: Path) -> None:
    store = CandleStore(tmp_path)
    store.append("ETH/USDT", "1m", candles_to_frame(rows(T, 3)))
    df = pd.read_feather(tmp_path / "ETH_USDT-1m.feather")
    assert list(df.columns) == ["date", "open", "high", "low", "close", "volume"]


async def test_download_resumes_from_the_last_stored_candle(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC))
    market = SimulatedMarket(clock=clock, pairs=["BTC/USDT"], history_days=5)
    store = CandleStore(tmp_path)
    span = parse_timerange("20260301-")
    first = await download_candles(market, store, "BTC/USDT", "5m", span, clock=clock, page_limit=100)
    assert first.added == 24 * 12 + 12 * 12  # 1 March and the morning of 2 March, closed candles only
    assert first.resumed_from_ms is None
    clock.advance(minutes=30)
    second = await download_candles(market, store, "BTC/USDT", "5m", span, clock=clock, page_limit=100)
    assert second.added == 6
    assert second.resumed_from_ms is not None
    stored = store.load("BTC/USDT", "5m")
    expected = market.candles("BTC/USDT", "5m", since_ms=int(stored["date"].iloc[0].timestamp() * 1000), limit=5)
    flat = [v for row in frame_to_candles(stored)[:5] for v in row]
    assert flat == pytest.approx([v for row in expected for v in row])
    assert stored["date"].is_unique


async def test_download_stores_pages_in_batches_not_page_by_page(tmp_path: Path) -> None:
    class CountingStore(CandleStore):
        def __init__(self, datadir: Path) -> None:
            super().__init__(datadir)
            self.writes: list[int] = []

        def append(self, pair: str, timeframe: str, new: pd.DataFrame, candle_type: str = "spot") -> int:
            self.writes.append(len(new))
            return super().append(pair, timeframe, new, candle_type)

    clock = ManualClock(datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC))
    market = SimulatedMarket(clock=clock, pairs=["BTC/USDT"], history_days=5)
    store = CountingStore(tmp_path)
    span = parse_timerange("20260301-")  # 432 closed 5m candles, see above
    result = await download_candles(
        market, store, "BTC/USDT", "5m", span, clock=clock, page_limit=100, flush_candles=200
    )
    # pages of 100: stored after the 2nd and 4th page, the last 32 at the end
    assert store.writes == [200, 200, 32]
    assert result.added == 432 and len(store.load("BTC/USDT", "5m")) == 432
