"""``Channel``: one notification channel as a bus subscriber with its own bounded queue and worker.

Publishing on the bus never waits for a channel: the channel's subscription queues what it reads
and, when its endpoint is too slow to keep up, the oldest queued message gives way (counted, and
reported in one warning per gap). Each channel has its own worker task, so a channel whose endpoint
hangs delays nobody else: not the trading loop, not the WebSocket clients, not the other channels.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from ftserver.core.bus import MessageBus, OverflowPolicy, Subscription
from ftserver.core.messages import Message, MessageType

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChannelStats:
    name: str
    sent: int
    failed: int
    skipped: int  # turned off by the channel's settings, or no template for the type
    dropped: int  # given way to newer messages while the channel was behind
    pending: int


class Channel(ABC):
    """Subclasses say which message types they want and how one message is delivered."""

    name: str = "channel"

    def __init__(self, bus: MessageBus, *, queue_size: int) -> None:
        self.bus = bus
        self.queue_size = queue_size
        self.sent = 0
        self.failed = 0
        self.skipped = 0
        self._reported_drops = 0
        self._subscription: Subscription | None = None
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    def types(self) -> Iterable[MessageType]:
        """The message types this channel may deliver (it subscribes to these only)."""

    @abstractmethod
    async def deliver(self, message: Message) -> bool | None:
        """Send one message: True sent, False failed, None skipped. Exceptions count as failures."""

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError(f"the {self.name} channel is already started")
        self._subscription = self.bus.subscribe(
            self.types(), maxsize=self.queue_size, policy=OverflowPolicy.DROP_OLDEST, name=f"notify-{self.name}"
        )
        self._task = asyncio.get_running_loop().create_task(self._work(self._subscription), name=f"notify-{self.name}")

    @property
    def dropped(self) -> int:
        return self._subscription.dropped if self._subscription is not None else 0

    async def _work(self, subscription: Subscription) -> None:
        async for message in subscription:
            self._report_drops()
            try:
                outcome = await self.deliver(message)
            except Exception:
                outcome = False
                log.exception("%s notification of %s #%d failed", self.name, message.type.value, message.seq)
            if outcome is None:
                self.skipped += 1
            elif outcome:
                self.sent += 1
            else:
                self.failed += 1

    def _report_drops(self) -> None:
        dropped = self.dropped
        if dropped > self._reported_drops:
            log.warning(
                "%s notifications fell behind: %d message(s) dropped (%d in all)",
                self.name,
                dropped - self._reported_drops,
                dropped,
            )
            self._reported_drops = dropped

    def stats(self) -> ChannelStats:
        pending = self._subscription.pending if self._subscription is not None else 0
        return ChannelStats(self.name, self.sent, self.failed, self.skipped, self.dropped, pending)

    async def close(self, *, grace: float) -> None:
        """Stop reading the bus; deliver what is queued for at most ``grace`` seconds, then give up on it."""
        if self._subscription is not None:
            self._subscription.close("notifications closed")
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            pending = self._subscription.pending if self._subscription is not None else 0
            log.warning("%s notifications: %d message(s) not delivered at shutdown", self.name, pending)
        self._report_drops()
