import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ftserver.core.clock import ManualClock
from ftserver.errors import InvalidRequest, NotFound
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, PairLock, Trade, TradingMode
from ftserver.persistence.db import MIGRATIONS, Database
from ftserver.persistence.rows import to_ms
from ftserver.persistence.trades import TradeRepository
from ftserver.rpc import order_sums
from tests.unit.persistence.conftest import T0, TradeFactory

REPO_ROOT = Path(__file__).resolve().parents[3]


def every_field_trade() -> Trade:
    """A trade whose every field differs from its default, with two orders that do the same."""
    ms = timedelta(milliseconds=1)
    trade = Trade(
        pair="ETH/USDT:USDT",
        exchange="binance",
        strategy="Every",
        timeframe=15,
        open_rate=2000.125,
        open_date=T0 + 7 * ms,
        amount=0.123456789,
        stake_amount=246.9,
        fee_open=0.0005,
        fee_close=0.00075,
        is_open=False,
        is_short=True,
        amount_requested=0.2,
        max_stake_amount=300.5,
        open_rate_requested=2000.0,
        fee_open_cost=0.12,
        fee_open_currency="USDT",
        fee_close_cost=0.13,
        fee_close_currency="BNB",
        close_rate=1900.5,
        close_rate_requested=1901.0,
        close_date=T0 + timedelta(hours=2) + 999 * ms,
        close_profit=0.049,
        close_profit_abs=12.3456789,
        realized_profit=12.0,
        enter_tag="breakout",
        exit_reason="roi",
        exit_order_status="closed",
        stop_loss=2100.0,
        stop_loss_pct=-0.05,
        initial_stop_loss=2100.5,
        initial_stop_loss_pct=-0.06,
        is_stop_loss_trailing=True,
        stoploss_last_update=T0 + timedelta(minutes=30),
        max_rate=2050.0,
        min_rate=1890.0,
        leverage=3.0,
        interest_rate=0.0001,
        liquidation_price=2600.0,
        trading_mode=TradingMode.FUTURES,
        funding_fees=-0.42,
        amount_precision=0.001,
        price_precision=0.01,
        precision_mode=4,
    )
    for side, order_type, status in (
        (OrderSide.SELL, OrderType.LIMIT, OrderStatus.CLOSED),
        (OrderSide.BUY, OrderType.MARKET, OrderStatus.CANCELED),
    ):
        trade.orders.append(
            Order(
                ft_trade_id=0,
                ft_order_side=side,
                ft_pair=trade.pair,
                order_id=f"x-{side}",
                order_type=order_type,
                side=side,
                amount=0.123456789,
                price=2000.125,
                status=status,
                filled=0.1,
                remaining=0.023456789,
                average=2000.5,
                cost=200.05,
                order_date=T0 + ms,
                order_filled_date=T0 + 2 * ms,
                order_update_date=T0 + 3 * ms,
                ft_fee_base=0.0001,
                ft_order_tag="tagged",
                ft_amount=0.12,
                ft_price=1999.0,
                leverage=3.0,
            )
        )
    return trade


def none_field_trade() -> Trade:
    """Only the required fields: every optional one stays None."""
    trade = Trade(
        pair="BTC/USDT",
        exchange="binance",
        strategy="Bare",
        timeframe=5,
        open_rate=1.0,
        open_date=T0,
        amount=1.0,
        stake_amount=1.0,
        fee_open=0.0,
        fee_close=0.0,
    )
    trade.orders.append(
        Order(
            ft_trade_id=0,
            ft_order_side=OrderSide.BUY,
            ft_pair="BTC/USDT",
            order_id="bare",
            order_type=OrderType.MARKET,
            side=OrderSide.BUY,
            amount=1.0,
            price=None,
        )
    )
    return trade


