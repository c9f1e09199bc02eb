"""The message bus: the trading loop publishes events, subscribers (WebSocket hub, loggers, tests) read them.

Publishing is synchronous and never waits for a subscriber: every subscription owns a bounded queue,
and when that queue is full the subscription's overflow policy decides what gives way — its oldest
message (``DROP_OLDEST``) or the subscription itself (``DISCONNECT``). Either way the publisher and
every other subscriber carry on at their own pace, and the loss is counted.

Every published message gets the next sequence number, so a reader can tell when it missed some.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from ftserver.core.messages import NO_ECHO_MESSAGE_TYPES, Message, MessageType

log = logging.getLogger(__name__)


class OverflowPolicy(StrEnum):
    DROP_OLDEST = "drop_oldest"
    DISCONNECT = "disconnect"


class SubscriptionClosed(Exception):
    """Raised by ``Subscription.get`` once the subscription is closed and has nothing left to read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Subscription:
    """A subscriber's view of the bus: its message types, its bounded queue and its counters."""

    def __init__(
        self,
        bus: MessageBus,
        types: frozenset[MessageType] | None,
        maxsize: int,
        policy: OverflowPolicy,
        name: str,
    ) -> None:
        if maxsize < 1:
            raise ValueError("a subscription needs room for at least one message")
        self.name = name
        self.types = types
        self.maxsize = maxsize
        self.policy = policy
        self.delivered = 0
        self.dropped = 0
        self.close_reason: str | None = None
        self._bus = bus
        self._queue: deque[Message] = deque()
        self._ready = asyncio.Event()

    @property
    def closed(self) -> bool:
        return self.close_reason is not None

    @property
    def pending(self) -> int:
        return len(self._queue)

    def accepts(self, message: Message) -> bool:
        return self.types is None or message.type in self.types

    def offer(self, message: Message) -> None:
        """Queue ``message`` without waiting. Called by the bus only."""
        if self.closed:
            return
        if len(self._queue) >= self.maxsize:
            if self.policy is OverflowPolicy.DISCONNECT:
                self.dropped += 1 + len(self._queue)
                self._queue.clear()
                self._bus.note_disconnect(self)
                self.close("queue full")
                return
            self._queue.popleft()
            self.dropped += 1
            self._bus.note_drop()
        self._queue.append(message)
        self.delivered += 1
        self._ready.set()

    async def get(self) -> Message:
        """The next message. Raises ``SubscriptionClosed`` once closed and drained."""
        while True:
            if self._queue:
                return self._queue.popleft()
            if self.close_reason is not None:
                raise SubscriptionClosed(self.close_reason)
            self._ready.clear()
            await self._ready.wait()

    def close(self, reason: str = "closed", *, drain: bool = True) -> None:
        """Stop receiving. With ``drain`` the reader still gets what is queued, else it is discarded."""
        if self.close_reason is None:
            self.close_reason = reason
        if not drain:
            self._queue.clear()
        self._bus.forget(self)
        self._ready.set()

    def __aiter__(self) -> AsyncIterator[Message]:
        return self

    async def __anext__(self) -> Message:
        try:
            return await self.get()
        except SubscriptionClosed:
            raise StopAsyncIteration from None


@dataclass(frozen=True, slots=True)
class BusStats:
    published: int
    subscribers: int
    dropped: int
    disconnected: int
    last_seq: int


class MessageBus:
    def __init__(self, *, default_maxsize: int = 1000) -> None:
        self.default_maxsize = default_maxsize
        self._subscriptions: list[Subscription] = []
        self._seq = 0
        self._published = 0
        self._dropped = 0
        self._disconnected = 0
        self._closed = False

    # ---- subscribing ------------------------------------------------------------------------
    def subscribe(
        self,
        types: Iterable[MessageType] | None = None,
        *,
        maxsize: int | None = None,
        policy: OverflowPolicy = OverflowPolicy.DROP_OLDEST,
        name: str = "",
    ) -> Subscription:
        """A new subscription to ``types`` (``None``: every type). The caller must close it."""
        if self._closed:
            raise RuntimeError("the bus is closed")
        sub = Subscription(
            self,
            None if types is None else frozenset(types),
            maxsize or self.default_maxsize,
            policy,
            name or f"sub-{len(self._subscriptions) + 1}",
        )
        self._subscriptions.append(sub)
        return sub

    @contextlib.asynccontextmanager
    async def subscription(
        self,
        types: Iterable[MessageType] | None = None,
        *,
        maxsize: int | None = None,
        policy: OverflowPolicy = OverflowPolicy.DROP_OLDEST,
        name: str = "",
    ) -> AsyncIterator[Subscription]:
        """``async with bus.subscription(...) as sub``: the subscription is closed on every way out."""
        sub = self.subscribe(types, maxsize=maxsize, policy=policy, name=name)
        try:
            yield sub
        finally:
            sub.close(drain=False)

    def forget(self, sub: Subscription) -> None:
        with contextlib.suppress(ValueError):
            self._subscriptions.remove(sub)

    # ---- publishing -------------------------------------------------------------------------
    def publish(self, message: Message) -> Message:
        """Stamp ``message`` with the next sequence number and queue it for every subscriber. Never waits."""
        self._seq += 1
        stamped = replace(message, seq=self._seq)
        if self._closed:
            log.debug("Bus closed; %s message %d not delivered", stamped.type.value, stamped.seq)
            return stamped
        self._published += 1
        if stamped.type not in NO_ECHO_MESSAGE_TYPES:
            log.debug("Bus: %s #%d", stamped.type.value, stamped.seq)
        # Iterate over a copy: a DISCONNECT overflow removes the subscription while we loop.
        for sub in tuple(self._subscriptions):
            if sub.accepts(stamped):
                sub.offer(stamped)
        return stamped

    # ---- accounting -------------------------------------------------------------------------
    def note_drop(self) -> None:
        self._dropped += 1

    def note_disconnect(self, sub: Subscription) -> None:
        self._disconnected += 1
        log.warning("Bus subscriber %s fell behind (%d queued) and was disconnected", sub.name, sub.maxsize)

    @property
    def last_seq(self) -> int:
        return self._seq

    def stats(self) -> BusStats:
        return BusStats(
            published=self._published,
            subscribers=len(self._subscriptions),
            dropped=self._dropped,
            disconnected=self._disconnected,
            last_seq=self._seq,
        )

    # ---- shutdown ---------------------------------------------------------------------------
    async def close(self) -> None:
        """Close every subscription; readers still get what was queued, then ``SubscriptionClosed``."""
        self._closed = True
        for sub in tuple(self._subscriptions):
            sub.close("bus closed")
