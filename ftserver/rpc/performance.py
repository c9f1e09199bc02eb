"""Per-pair and per-tag performance, exit statistics and the open-trade count.

Closed trades only. Rows are sorted by summed absolute profit, best first; a missing tag or reason
is "Other". As in freqtrade 2026.9, ``profit_ratio`` of a pair, entry tag or exit reason is the
group's summed absolute profit over the summed cost of its trades' filled entry orders
(``order_sums.entry_cost``), and a group none of whose trades has a filled entry order is left out;
for mix tags ("enter_tag exit_reason") it is the summed ratio of the trades. Two deliberate
differences from freqtrade's ``/mix_tags``: ``profit_pct`` is ``profit_ratio`` in percent (freqtrade
misplaces a parenthesis when merging rows), and rows are sorted by profit like the other lists
(freqtrade lists them in the order of each tag's single best trade).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from ftserver.models import Trade
from ftserver.rpc import order_sums
from ftserver.rpc.order_sums import EntryCost
from ftserver.rpc.shapes.money import (
    Count,
    EntryPerformance,
    ExitPerformance,
    MixTagPerformance,
    OutcomeCount,
    OutcomeDuration,
    PairPerformance,
    Stats,
)

_OTHER = "Other"


class _Group(NamedTuple):
    name: str
    profit_ratio: float
    profit_pct: float
    profit_abs: float
    trades: int


def _grouped(trades: Sequence[Trade], name_of: Callable[[Trade], str], entry_cost: EntryCost | None) -> list[_Group]:
    """Closed ``trades`` grouped by ``name_of``; the ratio is profit over ``entry_cost``, or without it
    the summed ratio."""
    totals: dict[str, list[float]] = {}  # name -> [ratio sum, abs sum, count, entry cost]
    costed: set[str] = set()
    for trade in trades:
        if trade.is_open:
            continue
        name = name_of(trade)
        row = totals.get(name)
        if row is None:
            row = totals[name] = [0.0, 0.0, 0, 0.0]
        row[0] += trade.close_profit or 0.0
        row[1] += trade.close_profit_abs or 0.0
        row[2] += 1
        if entry_cost is not None:
            cost = entry_cost(trade)
            if cost is not None:
                row[3] += cost
                costed.add(name)
    groups: list[_Group] = []
    for name, (ratio_sum, abs_sum, count, cost_sum) in totals.items():
        if entry_cost is not None:
            if name not in costed:
                continue
            ratio = abs_sum / cost_sum if cost_sum else 0.0
        else:
            ratio = ratio_sum
        groups.append(_Group(name, ratio, round(ratio * 100, 2), abs_sum, int(count)))
    groups.sort(key=lambda g: g.profit_abs, reverse=True)
    return groups


def _of_pair(trades: Sequence[Trade], pair: str | None) -> Sequence[Trade]:
    return trades if pair is None else [t for t in trades if t.pair == pair]


def _pair(trade: Trade) -> str:
    return trade.pair


def _enter_tag(trade: Trade) -> str:
    return trade.enter_tag if trade.enter_tag is not None else _OTHER


def _exit_reason(trade: Trade) -> str:
    return trade.exit_reason if trade.exit_reason is not None else _OTHER


def _mix_tag(trade: Trade) -> str:
    return f"{_enter_tag(trade)} {_exit_reason(trade)}"


def pair_performance(
    trades: Sequence[Trade], *, entry_cost: EntryCost = order_sums.entry_cost
) -> list[PairPerformance]:
    """``/performance``: per pair, with ``profit`` (= ``profit_pct``) kept for old clients."""
    return [
        PairPerformance(g.profit_ratio, g.profit_pct, g.profit_abs, g.trades, pair=g.name, profit=g.profit_pct)
        for g in _grouped(trades, _pair, entry_cost)
    ]


def enter_tag_performance(
    trades: Sequence[Trade], pair: str | None = None, *, entry_cost: EntryCost = order_sums.entry_cost
) -> list[EntryPerformance]:
    """``/entries``: per entry tag, optionally of one pair."""
    return [
        EntryPerformance(g.profit_ratio, g.profit_pct, g.profit_abs, g.trades, enter_tag=g.name)
        for g in _grouped(_of_pair(trades, pair), _enter_tag, entry_cost)
    ]


def exit_reason_performance(
    trades: Sequence[Trade], pair: str | None = None, *, entry_cost: EntryCost = order_sums.entry_cost
) -> list[ExitPerformance]:
    """``/exits``: per exit reason, optionally of one pair."""
    return [
        ExitPerformance(g.profit_ratio, g.profit_pct, g.profit_abs, g.trades, exit_reason=g.name)
        for g in _grouped(_of_pair(trades, pair), _exit_reason, entry_cost)
    ]


def mix_tag_performance(trades: Sequence[Trade], pair: str | None = None) -> list[MixTagPerformance]:
    """``/mix_tags``: per "enter_tag exit_reason" pair, optionally of one pair."""
    return [
        MixTagPerformance(g.profit_ratio, g.profit_pct, g.profit_abs, g.trades, mix_tag=g.name)
        for g in _grouped(_of_pair(trades, pair), _mix_tag, None)
    ]


def trade_stats(trades: Sequence[Trade]) -> Stats:
    """``/stats``: wins/losses/draws per exit reason and mean durations in seconds (null when none).

    A win has a profit ratio above 0, a loss below 0, a draw exactly 0.
    """
    reasons: dict[str, dict[str, int]] = {}
    seconds = {"wins": 0.0, "draws": 0.0, "losses": 0.0}
    counted = {"wins": 0, "draws": 0, "losses": 0}
    for trade in trades:
        if trade.is_open:
            continue
        ratio = trade.close_profit or 0.0
        outcome = "wins" if ratio > 0 else "losses" if ratio < 0 else "draws"
        reason = _exit_reason(trade)
        counts = reasons.get(reason)
        if counts is None:
            counts = reasons[reason] = {"wins": 0, "losses": 0, "draws": 0}
        counts[outcome] += 1
        if trade.close_date is not None:
            seconds[outcome] += (trade.close_date - trade.open_date).total_seconds()
            counted[outcome] += 1

    def mean(outcome: str) -> float | None:
        return seconds[outcome] / counted[outcome] if counted[outcome] else None

    return Stats(
        exit_reasons={reason: OutcomeCount(**counts) for reason, counts in reasons.items()},
        durations=OutcomeDuration(wins=mean("wins"), draws=mean("draws"), losses=mean("losses")),
    )


def count_summary(open_trades: Sequence[Trade], max_open_trades: int) -> Count:
    """``/count``: open trades, the limit, and the stake they hold."""
    return Count(
        current=len(open_trades),
        max=max_open_trades,
        total_stake=sum((t.stake_amount for t in open_trades), 0.0),
    )
