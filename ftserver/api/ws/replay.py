"""The WebSocket's replay buffer: the newest bus messages, so a client that reconnects can resume.

A client subscribes with ``"since": <seq>`` (the ``seq`` of the last frame it handled) and gets every
buffered message after it, then the live stream; the hub appends here before it fans a message out,
on the same event loop turn, so nothing falls between the replay and the live stream. The buffer
is bounded by count and by age; when it no longer holds the message after ``since`` (or ``since``
is ahead of the bus, as after a server restart) the client is told to resync instead.

Frames are kept as the hub encoded them (once, for every client); a message nobody was subscribed
to is kept unencoded and encoded at most once, on its first replay.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ftserver.core.messages import Message


@dataclass(slots=True)
class Buffered:
    message: Message
    at: float
    frame: bytes | None


class ReplayBuffer:
    def __init__(self, *, max_messages: int, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_messages = max_messages
        self.max_age = max_age
        self._clock = clock
        self._entries: deque[Buffered] = deque()
        self._last_seq = 0

    @property
    def last_seq(self) -> int:
        return self._last_seq

    @property
    def oldest_seq(self) -> int | None:
        self._expire()
        return self._entries[0].message.seq if self._entries else None

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, message: Message, frame: bytes | None) -> None:
        self._last_seq = max(self._last_seq, message.seq)
        if self.max_messages <= 0:
            return
        self._entries.append(Buffered(message, self._clock(), frame))
        while len(self._entries) > self.max_messages:
            self._entries.popleft()
        self._expire()

    def after(self, since: int) -> list[Buffered] | None:
        """Buffered messages with ``seq > since``, oldest first; ``None`` when some are no longer held."""
        if since > self._last_seq:
            return None  # a sequence this bus never reached: the server restarted
        if since == self._last_seq:
            return []
        self._expire()
        if not self._entries or self._entries[0].message.seq > since + 1:
            return None
        return [entry for entry in self._entries if entry.message.seq > since]

    def _expire(self) -> None:
        horizon = self._clock() - self.max_age
        while self._entries and self._entries[0].at < horizon:
            self._entries.popleft()
