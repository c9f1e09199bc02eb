"""One WebSocket client: its subscriptions, its bounded outbox and the one task that writes to it.

Enqueueing never waits. A client whose outbox overflows, or whose socket takes longer than the send
timeout, is disconnected so that it cannot hold back anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable

from aiohttp import WSCloseCode, web

from ftserver.core.messages import MessageType

log = logging.getLogger(__name__)


class WsConnection:
    def __init__(
        self,
        ws: web.WebSocketResponse,
        peer: str,
        *,
        queue_size: int,
        send_timeout: float,
        abort: Callable[[], None] | None = None,
    ) -> None:
        self.ws = ws
        self._abort = abort
        self.peer = peer
        self.types: frozenset[MessageType] = frozenset()
        self.queue_size = queue_size
        self.send_timeout = send_timeout
        self.sent = 0
        self.closed_reason: str | None = None
        self._outbox: deque[str] = deque()
        self._ready = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(self._write(), name=f"ws-writer:{self.peer}")

    def wants(self, message_type: MessageType) -> bool:
        return message_type in self.types and self.closed_reason is None

    def enqueue(self, frame: str) -> None:
        if self.closed_reason is not None:
            return
        if len(self._outbox) >= self.queue_size:
            self.drop(f"outbox full ({self.queue_size} messages): consumer too slow")
            return
        self._outbox.append(frame)
        self._ready.set()

    def drop(self, reason: str, code: int = WSCloseCode.POLICY_VIOLATION) -> None:
        """Disconnect this client (from any task) without waiting for it."""
        if self.closed_reason is not None:
            return
        self.closed_reason = reason
        self._outbox.clear()
        log.warning("Disconnecting WebSocket client %s: %s", self.peer, reason)
        asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        try:
            await asyncio.wait_for(self.ws.close(code=code, message=reason[:120].encode()), self.send_timeout)
        except Exception:
            # A stalled peer cannot even take the close frame: drop the TCP connection.
            if self._abort is not None:
                self._abort()

    async def _write(self) -> None:
        while self.closed_reason is None:
            if not self._outbox:
                self._ready.clear()
                await self._ready.wait()
                continue
            frame = self._outbox.popleft()
            try:
                await asyncio.wait_for(self.ws.send_str(frame), self.send_timeout)
            except TimeoutError:
                self.drop(f"a send took longer than {self.send_timeout:g} s")
                return
            except (ConnectionError, RuntimeError):
                self.closed_reason = "connection lost"
                return
            self.sent += 1

    async def close(self, code: int = WSCloseCode.GOING_AWAY, reason: str = "server shutdown") -> None:
        if self.closed_reason is None:
            self.closed_reason = reason
        self._ready.set()
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        await self._close(code, reason)
