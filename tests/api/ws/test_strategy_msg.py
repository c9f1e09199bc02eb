"""A strategy's dp.send_msg reaches WebSocket clients subscribed to strategy_msg."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType

from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from tests.api.conftest import START, app_settings
from tests.support.polling import eventually
from tests.support.scripted_market import ScriptedMarket

WS_TOKEN = "ws-test-token"  # the conftest settings' ws_token

TALKER = """
from ftserver.strategy.base import Strategy


class Talker(Strategy):
    timeframe = "1m"

    def populate_indicators(self, dataframe, metadata):
        self.dp.send_msg(f"{metadata['pair']} analyzed")
        self.dp.send_msg(f"{metadata['pair']} analyzed")  # the same text in the same candle: once
        return dataframe
"""


async def test_send_msg_reaches_a_client_subscribed_to_strategy_msg(tmp_path: Path, aiohttp_client: Any) -> None:
    strategies = tmp_path / "user_data" / "strategies"
    strategies.mkdir(parents=True)
    (strategies / "talker.py").write_text(TALKER, encoding="utf-8")
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(tmp_path, strategy="Talker")
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client = await aiohttp_client(app)
    # The iteration the bot runs at start sends its messages before anyone subscribed.
    await eventually(lambda: app[BOT].analyzed("ETH/USDT") is not None)
    async with app[BOT].lock:
        pass
    ws = await client.ws_connect("/api/v1/message/ws", params={"token": WS_TOKEN})
    await ws.send_json({"type": "subscribe", "data": ["strategy_msg"]})
    # The subscription is read by the server before the next request on the same socket is answered.
    await ws.send_json({"type": "whitelist"})
    assert json.loads((await ws.receive(timeout=5)).data)["type"] == "whitelist"

    clock.advance(minutes=1)
    await app[BOT].run_once()

    received = []
    for _ in range(2):
        frame = await ws.receive(timeout=5)
        assert frame.type is WSMsgType.TEXT, frame
        received.append(json.loads(frame.data))
    assert received == [
        {"type": "strategy_msg", "msg": "BTC/USDT analyzed"},
        {"type": "strategy_msg", "msg": "ETH/USDT analyzed"},
    ]
    await ws.close()
