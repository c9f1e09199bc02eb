"""Pair locks: block entries on a pair (or every pair, ``"*"``) until a time. Stored in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ftserver.bot.protections.registry import PROTECTIONS
from ftserver.bot.protections.rule import LockRequest, ProtectionInput
from ftserver.config.sections import ProtectionSettings
from ftserver.core.clock import Clock
from ftserver.errors import InvalidRequest, NotFound
from ftserver.models import PairLock
from ftserver.persistence.trades import TradeRepository


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
        return await self._repo.add_lock(
            PairLock(pair=pair, lock_time=now, lock_end_time=until, reason=reason, side=side)
        )

    async def is_locked(self, pair: str, side: str = "long") -> bool:
        locks = await self._repo.active_locks(self._clock.now(), pair)
        return any(lock.side in ("*", side) for lock in locks)

    async def active(self) -> list[PairLock]:
        return await self._repo.active_locks(self._clock.now())

    async def unlock(self, lock_id: int) -> PairLock:
        lock = await self._repo.get_lock(lock_id)
        if lock is None:
            raise NotFound(f"Lock {lock_id} not found")
        lock.active = False
        return await self._repo.save_lock(lock)

    async def unlock_pair(self, pair: str) -> list[PairLock]:
        released = []
        for lock in await self._repo.active_locks(self._clock.now(), pair):
            if lock.pair == pair:
                lock.active = False
                released.append(await self._repo.save_lock(lock))
        return released

    async def apply_protections(
        self, protections: Sequence[ProtectionSettings], pair: str, timeframe: str, side: str = "long"
    ) -> list[PairLock]:
        """After ``pair`` closed a trade: the locks its protections ask for, stored (one already covering
        the same pair, side and end is not taken twice)."""
        rules = [*protections, *self.strategy_protections]
        if not rules:
            return []
        now = self._clock.now()
        trades = await self._repo.closed_trades()
        created = []
        for rule in rules:
            given = ProtectionInput(settings=rule, trades=trades, now=now, pair=pair, side=side, timeframe=timeframe)
            for request in PROTECTIONS[rule.method](given):
                if request.until > now and not await self._covered(request):
                    created.append(await self.lock(request.pair, request.until, request.reason, request.side))
        return created

    async def _covered(self, request: LockRequest) -> bool:
        return any(
            lock.pair == request.pair and lock.side in ("*", request.side) and lock.lock_end_time >= request.until
            for lock in await self._repo.active_locks(self._clock.now(), request.pair)
        )
