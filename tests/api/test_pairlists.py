"""Pairlist chains through the API: the handlers on offer, the chain in /whitelist, a reload switching chains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.measured import MeasuredMarket
from ftserver.exchange.simulated import SimulatedMarket
from tests.api.conftest import START, Server, app_settings

SIM = {"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT", "SOL/USDT"], "sim": {"seed": 42, "history_days": 30}}
VOLUME_CHAIN = [{"method": "VolumePairList", "number_assets": 5}, {"method": "SpreadFilter", "max_spread_ratio": 0.005}]


async def _sim_server(aiohttp_client: Any, tmp_path: Path, configs: list[Any]) -> Server:
    clock = ManualClock(START)
    app = create_app(configs[0], clock=clock, settings_loader=lambda: configs[-1])
    client = await aiohttp_client(app)
    await app[BOT].run_once()
    measured = app[BOT].market
    assert isinstance(measured, MeasuredMarket)  # the bot's calls are timed; the sim market is inside
    return Server(client, clock, measured.inner)


async def test_available_pairlists_lists_every_handler_with_its_options(server: Server) -> None:
    handlers = (await server.get("/api/v1/pairlists/available"))["pairlists"]
    by_name = {h["name"]: h for h in handlers}
    assert list(by_name) == [
        "StaticPairList", "VolumePairList", "PercentChangePairList", "ProducerPairList", "AgeFilter",
        "FullTradesFilter", "OffsetFilter", "PerformanceFilter", "PrecisionFilter", "PriceFilter",
        "RangeStabilityFilter", "ShuffleFilter", "SpreadFilter", "VolatilityFilter",
    ]  # fmt: skip
    volume = by_name["VolumePairList"]
    assert volume["is_pairlist_generator"] is True
    assert volume["params"]["number_assets"]["default"] == 30
    assert volume["params"]["sort_key"] == {
        "type": "option",
        "default": "quoteVolume",
        "options": ["quoteVolume"],
        "description": "Sort key",
        "help": "Ticker value the pairs are ranked by.",
    }
    assert by_name["SpreadFilter"]["is_pairlist_generator"] is False
    assert by_name["SpreadFilter"]["params"]["max_spread_ratio"]["default"] == 0.005
    assert by_name["FullTradesFilter"]["params"] == {}
    assert all(h["description"] for h in handlers)


async def test_whitelist_reports_the_chain_and_a_reload_switches_it(aiohttp_client: Any, tmp_path: Path) -> None:
    static = app_settings(tmp_path, exchange=SIM)
    volume = app_settings(tmp_path, exchange=SIM, pairlists=VOLUME_CHAIN)
    configs = [static]
    server = await _sim_server(aiohttp_client, tmp_path, configs)
    shown = await server.get("/api/v1/whitelist")
    assert shown["method"] == ["StaticPairList"]
    assert shown["whitelist"] == ["BTC/USDT", "ETH/USDT", "SOL/USDT"]
    assert (await server.get("/api/v1/show_config"))["pairlists"] == [{"method": "StaticPairList"}]

    configs.append(volume)
    await server.post("/api/v1/reload_config")
    shown = await server.get("/api/v1/whitelist")
    assert shown["method"] == ["VolumePairList", "SpreadFilter"]
    assert (await server.get("/api/v1/blacklist"))["method"] == ["VolumePairList", "SpreadFilter"]
    market = server.market
    assert isinstance(market, SimulatedMarket)
    tickers = await market.fetch_tickers()
    # The ten large coins out-trade every smaller one and quote a 0.01 % spread: the top five by volume stay.
    top5 = sorted(tickers, key=lambda p: tickers[p].quote_volume or 0, reverse=True)[:5]
    assert shown["whitelist"] == top5
    assert shown["length"] == 5
