"""Closed profit per day, week or month: the ``/daily``, ``/weekly`` and ``/monthly`` bodies.

Periods are UTC calendar periods (weeks start on Monday, months on the 1st), newest first, the
current one included. Trades count in the period of their close date. As freqtrade works them out,
a period's ``starting_balance`` is what the bot trades with now (its total stake amount: the
tradable share of its balance, or ``available_capital`` plus the profit) less the profit of that
period and of every later one, and its ``rel_profit`` is its profit over that balance (8 decimals).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from ftserver.errors import InvalidRequest
from ftserver.models import Trade
from ftserver.rpc import fiat
from ftserver.rpc.shapes.money import PeriodProfit, Periods

Unit = Literal["days", "weeks", "months"]

_UNITS = ("days", "weeks", "months")


def _period_start(day: date, unit: str) -> date:
    if unit == "weeks":
        return day - timedelta(days=day.weekday())
    if unit == "months":
        return day.replace(day=1)
    return day


def _previous_start(start: date, unit: str) -> date:
    if unit == "days":
        return start - timedelta(days=1)
    if unit == "weeks":
        return start - timedelta(weeks=1)
    return (start - timedelta(days=1)).replace(day=1)


def _next_start(start: date, unit: str) -> date:
    if unit == "days":
        return start + timedelta(days=1)
    if unit == "weeks":
        return start + timedelta(weeks=1)
    return (start + timedelta(days=31)).replace(day=1)


def _utc_day(dt: datetime) -> date:
    return (dt.astimezone(UTC) if dt.utcoffset() else dt).date()


def timeunit_profit(
    trades: Sequence[Trade],
    *,
    unit: Unit,
    timescale: int,
    now: datetime,
    total_stake: float,
    stake_currency: str,
    fiat_display_currency: str,
    fiat_rate: float | None = None,
) -> Periods:
    """Profit of the last ``timescale`` periods of ``unit``; ``fiat_value`` is at ``fiat.fiat_rate``
    (0 without a ``fiat_display_currency``)."""
    if unit not in _UNITS:
        raise InvalidRequest(f"unit must be one of {', '.join(_UNITS)}, not {unit!r}")
    if timescale < 1:
        raise InvalidRequest(f"timescale must be an integer greater than 0, not {timescale}")
    starts = [_period_start(_utc_day(now), unit)]
    for _ in range(timescale - 1):
        starts.append(_previous_start(starts[-1], unit))
    oldest = starts[-1]
    # Trades closed after the current period (a clock set back) belong to no listed period.
    newest_end = _next_start(starts[0], unit)
    profit: dict[date, float] = {start: 0.0 for start in starts}
    count: dict[date, int] = {start: 0 for start in starts}
    for trade in trades:
        closed_at = trade.close_date
        if trade.is_open or closed_at is None:
            continue
        day = _utc_day(closed_at)
        if oldest <= day < newest_end:
            key = _period_start(day, unit)
            profit[key] += trade.close_profit_abs or 0.0
            count[key] += 1
    rows: list[PeriodProfit] = []
    to_fiat = fiat.fiat_rate(fiat_display_currency, fiat_rate)
    balance = total_stake
    for start in starts:  # newest first: each period's profit comes off the balance it ended with
        abs_profit = profit[start]
        balance -= abs_profit
        rows.append(
            PeriodProfit(
                date=start,
                abs_profit=abs_profit,
                rel_profit=round(abs_profit / balance, 8) if balance > 0 else 0.0,
                starting_balance=balance,
                fiat_value=fiat.in_fiat(abs_profit, to_fiat),
                trade_count=count[start],
            )
        )
    return Periods(data=rows, fiat_display_currency=fiat_display_currency, stake_currency=stake_currency)