# ---- round trips ----------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [every_field_trade, none_field_trade])
async def test_trade_with_orders_round_trips_every_field(repo: TradeRepository, build: Callable[[], Trade]) -> None:
    trade = build()
    saved = await repo.save_trade(trade)
    assert saved is trade
    assert trade.id is not None
    assert trade.orders
    assert all(o.ft_trade_id == trade.id for o in trade.orders)
    assert all(o.id is not None for o in trade.orders)
    assert trade.updated_at == T0

    loaded = await repo.get_trade(trade.id)
    assert loaded == trade
    assert loaded is not None
    for field in dataclasses.fields(Trade):
        assert type(getattr(loaded, field.name)) is type(getattr(trade, field.name)), field.name
    for stored, original in zip(loaded.orders, trade.orders, strict=True):
        for field in dataclasses.fields(Order):
            assert type(getattr(stored, field.name)) is type(getattr(original, field.name)), field.name
    assert loaded.open_date.utcoffset() == timedelta(0)


async def test_dates_in_other_zones_load_as_the_same_instant_in_utc(repo: TradeRepository) -> None:
    trade = none_field_trade()
    trade.open_date = datetime(2026, 2, 1, 12, 0, 0, 250_999, tzinfo=timezone(timedelta(hours=2)))
    await repo.save_trade(trade)
    loaded = await repo.get_trade(trade.id or 0)
    assert loaded is not None
    assert loaded.open_date.tzinfo is UTC
    # Stored as epoch milliseconds: the sub-millisecond part is dropped.
    assert loaded.open_date == datetime(2026, 2, 1, 10, 0, 0, 250_000, tzinfo=UTC)


async def test_naive_date_is_refused_and_nothing_is_stored(repo: TradeRepository) -> None:
    trade = none_field_trade()
    trade.orders[0].order_date = datetime(2026, 2, 1, 10, 0)
    with pytest.raises(InvalidRequest, match="timezone-aware"):
        await repo.save_trade(trade)
    assert trade.id is None
    assert trade.orders[0].id is None
    assert await repo.count_trades() == 0


async def test_update_changes_only_what_changed(
    repo: TradeRepository, clock: ManualClock, new_trade: TradeFactory
) -> None:
    first = await repo.save_trade(new_trade("BTC/USDT"))
    other = await repo.save_trade(new_trade("ETH/USDT"))
    entry_id = first.orders[0].id
    clock.advance(minutes=5)

    first.stop_loss = 97.5
    first.max_rate = 104.0
    first.orders[0].order_update_date = clock.now()
    first.orders.append(
        Order(
            ft_trade_id=first.id or 0,
            ft_order_side=OrderSide.SELL,
            ft_pair=first.pair,
            order_id="exit",
            order_type=OrderType.LIMIT,
            side=OrderSide.SELL,
            amount=1.5,
            price=104.0,
        )
    )
    await repo.save_trade(first)

    loaded = await repo.get_trade(first.id or 0)
    assert loaded == first
    assert loaded is not None
    assert loaded.stop_loss == 97.5
    assert loaded.updated_at == T0 + timedelta(minutes=5)
    assert loaded.orders[0].id == entry_id
    assert [o.order_id for o in loaded.orders] == [first.orders[0].order_id, "exit"]
    assert await repo.get_trade(other.id or 0) == other  # untouched, updated_at included
    assert other.updated_at == T0


async def test_update_of_a_deleted_trade_is_not_found(repo: TradeRepository, new_trade: TradeFactory) -> None:
    trade = await repo.save_trade(new_trade())
    assert await repo.delete_trade(trade.id or 0)
    trade.stop_loss = 1.0
    with pytest.raises(NotFound, match=f"Trade {trade.id} does not exist"):
        await repo.save_trade(trade)


async def test_failed_save_writes_nothing_and_restores_ids(repo: TradeRepository, new_trade: TradeFactory) -> None:
    owner = await repo.save_trade(new_trade("BTC/USDT"))
    trade = new_trade("ETH/USDT")
    # An order id that belongs to another trade: the save must fail as a whole.
    stolen = dataclasses.replace(owner.orders[0])
    trade.orders.append(stolen)
    with pytest.raises(NotFound, match="belong to another trade"):
        await repo.save_trade(trade)
    assert trade.id is None
    assert trade.orders[0].id is None
    assert stolen.ft_trade_id == owner.id
    assert await repo.count_trades() == 1
    assert len((await repo.all_trades(with_orders=True))[0].orders) == 1

    trade.orders.pop()
    await repo.save_trade(trade)  # the same object saves cleanly afterwards
    # A new id (SQLite hands out the rolled-back one again; a PostgreSQL sequence never goes back).
    assert trade.id is not None and owner.id is not None and trade.id > owner.id
    assert await repo.count_trades() == 2


