"""``ChartCandles``: plain candles of any timeframe, kept until the next candle closes or they age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from ftserver.bot.chart_candles import ChartCandles
from ftserver.core.clock import ManualClock
from ftserver.errors import ExchangeUnavailable
from ftserver.exchange.base import Candle
from ftserver.exchange.simulated import SimulatedMarket


class FlakyMarket(SimulatedMarket):
    """The sim market whose next ``failures`` candle requests fail as an unreachable exchange would."""

    failures = 0

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        if self.failures:
            self.failures -= 1
            raise ExchangeUnavailable("exchange timed out")
        return await super().fetch_ohlcv(pair, timeframe, since_ms, limit)


def charts_at(now: datetime) -> tuple[ChartCandles, FlakyMarket, ManualClock]:
    clock = ManualClock(now)
    market = FlakyMarket(pairs=["BTC/USDT"], clock=clock, history_days=3)
    return ChartCandles(market, clock, max_age=timedelta(seconds=30)), market, clock


async def test_kept_candles_are_fetched_again_once_the_next_candle_closed() -> None:
    charts, _market, clock = charts_at(datetime(2026, 3, 2, 12, 59, 50, tzinfo=UTC))
    frame, _ = await charts.candles("BTC/USDT", "1h", 5)
    assert frame["date"].iat[-1] == pd.Timestamp("2026-03-02 11:00", tz="UTC")  # 12:00 still forming
    clock.advance(5)
    await charts.candles("BTC/USDT", "1h", 5)
    assert charts.fetches == 1
    clock.advance(10)  # 13:00:05: the 12:00 candle closed, though the kept ones are only 15 s old
    frame, fetched_at = await charts.candles("BTC/USDT", "1h", 5)
    assert charts.fetches == 2
    assert frame["date"].iat[-1] == pd.Timestamp("2026-03-02 12:00", tz="UTC")
    assert fetched_at == datetime(2026, 3, 2, 13, 0, 5, tzinfo=UTC)


async def test_a_failed_fetch_is_raised_and_not_kept() -> None:
    charts, market, _clock = charts_at(datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC))
    market.failures = 1
    with pytest.raises(ExchangeUnavailable, match="exchange timed out"):
        await charts.candles("BTC/USDT", "4h", 10)
    frame, _ = await charts.candles("BTC/USDT", "4h", 10)  # asked again: fetched again, and answered
    assert len(frame) == 10
    assert charts.fetches == 1  # counts the fetches that answered


async def test_no_more_keys_are_kept_than_allowed() -> None:
    clock = ManualClock(datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC))
    market = SimulatedMarket(pairs=["BTC/USDT", "ETH/USDT"], clock=clock, history_days=3)
    charts = ChartCandles(market, clock, max_entries=2)
    for timeframe in ("15m", "1h", "4h"):
        await charts.candles("BTC/USDT", timeframe, 10)
    await charts.candles("BTC/USDT", "4h", 10)
    await charts.candles("BTC/USDT", "1h", 10)
    assert charts.fetches == 3  # 1h and 4h kept
    await charts.candles("BTC/USDT", "15m", 10)  # the least recently used went first
    assert charts.fetches == 4
