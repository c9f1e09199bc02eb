import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ftserver.core.clock import ManualClock
from ftserver.errors import ConfigError
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, PairLock, Trade
from ftserver.persistence.db import Database, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository

T0 = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
REPO_ROOT = Path(__file__).resolve().parents[3]


def make_trade(pair: str = "BTC/USDT", *, minutes: int = 0) -> Trade:
    trade = Trade(
        pair=pair,
        exchange="sim",
        strategy="SampleStrategy",
        timeframe=5,
        open_rate=100.0,
        open_date=T0 + timedelta(minutes=minutes),
        amount=1.5,
        stake_amount=150.0,
        fee_open=0.001,
        fee_close=0.001,
        enter_tag="tag",
        price_precision=0.01,
    )
    trade.set_initial_stoploss(-0.05, T0)
    trade.orders.append(
        Order(
            ft_trade_id=0,
            ft_order_side=OrderSide.BUY,
            ft_pair=pair,
            order_id=f"dry_run_buy_{pair}_{minutes}",
            order_type=OrderType.LIMIT,
            side=OrderSide.BUY,
            amount=1.5,
            price=100.0,
            status=OrderStatus.CLOSED,
            filled=1.5,
            average=100.0,
            cost=150.0,
            order_date=T0,
            order_filled_date=T0 + timedelta(seconds=3),
        )
    )
    return trade


def close(trade: Trade, rate: float, minutes: int = 30) -> None:
    trade.is_open = False
    trade.close_rate = rate
    trade.close_date = trade.open_date + timedelta(minutes=minutes)
    trade.close_profit_abs = trade.calc_profit(rate)
    trade.close_profit = trade.calc_profit_ratio(rate)
    trade.exit_reason = "roi"


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[TradeRepository]:
    db = await Database.open(f"sqlite:///{tmp_path / 'db' / 'trades.sqlite'}")
    yield TradeRepository(db, ManualClock(T0))
    await db.close()


async def test_trade_with_orders_round_trips_every_field(repo: TradeRepository) -> None:
    trade = make_trade()
    await repo.save_trade(trade)
    assert trade.id is not None
    assert trade.orders[0].id is not None and trade.orders[0].ft_trade_id == trade.id
    loaded = await repo.get_trade(trade.id)
    assert loaded is not None
    loaded.updated_at = trade.updated_at
    assert loaded == trade
    assert loaded.orders[0].status is OrderStatus.CLOSED
    assert loaded.open_date.tzinfo is not None


async def test_update_changes_trade_and_adds_orders(repo: TradeRepository) -> None:
    trade = await repo.save_trade(make_trade())
    close(trade, 110.0)
    trade.orders.append(
        Order(
            ft_trade_id=trade.id or 0,
            ft_order_side=OrderSide.SELL,
            ft_pair=trade.pair,
            order_id="dry_run_sell",
            order_type=OrderType.MARKET,
            side=OrderSide.SELL,
            amount=1.5,
            price=None,
            status=OrderStatus.CLOSED,
            filled=1.5,
            average=110.0,
        )
    )
    await repo.save_trade(trade)
    loaded = await repo.get_trade(trade.id or 0)
    assert loaded is not None and not loaded.is_open
    assert [o.ft_order_side for o in loaded.orders] == [OrderSide.BUY, OrderSide.SELL]
    assert loaded.close_profit_abs == pytest.approx(trade.close_profit_abs)
    assert await repo.open_trades() == []


async def test_reopen_keeps_trades_locks_and_values(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'reopen.sqlite'}"
    db = await Database.open(url)
    repo = TradeRepository(db)
    trade = await repo.save_trade(make_trade())
    await repo.add_lock(PairLock(pair="ETH/USDT", lock_time=T0, lock_end_time=T0 + timedelta(hours=1)))
    await repo.set_value("bot_start_time", 123.5)
    await db.close()

    db = await Database.open(url)
    try:
        repo = TradeRepository(db)
        assert db.schema_version == 1
        reopened = await repo.get_trade(trade.id or 0)
        assert reopened is not None and len(reopened.orders) == 1
        assert len(await repo.active_locks(T0)) == 1
        assert await repo.get_value("bot_start_time") == 123.5
        rows = await db.fetchall("SELECT version FROM schema_version")
        assert [r[0] for r in rows] == [1], "migrations must not run twice"
    finally:
        await db.close()