async def test_save_order_inserts_updates_and_stamps_its_trade(
    repo: TradeRepository, clock: ManualClock, new_trade: TradeFactory
) -> None:
    trade = await repo.save_trade(new_trade())
    clock.advance(minutes=1)
    order = Order(
        ft_trade_id=trade.id or 0,
        ft_order_side=OrderSide.SELL,
        ft_pair=trade.pair,
        order_id="exit",
        order_type=OrderType.LIMIT,
        side=OrderSide.SELL,
        amount=1.5,
        price=105.0,
    )
    await repo.save_order(order)
    assert order.id is not None
    order.status = OrderStatus.CLOSED
    order.filled = 1.5
    await repo.save_order(order)

    loaded = await repo.get_trade(trade.id or 0)
    assert loaded is not None
    assert loaded.orders[-1] == order
    assert len(loaded.orders) == 2
    assert loaded.updated_at == T0 + timedelta(minutes=1)


async def test_save_order_needs_a_stored_trade(repo: TradeRepository) -> None:
    order = none_field_trade().orders[0]
    with pytest.raises(InvalidRequest, match="no ft_trade_id"):
        await repo.save_order(order)
    order.ft_trade_id = 42
    with pytest.raises(NotFound, match="Trade 42"):
        await repo.save_order(order)
    assert order.id is None


async def test_reopen_keeps_trades_orders_locks_values_and_custom_data(db_url: str, new_trade: TradeFactory) -> None:
    db = await Database.open(db_url)
    repo = TradeRepository(db, ManualClock(T0))
    trade = await repo.save_trade(new_trade(close_after=30))
    lock = await repo.add_lock(PairLock(pair="ETH/USDT", lock_time=T0, lock_end_time=T0 + timedelta(hours=1)))
    await repo.set_value("bot_start_time", 123.5)
    await repo.set_custom_data(trade.id or 0, "note", ["a", 1])
    await db.close()

    db = await Database.open(db_url)
    try:
        repo = TradeRepository(db, ManualClock(T0))
        assert await repo.get_trade(trade.id or 0) == trade
        assert await repo.locks(now=T0) == [lock]
        assert await repo.get_value("bot_start_time") == 123.5
        assert [entry["value"] for entry in await repo.custom_data(trade.id or 0)] == [["a", 1]]
    finally:
        await db.close()


async def test_database_from_schema_1_upgrades_and_keeps_its_data(db_url: str, new_trade: TradeFactory) -> None:
    old = await Database.open(db_url, migrations=MIGRATIONS[:1])
    trade = await TradeRepository(old, ManualClock(T0)).save_trade(new_trade())
    async with old.transaction() as conn:
        await conn.execute(
            "INSERT INTO trade_custom_data (ft_trade_id, cd_key, cd_type, cd_value, created_at) "
            "VALUES (?, 'note', 'str', '\"hi\"', ?)",
            (trade.id, to_ms(T0 + timedelta(milliseconds=123))),
        )
    await old.close()

    db = await Database.open(db_url)
    try:
        repo = TradeRepository(db, ManualClock(T0))
        assert db.schema_version == len(MIGRATIONS)
        assert await repo.get_trade(trade.id or 0) == trade
        assert [(e["key"], e["type"], e["value"], e["created_at"]) for e in await repo.custom_data(trade.id or 0)] == [
            ("note", "str", "hi", T0 + timedelta(milliseconds=123))  # milliseconds then, microseconds now
        ]
        await repo.set_custom_data(trade.id or 0, "note", "again")  # the unique (trade, key) rule survived
        assert len(await repo.custom_data(trade.id or 0)) == 1
        assert await repo.delete_trade(trade.id or 0)  # and so did the cascade
        assert await db.fetchall("SELECT id FROM trade_custom_data") == []
    finally:
        await db.close()


