from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timedelta

import pytest

from ftserver.bot.pairlists.age import AgeFilter
from ftserver.bot.pairlists.full_trades import FullTradesFilter
from ftserver.bot.pairlists.offset import OffsetFilter
from ftserver.bot.pairlists.performance import PerformanceFilter
from ftserver.bot.pairlists.precision import PrecisionFilter
from ftserver.bot.pairlists.price import PriceFilter
from ftserver.bot.pairlists.range_stability import RangeStabilityFilter
from ftserver.bot.pairlists.shuffle import ShuffleFilter
from ftserver.bot.pairlists.spread import SpreadFilter
from ftserver.bot.pairlists.volatility import VolatilityFilter
from tests.unit.bot.pairlists.market_view import NOW, context, daily, market, ticker

PAIRS = ["AAA/USDT", "BBB/USDT", "CCC/USDT", "DDD/USDT"]
MARKETS = [market(p) for p in PAIRS]


async def test_age_filter_keeps_pairs_with_enough_and_not_too_many_daily_candles() -> None:
    candles = {"AAA/USDT": daily([1] * 12), "BBB/USDT": daily([1] * 4), "CCC/USDT": daily([1] * 30)}
    ctx = context(MARKETS, candles=candles)
    assert await AgeFilter({"min_days_listed": 5}).filter(PAIRS, ctx) == ["AAA/USDT", "CCC/USDT"]
    assert await AgeFilter({"min_days_listed": 5, "max_days_listed": 20}).filter(PAIRS, ctx) == ["AAA/USDT"]


async def test_age_filter_asks_about_an_old_enough_pair_only_once() -> None:
    ctx = context(MARKETS, candles={"AAA/USDT": daily([1] * 12)})
    handler = AgeFilter({"min_days_listed": 10})
    await handler.filter(["AAA/USDT", "BBB/USDT"], ctx)
    await handler.filter(["AAA/USDT", "BBB/USDT"], ctx)
    reads = ctx.read_candles.reads  # type: ignore[attr-defined]
    assert [r[0] for r in reads] == ["AAA/USDT", "BBB/USDT", "BBB/USDT"]


async def test_full_trades_filter_empties_the_list_only_while_every_slot_is_taken() -> None:
    handler = FullTradesFilter({})
    assert await handler.filter(PAIRS, context(MARKETS, max_open_trades=3, open_trade_count=3)) == []
    assert await handler.filter(PAIRS, context(MARKETS, max_open_trades=3, open_trade_count=2)) == PAIRS
    assert await handler.filter(PAIRS, context(MARKETS, max_open_trades=-1, open_trade_count=9)) == PAIRS


async def test_offset_filter_skips_then_caps() -> None:
    ctx = context(MARKETS)
    assert await OffsetFilter({"offset": 1}).filter(PAIRS, ctx) == ["BBB/USDT", "CCC/USDT", "DDD/USDT"]
    assert await OffsetFilter({"offset": 1, "number_assets": 2}).filter(PAIRS, ctx) == ["BBB/USDT", "CCC/USDT"]
    assert await OffsetFilter({"offset": 9}).filter(PAIRS, ctx) == []


def _performance(results: Mapping[str, tuple[float, int]], asked: list[datetime | None]):  # type: ignore[no-untyped-def]
    async def performance(since: datetime | None) -> Mapping[str, tuple[float, int]]:
        asked.append(since)
        return results

    return performance


async def test_performance_filter_orders_by_profit_then_fewer_trades_and_drops_below_min_profit() -> None:
    # BBB +0.05 (2 trades), DDD +0.05 (1 trade), AAA none (0), CCC -0.02.
    results = {"BBB/USDT": (0.05, 2), "DDD/USDT": (0.05, 1), "CCC/USDT": (-0.02, 3)}
    asked: list[datetime | None] = []
    ctx = context(MARKETS, performance=_performance(results, asked))
    assert await PerformanceFilter({}).filter(PAIRS, ctx) == ["DDD/USDT", "BBB/USDT", "AAA/USDT", "CCC/USDT"]
    assert await PerformanceFilter({"minutes": 60, "min_profit": 0.0}).filter(PAIRS, ctx) == [
        "DDD/USDT",
        "BBB/USDT",
        "AAA/USDT",
    ]
    assert asked == [None, NOW - timedelta(minutes=60)]


async def test_precision_filter_drops_pairs_whose_tick_exceeds_one_percent_of_the_stop_price() -> None:
    # stoploss -10 %: stop = last * 0.9. AAA: last 100, tick 0.01 -> fine.
    # BBB: last 1.0, tick 0.01: stop 0.90 -> 0.90, 1 % below 0.891 -> 0.90: same, dropped.
    # CCC: last 2.0, tick 0.01: stop 1.80, 1 % below 1.782 -> 1.79: one tick apart, kept.
    markets = [market("AAA/USDT"), market("BBB/USDT"), market("CCC/USDT")]
    tickers = [ticker("AAA/USDT", 100), ticker("BBB/USDT", 1.0), ticker("CCC/USDT", 2.0)]
    ctx = context(markets, tickers, stoploss=-0.1)
    assert await PrecisionFilter({}).filter(["AAA/USDT", "BBB/USDT", "CCC/USDT", "DDD/USDT"], ctx) == [
        "AAA/USDT",
        "CCC/USDT",
    ]


