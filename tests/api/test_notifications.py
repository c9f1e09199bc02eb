"""End to end: the real app on the simulated market; a forced entry and exit through the REST API
reach a webhook receiver on loopback, and the log tells the same story."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from ftserver.app import BOT, NOTIFICATIONS, create_app
from ftserver.core.clock import ManualClock
from tests.api.conftest import START, app_settings, basic_auth
from tests.support.polling import eventually


async def webhook_receiver(aiohttp_server: Any, path: str) -> tuple[list[dict[str, Any]], str]:
    """A webhook receiver on loopback: the JSON bodies it got, and its URL."""
    received: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(status=200)

    receiver = web.Application()
    receiver.router.add_post(path, hook)
    server = await aiohttp_server(receiver)
    return received, str(server.make_url(path))


async def test_forced_trade_reaches_the_webhook_and_the_log(
    aiohttp_client: Any, aiohttp_server: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    received, hook_url = await webhook_receiver(aiohttp_server, "/hook/token")
    template = {"type": "{type}", "pair": "{pair}", "trade": "{trade_id}"}
    settings = app_settings(
        tmp_path,
        exchange={"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"], "sim": {"seed": 7, "history_days": 2}},
        webhook={
            "enabled": True,
            "url": hook_url,
            "format": "json",
            "entry": template,
            "entry_fill": template,
            "exit": {**template, "reason": "{exit_reason}"},
            "exit_fill": {**template, "reason": "{exit_reason}", "final": "{is_final_exit}"},
        },
    )
    app = create_app(settings, clock=ManualClock(START))
    with caplog.at_level(logging.INFO):
        client = await aiohttp_client(app)
        await app[BOT].run_once()
        answer = await client.post(
            "/api/v1/forceenter", json={"pair": "ETH/USDT", "ordertype": "market"}, headers=basic_auth()
        )
        assert answer.status == 200, await answer.text()
        trade_id = str((await answer.json())["trade_id"])
        await eventually(lambda: len(received) == 2, what="entry and entry_fill at the webhook")
        answer = await client.post("/api/v1/forceexit", json={"tradeid": trade_id}, headers=basic_auth())
        assert answer.status == 200, await answer.text()
        await eventually(lambda: len(received) == 4, what="exit and exit_fill at the webhook")
        stats = app[NOTIFICATIONS].stats()
        shown = await client.get("/api/v1/show_config", headers=basic_auth())
        assert "/hook/token" not in await shown.text()
    assert received == [
        {"type": "entry", "pair": "ETH/USDT", "trade": trade_id},
        {"type": "entry_fill", "pair": "ETH/USDT", "trade": trade_id},
        {"type": "exit", "pair": "ETH/USDT", "trade": trade_id, "reason": "force_exit"},
        {"type": "exit_fill", "pair": "ETH/USDT", "trade": trade_id, "reason": "force_exit", "final": "True"},
    ]
    assert stats["webhook"]["sent"] == 4
    assert stats["webhook"]["dropped"] == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "ftserver.trades"]
    assert [line.split(" for trade")[0] for line in lines] == [
        "Entry order placed",
        "Entry order filled",
        "Exit order placed",
        "Exit order filled",
    ]
    assert all(f"trade #{trade_id} ETH/USDT (Long)" in line for line in lines)
    # The webhook's URL is a secret: never in our log (the receiver's own access log aside).
    ours = [r.getMessage() for r in caplog.records if r.name != "aiohttp.access"]
    assert not [line for line in ours if "/hook/token" in line]


async def test_a_hanging_webhook_does_not_hold_up_trading_or_the_log(
    aiohttp_client: Any, aiohttp_server: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    release = asyncio.Event()
    received: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        await release.wait()  # the endpoint hangs until the test lets it answer
        received.append(await request.json())
        return web.Response(status=200)

    receiver = web.Application()
    receiver.router.add_post("/hook", hook)
    receiver_server = await aiohttp_server(receiver)
    settings = app_settings(
        tmp_path,
        exchange={"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"], "sim": {"seed": 7, "history_days": 2}},
        webhook={
            "enabled": True,
            "url": str(receiver_server.make_url("/hook")),
            "format": "json",
            "timeout": 60,
            "entry": {"type": "{type}"},
            "entry_fill": {"type": "{type}"},
        },
    )
    app = create_app(settings, clock=ManualClock(START))
    with caplog.at_level(logging.INFO):
        client = await aiohttp_client(app)
        started = time.perf_counter()
        answer = await client.post(
            "/api/v1/forceenter", json={"pair": "ETH/USDT", "ordertype": "market"}, headers=basic_auth()
        )
        assert answer.status == 200
        await app[BOT].run_once()
        took = time.perf_counter() - started
        lines = await eventually(
            lambda: [r for r in caplog.records if r.name == "ftserver.trades"][1:], what="the log channel's lines"
        )
        assert received == []  # the webhook's first post still hangs
        release.set()
        await eventually(lambda: len(received) == 2, what="the webhook delivering once its endpoint answers")
    # The entry and an iteration of the loop took what they take, not the endpoint's 60 s timeout.
    assert took < 5
    assert "Entry order filled" in lines[0].getMessage()
    assert received == [{"type": "entry"}, {"type": "entry_fill"}]


async def test_reload_config_turns_the_webhook_on_and_off_without_a_restart(
    aiohttp_client: Any, aiohttp_server: Any, tmp_path: Path
) -> None:
    received, hook_url = await webhook_receiver(aiohttp_server, "/hook")
    exchange = {"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"], "sim": {"seed": 7, "history_days": 2}}
    webhook = {
        "enabled": True,
        "url": hook_url,
        "format": "json",
        "entry": {"type": "{type}", "pair": "{pair}"},
    }
    configs = [app_settings(tmp_path, exchange=exchange)]
    app = create_app(configs[0], clock=ManualClock(START), settings_loader=lambda: configs[-1])
    client = await aiohttp_client(app)
    await app[BOT].run_once()

    async def enter_and_exit(pair: str) -> None:
        answer = await client.post(
            "/api/v1/forceenter", json={"pair": pair, "ordertype": "market"}, headers=basic_auth()
        )
        assert answer.status == 200, await answer.text()
        trade_id = (await answer.json())["trade_id"]
        answer = await client.post("/api/v1/forceexit", json={"tradeid": str(trade_id)}, headers=basic_auth())
        assert answer.status == 200, await answer.text()

    await enter_and_exit("BTC/USDT")
    assert [channel.name for channel in app[NOTIFICATIONS].channels] == ["log"]

    configs.append(app_settings(tmp_path, exchange=exchange, webhook=webhook))
    assert (await client.post("/api/v1/reload_config", headers=basic_auth())).status == 200
    assert [channel.name for channel in app[NOTIFICATIONS].channels] == ["log", "webhook"]
    await enter_and_exit("ETH/USDT")
    await eventually(lambda: received == [{"type": "entry", "pair": "ETH/USDT"}], what="the entry at the webhook")

    configs.append(app_settings(tmp_path, exchange=exchange))
    assert (await client.post("/api/v1/reload_config", headers=basic_auth())).status == 200
    assert [channel.name for channel in app[NOTIFICATIONS].channels] == ["log"]
    await enter_and_exit("BTC/USDT")
    await asyncio.sleep(0.2)  # a message to a channel that is gone would have arrived by now
    assert received == [{"type": "entry", "pair": "ETH/USDT"}]  # nothing from the first trade, nor the third