# ---- queries --------------------------------------------------------------------------------------
async def page_ids(repo: TradeRepository, limit: int, offset: int = 0, *, order_by_id: bool = True) -> list[int]:
    versions, _ = await repo.trades_page_versions(limit, offset, order_by_id=order_by_id)
    return [trade_id for trade_id, _, _ in versions]


async def test_trades_page_by_id_with_total(repo: TradeRepository, new_trade: TradeFactory) -> None:
    for n in range(5):
        await repo.save_trade(new_trade(minutes=n, close_after=10))
    versions, total = await repo.trades_page_versions(2, 1)
    assert total == 5
    assert [trade_id for trade_id, _, _ in versions] == [2, 3]
    page = await repo.trades_by_ids([trade_id for trade_id, _, _ in versions])
    assert [o.ft_trade_id for t in page for o in t.orders] == [2, 2, 3, 3]
    assert await page_ids(repo, 10, 4) == [5]
    assert await repo.trades_page_versions(10, 5) == ([], 5)


async def test_trades_page_holds_closed_trades_only_newest_close_first(
    repo: TradeRepository, new_trade: TradeFactory
) -> None:
    close_after = {1: 50, 2: None, 3: 10, 4: 30, 5: None}
    for n in range(1, 6):
        await repo.save_trade(new_trade(minutes=n, close_after=close_after[n]))
    versions, total = await repo.trades_page_versions(10, 0, order_by_id=False)
    assert total == 3  # as freqtrade's /trades: the open trades 2 and 5 are /status's
    assert [(trade_id, is_open) for trade_id, _, is_open in versions] == [(1, False), (4, False), (3, False)]
    assert await page_ids(repo, 2, 1, order_by_id=False) == [4, 3]
    assert await page_ids(repo, 10, 0) == [1, 3, 4]


async def test_trades_page_refuses_negative_bounds(repo: TradeRepository) -> None:
    with pytest.raises(InvalidRequest, match="must not be negative"):
        await repo.trades_page_versions(-1)
    with pytest.raises(InvalidRequest, match="must not be negative"):
        await repo.trades_page_versions(10, -5)


async def test_a_trades_version_moves_with_each_write_of_it_or_its_orders(
    repo: TradeRepository, new_trade: TradeFactory
) -> None:
    first = await repo.save_trade(new_trade(minutes=0, close_after=10))
    second = await repo.save_trade(new_trade(minutes=1, close_after=10))
    assert repo.trade_version(first.id or 0) < repo.trade_version(second.id or 0)
    # Two writes of one trade in the same millisecond (the clock does not move): two versions.
    before = repo.trade_version(first.id or 0)
    first.exit_reason = "force_exit"
    await repo.save_trade(first)
    after_save = repo.trade_version(first.id or 0)
    first.orders[0].filled = 1.5
    await repo.save_order(first.orders[0])
    after_order = repo.trade_version(first.id or 0)
    assert before < after_save < after_order
    versions, _ = await repo.trades_page_versions(10)
    assert versions == [(first.id, after_order, False), (second.id, repo.trade_version(second.id or 0), False)]
    await repo.delete_trade(second.id or 0)
    assert repo.trade_version(second.id or 0) == 0  # nothing kept for a deleted trade


