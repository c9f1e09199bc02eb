"""The pair locks of a backtest, kept in memory: what the protections ask for after each exit
(``decide.locks``, the live bot's rules) and what the strategy locks itself (``lock_pair`` in its
callbacks). Entries are refused on a locked pair, as in freqtrade's backtesting.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ftserver.decide.locks import is_locked, protection_locks
from ftserver.decide.protections.rule import ProtectionSettings, lookback_minutes, stop_minutes
from ftserver.models import PairLock, Trade
from ftserver.strategy.pair_locks import MemoryPairLocks

_MINUTE_MS = 60_000
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class LockBook:
    def __init__(self, rules: Sequence[ProtectionSettings], timeframe: str, strategy_locks: MemoryPairLocks) -> None:
        self.rules = tuple(rules)
        self.timeframe = timeframe
        self.strategy_locks = strategy_locks
        self.locks: list[PairLock] = []
        # Closed trades in closing order, and how far back any rule looks (no rule reads older ones).
        self._closed: list[Trade] = []
        self._closed_ms: list[int] = []
        self._window_ms = (
            max(
                (max(lookback_minutes(rule, timeframe), stop_minutes(rule, timeframe)) for rule in self.rules),
                default=0,
            )
            * _MINUTE_MS
        )

    def is_locked(self, pair: str, now: datetime, side: str = "long") -> bool:
        if self.locks and is_locked(self.locks, pair, side, now):
            return True
        return bool(self.strategy_locks.locks) and self.strategy_locks.is_pair_locked(pair, now, side)

    def after_exit(self, trade: Trade) -> None:
        """``trade`` has just closed (its close date is now): the locks the protections ask for."""
        if not self.rules or trade.close_date is None:
            return
        now = trade.close_date
        now_ms = int(now.timestamp() * 1000)
        # Trades left open at the end close at their pair's last candle, not in time order.
        at = bisect.bisect_right(self._closed_ms, now_ms)
        self._closed.insert(at, trade)
        self._closed_ms.insert(at, now_ms)
        recent = self._closed[bisect.bisect_right(self._closed_ms, now_ms - self._window_ms) :]
        active = [lock for lock in self.locks if lock.lock_end_time > now]
        side = "short" if trade.is_short else "long"
        for request in protection_locks(
            self.rules, recent, active, now=now, pair=trade.pair, side=side, timeframe=self.timeframe
        ):
            self.locks.append(PairLock(request.pair, now, request.until, request.reason, request.side))

    def records(self) -> list[dict[str, Any]]:
        """Every lock taken, as freqtrade stores a backtest's locks."""
        return [_record(lock) for lock in [*self.locks, *self.strategy_locks.locks]]


def _record(lock: PairLock) -> dict[str, Any]:
    start = lock.lock_time.astimezone(UTC)
    end = lock.lock_end_time.astimezone(UTC)
    return {
        "id": lock.id,
        "pair": lock.pair,
        "lock_time": start.strftime(_DATE_FORMAT),
        "lock_timestamp": int(start.timestamp() * 1000),
        "lock_end_time": end.strftime(_DATE_FORMAT),
        "lock_end_timestamp": int(end.timestamp() * 1000),
        "reason": lock.reason,
        "side": lock.side,
        "active": lock.active,
    }
