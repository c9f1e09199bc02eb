"""Per-pair and per-tag performance, exit statistics and the open-trade count."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from ftserver.models import Trade


def _grouped(
    trades: Sequence[Trade], key: Callable[[Trade], str], label: str, *, sum_ratio: bool
) -> list[dict[str, Any]]:
    abs_by: dict[str, float] = defaultdict(float)
    ratios_by: dict[str, list[float]] = defaultdict(list)
    for trade in trades:
        if trade.is_open:
            continue
        name = key(trade)
        abs_by[name] += trade.close_profit_abs or 0.0
        ratios_by[name].append(trade.close_profit or 0.0)
    rows = []
    for name, ratios in ratios_by.items():
        ratio = sum(ratios) if sum_ratio else statistics.fmean(ratios)
        rows.append(
            {
                "profit_ratio": ratio,
                "profit_pct": round(ratio * 100, 2),
                "profit_abs": abs_by[name],
                "count": len(ratios),
                label: name,
            }
        )
    rows.sort(key=lambda r: r["profit_abs"], reverse=True)
    return rows


def pair_performance(trades: Sequence[Trade]) -> list[dict[str, Any]]:
    rows = _grouped(trades, lambda t: t.pair, "pair", sum_ratio=False)
    for row in rows:
        row["profit"] = row["profit_pct"]
    return rows


def _filter(trades: Sequence[Trade], pair: str | None) -> Sequence[Trade]:
    return trades if pair is None else [t for t in trades if t.pair == pair]


def enter_tag_performance(trades: Sequence[Trade], pair: str | None = None) -> list[dict[str, Any]]:
    return _grouped(_filter(trades, pair), lambda t: t.enter_tag or "Other", "enter_tag", sum_ratio=False)


def exit_reason_performance(trades: Sequence[Trade], pair: str | None = None) -> list[dict[str, Any]]:
    return _grouped(_filter(trades, pair), lambda t: t.exit_reason or "Other", "exit_reason", sum_ratio=False)


def mix_tag_performance(trades: Sequence[Trade], pair: str | None = None) -> list[dict[str, Any]]:
    def mix(t: Trade) -> str:
        return f"{t.enter_tag or 'Other'} {t.exit_reason or 'Other'}"

    return _grouped(_filter(trades, pair), mix, "mix_tag", sum_ratio=True)


def trade_stats(trades: Sequence[Trade]) -> dict[str, Any]:
    reasons: dict[str, dict[str, int]] = {}
    durations: dict[str, list[float]] = {"wins": [], "draws": [], "losses": []}
    for trade in trades:
        if trade.is_open or trade.close_date is None:
            continue
        profit = trade.close_profit or 0.0
        outcome = "wins" if profit > 0 else "losses" if profit < 0 else "draws"
        counts = reasons.setdefault(trade.exit_reason or "Other", {"wins": 0, "losses": 0, "draws": 0})
        counts[outcome] += 1
        durations[outcome].append((trade.close_date - trade.open_date).total_seconds())
    return {
        "exit_reasons": reasons,
        "durations": {k: (statistics.fmean(v) if v else None) for k, v in durations.items()},
    }


def count_summary(open_trades: Sequence[Trade], max_open_trades: int) -> dict[str, Any]:
    return {
        "current": len(open_trades),
        "max": max_open_trades,
        "total_stake": sum(t.stake_amount for t in open_trades),
    }