async def test_closed_trades_version_moves_with_closed_trades_only(
    repo: TradeRepository, new_trade: TradeFactory
) -> None:
    assert repo.closed_trades_version() == 0
    closed = await repo.save_trade(new_trade(minutes=0, close_after=10))
    opened = await repo.save_trade(new_trade(minutes=1))
    first = repo.closed_trades_version()
    assert first > 0

    opened.max_rate = 120.0
    await repo.save_trade(opened)  # an open trade written: no change to what is closed
    await repo.save_order(opened.orders[0])
    assert repo.closed_trades_version() == first

    # The clock stands still: versions still move with each write, unlike a millisecond stamp.
    opened.is_open = False
    opened.close_date = opened.open_date
    await repo.save_trade(opened)  # closed
    second = repo.closed_trades_version()
    assert second > first

    closed.exit_reason = "force_exit"
    await repo.save_trade(closed)  # a closed trade changed
    third = repo.closed_trades_version()
    assert third > second

    await repo.save_order(closed.orders[0])  # an order of a closed trade
    fourth = repo.closed_trades_version()
    assert fourth > third

    opened.is_open = True
    opened.close_date = None
    await repo.save_trade(opened)  # reopened: it leaves the closed trades
    fifth = repo.closed_trades_version()
    assert fifth > fourth

    await repo.delete_trade(opened.id or 0)  # an open trade deleted
    assert repo.closed_trades_version() == fifth
    await repo.delete_trade(closed.id or 0)  # a closed trade deleted
    assert repo.closed_trades_version() > fifth


async def test_a_failed_write_moves_the_versions(repo: TradeRepository, new_trade: TradeFactory) -> None:
    trade = await repo.save_trade(new_trade(minutes=0))
    closed, version = repo.closed_trades_version(), repo.trade_version(trade.id or 0)
    await repo.delete_trade(trade.id or 0)
    trade.max_rate = 1.0
    with pytest.raises(NotFound):
        await repo.save_trade(trade)  # what it changed before failing is unknown to a reader
    assert repo.closed_trades_version() > closed
    assert repo.trade_version(trade.id or 0) > version


async def test_loaded_trades_share_their_repeated_texts(repo: TradeRepository, new_trade: TradeFactory) -> None:
    for n in range(3):
        await repo.save_trade(new_trade("ETH/USDT", minutes=n, close_after=10))
    first, *others = await repo.all_trades(with_orders=True)
    for other in others:
        assert other.pair is first.pair and other.exit_reason is first.exit_reason
        assert other.strategy is first.strategy and other.exchange is first.exchange
        assert other.orders[0].ft_pair is first.pair


async def test_trades_by_ids_loads_them_with_their_orders_in_id_order(
    repo: TradeRepository, new_trade: TradeFactory
) -> None:
    for n in range(4):
        await repo.save_trade(new_trade(minutes=n, close_after=10 if n % 2 else None))
    trades = await repo.trades_by_ids([4, 2, 99, 4])  # unknown ids are left out, repeats loaded once
    assert [(t.id, len(t.orders)) for t in trades] == [(2, 2), (4, 2)]
    assert trades == [t for t in await repo.all_trades(with_orders=True) if t.id in (2, 4)]
    assert await repo.trades_by_ids([]) == []


async def test_open_closed_and_all_trades(repo: TradeRepository, new_trade: TradeFactory) -> None:
    await repo.save_trade(new_trade("BTC/USDT", minutes=0, close_after=40))
    await repo.save_trade(new_trade("ETH/USDT", minutes=1))
    await repo.save_trade(new_trade("BTC/USDT", minutes=2, close_after=5))
    await repo.save_trade(new_trade("ETH/USDT", minutes=3, close_after=20))

    assert [(t.id, len(t.orders)) for t in await repo.open_trades()] == [(2, 1)]
    closed = await repo.closed_trades()
    assert [t.id for t in closed] == [3, 4, 1]  # by close date
    assert all(t.orders == [] for t in closed)
    assert [t.id for t in await repo.closed_trades(pair="BTC/USDT")] == [3, 1]
    assert [t.id for t in await repo.all_trades()] == [1, 2, 3, 4]
    assert [len(t.orders) for t in await repo.all_trades(with_orders=True)] == [2, 1, 2, 2]
    assert [t.id for t in await repo.all_trades(pair="ETH/USDT")] == [2, 4]
    assert await repo.count_trades() == 4
    assert await repo.count_trades(is_open=True) == 1
    assert await repo.count_trades(is_open=False) == 3


async def test_first_trade_open_date(repo: TradeRepository, new_trade: TradeFactory) -> None:
    assert await repo.first_trade_open_date() is None
    await repo.save_trade(new_trade(minutes=30))
    await repo.save_trade(new_trade(minutes=10))
    assert await repo.first_trade_open_date() == T0 + timedelta(minutes=10)


