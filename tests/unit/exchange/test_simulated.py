import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from ftserver.core.clock import ManualClock
from ftserver.errors import InvalidRequest
from ftserver.exchange.simulated import SimulatedMarket

NOW = datetime(2026, 3, 2, 12, 7, 30, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


def market(clock: ManualClock | None = None, **kwargs) -> SimulatedMarket:  # type: ignore[no-untyped-def]
    return SimulatedMarket(clock=clock or ManualClock(NOW), **kwargs)


def test_same_candle_for_same_time_across_instances_and_windows() -> None:
    a = market().candles("BTC/USDT", "5m", limit=300)
    b = market().candles("BTC/USDT", "5m", since_ms=int(a[100][0]), limit=10)
    assert a[100:110] == b


def test_seed_changes_prices() -> None:
    assert market(seed=1).candles("BTC/USDT", "1m", limit=3) != market(seed=2).candles("BTC/USDT", "1m", limit=3)


def test_no_candle_opens_in_the_future_and_last_one_is_forming() -> None:
    rows = market().candles("ETH/USDT", "5m", limit=50)
    assert rows[-1][0] <= NOW_MS < rows[-1][0] + 300_000
    step = {int(b[0]) - int(a[0]) for a, b in itertools.pairwise(rows)}
    assert step == {300_000}
    later = market(ManualClock(NOW + timedelta(minutes=2))).candles("ETH/USDT", "5m", limit=50)
    assert later[-1][0] == rows[-1][0], "same forming candle"
    assert later[-1][5] > rows[-1][5], "more volume as the candle forms"


def test_five_minute_candle_aggregates_its_one_minute_candles() -> None:
    m = market()
    five = m.candles("SOL/USDT", "5m", limit=3)[0]
    ones = m.candles("SOL/USDT", "1m", since_ms=int(five[0]), limit=5)
    assert five[1] == pytest.approx(ones[0][1])
    assert five[2] == pytest.approx(max(r[2] for r in ones))
    assert five[3] == pytest.approx(min(r[3] for r in ones))
    assert five[4] == pytest.approx(ones[-1][4])
    assert five[5] == pytest.approx(sum(r[5] for r in ones))


def test_history_is_limited_and_candles_are_sane() -> None:
    m = market(history_days=2)
    rows = m.candles("BTC/USDT", "1h", since_ms=NOW_MS - 30 * 86_400_000, limit=1500)
    assert len(rows) in (48, 49)
    for _, o, h, low, c, v in rows:
        assert low <= min(o, c) <= max(o, c) <= h
        assert v > 0


def test_ticker_and_order_book_follow_the_last_candle() -> None:
    m = market()
    ticker = asyncio.run(m.fetch_ticker("BTC/USDT"))
    last = m.candles("BTC/USDT", "1m", limit=1)[-1]
    assert ticker.last == pytest.approx(last[4])
    assert ticker.bid < ticker.last < ticker.ask
    book = asyncio.run(m.fetch_order_book("BTC/USDT", 5))
    assert book.bids[0][0] < book.asks[0][0]
    assert len(book.bids) == 5


def test_unknown_pair_and_timeframe_are_refused() -> None:
    m = market()
    with pytest.raises(InvalidRequest, match="NOPE/USDT"):
        m.candles("NOPE/USDT", "5m")
    with pytest.raises(InvalidRequest, match="7x"):
        m.candles("BTC/USDT", "7x")


def test_custom_pairs_get_markets_with_precision() -> None:
    m = market(pairs=["BTC/USDT", "FOO/USDT"])
    assert set(m.markets) == {"BTC/USDT", "FOO/USDT"}
    assert m.markets["BTC/USDT"].price_precision == pytest.approx(0.01)
    assert m.markets["FOO/USDT"].min_cost == 5.0
