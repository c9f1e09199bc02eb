"""The simulated market's smaller coins: seeded volumes, spreads, volatilities and listing ages."""

from __future__ import annotations

from datetime import UTC, datetime

from ftserver.core.clock import ManualClock
from ftserver.exchange.simulated import LARGE_COIN, SMALLER_BASES, SimulatedMarket

NOW = datetime(2026, 3, 2, 12, 7, 30, tzinfo=UTC)


def sim(seed: int = 42) -> SimulatedMarket:
    return SimulatedMarket(clock=ManualClock(NOW), seed=seed, history_days=30)


def test_traits_come_from_the_seed_and_large_coins_keep_theirs() -> None:
    assert sim(42).traits == sim(42).traits
    assert sim(42).traits["LTC/USDT"] != sim(43).traits["LTC/USDT"]
    assert sim().traits["BTC/USDT"] == LARGE_COIN
    assert len(SMALLER_BASES) == 36


def test_smaller_coins_span_the_ranges_the_filters_need() -> None:
    traits = [sim().traits[f"{base}/USDT"] for base in SMALLER_BASES]
    assert all(0.001 <= t.volume_scale <= 0.1 for t in traits)
    assert all(0.0001 <= t.spread <= 0.01 for t in traits)
    assert any(t.spread > 0.005 for t in traits) and any(t.spread < 0.001 for t in traits)
    young = [t.listed_days for t in traits if t.listed_days is not None]
    assert young and all(2 <= days <= 20 for days in young)
    assert len(young) < len(traits) / 2


async def test_a_recently_listed_pair_has_candles_only_since_its_listing() -> None:
    market = sim()
    pair, traits = next((p, t) for p, t in market.traits.items() if t.listed_days is not None)
    assert traits.listed_days is not None
    days = await market.fetch_ohlcv(pair, "1d", limit=100)
    # Daily candles from the first whole day after the listing up to today's forming one.
    assert int(traits.listed_days) <= len(days) <= int(traits.listed_days) + 1
    assert len(await market.fetch_ohlcv("BTC/USDT", "1d", limit=100)) == 31


async def test_tickers_show_each_pairs_spread_and_a_wide_spread_of_volumes() -> None:
    market = sim()
    tickers = await market.fetch_tickers()
    for pair in ("BTC/USDT", "LTC/USDT", "PEPE/USDT"):
        t = tickers[pair]
        assert t.bid is not None and t.ask is not None
        tick = market.markets[pair].price_precision or 0
        # Half the spread on each side of the last price, at least one tick.
        assert abs((t.ask - t.bid) - max(t.last * market.traits[pair].spread, 2 * tick)) <= 1e-9 * t.last
    volumes = sorted(t.quote_volume or 0 for t in tickers.values())
    assert volumes[-1] / volumes[0] > 100
    large = {f"{b}/USDT" for b in ("BTC", "ETH", "SOL", "BNB", "XRP", "ADA", "DOGE", "AVAX", "DOT", "LINK")}
    by_volume = sorted(tickers, key=lambda p: tickers[p].quote_volume or 0, reverse=True)
    assert set(by_volume[:10]) == large
