import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from ftserver.config.sections import ExchangeSettings, SimSettings
from ftserver.core.clock import ManualClock
from ftserver.errors import InvalidRequest
from ftserver.exchange.factory import create_market
from ftserver.exchange.simulated import SimulatedMarket, default_pairs

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


def test_forming_minute_shows_only_the_elapsed_part(sim: SimulatedMarket, clock: ManualClock) -> None:
    forming = sim.candles("BTC/USDT", "1m", limit=1)[-1]
    clock.advance(minutes=1)
    complete = sim.candles("BTC/USDT", "1m", since_ms=int(forming[0]), limit=1)[0]
    assert forming[0] == complete[0]
    assert forming[1] == complete[1], "same open"
    assert forming[5] == pytest.approx(complete[5] / 2), "30 s of 60 s elapsed"
    assert complete[3] <= forming[3] <= forming[2] <= complete[2]
    assert forming[4] != complete[4]


def test_forming_hour_aggregates_only_minutes_up_to_now(sim: SimulatedMarket, clock: ManualClock) -> None:
    hour = sim.candles("ETH/USDT", "1h", limit=2)[-1]
    minutes = sim.candles("ETH/USDT", "1m", since_ms=int(hour[0]), limit=100)
    assert len(minutes) == 8  # 12:00 .. 12:07, the last one forming
    assert hour[2] == pytest.approx(max(r[2] for r in minutes))
    assert hour[3] == pytest.approx(min(r[3] for r in minutes))
    assert hour[4] == pytest.approx(minutes[-1][4])
    assert hour[5] == pytest.approx(sum(r[5] for r in minutes))


def test_daily_and_weekly_candles_aggregate_whole_days(sim: SimulatedMarket) -> None:
    days = sim.candles("DOT/USDT", "1d", limit=3)
    hours = sim.candles("DOT/USDT", "1h", since_ms=int(days[-2][0]), limit=24)
    assert days[-2][2] == pytest.approx(max(r[2] for r in hours))
    assert days[-2][5] == pytest.approx(sum(r[5] for r in hours))
    weeks = sim.candles("DOT/USDT", "1w", limit=2)
    assert weeks[-1][0] <= NOW_MS < weeks[-1][0] + 7 * 86_400_000


def test_markets_have_ticks_steps_and_minimums(sim: SimulatedMarket) -> None:
    btc, xrp = sim.markets["BTC/USDT"], sim.markets["XRP/USDT"]
    assert len(sim.markets) == 46  # ten large coins and 36 smaller ones
    assert btc.amount_precision == pytest.approx(1e-5)
    assert btc.min_amount == btc.amount_precision
    assert xrp.price_precision is not None and xrp.price_precision <= 1e-4
    assert xrp.taker_fee == 0.001
    assert set(SimulatedMarket(quote="EUR").markets) >= {"BTC/EUR", "ETH/EUR"}
    assert SimulatedMarket(pairs=["ETH/BTC"]).price("ETH/BTC") < 1


async def test_order_book_levels_sit_on_ticks_outside_the_ticker(sim: SimulatedMarket) -> None:
    ticker = await sim.fetch_ticker("SOL/USDT")
    book = await sim.fetch_order_book("SOL/USDT", 10)
    tick = sim.markets["SOL/USDT"].price_precision
    assert tick is not None
    assert book.bids[0][0] <= ticker.bid and book.asks[0][0] >= ticker.ask  # type: ignore[operator]
    assert [p for p, _ in book.bids] == sorted((p for p, _ in book.bids), reverse=True)
    assert [p for p, _ in book.asks] == sorted(p for p, _ in book.asks)
    assert all(abs(p / tick - round(p / tick)) < 1e-6 for p, _ in book.bids + book.asks)
    assert book.bids[-1][1] > book.bids[0][1]


async def test_ticker_reports_the_last_day(sim: SimulatedMarket) -> None:
    ticker = await sim.fetch_ticker("ADA/USDT")
    day = sim.candles("ADA/USDT", "1m", since_ms=NOW_MS - 86_400_000 + 3_600_000, limit=1500)
    assert ticker.high is not None and ticker.low is not None
    assert ticker.high >= max(r[2] for r in day)
    assert ticker.low <= min(r[3] for r in day)
    assert ticker.base_volume is not None and ticker.base_volume > sum(r[5] for r in day[-60:])


def test_since_before_history_starts_at_the_history_start(sim: SimulatedMarket) -> None:
    rows = sim.candles("BTC/USDT", "1d", since_ms=0, limit=100)
    assert len(rows) in (5, 6)
    assert sim.candles("BTC/USDT", "1m", since_ms=NOW_MS + 60_000) == []


def test_factory_builds_sim_with_default_and_whitelisted_pairs(clock: ManualClock) -> None:
    config = ExchangeSettings(
        name="sim", sim=SimSettings(seed=3, history_days=2), pair_whitelist=("MOON/USDT", ".*/BTC")
    )
    built = create_market(config, clock=clock, fee=0.002)
    assert isinstance(built, SimulatedMarket)
    assert set(built.markets) == set(default_pairs()) | {"MOON/USDT"}
    assert built.markets["MOON/USDT"].taker_fee == 0.002
    assert built.candles("BTC/USDT", "1m", limit=3) == market(seed=3).candles("BTC/USDT", "1m", limit=3)
    only = create_market(ExchangeSettings(name="sim", sim=SimSettings(pairs=("ETH/USDT",))), clock=clock)
    assert set(only.markets) == {"ETH/USDT"}


def test_candles_do_not_depend_on_what_was_read_before_or_what_the_cache_kept() -> None:
    pairs = default_pairs()[:8]
    # A one-block cache: reading many pairs' history in turn pushes every older block out again.
    busy = market(cache_blocks=1, history_days=10)
    for pair in pairs:
        busy.candles(pair, "5m", limit=300)
    for pair in pairs:
        for timeframe in ("1h", "5m", "3d"):
            fresh = market(history_days=10).candles(pair, timeframe, limit=300)
            assert busy.candles(pair, timeframe, limit=300) == fresh, (pair, timeframe)


def test_a_forming_minute_read_earlier_leaves_the_closed_minute_as_a_fresh_market_has_it(
    sim: SimulatedMarket, clock: ManualClock
) -> None:
    forming = sim.candles("BTC/USDT", "1m", limit=1)[-1]
    sim.candles("BTC/USDT", "1h", limit=30)  # its forming hour ends in the same forming minute
    clock.advance(minutes=1)
    closed = sim.candles("BTC/USDT", "1m", since_ms=int(forming[0]), limit=1)[0]
    fresh = SimulatedMarket(clock=ManualClock(clock.now()), seed=7, history_days=5)
    assert closed == fresh.candles("BTC/USDT", "1m", since_ms=int(forming[0]), limit=1)[0]
    assert closed[5] == pytest.approx(forming[5] * 2), "the whole minute's volume, not the half read before"


def test_three_day_candle_aggregates_the_days_it_spans() -> None:
    m = market(history_days=20)
    three = m.candles("DOT/USDT", "3d", limit=3)[-2]  # closed: the newest one is still forming
    days = m.candles("DOT/USDT", "1d", since_ms=int(three[0]), limit=3)
    assert [int(d[0]) for d in days] == [int(three[0]) + n * 86_400_000 for n in range(3)]
    assert three[1] == days[0][1]
    assert three[2] == max(d[2] for d in days)
    assert three[3] == min(d[3] for d in days)
    assert three[4] == days[-1][4]
    assert three[5] == pytest.approx(sum(d[5] for d in days))
