"""Whether a pair is locked, and which locks the protections ask for after a trade closed.

Locks themselves are stored by the live loop (``bot.locks.PairLocks``) and kept in memory by a
backtest; both read them through these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from ftserver.data.timeframes import timeframe_to_next_date
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
    """Whether the pair (or every pair) is already locked for the request's side when ``request`` would
    end: freqtrade then takes no new lock."""
    return any(
        lock.active
        and lock.lock_end_time > now
        and lock.pair in (request.pair, "*")
        and lock.side in ("*", request.side)
        and lock.lock_end_time > request.until
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
    earlier in this call) already covers, each ending at the start of the candle after its end (as
    freqtrade rounds every lock up to the next candle). Requests for the pair come before requests
    for every pair, in rule order within each."""
    taken = list(active)
    wanted: list[LockRequest] = []
    asked = [
        request
        for rule in rules
        for request in PROTECTIONS[rule.method](
            ProtectionInput(settings=rule, trades=closed, now=now, pair=pair, side=side, timeframe=timeframe)
        )
    ]
    # freqtrade asks every protection for its pair lock first, then for its lock on every pair.
    for request in [r for r in asked if r.pair != "*"] + [r for r in asked if r.pair == "*"]:
        if request.until > now and not covered(taken, request, now):
            request = replace(request, until=timeframe_to_next_date(timeframe, request.until))
            wanted.append(request)
            taken.append(PairLock(request.pair, now, request.until, request.reason, request.side))
    return wanted