async def test_delete_cascades_orders_and_custom_data(repo: TradeRepository, new_trade: TradeFactory) -> None:
    trade = await repo.save_trade(new_trade(close_after=5))
    kept = await repo.save_trade(new_trade("ETH/USDT"))
    await repo.set_custom_data(trade.id or 0, "note", {"a": 1})
    await repo.set_custom_data(kept.id or 0, "note", {"b": 2})

    assert await repo.delete_trade(trade.id or 0)
    assert await repo.get_trade(trade.id or 0) is None
    assert await repo.db.fetchall("SELECT ft_trade_id FROM orders") == [(kept.id,)]
    assert await repo.db.fetchall("SELECT trade_id FROM trade_custom_data") == [(kept.id,)]
    assert not await repo.delete_trade(trade.id or 0)


async def test_concurrent_saves_all_land(repo: TradeRepository, new_trade: TradeFactory) -> None:
    trades = [new_trade(f"P{n}/USDT", close_after=n % 2 or None) for n in range(30)]
    await asyncio.gather(*(repo.save_trade(trade) for trade in trades))
    assert sorted(t.id or 0 for t in trades) == list(range(1, 31))
    assert await repo.count_trades() == 30
    for trade in trades:
        assert await repo.get_trade(trade.id or 0) == trade


# ---- locks --------------------------------------------------------------------------------------
async def test_active_locks_filter_by_time_and_pair(repo: TradeRepository) -> None:
    eth = await repo.add_lock(PairLock(pair="ETH/USDT", lock_time=T0, lock_end_time=T0 + timedelta(minutes=10)))
    every = await repo.add_lock(
        PairLock(pair="*", lock_time=T0, lock_end_time=T0 + timedelta(minutes=5), reason="cooldown")
    )
    await repo.add_lock(PairLock(pair="BTC/USDT", lock_time=T0, lock_end_time=T0))  # already over
    assert [eth.id, every.id] == [1, 2]

    assert await repo.active_locks(T0, "BTC/USDT") == [every]
    assert await repo.active_locks(T0, "ETH/USDT") == [eth, every]
    assert await repo.active_locks(T0) == [eth, every]
    assert await repo.active_locks(T0 + timedelta(minutes=6)) == [eth]
    assert await repo.active_locks(T0 + timedelta(minutes=10)) == []


async def test_deactivated_lock_stops_counting_but_is_kept(repo: TradeRepository) -> None:
    lock = await repo.add_lock(PairLock(pair="ETH/USDT", lock_time=T0, lock_end_time=T0 + timedelta(hours=1)))
    lock.active = False
    await repo.save_lock(lock)
    assert await repo.get_lock(lock.id or 0) == lock
    assert await repo.locks() == []
    assert await repo.locks(active_only=False) == [lock]
    assert await repo.get_lock(99) is None


async def test_lock_misuse_is_reported(repo: TradeRepository) -> None:
    lock = await repo.add_lock(PairLock(pair="ETH/USDT", lock_time=T0, lock_end_time=T0 + timedelta(hours=1)))
    with pytest.raises(InvalidRequest, match="already stored"):
        await repo.add_lock(lock)
    ghost = dataclasses.replace(lock, id=77)
    with pytest.raises(NotFound, match="Lock 77"):
        await repo.save_lock(ghost)
    fresh = await repo.save_lock(PairLock(pair="XRP/USDT", lock_time=T0, lock_end_time=T0 + timedelta(hours=1)))
    assert fresh.id == 2


# ---- key/value and custom data ------------------------------------------------------------------
async def test_key_value_store(repo: TradeRepository) -> None:
    assert await repo.get_value("missing") is None
    assert await repo.get_value("missing", 5) == 5
    await repo.set_value("state", {"a": [1, 2.5, None, True]})
    await repo.set_value("state", {"b": "c"})
    assert await repo.get_value("state") == {"b": "c"}
    with pytest.raises(InvalidRequest, match="Value for key 'bad' must be JSON-serialisable"):
        await repo.set_value("bad", object())


