"""The history's sort and filters in SQL: every sort reads its ids off an index, exports keep their order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from ftserver.core.clock import ManualClock
from ftserver.errors import NotFound
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository, history_order, history_where
from ftserver.trade_query import SORT_KEYS, TradeQuery
from tests.unit.persistence.conftest import build_trade
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


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite's query plans
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


async def test_a_write_in_flight_holds_the_sync_point_back_to_its_stamp(
    repo: TradeRepository, clock: ManualClock
) -> None:
    assert repo.sync_point() == clock.now()  # nothing in flight: now
    stamped = clock.now()
    async with repo.db.transaction():  # the writer is busy with another write
        saving = asyncio.create_task(repo.save_trade(build_trade(close_after=10)))
        await asyncio.sleep(0)  # one turn: the save stamps its time, then waits for the writer
        clock.advance(minutes=5)
        # A read now would not see that trade, which commits later stamped 5 minutes ago.
        assert repo.sync_point() == stamped
    trade = await saving
    assert trade.updated_at == stamped
    assert repo.sync_point() == clock.now()  # committed: nothing holds it back


async def test_a_failed_write_leaves_nothing_in_flight(repo: TradeRepository, clock: ManualClock) -> None:
    ghost = build_trade()
    ghost.id = 404  # not stored: the update finds no row
    with pytest.raises(NotFound):
        await repo.save_trade(ghost)
    clock.advance(minutes=1)
    assert repo.sync_point() == clock.now()


@pytest.mark.parametrize(("descending", "expected"), [(False, [2, 3, 1]), (True, [1, 3, 2])])
async def test_a_trade_without_a_profit_sorts_below_every_profit_on_either_database(
    repo: TradeRepository, descending: bool, expected: list[int]
) -> None:
    trades = [build_trade(f"P{n}/USDT", minutes=n, close_after=60) for n in (1, 2, 3)]
    trades[1].close_profit = None  # trade 2: closed without a ratio (as freqtrade's may be)
    trades[2].close_profit = -0.02  # trade 3: a loss; trade 1 keeps its gain
    for trade in trades:
        await repo.save_trade(trade)
    ids = await repo.trade_ids(TradeQuery(sort="profit_ratio", descending=descending))
    assert list(ids) == expected
    page, total = await repo.trades_page_versions(2, 1, query=TradeQuery(sort="profit_ratio", descending=descending))
    assert ([trade_id for trade_id, _, _ in page], total) == (expected[1:], 3)
