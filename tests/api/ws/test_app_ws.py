"""The message WebSocket in the whole server: analyzed_df replies follow the bot's own analyses."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp import WSMsgType

from tests.api.conftest import Server

WS_TOKEN = "ws-test-token"  # the conftest settings' ws_token


async def analyzed_replies(ws: aiohttp.ClientWebSocketResponse, limit: int) -> list[str]:
    await ws.send_json({"type": "analyzed_df", "data": {"limit": limit}})
    frames = []
    for _ in range(2):  # one per whitelisted pair
        frame = await ws.receive(timeout=5)
        assert frame.type is WSMsgType.TEXT, frame
        frames.append(frame.data)
    return frames


def summary(text: str) -> tuple[str, str, int, int]:
    """(pair, last analyzed, row count, date of the last row)."""
    data: Any = json.loads(text)["data"]
    split = json.loads(data["df"]["__value__"])
    return data["key"][0], data["la"], len(split["data"]), split["data"][-1][split["columns"].index("date")]


async def test_analyzed_df_replies_follow_the_bots_new_candles(server: Server) -> None:
    ws = await server.client.ws_connect("/api/v1/message/ws", params={"token": WS_TOKEN})
    before = [summary(text) for text in await analyzed_replies(ws, 5)]
    assert [pair for pair, *_ in before] == ["BTC/USDT", "ETH/USDT"]
    assert all(rows == 5 for _, _, rows, _ in before)
    assert [summary(text) for text in await analyzed_replies(ws, 5)] == before  # nothing new: same answer

    server.clock.advance(minutes=1)  # one 1m candle later
    await server.bot.run_once()
    after = [summary(text) for text in await analyzed_replies(ws, 5)]
    for (pair, la, _, last_date), (new_pair, new_la, rows, new_last_date) in zip(before, after, strict=True):
        assert new_pair == pair
        assert new_la > la
        assert rows == 5
        assert new_last_date == last_date + 60_000

    assert [summary(text)[2] for text in await analyzed_replies(ws, 2)] == [2, 2]
    await ws.close()
