"""Orders written down before they are placed: a crash between the exchange accepting an order and the
bot recording it leaves an intent, and the restarted bot books the order it finds by client order id.

Real ccxt code against the loopback Binance server; the crash is a broker wrapper given to the loop's
constructor that dies (a ``BaseException``, as a killed process would not run any handler) right
after the real ``place_order`` returns, or right before it is called.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from ftserver.bot.loop import TradingLoop
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.errors import ExchangeUnavailable, StorageUnavailable
from ftserver.exchange.base import Broker, ExchangeOrder
from ftserver.exchange.ccxt_broker import CcxtBroker
from ftserver.exchange.ccxt_market import CcxtMarket
from ftserver.exchange.retry import RetryPolicy
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.models import Order, OrderSide
from ftserver.persistence.db import Database, SqliteDatabase
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy
from tests.support.binance_account import BinanceAccount
from tests.support.binance_server import BinanceStub, ccxt_config_for
from tests.support.strategies import ScriptedStrategy
from tests.unit.bot.conftest import START, CommitCheckingBus, make_settings

PAIRS = ["BTC/USDT", "ETH/USDT"]


class Crash(BaseException):
    """The process dying: no ``except Exception`` handler runs."""


class ForwardingBroker:
    """The real broker with every call passed through; subclasses change what ``place_order`` does."""

    def __init__(self, real: CcxtBroker) -> None:
        self.real = real

    async def place_order(self, *args: Any, **kwargs: Any) -> ExchangeOrder:
        return await self.real.place_order(*args, **kwargs)

    async def find_order(self, requested: ExchangeOrder) -> ExchangeOrder | None:
        return await self.real.find_order(requested)

    async def refresh_order(self, order: Order) -> ExchangeOrder:
        return await self.real.refresh_order(order)

    async def cancel_order(self, order: Order) -> ExchangeOrder:
        return await self.real.cancel_order(order)

    async def close(self) -> None:
        await self.real.close()


class CrashingBroker(ForwardingBroker):
    """The real broker, dying after (or before) it places an order."""

    def __init__(self, real: CcxtBroker, *, after_placing: bool) -> None:
        super().__init__(real)
        self.after_placing = after_placing

    async def place_order(self, *args: Any, **kwargs: Any) -> ExchangeOrder:
        if not self.after_placing:
            raise Crash("killed before the order was sent")
        await self.real.place_order(*args, **kwargs)
        raise Crash("killed after the exchange accepted the order")


class AnswerLostBroker(CrashingBroker):
    """The exchange accepts the order, and its answer is lost on the way back."""

    async def place_order(self, *args: Any, **kwargs: Any) -> ExchangeOrder:
        await self.real.place_order(*args, **kwargs)
        raise ExchangeUnavailable("create_order: no answer (connection reset)")


class DiskFailsAfterPlacing(ForwardingBroker):
    """The real broker; right after the exchange accepts an order, the database stops taking writes
    (its writer connection, held by the test, turns read-only: SQLite itself refuses the write)."""

    def __init__(self, real: CcxtBroker, writer: aiosqlite.Connection) -> None:
        super().__init__(real)
        self.writer = writer
        self.armed = True

    async def place_order(self, *args: Any, **kwargs: Any) -> ExchangeOrder:
        placed = await self.real.place_order(*args, **kwargs)
        if self.armed:
            await self.writer.execute("PRAGMA query_only=ON")
        return placed


@dataclass
class Live:
    tmp_path: Path
    clock: ManualClock
    account: BinanceAccount
    market: CcxtMarket
    broker: CcxtBroker

    async def bot(self, broker: Broker, db: Database | None = None) -> tuple[TradingLoop, Database, CommitCheckingBus]:
        settings = make_settings(self.tmp_path, exchange={"name": "binance", "pair_whitelist": PAIRS}, stake_amount=50)
        db = db or await Database.open(settings.db_url)
        bus = CommitCheckingBus(db.path)
        bot = TradingLoop(
            settings,
            market=self.market,
            broker=broker,
            repo=TradeRepository(db, self.clock),
            strategy=SafeStrategy(ScriptedStrategy()),
            bus=bus,
            clock=self.clock,
            account=self.broker,
        )
        await bot.startup()
        return bot, db, bus

    def rows(self, table: str) -> list[dict[str, Any]]:
        with sqlite3.connect(self.tmp_path / "trades.sqlite") as conn:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")]


@pytest.fixture
async def live(aiohttp_server: Any, tmp_path: Path) -> AsyncIterator[Live]:
    clock = ManualClock(START)
    sim = SimulatedMarket(clock=clock, pairs=PAIRS, history_days=3)
    account = BinanceAccount(sim, balances={"USDT": 1000.0})
    server = await aiohttp_server(BinanceStub(sim, account=account).app)
    market = CcxtMarket(
        "binance",
        config=ccxt_config_for(str(server.make_url("")).rstrip("/"), api_key="test-key", secret="test-secret"),
        retry=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02),
    )
    yield Live(tmp_path, clock, account, market, CcxtBroker(market))
    await market.close()


async def test_order_accepted_but_not_recorded_is_booked_after_a_restart(live: Live) -> None:
    bot, db, _ = await live.bot(CrashingBroker(live.broker, after_placing=True))
    with pytest.raises(Crash):
        await bot.force_enter("BTC/USDT", order_type="market")
    await db.close()
    [placed] = live.account.orders.values()  # the exchange has the order...
    assert live.rows("trades") == []  # ...the database has no trade...
    [intent] = live.rows("order_intents")  # ...but it wrote the order down before sending it
    assert intent["client_order_id"] == placed.client_order_id and intent["side"] == "buy"

    bot, db, bus = await live.bot(live.broker)  # the restart
    try:
        [trade] = bot.open_trades
        assert [o.order_id for o in trade.orders] == [str(placed.order_id)]
        assert trade.amount == pytest.approx(placed.order.filled - (placed.trade.commission if placed.trade else 0))
        assert live.rows("order_intents") == []
        [stored] = live.rows("trades")
        assert stored["id"] == trade.id and stored["is_open"] == 1
        assert any(
            m.type is MessageType.WARNING and "was placed but not recorded" in m.data["status"] for m, _ in bus.seen
        )
        assert len(live.account.orders) == 1  # booked, not bought again
    finally:
        await db.close()


async def test_order_written_down_but_never_sent_is_dropped_after_a_restart(live: Live) -> None:
    bot, db, _ = await live.bot(CrashingBroker(live.broker, after_placing=False))
    with pytest.raises(Crash):
        await bot.force_enter("BTC/USDT", order_type="market")
    await db.close()
    assert len(live.rows("order_intents")) == 1

    bot, db, _ = await live.bot(live.broker)
    try:
        assert bot.open_trades == []
        assert live.rows("order_intents") == [] and live.rows("trades") == []
        assert live.account.orders == {}
    finally:
        await db.close()


async def test_exit_accepted_but_not_recorded_closes_the_trade_after_a_restart(live: Live) -> None:
    bot, db, _ = await live.bot(live.broker)
    trade = await bot.force_enter("BTC/USDT", order_type="market")
    await db.close()

    bot, db, _ = await live.bot(CrashingBroker(live.broker, after_placing=True))
    with pytest.raises(Crash):
        await bot.force_exit(trade.id, order_type="market")
    await db.close()
    sells = [o for o in live.account.orders.values() if o.order.side is OrderSide.SELL]
    assert len(sells) == 1 and live.rows("trades")[0]["is_open"] == 1

    bot, db, _ = await live.bot(live.broker)
    try:
        assert bot.open_trades == []
        [stored] = live.rows("trades")
        assert stored["is_open"] == 0 and stored["exit_reason"] == "force_exit"
        assert [o["order_id"] for o in live.rows("orders")][-1] == str(sells[0].order_id)
        assert live.rows("order_intents") == []
    finally:
        await db.close()


async def test_order_whose_answer_was_lost_is_booked_by_the_next_iteration(live: Live) -> None:
    bot, db, _ = await live.bot(AnswerLostBroker(live.broker, after_placing=True))
    try:
        with pytest.raises(ExchangeUnavailable):
            await bot.force_enter("BTC/USDT", order_type="market")
        assert bot.open_trades == [] and len(live.rows("order_intents")) == 1
        [placed] = live.account.orders.values()
        live.clock.advance(minutes=1)
        await bot.run_once()
        [trade] = bot.open_trades
        assert [o.order_id for o in trade.orders] == [str(placed.order_id)]
        assert live.rows("order_intents") == []
    finally:
        await db.close()


async def test_order_placed_just_before_the_database_stopped_taking_writes_is_booked_when_it_recovers(
    live: Live,
) -> None:
    created = await Database.open(f"sqlite:///{live.tmp_path / 'trades.sqlite'}")
    path = created.path
    await created.close()
    writer = await aiosqlite.connect(path, isolation_level=None)
    db = SqliteDatabase(writer, await aiosqlite.connect(path, isolation_level=None), path)
    broker = DiskFailsAfterPlacing(live.broker, writer)
    bot, db, bus = await live.bot(broker, db)
    try:
        with pytest.raises(StorageUnavailable):
            await bot.force_enter("BTC/USDT", order_type="market")
        [placed] = live.account.orders.values()
        assert bot.open_trades == [] and live.rows("trades") == []

        await writer.execute("PRAGMA query_only=OFF")
        broker.armed = False
        live.clock.advance(minutes=1)
        await bot.run_once()
        [trade] = bot.open_trades
        assert [o.order_id for o in trade.orders] == [str(placed.order_id)]
        assert live.rows("order_intents") == [] and len(live.rows("trades")) == 1
        assert len(live.account.orders) == 1
        assert any("was placed but not recorded" in str(m.data) for m, _ in bus.seen)
    finally:
        await db.close()
