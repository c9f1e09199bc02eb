"""Resuming the message WebSocket after a reconnect: ``subscribe`` with ``since`` (an ftserver extension)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from aiohttp import WSMsgType

from ftserver.api import keys
from ftserver.api.ws.replay import ReplayBuffer
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.messages import Message, MessageType
from tests.api.conftest import Server

WS_TOKEN = "ws-test-token"  # the conftest settings' ws_token
WS = "/api/v1/message/ws"


async def receive_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    frame = await ws.receive(timeout=5)
    assert frame.type is WSMsgType.TEXT, frame
    return json.loads(frame.data)


async def settled(ws: aiohttp.ClientWebSocketResponse) -> None:
    """A whitelist reply proves every frame queued for this client before it has been received."""
    await ws.send_json({"type": "whitelist", "data": ""})
    assert (await receive_json(ws))["type"] == "whitelist"


async def connect(server: Server) -> aiohttp.ClientWebSocketResponse:
    return await server.client.ws_connect(WS, params={"token": WS_TOKEN})


def bus(server: Server) -> MessageBus:
    return server.client.app[keys.BUS]


async def test_a_consumer_that_reconnects_with_since_gets_exactly_the_missed_messages_in_order(
    server: Server,
) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "subscribe", "data": ["status"], "since": bus(server).last_seq})
    bus(server).publish(messages.status("one"))
    first = await receive_json(ws)
    assert first["type"] == "status" and first["status"] == "one"
    handled = first["seq"]
    await ws.close()

    bus(server).publish(messages.status("two"))
    bus(server).publish(messages.warning("not subscribed"))
    bus(server).publish(messages.status("three"))

    ws = await connect(server)
    await ws.send_json({"type": "subscribe", "data": ["status"], "since": handled})
    bus(server).publish(messages.status("four"))  # live, after the replay
    got = [await receive_json(ws) for _ in range(3)]
    await settled(ws)  # nothing more (no duplicate) was queued
    assert [frame["status"] for frame in got] == ["two", "three", "four"]
    seqs = [frame["seq"] for frame in got]
    assert seqs == [handled + 1, handled + 3, handled + 4]  # the warning took handled + 2
    await ws.close()


async def test_a_since_older_than_the_buffer_gets_resync_required(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "subscribe", "data": ["status"], "since": bus(server).last_seq})
    bus(server).publish(messages.status("seen"))
    handled = (await receive_json(ws))["seq"]
    await ws.close()
    for i in range(1001):  # the buffer holds 1000 (the default ws_replay_size)
        bus(server).publish(messages.status(f"missed {i}"))
    ws = await connect(server)
    await settled(ws)  # the hub has dispatched what was published
    await ws.send_json({"type": "subscribe", "data": ["status"], "since": handled})
    frame = await receive_json(ws)
    assert frame["type"] == "resync_required"
    assert frame["data"] == {"since": handled, "oldest": handled + 2, "last": handled + 1001}
    bus(server).publish(messages.status("live"))
    live = await receive_json(ws)  # the live stream goes on after a resync
    assert (live["status"], live["seq"]) == ("live", handled + 1002)


async def test_a_since_ahead_of_the_bus_as_after_a_restart_gets_resync_required(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "subscribe", "data": ["status"], "since": bus(server).last_seq + 50})
    assert (await receive_json(ws))["type"] == "resync_required"


async def test_a_plain_freqtrade_subscribe_gets_frames_without_seq(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "subscribe", "data": ["status"]})
    await settled(ws)
    bus(server).publish(messages.status("plain"))
    assert await receive_json(ws) == {"type": "status", "status": "plain"}


async def test_a_bad_since_is_answered_with_an_exception_frame(server: Server) -> None:
    ws = await connect(server)
    await ws.send_json({"type": "subscribe", "data": ["status"], "since": -1})
    frame = await receive_json(ws)
    assert frame["type"] == "exception" and "since" in frame["data"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def status(seq: int) -> Message:
    return Message(MessageType.STATUS, {"status": str(seq)}, seq=seq)


def test_the_replay_buffer_keeps_the_newest_messages_by_count() -> None:
    buffer = ReplayBuffer(max_messages=3, max_age=60, clock=Clock())
    for seq in range(1, 6):
        buffer.add(status(seq), None)
    assert buffer.after(1) is None  # 2 was evicted
    after_2 = buffer.after(2)
    assert after_2 is not None and [e.message.seq for e in after_2] == [3, 4, 5]
    assert buffer.after(5) == []


def test_the_replay_buffer_forgets_messages_older_than_its_age() -> None:
    clock = Clock()
    buffer = ReplayBuffer(max_messages=100, max_age=10, clock=clock)
    buffer.add(status(1), None)
    clock.now = 6
    buffer.add(status(2), None)
    clock.now = 10.5  # 1 is 10.5 s old, 2 is 4.5 s old
    assert buffer.after(0) is None
    after_1 = buffer.after(1)
    assert after_1 is not None and [e.message.seq for e in after_1] == [2]
    clock.now = 20
    assert buffer.after(1) is None
    assert buffer.after(2) == []  # nothing missed: nothing to replay, no resync
