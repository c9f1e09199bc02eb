"""Pair locks: block entries on a pair (or every pair, ``"*"``) until a time. Stored in the database;
whether a pair is locked and which locks protections ask for is decided in ``decide.locks``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from ftserver.config.sections import ProtectionSettings
from ftserver.core.clock import Clock
from ftserver.decide.locks import is_locked, protection_locks
from ftserver.errors import InvalidRequest, NotFound
from ftserver.models import PairLock
from ftserver.persistence.trades import TradeRepository

log = logging.getLogger(__name__)


class PairLocks:
    def __init__(self, repo: TradeRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock
        # The strategy's ``protections`` property, checked at load; applied after the config's.
        self.strategy_protections: tuple[ProtectionSettings, ...] = ()

    async def lock(self, pair: str, until: datetime, reason: str | None = None, side: str = "*") -> PairLock:
        if until.tzinfo is None:
            raise InvalidRequest("Lock end time must carry a timezone (UTC)")
        if side not in ("*", "long", "short"):
            raise InvalidRequest(f"Invalid lock side '{side}': expected *, long or short")
        now = self._clock.now()
        if until <= now:
            raise InvalidRequest("Lock end time must be in the future")
        stored = await self._repo.add_lock(
            PairLock(pair=pair, lock_time=now, lock_end_time=until, reason=reason, side=side)
        )
        log.info(
            "Locked %s (%s side) until %s: %s (lock #%s)",
            "every pair" if pair == "*" else pair,
            side,
            until.strftime("%Y-%m-%d %H:%M:%S"),
            reason or "no reason given",
            stored.id,
        )
        return stored

    async def is_locked(self, pair: str, side: str = "long") -> bool:
        now = self._clock.now()
        return is_locked(await self._repo.active_locks(now, pair), pair, side, now)

    async def active(self) -> list[PairLock]:
        return await self._repo.active_locks(self._clock.now())

    async def unlock(self, lock_id: int) -> PairLock:
        lock = await self._repo.get_lock(lock_id)
        if lock is None:
            raise NotFound(f"Lock {lock_id} not found")
        lock.active = False
        saved = await self._repo.save_lock(lock)
        log.info("Unlocked %s (lock #%s)", lock.pair, lock_id)
        return saved

    async def unlock_pair(self, pair: str) -> list[PairLock]:
        released = []
        for lock in await self._repo.active_locks(self._clock.now(), pair):
            if lock.pair == pair:
                lock.active = False
                released.append(await self._repo.save_lock(lock))
                log.info("Unlocked %s (lock #%s)", pair, lock.id)
        return released

    async def apply_protections(
        self, protections: Sequence[ProtectionSettings], pair: str, timeframe: str, side: str = "long"
    ) -> list[PairLock]:
        """After ``pair`` closed a trade: the locks its protections ask for (``decide.locks``), stored."""
        rules = [*protections, *self.strategy_protections]
        if not rules:
            return []
        now = self._clock.now()
        wanted = protection_locks(
            rules,
            await self._repo.closed_trades(),
            await self._repo.active_locks(now),
            now=now,
            pair=pair,
            side=side,
            timeframe=timeframe,
        )
        return [await self.lock(r.pair, r.until, r.reason, r.side) for r in wanted]
