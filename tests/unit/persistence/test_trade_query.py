"""The history's sort and filters in SQL: every sort reads its ids off an index, exports keep their order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository, history_order, history_where
from ftserver.trade_query import SORT_KEYS, TradeQuery
from tests.unit.rpc.factories import make_trade

JAN = datetime(2026, 1, 1, tzinfo=UTC)


async def fill(repo: TradeRepository, count: int) -> None:
    trades = [
        make_trade(
            ("BTC/USDT", "ETH/USDT")[n % 2],
            100.0,
            100.0 + n % 7 - 3,
            opened=JAN + timedelta(minutes=n),
            hours=1 + n % 5,
            trade_id=n,
            with_orders=False,
        )
        for n in range(1, count + 1)
    ]
    await repo.import_history(trades, [], [], {})


@pytest.mark.parametrize("sort", SORT_KEYS)
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("narrowed", [{}, {"pair": "BTC/USDT"}, {"result": "loss"}])
async def test_each_sort_of_closed_trades_reads_an_index_in_order(
    repo: TradeRepository, db: Database, sort: str, descending: bool, narrowed: dict[str, str]
) -> None:
    await fill(repo, 2000)
    query = TradeQuery(sort=sort, descending=descending, **narrowed)  # type: ignore[arg-type]
    where, params = history_where(query)
    plan = await db.fetchall(
        f"EXPLAIN QUERY PLAN SELECT id FROM trades WHERE {where} ORDER BY {history_order(query)} LIMIT 50", params
    )
    steps = [str(row[3]) for row in plan]
    assert any("USING" in step and "INDEX" in step for step in steps), steps
    if "result" not in narrowed:
        assert not any("TEMP B-TREE" in step for step in steps), steps  # no sort of every row per page
    # Losers may be found by a range on the profit index and only they sorted: SQLite's choice.


async def test_trade_ids_and_trades_in_order_keep_the_querys_order(repo: TradeRepository) -> None:
    await fill(repo, 12)
    # Durations are 1 + n % 5 hours: n = 4 and 9 last 5 h, n = 3, 8 (and 13, absent) 4 h.
    ids = await repo.trade_ids(TradeQuery(sort="duration", descending=True))
    assert list(ids)[:4] == [9, 4, 8, 3]
    trades = await repo.trades_in_order([9, 4, 404, 8])
    assert [trade.id for trade in trades] == [9, 4, 8]  # an id not stored is left out
    assert all(trade.orders == [] for trade in trades)