async def test_price_filter_limits() -> None:
    markets = [
        market("AAA/USDT", tick=0.01, min_amount=0.001),  # 100: value of min order 0.1
        market("BBB/USDT", tick=0.01, min_amount=1),  # 0.5: one tick is 2 %
        market("CCC/USDT", tick=0.01, min_amount=10),  # 20: min order worth 200
        market("DDD/USDT", tick=0.001, min_amount=1),  # 3
    ]
    tickers = [ticker("AAA/USDT", 100), ticker("BBB/USDT", 0.5), ticker("CCC/USDT", 20), ticker("DDD/USDT", 3)]
    ctx = context(markets, tickers)
    assert await PriceFilter({"low_price_ratio": 0.01}).filter(PAIRS, ctx) == ["AAA/USDT", "CCC/USDT", "DDD/USDT"]
    assert await PriceFilter({"min_price": 1, "max_price": 50}).filter(PAIRS, ctx) == ["CCC/USDT", "DDD/USDT"]
    assert await PriceFilter({"max_value": 50}).filter(PAIRS, ctx) == ["AAA/USDT", "BBB/USDT", "DDD/USDT"]
    assert await PriceFilter({}).filter(PAIRS, ctx) == PAIRS


async def test_shuffle_filter_with_a_seed_repeats_its_orders_and_holds_one_order_per_candle() -> None:
    first, second = ShuffleFilter({"seed": 7}), ShuffleFilter({"seed": 7})
    ctx = context(MARKETS, timeframe="5m")
    order = await first.filter(PAIRS, ctx)
    assert sorted(order) == PAIRS
    assert await second.filter(PAIRS, ctx) == order  # same seed, same order
    assert await first.filter(PAIRS, context(MARKETS, timeframe="5m", now=NOW + timedelta(minutes=4))) == order
    later = [
        await first.filter(PAIRS, context(MARKETS, timeframe="5m", now=NOW + timedelta(minutes=5 * k)))
        for k in range(1, 6)
    ]
    assert any(o != order for o in later)  # 5 new candles: 5 new draws from 24 orders
    iteration = ShuffleFilter({"seed": 7, "shuffle_frequency": "iteration"})
    draws = {tuple(await iteration.filter(PAIRS, ctx)) for _ in range(6)}
    assert len(draws) > 1


async def test_spread_filter_drops_wide_and_unquoted_books() -> None:
    tickers = [
        ticker("AAA/USDT", 100, bid=99.9, ask=100.0),  # 0.1 %
        ticker("BBB/USDT", 1, bid=0.99, ask=1.0),  # 1 %
        ticker("CCC/USDT", 1, bid=None, ask=1.0),
        ticker("DDD/USDT", 10, bid=9.96, ask=10.0),  # 0.4 %: under the 0.5 % default, kept
    ]
    ctx = context(MARKETS, tickers)
    assert await SpreadFilter({}).filter(PAIRS, ctx) == ["AAA/USDT", "DDD/USDT"]


async def test_range_stability_filter_measures_high_low_range_and_sorts() -> None:
    candles = {
        "AAA/USDT": daily([10] * 10, highs=[10.05] * 10, lows=[10] * 10),  # 0.5 %
        "BBB/USDT": daily([10] * 10, highs=[12] * 10, lows=[10] * 10),  # 20 %
        "CCC/USDT": daily([10] * 10, highs=[10.5] * 10, lows=[10] * 10),  # 5 %
    }
    ctx = context(MARKETS, candles=candles)
    assert await RangeStabilityFilter({}).filter(PAIRS, ctx) == ["BBB/USDT", "CCC/USDT"]
    handler = RangeStabilityFilter({"max_rate_of_change": 0.3, "sort_direction": "asc", "min_rate_of_change": 0})
    assert await handler.filter(PAIRS, ctx) == ["AAA/USDT", "CCC/USDT", "BBB/USDT"]


async def test_volatility_filter_keeps_pairs_within_bounds() -> None:
    # Closes alternating 100/110 give log returns of +-ln(1.1); a flat pair has 0 volatility.
    swinging = [100.0, 110.0] * 3
    candles = {"AAA/USDT": daily([50.0] * 6), "BBB/USDT": daily(swinging)}
    ctx = context(MARKETS, candles=candles)
    handler = VolatilityFilter({"lookback_period": 3, "min_volatility": 0.05})
    assert await handler.filter(PAIRS, ctx) == ["BBB/USDT"]
    # Window of 3 returns (+r, -r, +r): std = sqrt(4 r^2 / 3), times sqrt(3) = 2 r.
    expected = 2 * math.log(1.1)
    assert await VolatilityFilter({"lookback_period": 3, "max_volatility": expected + 1e-9}).filter(PAIRS, ctx) == [
        "AAA/USDT",
        "BBB/USDT",
    ]
    assert await VolatilityFilter({"lookback_period": 3, "max_volatility": expected - 1e-6}).filter(PAIRS, ctx) == [
        "AAA/USDT"
    ]


@pytest.mark.parametrize("handler", [RangeStabilityFilter({}), VolatilityFilter({})])
async def test_candle_filters_drop_pairs_without_candles(handler: object) -> None:
    assert await handler.filter(["AAA/USDT"], context(MARKETS)) == []  # type: ignore[attr-defined]
