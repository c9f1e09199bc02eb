"""CooldownPeriod: after a pair's exit, no new entry on that pair for ``stop_duration``."""

from __future__ import annotations

from datetime import timedelta

from ftserver.decide.protections.rule import LockRequest, ProtectionInput, closed_since, lock_end, stop_minutes


def cooldown_period(given: ProtectionInput) -> list[LockRequest]:
    p = given.settings
    minutes = stop_minutes(p, given.timeframe)
    if minutes <= 0 and not p.unlock_at:
        return []
    recent = closed_since(given.trades, given.now - timedelta(minutes=max(minutes, 0)), given.pair)
    if not recent:
        return []
    return [LockRequest(given.pair, lock_end(p, recent, given.timeframe), "Cooldown period")]
