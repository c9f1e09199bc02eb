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


async def _handshake_status(server: Server, params: dict[str, str]) -> int:
    try:
        ws = await server.client.ws_connect("/api/v1/message/ws", params=params)
    except aiohttp.WSServerHandshakeError as exc:
        return exc.status
    await ws.close()
    return 101


async def test_guessing_ws_tokens_gets_the_client_banned_before_the_upgrade(server: Server) -> None:
    for n in range(10):  # the default auth_fail_limit
        assert await _handshake_status(server, {"token": f"guess-{n}"}) == 403
    assert await _handshake_status(server, {"token": "guess-again"}) == 429
    # Right tokens pass the ban: they cannot be guessed, and a consumer behind the same NAT keeps working.
    assert await _handshake_status(server, {"token": WS_TOKEN}) == 101
    tokens = await server.post("/api/v1/token/login")
    assert await _handshake_status(server, {"token": tokens["access_token"]}) == 101


async def test_ws_handshakes_without_a_token_are_not_counted(server: Server) -> None:
    for _ in range(20):
        assert await _handshake_status(server, {}) == 403
    assert await _handshake_status(server, {"token": "guess"}) == 403
