"""The loop runs the pairlist chain each iteration; a pair that leaves the whitelist still exits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ftserver.core.clock import ManualClock
from ftserver.persistence.db import Database, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy
from tests.unit.bot.conftest import START, CommitCheckingBus, Harness, build_bot, make_settings


@pytest.fixture
async def full_slots(tmp_path: Path) -> AsyncIterator[Harness]:
    settings = make_settings(
        tmp_path,
        max_open_trades=1,
        pairlists=[{"method": "StaticPairList"}, {"method": "FullTradesFilter"}],
        exchange={"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT"], "pair_blacklist": []},
    )
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    strategy = ScriptedStrategy()
    db = await Database.open(settings.db_url)
    repo = TradeRepository(db, clock)
    bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
    bot = build_bot(settings, market, repo, bus, clock, strategy)
    await bot.startup()
    yield Harness(tmp_path, settings, clock, market, strategy, db, repo, bus, bot)
    await db.close()


async def test_full_slots_empty_the_whitelist_and_the_open_trade_still_exits(full_slots: Harness) -> None:
    h = full_slots
    assert h.bot.whitelist == ["BTC/USDT", "ETH/USDT"]
    assert h.bot.pairlist_methods == ["StaticPairList", "FullTradesFilter"]
    h.strategy.enter_pairs = {"BTC/USDT"}
    await h.tick()
    await h.tick()
    assert [t.pair for t in h.bot.open_trades] == ["BTC/USDT"]
    assert h.bot.whitelist == []  # one slot, taken
    h.strategy.enter_pairs = set()
    h.strategy.exit_pairs = {"BTC/USDT"}
    await h.tick()
    await h.tick()
    assert h.bot.open_trades == []
    assert h.bot.whitelist == ["BTC/USDT", "ETH/USDT"]  # the slot is free again


async def test_a_blacklist_entry_added_by_api_leaves_the_chain_output_at_once(harness: Harness) -> None:
    assert harness.bot.whitelist == ["BTC/USDT", "ETH/USDT"]
    await harness.bot.add_blacklist(["ETH/.*"])
    assert harness.bot.whitelist == ["BTC/USDT"]
    await harness.bot.remove_blacklist(["ETH/.*"])
    assert harness.bot.whitelist == ["BTC/USDT", "ETH/USDT"]


async def test_performance_filter_puts_the_pair_that_lost_last(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, pairlists=[{"method": "StaticPairList"}, {"method": "PerformanceFilter"}])
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    db = await Database.open(settings.db_url)
    try:
        repo = TradeRepository(db, clock)
        bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
        bot = build_bot(settings, market, repo, bus, clock, ScriptedStrategy())
        await bot.startup()
        assert bot.whitelist == ["BTC/USDT", "ETH/USDT"]
        trade = await bot.force_enter("BTC/USDT")
        market.set_price("BTC/USDT", 90.0)
        await bot.force_exit(trade.id or 0)
        clock.advance(minutes=1)
        await bot.run_once()
        # BTC closed at a loss; ETH has no trades and counts as 0 profit, ahead of it.
        assert bot.whitelist == ["ETH/USDT", "BTC/USDT"]
    finally:
        await db.close()
