"""What every protection shares: its windows in time, the lock it asks for, the trades it reads.

A protection is a pure function of its settings, the closed trades and the time: it answers with a
``LockRequest`` or None. ``decide.locks.protection_locks`` picks the requests not already covered by a
lock; the live loop stores them, a backtest keeps them, so both decide the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from ftserver.data.timeframes import timeframe_to_minutes
from ftserver.models import Trade

DEFAULT_MINUTES = 60  # freqtrade's stop_duration and lookback_period when neither form is given


class ProtectionSettings(Protocol):
    """One protection's settings with freqtrade's keys (``config.sections.ProtectionSettings`` satisfies this)."""

    @property
    def method(self) -> str: ...

    @property
    def stop_duration_candles(self) -> int | None: ...

    @property
    def stop_duration(self) -> float | None: ...

    @property
    def unlock_at(self) -> str | None: ...

    @property
    def lookback_period_candles(self) -> int | None: ...

    @property
    def lookback_period(self) -> float | None: ...

    @property
    def trade_limit(self) -> int | None: ...

    @property
    def only_per_pair(self) -> bool: ...

    @property
    def only_per_side(self) -> bool: ...

    @property
    def required_profit(self) -> float | None: ...

    @property
    def max_allowed_drawdown(self) -> float: ...


@dataclass(frozen=True, slots=True)
class LockRequest:
    pair: str  # "*" for every pair
    until: datetime
    reason: str
    side: str = "*"


@dataclass(frozen=True, slots=True)
class ProtectionInput:
    settings: ProtectionSettings
    trades: Sequence[Trade]  # closed trades, any order
    now: datetime
    pair: str  # the pair that just exited
    side: str  # that trade's side
    timeframe: str


Decide = Callable[[ProtectionInput], list[LockRequest]]


def stop_minutes(p: ProtectionSettings, timeframe: str) -> float:
    if p.stop_duration_candles is not None:
        return p.stop_duration_candles * timeframe_to_minutes(timeframe)
    return p.stop_duration if p.stop_duration is not None else DEFAULT_MINUTES


def lookback_minutes(p: ProtectionSettings, timeframe: str) -> float:
    if p.lookback_period_candles is not None:
        return p.lookback_period_candles * timeframe_to_minutes(timeframe)
    return p.lookback_period if p.lookback_period is not None else DEFAULT_MINUTES


def closed_since(trades: Sequence[Trade], since: datetime, pair: str | None = None) -> list[Trade]:
    """Trades closed after ``since`` (of ``pair`` when given), oldest close first."""
    picked = [
        t
        for t in trades
        if not t.is_open and t.close_date is not None and t.close_date > since and (pair is None or t.pair == pair)
    ]
    return sorted(picked, key=lambda t: t.close_date or since)


def lock_end(p: ProtectionSettings, trades: Sequence[Trade], timeframe: str) -> datetime:
    """From the newest close among ``trades``: ``stop_duration`` later, or the next ``unlock_at`` (UTC)."""
    last = max(t.close_date for t in trades if t.close_date is not None)
    if p.stop_duration_candles is None and p.unlock_at:
        hour, minute = (int(x) for x in p.unlock_at.split(":"))
        at = last.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return at if at >= last else at + timedelta(days=1)
    return last + timedelta(minutes=stop_minutes(p, timeframe))


def side_of(trade: Trade) -> str:
    return "short" if trade.is_short else "long"
