"""LowProfitPairs: a pair whose closed trades in the lookback sum to less than ``required_profit``
(profit ratios added up) is locked, once it has at least ``trade_limit`` of them."""

from __future__ import annotations

from datetime import timedelta

from ftserver.decide.protections.rule import (
    LockRequest,
    ProtectionInput,
    closed_since,
    lock_end,
    lookback_minutes,
    side_of,
)

DEFAULT_TRADE_LIMIT = 1


def low_profit_pairs(given: ProtectionInput) -> list[LockRequest]:
    p = given.settings
    limit = p.trade_limit if p.trade_limit is not None else DEFAULT_TRADE_LIMIT
    since = given.now - timedelta(minutes=lookback_minutes(p, given.timeframe))
    trades = closed_since(given.trades, since, given.pair)
    if len(trades) < limit:
        return []
    counted = [t for t in trades if not p.only_per_side or side_of(t) == given.side]
    profit = sum(t.close_profit or 0.0 for t in counted)
    floor = p.required_profit if p.required_profit is not None else 0.0
    if profit >= floor:
        return []
    side = given.side if p.only_per_side else "*"
    reason = f"profit {profit:.4f} below {floor} within the lookback window"
    return [LockRequest(given.pair, lock_end(p, trades, given.timeframe), reason, side)]