async def test_custom_data_is_typed_and_updated_in_place(
    repo: TradeRepository, clock: ManualClock, new_trade: TradeFactory
) -> None:
    trade = await repo.save_trade(new_trade())
    await repo.set_custom_data(trade.id or 0, "count", 1)
    await repo.set_custom_data(trade.id or 0, "info", {"why": "test"})
    clock.advance(minutes=2)
    await repo.set_custom_data(trade.id or 0, "count", 2.5)

    entries = await repo.custom_data(trade.id or 0)
    assert entries == [
        {"id": 1, "key": "count", "type": "float", "value": 2.5, "created_at": T0, "updated_at": clock.now()},
        {"id": 2, "key": "info", "type": "dict", "value": {"why": "test"}, "created_at": T0, "updated_at": None},
    ]
    assert [e["key"] for e in await repo.custom_data(trade.id or 0, "info")] == ["info"]
    assert await repo.custom_data(trade.id or 0, "nope") == []


async def test_custom_data_times_keep_their_microseconds(
    repo: TradeRepository, clock: ManualClock, new_trade: TradeFactory
) -> None:
    trade = await repo.save_trade(new_trade())
    set_at = T0 + timedelta(microseconds=598_940)
    clock.set(set_at)
    await repo.set_custom_data(trade.id or 0, "direct", 1)
    updated_at = T0 + timedelta(seconds=7, microseconds=1)
    clock.set(updated_at)
    loaded = await repo.get_trade(trade.id or 0)  # as the bot holds it: custom data on the repository's clock
    assert loaded is not None
    loaded.custom_data.set(trade.id, "by_strategy", "x")
    await repo.save_custom_data(loaded)
    await repo.set_custom_data(trade.id or 0, "direct", 2)

    stored = {e["key"]: (e["created_at"], e["updated_at"]) for e in await repo.custom_data(trade.id or 0)}
    assert stored == {"direct": (set_at, updated_at), "by_strategy": (updated_at, None)}
    loaded = await repo.get_trade(trade.id or 0)
    assert loaded is not None
    entry = loaded.custom_data.get("direct")
    assert entry is not None and (entry.created_at, entry.updated_at) == (set_at, updated_at)


async def test_custom_data_needs_an_existing_trade_and_json(repo: TradeRepository, new_trade: TradeFactory) -> None:
    with pytest.raises(NotFound, match="Trade 9 does not exist"):
        await repo.set_custom_data(9, "k", 1)
    trade = await repo.save_trade(new_trade())
    with pytest.raises(InvalidRequest, match="Custom data 'k' must be JSON-serialisable"):
        await repo.set_custom_data(trade.id or 0, "k", {1, 2})


async def test_open_trades_custom_data_groups_per_open_trade(repo: TradeRepository, new_trade: TradeFactory) -> None:
    first = await repo.save_trade(new_trade("A/USDT"))
    closed = await repo.save_trade(new_trade("B/USDT", close_after=5))
    await repo.save_trade(new_trade("C/USDT"))  # open, without custom data
    last = await repo.save_trade(new_trade("D/USDT"))
    for trade in (first, closed, last):
        await repo.set_custom_data(trade.id or 0, "x", trade.pair)
    await repo.set_custom_data(first.id or 0, "y", 1)

    result = await repo.open_trades_custom_data(None, 100, 0)
    assert [(r["trade_id"], [e["key"] for e in r["custom_data"]]) for r in result] == [
        (first.id, ["x", "y"]),
        (last.id, ["x"]),
    ]
    only_y = await repo.open_trades_custom_data("y", 100, 0)
    assert [r["trade_id"] for r in only_y] == [first.id]
    # limit/offset page over open trades (A, C, D): skipping A leaves C (no data) and D.
    assert [r["trade_id"] for r in await repo.open_trades_custom_data(None, 2, 1)] == [last.id]
    assert await repo.open_trades_custom_data(None, 1, 1) == []


