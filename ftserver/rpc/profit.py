"""The ``/profit`` and ``/profit_all`` summaries: closed and overall profit, win rate, risk ratios, drawdown.

Risk ratios are computed from daily returns (closed profit per UTC day over the starting balance),
from the first trade's day to today: Sharpe and Sortino annualised with sqrt(365), Calmar as the
annualised return over the maximum drawdown, CAGR over the same span, SQN over trade profits.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from ftserver.models import Trade, round8
from ftserver.rpc.dates import format_date, format_duration, humanize_ago, to_ms


def _trade_profit(trade: Trade, rates: Mapping[str, float]) -> tuple[float, float] | None:
    """(abs, ratio) of a trade: final for closed ones, at the current rate for open ones."""
    if not trade.is_open:
        return trade.close_profit_abs or 0.0, trade.close_profit or 0.0
    rate = rates.get(trade.pair)
    if rate is None or not trade.amount:
        return None
    return trade.calc_profit(rate) + trade.realized_profit, trade.calc_profit_ratio(rate)


def _drawdown(closed: Sequence[Trade], starting_balance: float) -> dict[str, Any]:
    balance = peak = starting_balance
    peak_date: datetime | None = closed[0].close_date if closed else None
    max_dd = max_dd_abs = 0.0
    max_start = max_end = None
    for trade in closed:
        balance += trade.close_profit_abs or 0.0
        if balance > peak:
            peak, peak_date = balance, trade.close_date
        drop = peak - balance
        if drop > max_dd_abs:
            max_dd_abs = drop
            max_dd = drop / peak if peak > 0 else 0.0
            max_start, max_end = peak_date, trade.close_date
    current_abs = peak - balance
    return {
        "max_drawdown": max_dd,
        "max_drawdown_abs": max_dd_abs,
        "max_drawdown_start": format_date(max_start) or "",
        "max_drawdown_start_timestamp": to_ms(max_start) or 0,
        "max_drawdown_end": format_date(max_end) or "",
        "max_drawdown_end_timestamp": to_ms(max_end) or 0,
        "current_drawdown": current_abs / peak if peak > 0 else 0.0,
        "current_drawdown_abs": current_abs,
        "current_drawdown_high": peak - starting_balance,
        "current_drawdown_start": format_date(peak_date) or "",
        "current_drawdown_start_timestamp": to_ms(peak_date) or 0,
    }


def _risk_ratios(
    closed: Sequence[Trade], starting_balance: float, now: datetime, max_drawdown: float
) -> dict[str, float | None]:
    if not closed or starting_balance <= 0:
        return {"sharpe": 0.0, "sortino": 0.0, "calmar": 0.0, "cagr": 0.0}
    first_day = min(t.open_date for t in closed).date()
    days = max(1, (now.date() - first_day).days + 1)
    per_day: dict[Any, float] = defaultdict(float)
    for trade in closed:
        if trade.close_date is not None:
            per_day[trade.close_date.date()] += trade.close_profit_abs or 0.0
    returns = [per_day.get(first_day + timedelta(days=i), 0.0) / starting_balance for i in range(days)]
    mean = statistics.fmean(returns)
    std = statistics.pstdev(returns) if len(returns) > 1 else 0.0
    downside = [r for r in returns if r < 0]
    down_std = math.sqrt(sum(r * r for r in downside) / len(returns)) if downside else 0.0
    final = starting_balance + sum(t.close_profit_abs or 0.0 for t in closed)
    years = days / 365
    cagr = (final / starting_balance) ** (1 / years) - 1 if final > 0 else -1.0
    annual_return = mean * 365
    return {
        "sharpe": mean / std * math.sqrt(365) if std > 0 else 0.0,
        "sortino": mean / down_std * math.sqrt(365) if down_std > 0 else 0.0,
        "calmar": annual_return / max_drawdown if max_drawdown > 0 else 0.0,
        "cagr": cagr,
    }


def profit_summary(
    trades: Sequence[Trade],
    *,
    current_rates: Mapping[str, float],
    starting_balance: float,
    bot_start: datetime | None,
    now: datetime,
    fiat_rate: float | None = None,
    direction: Literal["long", "short"] | None = None,
) -> dict[str, Any]:
    if direction is not None:
        trades = [t for t in trades if t.is_short == (direction == "short")]
    closed = sorted((t for t in trades if not t.is_open), key=lambda t: (t.close_date or t.open_date, t.id or 0))
    closed_abs = [t.close_profit_abs or 0.0 for t in closed]
    closed_ratio = [t.close_profit or 0.0 for t in closed]
    all_abs, all_ratio = list(closed_abs), list(closed_ratio)
    for trade in trades:
        if trade.is_open:
            profit = _trade_profit(trade, current_rates)
            if profit is not None:
                all_abs.append(profit[0])
                all_ratio.append(profit[1])

    def fiat(value: float) -> float:
        return value * fiat_rate if fiat_rate is not None else value

    def block(prefix: str, abs_values: list[float], ratios: list[float]) -> dict[str, Any]:
        coin = round8(sum(abs_values))
        mean = statistics.fmean(ratios) if ratios else 0.0
        total_ratio = coin / starting_balance if starting_balance else 0.0
        return {
            f"profit_{prefix}_coin": coin,
            f"profit_{prefix}_percent_mean": round(mean * 100, 2),
            f"profit_{prefix}_ratio_mean": mean,
            f"profit_{prefix}_percent_sum": round(sum(ratios) * 100, 2),
            f"profit_{prefix}_ratio_sum": sum(ratios),
            f"profit_{prefix}_percent": round(total_ratio * 100, 2),
            f"profit_{prefix}_ratio": total_ratio,
            f"profit_{prefix}_fiat": fiat(coin),
        }

    first = min(trades, key=lambda t: t.open_date) if trades else None
    latest = max(trades, key=lambda t: t.open_date) if trades else None
    durations = [(t.close_date - t.open_date) for t in closed if t.close_date is not None]
    avg_duration = format_duration(sum(durations, timedelta()) / len(durations)) if durations else "0:00:00"

    by_pair_abs: dict[str, float] = defaultdict(float)
    by_pair_ratio: dict[str, list[float]] = defaultdict(list)
    for trade in closed:
        by_pair_abs[trade.pair] += trade.close_profit_abs or 0.0
        by_pair_ratio[trade.pair].append(trade.close_profit or 0.0)
    best_pair = max(by_pair_abs, key=lambda p: by_pair_abs[p]) if by_pair_abs else ""
    best_ratio = statistics.fmean(by_pair_ratio[best_pair]) if best_pair else 0.0

    wins = [p for p in closed_abs if p > 0]
    losses = [p for p in closed_abs if p < 0]
    winrate = len(wins) / len(closed) if closed else 0.0
    avg_win = statistics.fmean(wins) if wins else 0.0
    avg_loss = abs(statistics.fmean(losses)) if losses else 0.0
    loss_rate = len(losses) / len(closed) if closed else 0.0
    expectancy = winrate * avg_win - loss_rate * avg_loss
    expectancy_ratio = ((1 + avg_win / avg_loss) * winrate - 1) if avg_loss > 0 else 100.0 if wins else 0.0
    profit_factor = sum(wins) / abs(sum(losses)) if losses else 0.0
    sqn = (
        round(math.sqrt(len(closed_abs)) * statistics.fmean(closed_abs) / statistics.stdev(closed_abs), 4)
        if len(closed_abs) > 1 and statistics.stdev(closed_abs) > 0
        else 0.0
    )
    drawdown = _drawdown(closed, starting_balance)
    ratios = _risk_ratios(closed, starting_balance, now, drawdown["max_drawdown"])
    volume = sum(t.amount * t.open_rate + t.amount * (t.close_rate or 0.0) for t in closed) + sum(
        t.amount * t.open_rate for t in trades if t.is_open
    )
    return {
        **block("closed", closed_abs, closed_ratio),
        **block("all", all_abs, all_ratio),
        "trade_count": len(trades),
        "closed_trade_count": len(closed),
        "first_trade_date": format_date(first.open_date) if first else "",
        "first_trade_humanized": humanize_ago(first.open_date, now) if first else "",
        "first_trade_timestamp": to_ms(first.open_date) if first else 0,
        "latest_trade_date": format_date(latest.open_date) if latest else "",
        "latest_trade_humanized": humanize_ago(latest.open_date, now) if latest else "",
        "latest_trade_timestamp": to_ms(latest.open_date) if latest else 0,
        "avg_duration": avg_duration,
        "best_pair": best_pair,
        "best_rate": round(best_ratio * 100, 2),
        "best_pair_profit_ratio": best_ratio,
        "best_pair_profit_abs": by_pair_abs.get(best_pair, 0.0),
        "winning_trades": len(wins),
        "losing_trades": len(losses),
        "profit_factor": profit_factor,
        "winrate": winrate,
        "expectancy": expectancy,
        "expectancy_ratio": expectancy_ratio,
        "sharpe": ratios["sharpe"],
        "sortino": ratios["sortino"],
        "sqn": sqn,
        "calmar": ratios["calmar"],
        "cagr": ratios["cagr"],
        **drawdown,
        "trading_volume": volume,
        "bot_start_timestamp": to_ms(bot_start) or 0,
        "bot_start_date": format_date(bot_start) or "",
    }


def profit_all(
    trades: Sequence[Trade],
    *,
    current_rates: Mapping[str, float],
    starting_balance: float,
    bot_start: datetime | None,
    now: datetime,
    fiat_rate: float | None = None,
) -> dict[str, Any]:
    """``{"all": ..., "long": ...}`` plus ``"short"`` when any short trade exists."""
    common = {
        "current_rates": current_rates,
        "starting_balance": starting_balance,
        "bot_start": bot_start,
        "now": now,
        "fiat_rate": fiat_rate,
    }
    result = {
        "all": profit_summary(trades, **common),
        "long": profit_summary(trades, direction="long", **common),
    }
    if any(t.is_short for t in trades):
        result["short"] = profit_summary(trades, direction="short", **common)
    return result
