"""MaxDrawdown: every pair is locked when the trades closed in the lookback, their profit ratios added
up in closing order from 0, fell further than ``max_allowed_drawdown`` below their running peak."""

from __future__ import annotations

from datetime import timedelta

from ftserver.decide.protections.rule import LockRequest, ProtectionInput, closed_since, lock_end, lookback_minutes

DEFAULT_TRADE_LIMIT = 1


def drawdown(ratios: list[float]) -> float:
    """Largest fall of the running sum below its running peak (the sum starts at 0)."""
    total = peak = worst = 0.0
    for ratio in ratios:
        total += ratio
        peak = max(peak, total)
        worst = max(worst, peak - total)
    return worst


def max_drawdown(given: ProtectionInput) -> list[LockRequest]:
    p = given.settings
    limit = p.trade_limit if p.trade_limit is not None else DEFAULT_TRADE_LIMIT
    since = given.now - timedelta(minutes=lookback_minutes(p, given.timeframe))
    trades = closed_since(given.trades, since)
    if len(trades) < limit:
        return []
    fall = drawdown([t.close_profit or 0.0 for t in trades])
    if fall <= p.max_allowed_drawdown:
        return []
    reason = f"drawdown {fall:.4f} above {p.max_allowed_drawdown} within the lookback window"
    return [LockRequest("*", lock_end(p, trades, given.timeframe), reason)]
