"""``WsHub``: fans bus messages out to WebSocket clients, encoding each message once for all of them.

The hub reads the bus through its own bounded subscription (oldest messages give way if the hub
itself ever falls behind) and hands the same encoded bytes to every subscribed connection's outbox,
synchronously: dispatch never waits for a socket.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import WSCloseCode

from ftserver.api.ws.connection import WsConnection
from ftserver.api.ws.protocol import encode_message, resync_frame, with_seq
from ftserver.api.ws.replay import Buffered, ReplayBuffer
from ftserver.core.bus import MessageBus, OverflowPolicy, Subscription
from ftserver.core.messages import Message

log = logging.getLogger(__name__)


class WsHub:
    def __init__(
        self,
        bus: MessageBus,
        *,
        queue_size: int = 1000,
        send_timeout: float = 10.0,
        bus_queue_size: int = 10_000,
        replay: ReplayBuffer | None = None,
    ) -> None:
        """``queue_size`` and ``send_timeout`` apply to each connection; ``bus_queue_size`` to the hub's own
        backlog; ``replay`` keeps recent messages for clients that resume (none kept when not given)."""
        self.bus = bus
        self.queue_size = queue_size
        self.send_timeout = send_timeout
        self.bus_queue_size = bus_queue_size
        self.replay = replay if replay is not None else ReplayBuffer(max_messages=0, max_age=0)
        self.replayed = 0
        self.resyncs = 0
        self.encoded = 0  # messages serialized: at most one per bus message, however many clients
        self.dispatched = 0
        self.skipped = 0  # messages nobody had subscribed to (never encoded)
        self.failed = 0
        self._connections: set[WsConnection] = set()
        self._retired_sent = 0
        self._retired_slow = 0
        self._closed = False
        self._subscription: Subscription | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def connections(self) -> int:
        """Clients being served (a client dropped as too slow no longer counts, even before it is torn down)."""
        return sum(1 for conn in self._connections if not conn.closed)

    @property
    def closed(self) -> bool:
        return self._closed

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("the WebSocket hub is already started")
        self._subscription = self.bus.subscribe(
            maxsize=self.bus_queue_size, policy=OverflowPolicy.DROP_OLDEST, name="ws-hub"
        )
        self._task = asyncio.get_running_loop().create_task(self._dispatch(self._subscription), name="ws-hub")

    def register(self, conn: WsConnection) -> bool:
        """Start serving ``conn``; False once the hub is closed (the caller then sends the client away)."""
        if self._closed:
            return False
        self._connections.add(conn)
        return True

    def unregister(self, conn: WsConnection) -> None:
        if conn in self._connections:
            self._connections.discard(conn)
            self._retired_sent += conn.sent
            self._retired_slow += conn.slow

    def fan_out(self, message: Message) -> int:
        """Hand ``message`` to every connection subscribed to its type; the number of connections reached."""
        targets = [conn for conn in self._connections if conn.wants(message.type)]
        if not targets:
            self.skipped += 1
            self.replay.add(message, None)
            return 0
        try:
            frame = encode_message(message)
        except (TypeError, ValueError):
            self.failed += 1
            log.exception("Cannot encode %s message #%d for WebSocket clients", message.type.value, message.seq)
            return 0
        self.replay.add(message, frame)
        self.encoded += 1
        self.dispatched += 1
        return sum(conn.enqueue(with_seq(frame, message.seq) if conn.resumable else frame) for conn in targets)

    def resume(self, conn: WsConnection, since: int) -> int:
        """Queue for ``conn`` the buffered messages of its types after ``since`` (or a ``resync_required``
        frame when they are no longer all held); from here on its frames carry ``seq``. Frames queued."""
        conn.resumable = True
        entries: list[Buffered] | None
        if since > self.bus.last_seq:
            entries = None  # a sequence this bus never reached: the server restarted
        elif since >= self.replay.last_seq:
            entries = []  # up to date; messages still on their way to the hub arrive live
        else:
            entries = self.replay.after(since)
        if entries is None:
            self.resyncs += 1
            conn.enqueue(resync_frame(since, self.replay.oldest_seq, self.replay.last_seq))
            return 1
        queued = 0
        for entry in entries:
            if not conn.wants(entry.message.type):
                continue
            if entry.frame is None:
                try:
                    entry.frame = encode_message(entry.message)
                except (TypeError, ValueError):
                    log.exception(
                        "Cannot encode %s message #%d for replay", entry.message.type.value, entry.message.seq
                    )
                    continue
                self.encoded += 1
            queued += conn.enqueue(with_seq(entry.frame, entry.message.seq))
        self.replayed += queued
        return queued

    async def _dispatch(self, subscription: Subscription) -> None:
        async for message in subscription:
            try:
                self.fan_out(message)
            except Exception:
                # One bad message must not end the fan-out for every client.
                log.exception("WebSocket fan-out of %s message #%d failed", message.type.value, message.seq)

    def stats(self) -> dict[str, Any]:
        live = list(self._connections)
        return {
            "connections": self.connections,
            "messages_dispatched": self.dispatched,
            "messages_skipped": self.skipped,
            "messages_failed": self.failed,
            "encoded": self.encoded,
            "frames_sent": self._retired_sent + sum(conn.sent for conn in live),
            "frames_pending": sum(conn.pending for conn in live),
            "slow_disconnects": self._retired_slow + sum(conn.slow for conn in live),
            "bus_dropped": self._subscription.dropped if self._subscription is not None else 0,
            "replay_buffered": len(self.replay),
            "frames_replayed": self.replayed,
            "resyncs": self.resyncs,
        }

    async def close(self) -> None:
        """Stop dispatching and close every client with 1001 (going away). Safe to call twice."""
        self._closed = True
        if self._subscription is not None:
            self._subscription.close("ws hub closed", drain=False)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        connections = list(self._connections)
        await asyncio.gather(
            *(conn.close(WSCloseCode.GOING_AWAY, "server shutdown") for conn in connections), return_exceptions=True
        )
