"""StoplossGuard: ``trade_limit`` stoploss exits within the lookback stop entries.

Counted are exits by stoploss, trailing stoploss, stoploss on exchange or liquidation whose profit
ratio is below ``required_profit``. All pairs together lock every pair (unless ``only_per_pair``);
the exiting pair's own count locks that pair. ``only_per_side`` counts and locks one side only.
"""

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
from ftserver.models import ExitReason, Trade

STOP_REASONS = frozenset(
    {ExitReason.STOP_LOSS, ExitReason.TRAILING_STOP_LOSS, ExitReason.STOPLOSS_ON_EXCHANGE, ExitReason.LIQUIDATION}
)
DEFAULT_TRADE_LIMIT = 10


def _stopped_out(given: ProtectionInput, pair: str | None) -> list[Trade]:
    p = given.settings
    floor = p.required_profit if p.required_profit is not None else 0.0
    since = given.now - timedelta(minutes=lookback_minutes(p, given.timeframe))
    trades = [
        t
        for t in closed_since(given.trades, since, pair)
        if t.exit_reason in STOP_REASONS and t.close_profit and t.close_profit < floor
    ]
    if p.only_per_side:
        trades = [t for t in trades if side_of(t) == given.side]
    return trades


def stoploss_guard(given: ProtectionInput) -> list[LockRequest]:
    p = given.settings
    limit = p.trade_limit if p.trade_limit is not None else DEFAULT_TRADE_LIMIT
    side = given.side if p.only_per_side else "*"
    requests = []
    scopes = [given.pair] if p.only_per_pair else ["*", given.pair]
    for scope in scopes:
        trades = _stopped_out(given, None if scope == "*" else scope)
        if len(trades) >= limit:
            reason = f"{limit} stoplosses within the lookback window"
            requests.append(LockRequest(scope, lock_end(p, trades, given.timeframe), reason, side))
    return requests
