"""``WsHub``: fans bus messages out to WebSocket clients, encoding each message once for all of them."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ftserver.api.ws.connection import WsConnection
from ftserver.api.ws.protocol import encode_message
from ftserver.core.bus import MessageBus, OverflowPolicy, Subscription

log = logging.getLogger(__name__)


class WsHub:
    def __init__(self, bus: MessageBus, *, queue_size: int = 1000, send_timeout: float = 10.0) -> None:
        self.bus = bus
        self.queue_size = queue_size
        self.send_timeout = send_timeout
        self.encoded = 0
        self._connections: set[WsConnection] = set()
        self._subscription: Subscription | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def connections(self) -> int:
        """Clients still being served (a dropped client may linger until its socket is torn down)."""
        return sum(1 for c in self._connections if c.closed_reason is None)

    async def start(self) -> None:
        self._subscription = self.bus.subscribe(
            maxsize=max(self.queue_size, 10_000), policy=OverflowPolicy.DROP_OLDEST, name="ws-hub"
        )
        self._task = asyncio.get_running_loop().create_task(self._dispatch(self._subscription), name="ws-hub")

    def register(self, conn: WsConnection) -> None:
        self._connections.add(conn)
        conn.start()

    def unregister(self, conn: WsConnection) -> None:
        self._connections.discard(conn)

    async def _dispatch(self, subscription: Subscription) -> None:
        async for message in subscription:
            targets = [c for c in self._connections if c.wants(message.type)]
            if not targets:
                continue
            try:
                frame = encode_message(message)
            except TypeError:
                log.exception("Cannot encode %s message for WebSocket clients", message.type.value)
                continue
            self.encoded += 1
            for conn in targets:
                conn.enqueue(frame)

    async def close(self) -> None:
        """Close every client with 1001 (going away) and stop dispatching."""
        if self._subscription is not None:
            self._subscription.close("ws hub closed", drain=False)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.gather(*(c.close() for c in list(self._connections)), return_exceptions=True)
        self._connections.clear()
