"""The trading loop while the trade database cannot be written: no order is placed, it says so once,
/health turns red, and trading resumes by itself when a write succeeds again.

The fault is real: the test holds the database's writer connection and makes it read-only
(``PRAGMA query_only``), so every write fails inside SQLite with "attempt to write a readonly database".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from ftserver.bot.loop import TradingLoop
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.errors import StorageUnavailable
from ftserver.exchange.base import ExchangeOrder
from ftserver.exchange.paper import PaperBroker
from ftserver.logs import LogBuffer
from ftserver.models import OrderSide, OrderType, RunMode
from ftserver.persistence.db import Database, SqliteDatabase, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository
from ftserver.research.history import Research
from ftserver.rpc.facade import Rpc
from ftserver.strategy.safe import SafeStrategy
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy

from .conftest import START, CommitCheckingBus, make_settings


class CountingBroker(PaperBroker):
    """The paper broker, counting the orders that reach it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.placed: list[ExchangeOrder] = []

    async def place_order(
        self,
        pair: str,
        side: OrderSide,
        order_type: OrderType,
        amount: float,
        price: float | None,
        **kwargs: Any,
    ) -> ExchangeOrder:
        placed = await super().place_order(pair, side, order_type, amount, price, **kwargs)
        self.placed.append(placed)
        return placed


@dataclass
class Rig:
    writer: aiosqlite.Connection
    db: Database
    clock: ManualClock
    market: ScriptedMarket
    strategy: ScriptedStrategy
    broker: CountingBroker
    bus: CommitCheckingBus
    bot: TradingLoop

    async def read_only(self, on: bool) -> None:
        await self.writer.execute(f"PRAGMA query_only={'ON' if on else 'OFF'}")

    async def tick(self) -> None:
        self.clock.advance(minutes=1)
        await self.bot.run_once()

    def storage_warnings(self) -> list[str]:
        return [
            m.data["status"]
            for m, _ in self.bus.seen
            if m.type is MessageType.WARNING and "trade database" in m.data["status"]
        ]


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    settings = make_settings(tmp_path)
    created = await Database.open(settings.db_url)
    path = created.path
    await created.close()
    writer = await aiosqlite.connect(path, isolation_level=None)
    reader = await aiosqlite.connect(path, isolation_level=None)
    db = SqliteDatabase(writer, reader, path)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    strategy = ScriptedStrategy()
    broker = CountingBroker(market, clock=clock)
    bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
    repo = TradeRepository(db, clock)
    bot = TradingLoop(
        settings, market=market, broker=broker, repo=repo, strategy=SafeStrategy(strategy), bus=bus, clock=clock
    )
    await bot.startup()
    yield Rig(writer, db, clock, market, strategy, broker, bus, bot)
    await db.close()


async def test_unwritable_database_stops_entries_and_exits_until_a_write_succeeds(rig: Rig) -> None:
    rig.strategy.enter_pairs = {"BTC/USDT"}
    await rig.tick()
    [trade] = rig.bot.open_trades
    assert len(rig.broker.placed) == 1

    await rig.read_only(True)
    rig.strategy.minimal_roi = {"0": 0.01}
    rig.market.set_price("BTC/USDT", 110.0)  # an ROI exit is due
    rig.strategy.enter_pairs = {"ETH/USDT"}  # and an entry
    await rig.tick()
    await rig.tick()
    assert len(rig.broker.placed) == 1, "an order was placed that could not have been recorded"
    assert trade.is_open
    [down] = rig.storage_warnings()
    assert "cannot be written: attempt to write a readonly database" in down
    assert rig.bot.health().storage_failure == "attempt to write a readonly database"

    await rig.read_only(False)
    await rig.tick()
    assert rig.storage_warnings()[1:] == ["The trade database can be written again; trading resumes"]
    assert rig.bot.health().storage_failure is None
    assert not trade.is_open and trade.exit_reason == "roi"
    assert [t.pair for t in rig.bot.open_trades] == ["ETH/USDT"]
    assert len(rig.broker.placed) == 3


async def test_force_enter_on_an_unwritable_database_places_no_order_and_is_storage_unavailable(rig: Rig) -> None:
    await rig.read_only(True)
    with pytest.raises(StorageUnavailable, match="no new trades are opened until it can"):
        await rig.bot.force_enter("BTC/USDT")
    assert rig.broker.placed == []
    assert rig.bot.open_trades == []


async def test_health_is_storage_unavailable_while_the_database_cannot_be_written(rig: Rig, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    rpc = Rpc(settings, runmode=RunMode.DRY_RUN, clock=rig.clock, log_buffer=LogBuffer(10), research=Research(settings))
    rpc.attach(rig.bot, rig.bot.repo)
    assert rpc.health().bot_startup is not None
    await rig.read_only(True)
    await rig.tick()
    with pytest.raises(StorageUnavailable, match="attempt to write a readonly database"):
        rpc.health()
    await rig.read_only(False)
    await rig.tick()
    assert rpc.health().last_process is not None
