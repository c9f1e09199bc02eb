"""One WebSocket client: its subscribed types, its bounded outbox and the one task that writes to it.

Enqueueing never waits. A client whose outbox overflows, or whose socket takes longer than the send
timeout for one frame, is disconnected (1008) so that it cannot hold back the hub or anyone else.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable

from aiohttp import WSCloseCode, WSMsgType, web

from ftserver.core.messages import MessageType

log = logging.getLogger(__name__)

SLOW_CONSUMER = "consumer too slow"


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
        """``abort`` tears the TCP connection down when even the close frame cannot be delivered."""
        if queue_size < 1:
            raise ValueError("a WebSocket outbox needs room for at least one frame")
        self.ws = ws
        self.peer = peer
        self.queue_size = queue_size
        self.send_timeout = send_timeout
        self.types: frozenset[MessageType] = frozenset()  # freqtrade sends nothing until asked
        self.resumable = False  # subscribed with "since": its frames carry "seq"
        self.sent = 0
        self.slow = False
        self.closed_reason: str | None = None
        self._abort = abort
        self._outbox: deque[bytes] = deque()
        self._ready = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None

    @property
    def closed(self) -> bool:
        return self.closed_reason is not None

    @property
    def pending(self) -> int:
        return len(self._outbox)

    def start(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(self._write(), name=f"ws-writer:{self.peer}")

    def subscribe(self, types: Iterable[MessageType]) -> None:
        """Replace the subscribed types."""
        self.types = frozenset(types)

    def wants(self, message_type: MessageType) -> bool:
        return message_type in self.types and self.closed_reason is None

    def enqueue(self, frame: bytes) -> bool:
        """Queue one JSON text frame; False if the connection is closed or has just been dropped as too slow."""
        if self.closed_reason is not None:
            return False
        if len(self._outbox) >= self.queue_size:
            self._drop_slow(f"outbox full ({self.queue_size} frames)")
            return False
        self._outbox.append(frame)
        self._ready.set()
        return True

    def _drop_slow(self, why: str) -> None:
        self.slow = True
        log.warning("Disconnecting WebSocket client %s: %s, %s", self.peer, why, SLOW_CONSUMER)
        self._begin_close(WSCloseCode.POLICY_VIOLATION, SLOW_CONSUMER)

    def _begin_close(self, code: int, reason: str) -> None:
        if self._closer is not None:
            return
        self.closed_reason = reason
        self._outbox.clear()
        self._ready.set()
        self._closer = asyncio.get_running_loop().create_task(
            self._shutdown(code, reason), name=f"ws-close:{self.peer}"
        )

    async def close(self, code: int = WSCloseCode.GOING_AWAY, reason: str = "server shutdown") -> None:
        """Stop writing and close the socket with ``code`` (no-op if already closing); returns once closed."""
        self._begin_close(code, reason)
        assert self._closer is not None
        await self._closer

    async def _shutdown(self, code: int, reason: str) -> None:
        writer = self._writer
        if writer is not None and writer is not asyncio.current_task() and not writer.done():
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
        try:
            await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()[:120]), self.send_timeout)
        except Exception:
            # A peer that stopped reading cannot even take the close frame: drop the TCP connection,
            # else the transport would hold its unsent buffer (and this client) forever.
            if self._abort is not None:
                self._abort()

    async def _write(self) -> None:
        loop = asyncio.get_running_loop()
        slack = self.send_timeout / 100
        while self.closed_reason is None:
            if not self._outbox:
                self._ready.clear()
                await self._ready.wait()
                continue
            try:
                # Everything queued goes out in one pass. A frame only waits when the transport is
                # paused (its buffer is full), so the send timeout is one deadline moved forward as
                # frames go, not a wait_for (a task and a loop turn) per frame. Moving it costs a timer
                # while a frame that does not wait takes microseconds, so it is moved only once it has
                # fallen 1 % of the timeout behind: every frame gets at least 99 % of the timeout.
                async with asyncio.timeout_at(loop.time() + self.send_timeout) as deadline:
                    while self._outbox and self.closed_reason is None:
                        frame = self._outbox.popleft()
                        due = loop.time() + self.send_timeout
                        if due - slack > (deadline.when() or 0.0):
                            deadline.reschedule(due)
                        # Already UTF-8 JSON: sent as a TEXT frame without a decode/encode round trip.
                        await self.ws.send_frame(frame, WSMsgType.TEXT)
                        self.sent += 1
            except TimeoutError:
                self._drop_slow(f"a send took longer than {self.send_timeout:g} s")
                return
            except (ConnectionError, RuntimeError):
                # The peer went away; the handler sees the socket close and unregisters us.
                self._begin_close(WSCloseCode.GOING_AWAY, "connection lost")
                return
