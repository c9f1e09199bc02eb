"""The message WebSocket against the full server: auth, protocol, fan-out, slow consumers, shutdown."""

from __future__ import annotations

import asyncio
import json
from io import StringIO
from pathlib import Path
from typing import Any

import aiohttp
import pandas as pd
import pytest
from aiohttp import WSMsgType

from ftserver.api import keys
from ftserver.api.ws.protocol import WsProtocolError, parse_request
from ftserver.core import messages
from ftserver.core.messages import MessageType
from tests.api.conftest import Server

WS_TOKEN = "ws-test-token"
SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "freqtrade-samples"


async def connect(server: Server, token: str = WS_TOKEN) -> aiohttp.ClientWebSocketResponse:
    return await server.client.ws_connect(f"/api/v1/message/ws?token={token}")


async def receive_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    frame = await ws.receive(timeout=5)
    assert frame.type is WSMsgType.TEXT, frame
    return json.loads(frame.data)


async def test_ws_token_and_jwt_access_token_are_accepted(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "whitelist"})
    assert (await receive_json(ws)) == {"type": "whitelist", "data": ["BTC/USDT", "ETH/USDT"]}
    await ws.close()
    access = server.client.app[keys.TOKENS].issue("freq", "access")
    ws = await connect(server, access)
    await ws.send_json({"type": "whitelist", "data": ""})
    assert (await receive_json(ws))["type"] == "whitelist"
    await ws.close()


@pytest.mark.parametrize("token", ["", "wrong", "REFRESH"])
async def test_bad_tokens_are_refused_before_upgrade(server: Server, token: str) -> None:
    if token == "REFRESH":
        token = server.client.app[keys.TOKENS].issue("freq", "refresh")
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await connect(server, token)
    assert info.value.status == 403


async def test_analyzed_df_reply_per_pair_with_limit(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "analyzed_df", "data": {"limit": 3}})
    replies = [await receive_json(ws), await receive_json(ws)]
    assert {tuple(r["data"]["key"]) for r in replies} == {("BTC/USDT", "1m", "spot"), ("ETH/USDT", "1m", "spot")}
    df_wire = replies[0]["data"]["df"]
    assert df_wire["__type__"] == "dataframe"
    df = pd.read_json(StringIO(df_wire["__value__"]), orient="split")
    assert len(df) == 3
    assert {"date", "close", "enter_long", "ema_fast"} <= set(df.columns)
    assert replies[0]["data"]["la"].endswith("+00:00")
    await ws.send_json({"type": "analyzed_df", "data": {"limit": 2, "pair": "ETH/USDT"}})
    only = await receive_json(ws)
    assert only["data"]["key"][0] == "ETH/USDT"
    await ws.close()


async def test_subscribed_messages_arrive_flat_and_others_do_not(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "subscribe", "data": ["entry_fill", "exit_fill"]})
    await ws.send_json({"type": "whitelist"})
    await receive_json(ws)  # the reply proves the subscribe was handled first
    trade = await server.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    fill = await receive_json(ws)
    assert fill["type"] == "entry_fill"
    assert fill["trade_id"] == trade["trade_id"]
    assert fill["pair"] == "ETH/USDT"
    sample = SAMPLES / "ws" / "push_entry_fill.json"
    if sample.exists():
        assert set(json.loads(sample.read_text())) <= set(fill)
    with pytest.raises(asyncio.TimeoutError):
        await ws.receive(timeout=0.2)  # the "entry" message was not subscribed
    await ws.close()


async def test_malformed_frames_get_an_error_and_the_socket_stays_open(server: Server) -> None:
    ws = await connect(server)
    for bad, text in [
        ("{not json", "not JSON"),
        (json.dumps({"type": "nonsense"}), "Invalid request type: nonsense"),
        (json.dumps({"type": "subscribe", "data": ["bogus"]}), "bogus"),
    ]:
        await ws.send_str(bad)
        reply = await receive_json(ws)
        assert reply["type"] == "exception"
        assert text in reply["data"]
    await ws.send_json({"type": "whitelist"})
    assert (await receive_json(ws))["type"] == "whitelist"
    await ws.close()


async def test_each_message_is_encoded_once_for_all_subscribers(server: Server) -> None:
    sockets = [await connect(server) for _ in range(5)]
    for ws in sockets:
        await ws.send_json({"type": "subscribe", "data": ["status"]})
        await ws.send_json({"type": "whitelist"})
        await receive_json(ws)
    hub = server.client.app[keys.WS_HUB]
    before = hub.encoded
    server.client.app[keys.BUS].publish(messages.status("hello"))
    for ws in sockets:
        assert await receive_json(ws) == {"type": "status", "status": "hello"}
        await ws.close()
    assert hub.encoded == before + 1


async def test_slow_consumer_is_cut_off_while_fast_one_keeps_receiving(server: Server) -> None:
    hub = server.client.app[keys.WS_HUB]
    hub.queue_size = 5  # new connections get a tiny outbox
    hub.send_timeout = 0.5
    slow = await connect(server)
    fast = await connect(server)
    for ws in (slow, fast):
        await ws.send_json({"type": "subscribe", "data": ["status"]})
        await ws.send_json({"type": "whitelist"})
        await receive_json(ws)
    bus = server.client.app[keys.BUS]
    received = 0
    padding = "x" * 256_000  # big frames fill the socket buffers of the client that does not read
    for n in range(60):
        bus.publish(messages.status(f"m{n} {padding}"))  # the fast reader drains as we go
        reply = await receive_json(fast)
        assert reply["status"].startswith(f"m{n} ")
        received += 1
    assert received == 60
    assert hub.connections == 1, "the slow consumer was disconnected"
    frame = await slow.receive(timeout=5)
    while frame.type is WSMsgType.TEXT:
        frame = await slow.receive(timeout=5)
    assert frame.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING, WSMsgType.ERROR)
    await fast.close()


def test_request_parsing() -> None:
    assert parse_request('{"type": "analyzed_df", "data": {"limit": 99999}}').limit == 1500
    assert parse_request('{"type": "subscribe", "data": ["whitelist"]}').types == {MessageType.WHITELIST}
    with pytest.raises(WsProtocolError, match="limit"):
        parse_request('{"type": "analyzed_df", "data": {"limit": -1}}')


async def test_shutdown_closes_clients_with_going_away(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "whitelist"})
    await receive_json(ws)
    await server.client.app[keys.WS_HUB].close()
    frame = await ws.receive(timeout=5)
    assert frame.type is WSMsgType.CLOSE
    assert frame.data == 1001
