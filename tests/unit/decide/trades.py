"""A fee-free long trade opened at 100 with one coin, for hand-checked decision numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ftserver.models import Trade

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def long_trade(open_minutes_ago: float = 0, *, stoploss: float = -0.1) -> Trade:
    trade = Trade(
        pair="BTC/USDT",
        exchange="sim",
        strategy="S",
        timeframe=5,
        open_rate=100.0,
        open_date=NOW - timedelta(minutes=open_minutes_ago),
        amount=1.0,
        stake_amount=100.0,
        fee_open=0.0,
        fee_close=0.0,
        max_rate=100.0,
        min_rate=100.0,
    )
    trade.set_initial_stoploss(stoploss, trade.open_date)
    return trade
