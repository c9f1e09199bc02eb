"""WsHub fan-out over real sockets: one encoding per message, slow consumers cut off, shutdown with 1001.

The toy app here serves raw ``WsConnection`` objects (types from the query string) so the hub is
tested without the endpoint's auth and request handling.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import WSMsgType, web

from ftserver.api.ws.connection import WsConnection
from ftserver.api.ws.hub import WsHub
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.messages import Message, MessageType
from tests.support.polling import eventually

Client = Any  # pytest-aiohttp's TestClient
ClientFactory = Callable[[web.Application], Awaitable[Client]]


class CountingDatetime(datetime):
    """A datetime that counts how often it is serialized (orjson hands datetime subclasses to our encoder)."""

    calls = 0

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        self.calls += 1
        return super().isoformat(sep, timespec)


def stamp() -> CountingDatetime:
    return CountingDatetime(2026, 3, 2, 12, 0, tzinfo=UTC)


# Both ends of every test socket get small kernel buffers, so a client that stops reading blocks the
# server's writer after a known few hundred KB, whatever the machine's loopback defaults are.
SOCKET_BUFFER = 32 * 1024


def _small_buffer(sock: socket.socket | None, option: int) -> None:
    assert sock is not None
    sock.setsockopt(socket.SOL_SOCKET, option, SOCKET_BUFFER)


def hub_app(hub: WsHub) -> web.Application:
    async def serve(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        transport = request.transport
        if transport is not None:
            _small_buffer(transport.get_extra_info("socket"), socket.SO_SNDBUF)
        conn = WsConnection(
            ws,
            request.remote or "unknown",
            queue_size=hub.queue_size,
            send_timeout=hub.send_timeout,
            abort=transport.abort if transport is not None else None,
        )
        conn.subscribe(MessageType(t) for t in request.query.get("types", "").split(",") if t)
        if not hub.register(conn):
            await conn.close()
            return ws
        conn.start()
        try:
            async for _ in ws:
                pass
        finally:
            hub.unregister(conn)
            await conn.close()
        return ws

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        await hub.start()
        yield
        await hub.close()
        await hub.bus.close()

    app = web.Application()
    app.router.add_get("/ws", serve)
    app.cleanup_ctx.append(lifecycle)
    return app


async def connect(client: Client, hub: WsHub, types: str = "status") -> aiohttp.ClientWebSocketResponse:
    before = hub.connections
    ws = await client.ws_connect(f"/ws?types={types}")
    _small_buffer(ws.get_extra_info("socket"), socket.SO_RCVBUF)
    await eventually(lambda: hub.connections == before + 1, within=5)
    return ws


async def receive_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    frame = await ws.receive(timeout=5)
    assert frame.type is WSMsgType.TEXT, frame
    return json.loads(frame.data)


@pytest.fixture
def bus() -> MessageBus:
    return MessageBus()


async def test_each_message_is_serialized_once_for_every_subscriber(
    aiohttp_client: ClientFactory, bus: MessageBus
) -> None:
    hub = WsHub(bus)
    client = await aiohttp_client(hub_app(hub))
    sockets = [await connect(client, hub) for _ in range(5)]
    at = stamp()
    bus.publish(Message(MessageType.STATUS, {"status": "hello", "at": at}))
    for ws in sockets:
        assert await receive_json(ws) == {"type": "status", "status": "hello", "at": "2026-03-02T12:00:00+00:00"}
    assert at.calls == 1
    assert hub.encoded == 1


async def test_message_nobody_subscribed_to_is_neither_encoded_nor_sent(
    aiohttp_client: ClientFactory, bus: MessageBus
) -> None:
    hub = WsHub(bus)
    client = await aiohttp_client(hub_app(hub))
    ws = await connect(client, hub, "status,exit_fill")
    at = stamp()
    bus.publish(Message(MessageType.ENTRY_FILL, {"trade_id": 1, "open_date": at}))
    bus.publish(messages.status("after"))
    assert await receive_json(ws) == {"type": "status", "status": "after"}
    assert at.calls == 0
    assert hub.stats()["messages_skipped"] == 1


async def test_frames_arrive_as_text_in_publish_order(aiohttp_client: ClientFactory, bus: MessageBus) -> None:
    hub = WsHub(bus)
    client = await aiohttp_client(hub_app(hub))
    ws = await connect(client, hub)
    for n in range(50):
        bus.publish(messages.status(f"m{n}"))
    assert [(await receive_json(ws))["status"] for _ in range(50)] == [f"m{n}" for n in range(50)]
    await eventually(lambda: hub.stats()["frames_sent"] == 50, within=5)


async def test_slow_consumer_is_disconnected_while_fast_one_gets_everything(
    aiohttp_client: ClientFactory, bus: MessageBus, caplog: pytest.LogCaptureFixture
) -> None:
    hub = WsHub(bus, queue_size=4, send_timeout=1.0)
    client = await aiohttp_client(hub_app(hub))
    slow = await connect(client, hub)  # never reads: its socket buffers fill, then its outbox
    fast = await connect(client, hub)
    padding = "x" * 512_000
    sent = 0
    # A few frames fill the slow socket's small buffers and the writer's transport, four more its
    # outbox; the next one overflows it (8 frames on Linux with these buffers).
    while hub.stats()["slow_disconnects"] == 0:
        assert sent < 10, "the slow consumer was not disconnected when its outbox overflowed"
        bus.publish(messages.status(f"m{sent} {padding}"))
        assert (await receive_json(fast))["status"].startswith(f"m{sent} ")
        sent += 1
    for n in range(sent, sent + 5):
        bus.publish(messages.status(f"m{n} {padding}"))
        assert (await receive_json(fast))["status"].startswith(f"m{n} ")
    assert hub.connections == 1
    assert any(
        r.levelno == logging.WARNING and "127.0.0.1" in r.getMessage() and "too slow" in r.getMessage()
        for r in caplog.records
    )
    frame = await slow.receive(timeout=10)
    while frame.type is WSMsgType.TEXT:
        frame = await slow.receive(timeout=10)
    assert frame.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING, WSMsgType.ERROR)


async def test_a_send_slower_than_the_timeout_disconnects(
    aiohttp_client: ClientFactory, bus: MessageBus, caplog: pytest.LogCaptureFixture
) -> None:
    hub = WsHub(bus, queue_size=10_000, send_timeout=0.3)
    client = await aiohttp_client(hub_app(hub))
    await connect(client, hub)  # never reads
    padding = "x" * 64_000
    for n in range(40):  # 2.5 MB: far more than the small socket buffers take
        bus.publish(messages.status(f"m{n} {padding}"))
    await eventually(lambda: hub.connections == 0, within=5)
    assert hub.stats()["slow_disconnects"] == 1
    assert "a send took longer than 0.3 s" in caplog.text


async def test_a_backlog_sent_longer_than_the_timeout_is_fine_while_every_frame_moves(
    aiohttp_client: ClientFactory, bus: MessageBus
) -> None:
    """The send timeout is per frame: a reader that keeps taking frames is never cut off, however long the queue."""
    hub = WsHub(bus, queue_size=10_000, send_timeout=1.5)
    client = await aiohttp_client(hub_app(hub))
    ws = await connect(client, hub)
    padding = "x" * 64_000
    frames = 100  # 6.4 MB queued at once: far more than the small socket buffers, so the writer waits on the reader
    for n in range(frames):
        bus.publish(messages.status(f"m{n} {padding}"))
    started = asyncio.get_running_loop().time()
    for n in range(frames):
        assert (await receive_json(ws))["status"].startswith(f"m{n} ")
        await asyncio.sleep(0.02)
    assert asyncio.get_running_loop().time() - started > hub.send_timeout
    assert hub.stats()["slow_disconnects"] == 0
    assert hub.connections == 1


async def test_close_sends_going_away_to_every_client_and_refuses_new_ones(
    aiohttp_client: ClientFactory, bus: MessageBus
) -> None:
    hub = WsHub(bus)
    client = await aiohttp_client(hub_app(hub))
    sockets = [await connect(client, hub) for _ in range(3)]
    receivers = [asyncio.ensure_future(ws.receive(timeout=5)) for ws in sockets]
    await hub.close()
    for frame in await asyncio.gather(*receivers):
        assert frame.type is WSMsgType.CLOSE
        assert frame.data == 1001
    await eventually(lambda: not hub.stats()["connections"], within=5)
    late = await client.ws_connect("/ws?types=status")
    frame = await late.receive(timeout=5)
    assert (frame.type, frame.data) == (WSMsgType.CLOSE, 1001)
    bus.publish(messages.status("after close"))
    assert hub.encoded == 0


async def test_hub_backlog_drops_its_oldest_messages_when_full(aiohttp_client: ClientFactory, bus: MessageBus) -> None:
    hub = WsHub(bus, bus_queue_size=2)
    client = await aiohttp_client(hub_app(hub))
    ws = await connect(client, hub)
    for n in range(5):  # published without yielding: the hub cannot run in between
        bus.publish(messages.status(f"m{n}"))
    assert [(await receive_json(ws))["status"] for _ in range(2)] == ["m3", "m4"]
    assert hub.stats()["bus_dropped"] == 3


async def test_connection_disconnected_by_the_client_is_forgotten(
    aiohttp_client: ClientFactory, bus: MessageBus
) -> None:
    hub = WsHub(bus)
    client = await aiohttp_client(hub_app(hub))
    ws = await connect(client, hub)
    bus.publish(messages.status("one"))
    await receive_json(ws)
    await ws.close()
    await eventually(lambda: hub.connections == 0, within=5)
    bus.publish(messages.status("two"))
    await eventually(lambda: hub.stats()["messages_skipped"] == 1, within=5)
    assert hub.stats()["frames_sent"] == 1