async def test_failed_transaction_leaves_nothing_behind(repo: TradeRepository) -> None:
    async def half_write() -> None:
        async with repo.db.transaction() as conn:
            await conn.execute("INSERT INTO kv_store (key, value) VALUES ('half', '1')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await half_write()
    assert await repo.get_value("half") is None


async def test_trades_page_with_total_and_both_orders(repo: TradeRepository) -> None:
    for n in range(5):
        trade = make_trade(minutes=n)
        if n < 4:
            close(trade, 101.0, minutes=60 - n * 10)
        await repo.save_trade(trade)
    page, total = await repo.trades_page(2, 1)
    assert total == 5
    assert [t.id for t in page] == [2, 3]
    assert all(len(t.orders) == 1 for t in page)
    newest_first, _ = await repo.trades_page(5, 0, order_by_id=False)
    assert newest_first[0].is_open  # open trade first
    closes = [t.close_date for t in newest_first[1:]]
    assert closes == sorted(closes, reverse=True)


async def test_delete_cascades_orders_and_custom_data(repo: TradeRepository) -> None:
    trade = await repo.save_trade(make_trade())
    await repo.set_custom_data(trade.id or 0, "note", {"a": 1})
    assert (await repo.custom_data(trade.id or 0))[0]["value"] == {"a": 1}
    assert await repo.delete_trade(trade.id or 0)
    assert await repo.get_trade(trade.id or 0) is None
    assert await repo.db.fetchall("SELECT * FROM orders") == []
    assert await repo.db.fetchall("SELECT * FROM trade_custom_data") == []


async def test_active_locks_filter_by_time_and_pair(repo: TradeRepository) -> None:
    await repo.add_lock(PairLock(pair="ETH/USDT", lock_time=T0, lock_end_time=T0 + timedelta(minutes=10)))
    await repo.add_lock(PairLock(pair="*", lock_time=T0, lock_end_time=T0 + timedelta(minutes=5)))
    expired = await repo.add_lock(PairLock(pair="BTC/USDT", lock_time=T0, lock_end_time=T0 - timedelta(minutes=1)))
    assert expired.id is not None
    assert {lock.pair for lock in await repo.active_locks(T0, "BTC/USDT")} == {"*"}
    assert {lock.pair for lock in await repo.active_locks(T0, "ETH/USDT")} == {"ETH/USDT", "*"}
    assert {lock.pair for lock in await repo.active_locks(T0 + timedelta(minutes=6))} == {"ETH/USDT"}


async def test_concurrent_saves_all_land(repo: TradeRepository) -> None:
    await asyncio.gather(*(repo.save_trade(make_trade(f"P{n}/USDT")) for n in range(20)))
    assert await repo.count_trades() == 20
    assert await repo.count_trades(is_open=True) == 20


def test_sqlite_url_forms() -> None:
    assert sqlite_path_from_url("sqlite:///user_data/x.sqlite") == "user_data/x.sqlite"
    assert sqlite_path_from_url("sqlite:////abs/x.sqlite") == "/abs/x.sqlite"
    assert sqlite_path_from_url("sqlite://") == ":memory:"
    with pytest.raises(ConfigError) as info:
        sqlite_path_from_url("postgresql://host/db")
    assert info.value.key == "db_url"


def test_committed_trade_survives_sigkill(tmp_path: Path) -> None:
    db_file = tmp_path / "killed.sqlite"
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal
        from tests.unit.persistence.test_trades import make_trade
        from ftserver.persistence.db import Database
        from ftserver.persistence.trades import TradeRepository

        async def main():
            db = await Database.open("sqlite:///{db_file}")
            await TradeRepository(db).save_trade(make_trade())
            os.kill(os.getpid(), signal.SIGKILL)

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, check=False
    )
    assert result.returncode == -9

    async def reopen() -> int:
        db = await Database.open(f"sqlite:///{db_file}")
        try:
            return await TradeRepository(db).count_trades()
        finally:
            await db.close()

    assert asyncio.run(reopen()) == 1
