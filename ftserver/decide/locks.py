"""Whether a pair is locked, and which locks the protections ask for after a trade closed.

Locks themselves are stored by the live loop (``bot.locks.PairLocks``) and kept in memory by a
backtest; both read them through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from ftserver.decide.protections.registry import PROTECTIONS
from ftserver.decide.protections.rule import LockRequest, ProtectionInput, ProtectionSettings
from ftserver.models import PairLock, Trade


def is_locked(locks: Iterable[PairLock], pair: str, side: str, now: datetime) -> bool:
    """Whether an active lock on ``pair`` (or on every pair, ``"*"``) blocks entries on ``side`` at ``now``."""
    return any(
        lock.active and lock.lock_end_time > now and lock.pair in (pair, "*") and lock.side in ("*", side)
        for lock in locks
    )


def covered(locks: Iterable[PairLock], request: LockRequest, now: datetime) -> bool:
    """Whether an active lock on the same pair and side already lasts at least as long as ``request``."""
    return any(
        lock.active
        and lock.lock_end_time > now
        and lock.pair == request.pair
        and lock.side in ("*", request.side)
        and lock.lock_end_time >= request.until
        for lock in locks
    )


def protection_locks(
    rules: Sequence[ProtectionSettings],
    closed: Sequence[Trade],
    active: Sequence[PairLock],
    *,
    now: datetime,
    pair: str,
    side: str,
    timeframe: str,
) -> list[LockRequest]:
    """The locks to take after a trade on ``pair`` closed, rule by rule in the given order: each
    protection's requests that end after ``now`` and that no lock (an ``active`` one, or one asked for
    earlier in this call) already covers."""
    taken = list(active)
    wanted: list[LockRequest] = []
    for rule in rules:
        given = ProtectionInput(settings=rule, trades=closed, now=now, pair=pair, side=side, timeframe=timeframe)
        for request in PROTECTIONS[rule.method](given):
            if request.until > now and not covered(taken, request, now):
                wanted.append(request)
                taken.append(PairLock(request.pair, now, request.until, request.reason, request.side))
    return wanted
