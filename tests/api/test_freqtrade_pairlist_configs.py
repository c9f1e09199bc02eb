"""The pairlists freqtrade users bring: the chain of freqtrade's full example config and the single
VolumePairList that ``freqtrade new-config`` writes, each loaded, started on the sim market and traded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.measured import MeasuredMarket
from tests.api.conftest import START, Server, app_settings

# The chain in freqtrade's config_full.example.json (same handlers, same options).
FULL_EXAMPLE_CHAIN: list[dict[str, Any]] = [
    {"method": "StaticPairList"},
    {"method": "VolumePairList", "number_assets": 20, "sort_key": "quoteVolume", "refresh_period": 1800},
    {"method": "AgeFilter", "min_days_listed": 10},
    {"method": "PrecisionFilter"},
    {"method": "PriceFilter", "low_price_ratio": 0.01, "min_price": 0.00000010},
    {"method": "SpreadFilter", "max_spread_ratio": 0.005},
    {"method": "RangeStabilityFilter", "lookback_days": 10, "min_rate_of_change": 0.01, "refresh_period": 1440},
]
# What freqtrade 2026.9's new-config template writes.
NEW_CONFIG_CHAIN: list[dict[str, Any]] = [
    {"method": "VolumePairList", "number_assets": 20, "sort_key": "quoteVolume", "min_value": 0, "refresh_period": 1800}
]
WHITELIST = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "LTC/USDT", "PEPE/USDT"]


@pytest.mark.parametrize("chain", [FULL_EXAMPLE_CHAIN, NEW_CONFIG_CHAIN], ids=["config_full", "new_config"])
async def test_freqtrade_pairlists_start_build_a_whitelist_and_trade(
    aiohttp_client: Any, tmp_path: Path, chain: list[dict[str, Any]]
) -> None:
    exchange = {"name": "sim", "pair_whitelist": WHITELIST, "pair_blacklist": ["DOGE/.*"], "sim": {"seed": 42}}
    settings = app_settings(tmp_path, exchange=exchange, pairlists=chain, timeframe="5m")
    clock = ManualClock(START)
    app = create_app(settings, clock=clock)
    client = await aiohttp_client(app)
    await app[BOT].run_once()
    measured = app[BOT].market
    assert isinstance(measured, MeasuredMarket)  # the bot's calls are timed; the sim market is inside
    server = Server(client, clock, measured.inner)

    shown = await server.get("/api/v1/whitelist")
    assert shown["method"] == [step["method"] for step in chain]
    assert (await server.get("/api/v1/show_config"))["pairlists"] == chain
    whitelist = shown["whitelist"]
    assert "BTC/USDT" in whitelist and "DOGE/USDT" not in whitelist
    if chain is NEW_CONFIG_CHAIN:
        assert len(whitelist) == 20  # the sim lists 46 USDT pairs: twenty by volume
    else:
        assert set(whitelist) <= set(WHITELIST)
    trade = await server.post("/api/v1/forceenter", {"pair": whitelist[0]})
    assert trade["pair"] == whitelist[0]
    assert (await server.get("/api/v1/count"))["current"] == 1
