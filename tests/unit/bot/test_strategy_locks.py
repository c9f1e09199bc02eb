"""Locks a strategy takes or releases through ``self.lock_pair`` / ``unlock_pair`` reach the database
and the entry decisions of the same iteration; the bot's own locks reach the strategy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy

from .conftest import START, build_bot, make_settings


class LockingStrategy(ScriptedStrategy):
    """Locks the pairs in ``lock_in_analysis`` while analysing them; unlocks ``unlock_at_start`` each loop."""

    def __init__(self) -> None:
        super().__init__()
        self.lock_in_analysis: set[str] = set()
        self.unlock_at_start: set[str] = set()
        self.seen_locked: list[bool] = []

    def bot_loop_start(self, current_time: datetime, **kwargs: Any) -> None:
        self.seen_locked.append(self.is_pair_locked("ETH/USDT"))
        for pair in self.unlock_at_start:
            self.unlock_pair(pair)

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        if metadata["pair"] in self.lock_in_analysis:
            self.lock_pair(metadata["pair"], dataframe["date"].iloc[-1] + timedelta(minutes=10), reason="cooling")
        return super().populate_entry_trend(dataframe, metadata)


async def started(tmp_path: Path, strategy: LockingStrategy) -> tuple[Any, TradeRepository, ManualClock, Database]:
    settings = make_settings(tmp_path)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    db = await Database.open(settings.db_url)
    repo = TradeRepository(db, clock)
    bot = build_bot(settings, market, repo, MessageBus(), clock, strategy)
    await bot.startup()
    return bot, repo, clock, db


async def test_a_lock_taken_while_analysing_blocks_that_iterations_entry_and_is_stored(tmp_path: Path) -> None:
    strategy = LockingStrategy()
    bot, repo, clock, db = await started(tmp_path, strategy)
    try:
        strategy.enter_pairs = {"BTC/USDT", "ETH/USDT"}
        strategy.lock_in_analysis = {"BTC/USDT"}
        clock.advance(minutes=1)
        await bot.run_once()
        assert [t.pair for t in bot.open_trades] == ["ETH/USDT"]
        [lock] = await repo.active_locks(clock.now())
        assert (lock.pair, lock.reason, lock.side) == ("BTC/USDT", "cooling", "*")
        # The newest closed candle opened at 12:00 (1m); +10 min, rounded up to the next candle start.
        assert lock.lock_end_time == datetime(2026, 3, 2, 12, 11, tzinfo=UTC)
    finally:
        await db.close()


async def test_the_bots_locks_reach_the_strategy_and_its_unlock_reaches_the_database(tmp_path: Path) -> None:
    strategy = LockingStrategy()
    bot, repo, clock, db = await started(tmp_path, strategy)
    try:
        await bot.lock_pair("ETH/USDT", clock.now() + timedelta(hours=1), "by hand", "*")
        clock.advance(minutes=1)
        await bot.run_once()
        assert strategy.seen_locked == [True]
        strategy.unlock_at_start = {"ETH/USDT"}
        strategy.enter_pairs = {"ETH/USDT"}
        clock.advance(minutes=1)
        await bot.run_once()
        assert await repo.active_locks(clock.now()) == []
        assert [t.pair for t in bot.open_trades] == ["ETH/USDT"]  # released before entries were considered
    finally:
        await db.close()
