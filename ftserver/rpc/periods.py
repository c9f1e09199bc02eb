"""Profit per day, week (Monday start) or month, newest first, as ``/daily``, ``/weekly``, ``/monthly``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from ftserver.models import Trade

Unit = Literal["days", "weeks", "months"]


def _period_start(day: date, unit: Unit) -> date:
    if unit == "weeks":
        return day - timedelta(days=day.weekday())
    if unit == "months":
        return day.replace(day=1)
    return day


def _previous(start: date, unit: Unit) -> date:
    if unit == "days":
        return start - timedelta(days=1)
    if unit == "weeks":
        return start - timedelta(weeks=1)
    return (start - timedelta(days=1)).replace(day=1)


def timeunit_profit(
    trades: Sequence[Trade],
    *,
    unit: Unit,
    timescale: int,
    now: datetime,
    starting_balance: float,
    stake_currency: str,
    fiat_display_currency: str,
    fiat_rate: float | None = None,
) -> dict[str, Any]:
    starts = [_period_start(now.date(), unit)]
    for _ in range(timescale - 1):
        starts.append(_previous(starts[-1], unit))
    oldest = starts[-1]
    profit: dict[date, float] = defaultdict(float)
    count: dict[date, int] = defaultdict(int)
    before = 0.0
    for trade in trades:
        if trade.is_open or trade.close_date is None:
            continue
        closed_on = trade.close_date.date()
        if closed_on < oldest:
            before += trade.close_profit_abs or 0.0
            continue
        key = _period_start(closed_on, unit)
        profit[key] += trade.close_profit_abs or 0.0
        count[key] += 1
    rows = []
    balance = starting_balance + before
    for start in reversed(starts):  # oldest first to accumulate the balance
        abs_profit = profit.get(start, 0.0)
        rows.append(
            {
                "date": start.isoformat(),
                "abs_profit": abs_profit,
                "rel_profit": round(abs_profit / balance, 8) if balance else 0.0,
                "starting_balance": balance,
                "fiat_value": abs_profit * fiat_rate if fiat_rate is not None else abs_profit,
                "trade_count": count.get(start, 0),
            }
        )
        balance += abs_profit
    rows.reverse()
    return {"data": rows, "fiat_display_currency": fiat_display_currency, "stake_currency": stake_currency}
