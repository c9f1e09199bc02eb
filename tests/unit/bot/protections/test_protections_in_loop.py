"""Protections in the running loop: the strategy's own list, a global lock announced and honoured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.data.timeframes import timeframe_to_next_date
from ftserver.persistence.db import Database, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy
from tests.unit.bot.conftest import START, CommitCheckingBus, Harness, build_bot, make_settings


class GuardedStrategy(ScriptedStrategy):
    stoploss = -0.1

    @property
    def protections(self) -> list[dict[str, Any]]:
        return [
            {"method": "StoplossGuard", "trade_limit": 1, "lookback_period_candles": 10, "stop_duration_candles": 5},
            {"method": "NoSuchGuard"},  # left out with a warning; the others still apply
        ]


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[Harness]:
    settings = make_settings(tmp_path)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    strategy = GuardedStrategy()
    db = await Database.open(settings.db_url)
    repo = TradeRepository(db, clock)
    bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
    bot = build_bot(settings, market, repo, bus, clock, strategy)
    await bot.startup()
    yield Harness(tmp_path, settings, clock, market, strategy, db, repo, bus, bot)
    await db.close()


async def test_strategy_stoploss_guard_locks_every_pair_announces_it_and_blocks_entries(guarded: Harness) -> None:
    h = guarded
    trade = await h.bot.force_enter("BTC/USDT")
    h.market.set_price("BTC/USDT", 85.0)  # 15 % down: the -10 % stoploss fires
    await h.tick()
    assert h.bot.open_trades == []
    closed = await h.repo.get_trade(trade.id or 0)
    assert closed is not None and closed.exit_reason == "stop_loss" and closed.close_date is not None
    # 5 candles of 1m after the stoploss exit, rounded up to the start of the next 1m candle as
    # freqtrade rounds locks: on BTC (its own count) and on every pair (all pairs' count).
    end = timeframe_to_next_date("1m", closed.close_date + timedelta(minutes=5))
    assert {(lock.pair, lock.lock_end_time) for lock in await h.bot.locks.active()} == {("*", end), ("BTC/USDT", end)}
    assert MessageType.PROTECTION_TRIGGER_GLOBAL in h.bus.types()
    h.strategy.enter_pairs = {"ETH/USDT"}
    await h.tick()
    await h.tick(3)
    assert h.bot.open_trades == []  # locked: no entry
    await h.tick(2)  # past the lock end
    await h.tick()
    assert [t.pair for t in h.bot.open_trades] == ["ETH/USDT"]