async def test_imported_rows_keep_their_ids_and_rows_without_one_get_new_ones(
    repo: TradeRepository, new_trade: TradeFactory
) -> None:
    trade = new_trade("BTC/USDT", close_after=30)
    trade.id = 40
    for order in trade.orders:
        order.ft_trade_id = 40
    trade.orders[0].id = 7  # the entry keeps its id; the exit comes without one
    await repo.import_history([trade], [], [], {})
    loaded = await repo.get_trade(40)
    assert loaded is not None and [o.id for o in loaded.orders] == [7, 8]

    later = await repo.save_trade(new_trade("ETH/USDT"))  # new rows continue past the imported ids
    assert (later.id, [o.id for o in later.orders]) == (41, [9])


# ---- durability ---------------------------------------------------------------------------------
def test_committed_trade_survives_sigkill(tmp_path: Path, db_url: str) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal
        from datetime import UTC, datetime
        from ftserver.models import Trade
        from ftserver.persistence.db import Database
        from ftserver.persistence.trades import TradeRepository

        async def main():
            db = await Database.open({db_url!r})
            trade = Trade(pair="BTC/USDT", exchange="binance", strategy="S", timeframe=5, open_rate=100.0,
                          open_date=datetime(2026, 1, 1, tzinfo=UTC), amount=1.0, stake_amount=100.0,
                          fee_open=0.001, fee_close=0.001)
            await TradeRepository(db).save_trade(trade)
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr

    async def reopen() -> list[Trade]:
        db = await Database.open(db_url)
        try:
            return await TradeRepository(db).all_trades()
        finally:
            await db.close()

    trades = asyncio.run(reopen())
    assert [(t.id, t.pair, t.stake_amount) for t in trades] == [(1, "BTC/USDT", 100.0)]


async def test_closed_trade_order_sums_equal_the_sums_over_the_loaded_orders(
    repo: TradeRepository, new_trade: TradeFactory
) -> None:
    """The SQL sums kept for statistics follow the same rules as ``rpc.order_sums`` over loaded orders."""
    plain = new_trade("BTC/USDT", close_after=60)  # entry 1.5 @ 100, exit 1.5 @ 110
    dca = new_trade("ETH/USDT", minutes=1, close_after=60)
    dca.leverage = 3.0
    second = dataclasses.replace(dca.orders[0], order_id="buy-2", filled=0.5, amount=1.0, average=None, price=90.0)
    second.status = OrderStatus.CANCELED  # a part-filled, cancelled increase: entry cost yes, volume no
    undated = dataclasses.replace(dca.orders[0], order_id="buy-3", order_filled_date=None, cost=7.0)
    dca.orders += [second, undated]
    short = new_trade("SOL/USDT", minutes=2, close_after=60)
    short.is_short = True  # its sell order is what enters: the entry cost
    bare = new_trade("XRP/USDT", minutes=3, close_after=60)
    bare.orders.clear()
    still_open = new_trade("ADA/USDT", minutes=4)
    for trade in (plain, dca, short, bare, still_open):
        await repo.save_trade(trade)

    sums = await repo.closed_trade_order_sums()
    loaded = await repo.closed_trades(with_orders=True)
    assert set(sums) == {plain.id, dca.id, short.id}  # the open trade and the one without orders are not there
    for trade in loaded:
        if trade.id in sums:
            assert sums[trade.id].entry_cost == pytest.approx(order_sums.entry_cost(trade))
            assert sums[trade.id].volume == pytest.approx(order_sums.traded_volume(trade))
    # by hand: plain 150 / 315; dca (1.5 * 100 + 0.5 * 90 + 1.5 * 100) / 3 and 150 + 165 (neither the
    # cancelled nor the undated order); short: the sell side, 1.5 @ 110
    assert (sums[plain.id].entry_cost, sums[plain.id].volume) == (150.0, 315.0)
    assert sums[dca.id].entry_cost == pytest.approx(345 / 3) and sums[dca.id].volume == 315.0
    assert (sums[short.id].entry_cost, sums[short.id].volume) == (165.0, 315.0)
