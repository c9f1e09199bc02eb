"""The live bot's book of pair locks for strategy code (``self.lock_pair`` and friends).

Strategy code is synchronous, so it changes this in-memory book; the loop writes those changes to the
database and reads the active locks back (``sync``) at the start of each iteration and again before
entries are considered, so a lock a strategy takes during analysis or in a callback blocks entries in
the same iteration. The API's locks and the protections' reach the book at the next sync.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from ftserver.bot.locks import PairLocks
from ftserver.errors import NotFound
from ftserver.models import PairLock
from ftserver.strategy.pair_locks import MemoryPairLocks

log = logging.getLogger(__name__)


class StrategyLockBook(MemoryPairLocks):
    def __init__(self, now: Callable[[], datetime]) -> None:
        super().__init__(now)
        self._taken: list[PairLock] = []
        self._released: list[PairLock] = []

    def lock_pair(self, pair: str, end: datetime, reason: str | None = None, side: str = "*") -> PairLock:
        known = len(self.locks)
        lock = super().lock_pair(pair, end, reason, side)
        if len(self.locks) > known:
            self._taken.append(lock)
        return lock

    def unlock_pair(self, pair: str) -> list[PairLock]:
        released = super().unlock_pair(pair)
        self._released.extend(released)
        return released

    def unlock_reason(self, reason: str) -> list[PairLock]:
        released = super().unlock_reason(reason)
        self._released.extend(released)
        return released

    async def sync(self, store: PairLocks, now: datetime) -> list[PairLock]:
        """Write the strategy's changes since the last sync, then hold (and return) the database's active
        locks."""
        taken, released = self._taken, self._released
        self._taken, self._released = [], []
        for lock in released:
            if lock.id is not None:
                with contextlib.suppress(NotFound):  # removed through the API meanwhile
                    await store.unlock(lock.id)
        for lock in taken:
            if lock.active and lock.lock_end_time > now:
                await store.lock(lock.pair, lock.lock_end_time, lock.reason, lock.side)  # logs its line
        self.locks = await store.active()
        return list(self.locks)
