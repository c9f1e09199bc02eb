"""The pair locks a strategy sees: ``self.lock_pair``, ``unlock_pair``, ``unlock_reason``, ``is_pair_locked``.

Strategy code is synchronous and runs in the middle of an iteration, so it works on a book of locks kept
in memory. The live bot hands the strategy a book that it fills from the database at each iteration and
whose changes it writes down before entries are considered (``bot.strategy_locks``); without a bot (stored
history, a backtest) the book is all there is. freqtrade's rules: a lock ends at the start of the candle
after the ``until`` the strategy gives (``Strategy.lock_pair`` rounds it; the book takes the end as
given); a lock with the same pair, reason, side and end is not taken twice; ``unlock_pair``
releases the pair's locks taken for both sides (side "*"; a lock on one side stays); ``unlock_reason``
releases every lock with that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from ftserver.models import PairLock


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MemoryPairLocks:
    """Locks held in memory, with freqtrade's ``PairLocks`` semantics."""

    def __init__(self, now: Callable[[], datetime] = _utc_now) -> None:
        self._now = now
        self.locks: list[PairLock] = []

    def lock_pair(self, pair: str, end: datetime, reason: str | None = None, side: str = "*") -> PairLock:
        now = self._now()
        for lock in self._active(pair, now, side):
            if lock.pair == pair and lock.reason == reason and lock.side == side and lock.lock_end_time == end:
                return lock
        lock = PairLock(pair=pair, lock_time=now, lock_end_time=end, reason=reason, side=side)
        self.locks.append(lock)
        return lock

    def unlock_pair(self, pair: str) -> list[PairLock]:
        released = [lock for lock in self._active(pair, self._now(), "*") if lock.pair == pair]
        for lock in released:
            lock.active = False
        return released

    def unlock_reason(self, reason: str) -> list[PairLock]:
        now = self._now()
        released = [lock for lock in self.locks if lock.active and lock.lock_end_time > now and lock.reason == reason]
        for lock in released:
            lock.active = False
        return released

    def is_pair_locked(self, pair: str, at: datetime | None = None, side: str = "*") -> bool:
        """Whether ``pair`` (or every pair) is locked for ``side`` at ``at`` (now when None)."""
        when = at or self._now()
        return any(lock.pair in (pair, "*") for lock in self._active(pair, when, side))

    def _active(self, pair: str, now: datetime, side: str) -> list[PairLock]:
        return [
            lock
            for lock in self.locks
            if lock.active and lock.lock_end_time > now and lock.pair in (pair, "*") and lock.side in ("*", side)
        ]
