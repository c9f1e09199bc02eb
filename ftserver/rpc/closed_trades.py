"""``ClosedTrades``: the closed trades and what is computed over them, once per version of them.

FreqUI and scripts ask for profit, performance and stats every few seconds while trades close only
now and then. The repository's ``closed_trades_version`` moves exactly when a closed trade is
written or deleted (a counter of its own writes, no clock), so the trades are loaded and each
statistic is computed once per version; a request in between costs a dictionary lookup, plus, for
/profit, the open trades valued at current rates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from ftserver.models import Trade
from ftserver.persistence.trades import OrderSums, TradeRepository
from ftserver.rpc.answer_cache import AnswerCache
from ftserver.rpc.performance import (
    enter_tag_performance,
    exit_reason_performance,
    mix_tag_performance,
    pair_performance,
    trade_stats,
)
from ftserver.rpc.periods import Unit, timeunit_profit
from ftserver.rpc.profit import ClosedProfit, Direction, of_direction
from ftserver.rpc.shapes.money import (
    EntryPerformance,
    ExitPerformance,
    MixTagPerformance,
    PairPerformance,
    Periods,
    Stats,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ClosedSnapshot:
    """The closed trades (close date, then id; without orders) of one ``closed_trades_version``, and
    what each one's orders add up to (kept instead of the orders: a fraction of their memory).

    The list is shared by every reader: nobody may mutate the trades.
    """

    version: int
    trades: list[Trade]
    order_sums: dict[int, OrderSums]

    def entry_cost(self, trade: Trade) -> float | None:
        sums = self.order_sums.get(trade.id or 0)
        return sums.entry_cost if sums is not None else None

    def traded_volume(self, trade: Trade) -> float:
        sums = self.order_sums.get(trade.id or 0)
        return sums.volume if sums is not None else 0.0

    def of_pair(self, pair: str | None) -> list[Trade]:
        return self.trades if pair is None else [t for t in self.trades if t.pair == pair]


class ClosedTrades:
    def __init__(self, *, statistics_cache_entries: int = 256) -> None:
        """``statistics_cache_entries`` bounds the statistics kept (one per verb, pair and starting balance)."""
        self._snapshot: ClosedSnapshot | None = None
        self._lock = asyncio.Lock()
        self._results: AnswerCache[Hashable, Any] = AnswerCache(statistics_cache_entries)

    async def snapshot(self, repo: TradeRepository) -> ClosedSnapshot:
        version = repo.closed_trades_version()
        cached = self._snapshot
        if cached is not None and cached.version == version:
            return cached
        async with self._lock:  # one reload, however many requests noticed the change
            cached = self._snapshot
            # Read before loading: a write landing during the load moves the version again, so
            # what is kept is never older than the version it is kept for.
            version = repo.closed_trades_version()
            if cached is None or cached.version != version:
                cached = ClosedSnapshot(version, await repo.closed_trades(), await repo.closed_trade_order_sums())
                self._snapshot = cached
                self._results.clear()  # computed from the list just replaced
            return cached

    async def result(self, repo: TradeRepository, key: Hashable, compute: Callable[[ClosedSnapshot], T]) -> T:
        """``compute(snapshot)`` for the current closed trades, computed once per version and ``key``."""
        return self._kept(await self.snapshot(repo), key, compute)

    async def profit_parts(
        self, repo: TradeRepository, directions: Iterable[Direction | None], starting_balance: float
    ) -> dict[Direction | None, ClosedProfit]:
        """What /profit and /profit_all say about the closed trades of each direction (None: all),
        all from one snapshot."""
        snapshot = await self.snapshot(repo)
        parts: dict[Direction | None, ClosedProfit] = {}
        for direction in directions:
            parts[direction] = self._kept(
                snapshot,
                ("profit", direction, starting_balance),
                lambda s: ClosedProfit(
                    of_direction(s.trades, direction),  # noqa: B023 (called at once)
                    starting_balance,
                    entry_cost=s.entry_cost,
                    traded_volume=s.traded_volume,
                ),
            )
        return parts

    async def performance(self, repo: TradeRepository) -> list[PairPerformance]:
        return await self.result(repo, ("performance",), lambda s: pair_performance(s.trades, entry_cost=s.entry_cost))

    async def entries(self, repo: TradeRepository, pair: str | None) -> list[EntryPerformance]:
        return await self.result(
            repo, ("entries", pair), lambda s: enter_tag_performance(s.of_pair(pair), entry_cost=s.entry_cost)
        )

    async def exits(self, repo: TradeRepository, pair: str | None) -> list[ExitPerformance]:
        return await self.result(
            repo, ("exits", pair), lambda s: exit_reason_performance(s.of_pair(pair), entry_cost=s.entry_cost)
        )

    async def mix_tags(self, repo: TradeRepository, pair: str | None) -> list[MixTagPerformance]:
        return await self.result(repo, ("mix_tags", pair), lambda s: mix_tag_performance(s.of_pair(pair)))

    async def stats(self, repo: TradeRepository) -> Stats:
        return await self.result(repo, ("stats",), lambda s: trade_stats(s.trades))

    async def timeunit(
        self,
        repo: TradeRepository,
        unit: Unit,
        timescale: int,
        *,
        now: datetime,
        total_stake: float,
        stake_currency: str,
        fiat_display_currency: str,
    ) -> Periods:
        """/daily, /weekly, /monthly: the periods end with ``now``'s, so they are kept per day."""

        def compute(snapshot: ClosedSnapshot) -> Periods:
            return timeunit_profit(
                snapshot.trades,
                unit=unit,
                timescale=timescale,
                now=now,
                total_stake=total_stake,
                stake_currency=stake_currency,
                fiat_display_currency=fiat_display_currency,
            )

        key = ("timeunit", unit, timescale, now.date(), total_stake, stake_currency, fiat_display_currency)
        return await self.result(repo, key, compute)

    def _kept(self, snapshot: ClosedSnapshot, key: Hashable, compute: Callable[[ClosedSnapshot], T]) -> T:
        result: T | None = self._results.get(key, snapshot.version)
        if result is None:
            result = self._results.put(key, snapshot.version, compute(snapshot))
        return result
