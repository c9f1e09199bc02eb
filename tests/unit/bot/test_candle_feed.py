from __future__ import annotations

from tests.unit.bot.conftest import Harness


async def test_a_pair_that_leaves_the_whitelist_is_dropped_from_the_candle_cache(harness: Harness) -> None:
    await harness.tick()
    cache = harness.bot.candles.cache
    timeframe = str(harness.strategy.timeframe)
    assert {pair for pair, _, _ in cache.pairs()} == {"BTC/USDT", "ETH/USDT"}

    await harness.bot.add_blacklist(["ETH/USDT"])
    await harness.tick()

    assert [pair for pair, _, _ in cache.pairs()] == ["BTC/USDT"]
    assert cache.ohlcv("ETH/USDT", timeframe) is None
    assert cache.analyzed("ETH/USDT", timeframe) is None
    assert cache.last_candle_date("ETH/USDT", timeframe) is None
    assert cache.analyzed("BTC/USDT", timeframe) is not None

    # Back on the whitelist: fetched afresh on the next iteration.
    await harness.bot.remove_blacklist(["ETH/USDT"])
    await harness.tick()
    assert cache.analyzed("ETH/USDT", timeframe) is not None
