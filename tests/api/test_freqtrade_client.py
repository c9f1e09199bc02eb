"""freqtrade's own REST client (freqtrade-client from PyPI) against a live ftserver on loopback.

Every FtRestClient method is called and its answer checked. The client is synchronous (requests),
so each call runs in a worker thread while the server runs on the test's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from freqtrade_client import FtRestClient

from .conftest import PASSWORD, USER, Server
from .test_research import store_candles


@pytest.fixture
def ft(server: Server) -> FtRestClient:
    return FtRestClient(str(server.client.make_url("")).rstrip("/"), USER, PASSWORD)


async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await asyncio.to_thread(fn, *args, **kwargs)


async def test_every_client_method_answers_with_real_data(server: Server, ft: FtRestClient, tmp_path: Path) -> None:
    store_candles(tmp_path, timeframe="5m")
    covered: set[str] = set()

    async def check(name: str, *args: Any, **kwargs: Any) -> Any:
        covered.add(name)
        result = await call(getattr(ft, name), *args, **kwargs)
        assert result is not None, f"{name} got no answer"
        return result

    assert await check("ping") == {"status": "pong"}  # the client pings through show_config
    assert (await check("version"))["version"]
    assert (await check("show_config"))["api_version"] == 2.5
    assert (await check("health"))["bot_startup_ts"] > 0
    assert "ram_pct" in await check("sysinfo")
    assert (await check("logs", 5))["log_count"] <= 5
    assert (await check("count"))["max"] == 3
    assert (await check("balance"))["stake"] == "USDT"
    assert (await check("whitelist"))["whitelist"] == ["BTC/USDT", "ETH/USDT"]
    assert "StaticPairList" in str(await check("pairlists_available"))

    trade = await check("forceenter", "ETH/USDT", "long")
    assert trade["pair"] == "ETH/USDT"
    second = await check("forcebuy", "BTC/USDT")
    assert second["pair"] == "BTC/USDT"
    assert len(await check("status")) == 2
    assert (await check("trade", trade["trade_id"]))["trade_id"] == trade["trade_id"]
    assert (await check("trades", 10, 0))["total_trades"] == 0  # closed trades only, as freqtrade
    # freqtrade answers 404 while no open trade has custom data
    assert (await check("list_open_trades_custom_data"))["detail"] == "No custom-data found for any open trades."
    await server.bot.repo.set_custom_data(trade["trade_id"], "note", {"why": "test"})
    (listed,) = await check("list_open_trades_custom_data")
    assert (listed["trade_id"], listed["custom_data"][0]["value"]) == (trade["trade_id"], {"why": "test"})
    assert (await check("list_custom_data", trade["trade_id"])) == [listed]
    server.market.set_price("ETH/USDT", 11.0)
    assert "Created exit order" in (await check("forceexit", trade["trade_id"]))["result"]
    assert (await check("profit"))["closed_trade_count"] == 1
    closed = await check("trades", 10, 0)
    assert closed["total_trades"] == 1 and closed["trades"][0]["trade_id"] == trade["trade_id"]
    assert (await check("performance"))[0]["pair"] == "ETH/USDT"
    assert (await check("entries"))[0]["enter_tag"] == "force_entry"
    assert (await check("exits", "ETH/USDT"))[0]["exit_reason"] == "force_exit"
    assert (await check("mix_tags"))[0]["mix_tag"] == "force_entry force_exit"
    assert "force_exit" in (await check("stats"))["exit_reasons"]
    assert len((await check("daily", 3))["data"]) == 3
    assert len((await check("weekly", 2))["data"]) == 2
    assert len((await check("monthly", 2))["data"]) == 2
    cancelled = await check("cancel_open_order", second["trade_id"])
    assert "detail" in cancelled  # BTC's entry filled at once: nothing open to cancel (409)
    assert (await check("delete_trade", second["trade_id"]))["result"] == "success"

    assert (await check("blacklist", "ETH/.*"))["blacklist"] == ["ETH/.*"]
    assert (await check("blacklist"))["length"] == 1
    locks = await check("lock_add", "BTC/USDT", "2026-03-02T14:00:00Z", "*", "api")
    assert locks["lock_count"] == 1
    assert (await check("locks"))["locks"][0]["reason"] == "api"
    assert (await check("delete_lock", locks["locks"][0]["id"]))["lock_count"] == 0

    candles = await check("pair_candles", "BTC/USDT", "1m", 5)
    assert candles["length"] == 5
    filtered = await check("pair_candles", "BTC/USDT", "1m", 5, ["rsi"])
    assert "rsi" in filtered["columns"]
    assert "main_plot" in await check("plot_config")
    assert "SampleStrategy" in (await check("strategies"))["strategies"]
    assert (await check("strategy", "SampleStrategy"))["timeframe"] == "5m"
    assert (await check("available_pairs", "5m", "USDT"))["pairs"] == ["BTC/USDT"]
    history = await check("pair_history", "BTC/USDT", "5m", "SampleStrategy", "202603020000-")
    assert history["length"] > 100

    assert (await check("stopbuy"))["status"].startswith("paused")
    assert (await check("stop"))["status"] == "stopping trader ..."
    assert (await check("start"))["status"] == "starting trader ..."
    assert (await check("reload_config"))["status"] == "Reloading config ..."
    assert (await check("show_config"))["state"] == "running"

    methods = {m for m in dir(FtRestClient) if not m.startswith("_") and callable(getattr(FtRestClient, m))}
    assert methods - covered == set(), f"not exercised: {sorted(methods - covered)}"
