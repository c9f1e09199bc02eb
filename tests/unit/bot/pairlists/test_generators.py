from __future__ import annotations

from datetime import timedelta

from ftserver.bot.pairlists.percent_change import PercentChangePairList
from ftserver.bot.pairlists.producer import ProducerPairList
from ftserver.bot.pairlists.static import StaticPairList
from ftserver.bot.pairlists.volume import VolumePairList
from tests.unit.bot.pairlists.market_view import NOW, context, daily, market, ticker

MARKETS = [
    market("AAA/USDT"),
    market("BBB/USDT"),
    market("CCC/USDT"),
    market("DDD/USDT", active=False),
    market("EEE/BTC"),
    market("FFF/USDT"),
]


async def test_static_pairlist_keeps_configured_order_and_drops_unlisted_and_inactive_pairs() -> None:
    ctx = context(MARKETS, configured=["CCC/USDT", "ZZZ/USDT", "DDD/USDT", "AAA/USDT", "CCC/USDT"])
    assert await StaticPairList({}).generate(ctx) == ["CCC/USDT", "AAA/USDT"]
    assert await StaticPairList({"allow_inactive": True}).generate(ctx) == ["CCC/USDT", "DDD/USDT", "AAA/USDT"]


async def test_volume_pairlist_ranks_stake_markets_by_quote_volume_within_bounds() -> None:
    tickers = [
        ticker("AAA/USDT", 1, volume=500),
        ticker("BBB/USDT", 1, volume=9000),  # above max_value
        ticker("CCC/USDT", 1, volume=50),  # below min_value
        ticker("DDD/USDT", 1, volume=8000),  # inactive market
        ticker("EEE/BTC", 1, volume=7000),  # other quote currency
        ticker("FFF/USDT", 1, volume=700),
    ]
    ctx = context(MARKETS, tickers)
    handler = VolumePairList({"number_assets": 5, "min_value": 100, "max_value": 5000})
    assert await handler.generate(ctx) == ["FFF/USDT", "AAA/USDT"]
    assert await VolumePairList({"number_assets": 1}).generate(ctx) == ["BBB/USDT"]


async def test_volume_pairlist_keeps_its_ranking_until_the_refresh_period_passed() -> None:
    handler = VolumePairList({"number_assets": 1, "refresh_period": 600})
    first = context(MARKETS, [ticker("AAA/USDT", 1, volume=10), ticker("FFF/USDT", 1, volume=20)])
    assert await handler.generate(first) == ["FFF/USDT"]
    swapped = [ticker("AAA/USDT", 1, volume=30), ticker("FFF/USDT", 1, volume=20)]
    assert await handler.generate(context(MARKETS, swapped, now=NOW + timedelta(seconds=599))) == ["FFF/USDT"]
    assert await handler.generate(context(MARKETS, swapped, now=NOW + timedelta(seconds=600))) == ["AAA/USDT"]


async def test_volume_pairlist_with_lookback_sums_candle_volume_at_the_typical_price() -> None:
    # AAA: 3 days of 10 units at typical price (12 + 6 + 9) / 3 = 9 -> 270; FFF: 3 x 100 at 1 -> 300.
    candles = {
        "AAA/USDT": daily([9, 9, 9], highs=[12, 12, 12], lows=[6, 6, 6], volume=10),
        "FFF/USDT": daily([1, 1, 1], volume=100),
    }
    ctx = context(MARKETS, candles=candles)
    handler = VolumePairList({"number_assets": 2, "lookback_days": 3})
    assert await handler.generate(ctx) == ["FFF/USDT", "AAA/USDT"]
    assert ("AAA/USDT", "1d", 3) in ctx.read_candles.reads  # type: ignore[attr-defined]
    only_two_days = VolumePairList({"number_assets": 2, "lookback_timeframe": "1d", "lookback_period": 2})
    # 2 days: AAA 180, FFF 200 -> same order, and both are kept.
    assert await only_two_days.generate(ctx) == ["FFF/USDT", "AAA/USDT"]


async def test_volume_pairlist_later_in_a_chain_filters_the_pairs_it_is_given() -> None:
    tickers = [ticker("AAA/USDT", 1, volume=500), ticker("BBB/USDT", 1, volume=900), ticker("FFF/USDT", 1, volume=700)]
    handler = VolumePairList({"number_assets": 2})
    assert await handler.filter(["AAA/USDT", "FFF/USDT", "CCC/USDT"], context(MARKETS, tickers)) == [
        "FFF/USDT",
        "AAA/USDT",
    ]


async def test_percent_change_pairlist_orders_by_change_and_honours_bounds() -> None:
    tickers = [
        ticker("AAA/USDT", 1, change=-4.0),
        ticker("BBB/USDT", 1, change=12.5),
        ticker("CCC/USDT", 1, change=3.0),
        ticker("FFF/USDT", 1, change=None),  # no change known: left out
    ]
    ctx = context(MARKETS, tickers)
    assert await PercentChangePairList({"number_assets": 3}).generate(ctx) == ["BBB/USDT", "CCC/USDT", "AAA/USDT"]
    ascending = PercentChangePairList({"number_assets": 2, "sort_direction": "asc", "min_value": -5, "max_value": 10})
    assert await ascending.generate(ctx) == ["AAA/USDT", "CCC/USDT"]


async def test_percent_change_with_lookback_measures_first_open_to_last_close() -> None:
    candles = {"AAA/USDT": daily([10, 11, 12]), "FFF/USDT": daily([10, 9, 8])}  # +20 % and -20 %
    handler = PercentChangePairList({"number_assets": 5, "lookback_days": 3, "min_value": 0})
    assert await handler.generate(context(MARKETS, candles=candles)) == ["AAA/USDT"]


async def test_producer_pairlist_follows_the_named_producer_and_caps_the_count() -> None:
    producers = {"main": ["FFF/USDT", "AAA/USDT", "XYZ/USDT", "BBB/USDT"], "other": ["CCC/USDT"]}
    ctx = context(MARKETS, producer_pairs=producers)
    assert await ProducerPairList({"producer_name": "main"}).generate(ctx) == ["FFF/USDT", "AAA/USDT", "BBB/USDT"]
    assert await ProducerPairList({"producer_name": "main", "number_assets": 2}).generate(ctx) == [
        "FFF/USDT",
        "AAA/USDT",
    ]
    assert await ProducerPairList({"producer_name": "missing"}).generate(ctx) == []
    # As a filter it appends the producer's pairs to the list before it.
    assert await ProducerPairList({"producer_name": "other"}).filter(["AAA/USDT"], ctx) == ["AAA/USDT", "CCC/USDT"]
