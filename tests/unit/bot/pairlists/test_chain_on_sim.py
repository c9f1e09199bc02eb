"""A whole chain on the simulated market: VolumePairList, AgeFilter, SpreadFilter, then the blacklist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ftserver.bot.pairlist import Blacklist
from ftserver.bot.pairlists.chain import PairlistChain, candle_reader
from ftserver.bot.pairlists.handler import PairlistContext
from ftserver.core.clock import ManualClock
from ftserver.exchange.simulated import SimulatedMarket

NOW = datetime(2026, 3, 2, 12, 7, 30, tzinfo=UTC)
STEPS = [
    ("VolumePairList", {"number_assets": 25, "refresh_period": 1800}),
    ("AgeFilter", {"min_days_listed": 10}),
    ("SpreadFilter", {"max_spread_ratio": 0.005}),
]


async def _evaluate(chain: PairlistChain, market: SimulatedMarket, now: datetime) -> list[str]:
    ctx = PairlistContext(
        now=now,
        stake_currency="USDT",
        configured=[],
        markets=market.markets,
        tickers=await chain.tickers(market, now),
        read_candles=candle_reader(market, now),
    )
    return await chain.evaluate(ctx)


async def test_chain_on_the_sim_market_ranks_by_volume_and_drops_young_wide_and_blacklisted_pairs() -> None:
    clock = ManualClock(NOW)
    market = SimulatedMarket(clock=clock, seed=42, history_days=30)
    chain = PairlistChain(STEPS, blacklist=Blacklist(["DOGE/.*"]))
    whitelist = await _evaluate(chain, market, NOW)

    tickers = await market.fetch_tickers()
    # The blacklisted DOGE takes no slot: the 25 largest volumes are counted without it.
    candidates = [p for p in tickers if p != "DOGE/USDT"]
    top = sorted(candidates, key=lambda p: tickers[p].quote_volume or 0, reverse=True)[:25]
    traits = market.traits
    expected = [
        p for p in top if (traits[p].listed_days is None or traits[p].listed_days >= 11) and traits[p].spread <= 0.005
    ]
    assert whitelist == expected
    dropped = set(top) - set(whitelist)
    # The seed gives each reason at least one pair, so each step is seen to act.
    assert any(traits[p].spread > 0.005 for p in dropped)
    assert any(traits[p].listed_days is not None for p in dropped)
    assert "DOGE/USDT" not in whitelist and "BTC/USDT" in whitelist
    assert chain.ticker_fetches == 1


async def test_tickers_are_fetched_once_per_half_hour_for_the_whole_chain() -> None:
    clock = ManualClock(NOW)
    market = SimulatedMarket(clock=clock, seed=42, history_days=30)
    chain = PairlistChain(
        [*STEPS, ("PriceFilter", {"min_price": 0.001}), ("PrecisionFilter", {})], blacklist=Blacklist()
    )
    first = await _evaluate(chain, market, NOW)
    assert await _evaluate(chain, market, NOW + timedelta(minutes=29)) == first
    assert chain.ticker_fetches == 1
    await _evaluate(chain, market, NOW + timedelta(minutes=30))
    assert chain.ticker_fetches == 2
