"""Trade lifecycle scenarios on a market whose prices the test sets, with hand-computed profits.

Fees are 0.1 % on both sides; entries and exits are market orders filled at the set price.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ftserver.bot.loop import TradingLoop
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.errors import Conflict, NotFound
from ftserver.exchange.paper import PaperBroker
from ftserver.models import BotState
from ftserver.persistence.db import Database, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy

from .conftest import START, CommitCheckingBus, Harness, build_bot, make_settings


async def enter_btc(h: Harness) -> int:
    h.strategy.enter_pairs = {"BTC/USDT"}
    await h.tick()
    h.strategy.enter_pairs = set()
    [trade] = h.bot.open_trades
    return trade.id or 0


@pytest.mark.parametrize("harness", ["sqlite", "postgresql"], indirect=True)
async def test_entry_signal_opens_a_filled_trade_announced_after_commit(harness: Harness) -> None:
    trade_id = await enter_btc(harness)
    trade = await harness.repo.get_trade(trade_id)
    assert trade is not None
    assert trade.pair == "BTC/USDT"
    assert trade.enter_tag == "scripted"
    # 100 USDT stake at 100 -> 1.0 BTC
    assert trade.amount == pytest.approx(1.0)
    assert trade.open_rate == pytest.approx(100.0)
    assert trade.open_trade_value == pytest.approx(100.1)  # 100 + 0.1 % fee
    assert harness.bus.types()[-2:] == [MessageType.ENTRY, MessageType.ENTRY_FILL]
    for message, row in harness.bus.seen:
        if message.type in (MessageType.ENTRY, MessageType.ENTRY_FILL):
            assert row is not None, f"{message.type} announced before its trade was committed"


@pytest.mark.parametrize("harness", ["sqlite", "postgresql"], indirect=True)
async def test_roi_exit_closes_trade_with_hand_computed_profit(harness: Harness) -> None:
    harness.strategy.minimal_roi = {"0": 0.01}
    trade_id = await enter_btc(harness)
    harness.market.set_price("BTC/USDT", 102.0)
    await harness.tick()
    trade = await harness.repo.get_trade(trade_id)
    assert trade is not None
    assert not trade.is_open
    assert trade.exit_reason == "roi"
    assert trade.close_rate == pytest.approx(102.0)
    # close value 1.0 * 102 * 0.999 = 101.898 ; open value 100.1 ; profit 1.798
    assert trade.close_profit_abs == pytest.approx(1.798)
    assert trade.close_profit == pytest.approx(101.898 / 100.1 - 1)
    assert harness.bus.types()[-2:] == [MessageType.EXIT, MessageType.EXIT_FILL]
    fill, row = harness.bus.seen[-1]
    assert row is not None and row["is_open"] == 0, "exit_fill announced before the close was committed"
    assert fill.data["profit_amount"] == pytest.approx(1.798)
    assert fill.data["is_final_exit"] is True
    assert harness.bot.open_trades == []


async def test_stoploss_exit(harness: Harness) -> None:
    harness.strategy.stoploss = -0.05
    trade_id = await enter_btc(harness)
    harness.market.set_price("BTC/USDT", 96.0)
    await harness.tick()
    assert harness.bot.open_trades, "96 is above the 95 stop"
    harness.market.set_price("BTC/USDT", 94.0)
    await harness.tick()
    trade = await harness.repo.get_trade(trade_id)
    assert trade is not None and not trade.is_open
    assert trade.exit_reason == "stop_loss"
    assert trade.stop_loss == pytest.approx(95.0)
    # 1.0 * 94 * 0.999 - 100.1 = -6.194
    assert trade.close_profit_abs == pytest.approx(-6.194)


async def test_trailing_stop_follows_price_and_exits_as_trailing(harness: Harness) -> None:
    harness.strategy.stoploss = -0.05
    harness.strategy.trailing_stop = True
    trade_id = await enter_btc(harness)
    harness.market.set_price("BTC/USDT", 120.0)
    await harness.tick()
    trade = harness.bot.open_trades[0]
    assert trade.stop_loss == pytest.approx(114.0)  # 120 * 0.95
    harness.market.set_price("BTC/USDT", 113.0)
    await harness.tick()
    closed = await harness.repo.get_trade(trade_id)
    assert closed is not None and not closed.is_open
    assert closed.exit_reason == "trailing_stop_loss"


async def test_exit_signal_closes_trade(harness: Harness) -> None:
    trade_id = await enter_btc(harness)
    harness.strategy.exit_pairs = {"BTC/USDT"}
    await harness.tick()
    trade = await harness.repo.get_trade(trade_id)
    assert trade is not None and not trade.is_open
    assert trade.exit_reason == "scripted_exit"


async def test_force_enter_then_force_exit(harness: Harness) -> None:
    trade = await harness.bot.force_enter("ETH/USDT")
    assert trade.enter_tag == "force_entry"
    assert trade.amount == pytest.approx(10.0)  # 100 USDT at 10
    harness.market.set_price("ETH/USDT", 11.0)
    await harness.bot.force_exit(trade.id)
    closed = await harness.repo.get_trade(trade.id or 0)
    assert closed is not None and not closed.is_open
    assert closed.exit_reason == "force_exit"
    # 10 * 11 * 0.999 - 10 * 10 * 1.001 = 109.89 - 100.1 = 9.79
    assert closed.close_profit_abs == pytest.approx(9.79)
    assert harness.bus.types()[-4:] == [
        MessageType.ENTRY,
        MessageType.ENTRY_FILL,
        MessageType.EXIT,
        MessageType.EXIT_FILL,
    ]


async def test_force_enter_refuses_second_trade_on_same_pair(harness: Harness) -> None:
    await harness.bot.force_enter("ETH/USDT")
    with pytest.raises(Conflict):
        await harness.bot.force_enter("ETH/USDT")


async def test_force_exit_of_unknown_trade_is_not_found(harness: Harness) -> None:
    with pytest.raises(NotFound):
        await harness.bot.force_exit(999)


async def test_paused_bot_blocks_entries_but_exits_continue(harness: Harness) -> None:
    trade_id = await enter_btc(harness)
    await harness.bot.pause()
    assert harness.bot.state is BotState.PAUSED
    harness.strategy.enter_pairs = {"ETH/USDT"}
    harness.strategy.exit_pairs = {"BTC/USDT"}
    await harness.tick()
    assert harness.bot.open_trades == []
    trade = await harness.repo.get_trade(trade_id)
    assert trade is not None and not trade.is_open
    assert await harness.repo.count_trades() == 1


async def test_max_open_trades_limits_entries(harness: Harness) -> None:
    harness.settings = make_settings(harness.tmp_path, max_open_trades=1)
    await harness.restart()
    harness.strategy.enter_pairs = {"BTC/USDT", "ETH/USDT"}
    await harness.tick()
    assert len(harness.bot.open_trades) == 1


async def test_restart_mid_trade_resumes_the_open_trade(harness: Harness) -> None:
    harness.strategy.minimal_roi = {"0": 0.01}
    trade_id = await enter_btc(harness)
    await harness.restart()
    [resumed] = harness.bot.open_trades
    assert resumed.id == trade_id
    assert resumed.amount == pytest.approx(1.0)
    assert len(resumed.orders) == 1
    harness.market.set_price("BTC/USDT", 102.0)
    await harness.tick()
    closed = await harness.repo.get_trade(trade_id)
    assert closed is not None and not closed.is_open
    assert closed.exit_reason == "roi"


async def test_limit_entry_waits_for_price_then_fills(harness: Harness) -> None:
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=99.0)
    assert trade.has_open_orders
    assert harness.bus.types()[-1] is MessageType.ENTRY
    harness.market.set_price("BTC/USDT", 98.5)
    await harness.tick()
    filled = await harness.repo.get_trade(trade.id or 0)
    assert filled is not None
    assert not filled.has_open_orders
    assert filled.open_rate == pytest.approx(99.0)
    assert MessageType.ENTRY_FILL in harness.bus.types()


async def test_unfilled_entry_times_out_and_trade_is_removed(harness: Harness) -> None:
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=90.0)
    await harness.tick(minutes=11)  # default unfilledtimeout: 10 minutes
    assert await harness.repo.get_trade(trade.id or 0) is None
    assert harness.bus.types()[-1] is MessageType.ENTRY_CANCEL


async def test_cooldown_protection_locks_pair_after_exit(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, protections=[{"method": "CooldownPeriod", "stop_duration_candles": 5}])
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    strategy = ScriptedStrategy()
    db = await Database.open(settings.db_url)
    try:
        repo = TradeRepository(db, clock)
        bot = build_bot(
            settings, market, repo, CommitCheckingBus(sqlite_path_from_url(settings.db_url)), clock, strategy
        )
        await bot.startup()
        trade = await bot.force_enter("BTC/USDT")
        await bot.force_exit(trade.id)
        assert await bot.locks.is_locked("BTC/USDT")
        strategy.enter_pairs = {"BTC/USDT"}
        clock.advance(minutes=1)
        await bot.run_once()
        assert bot.open_trades == []
        clock.advance(minutes=6)
        await bot.run_once()
        assert len(bot.open_trades) == 1
    finally:
        await db.close()


async def test_cancel_all_open_orders_removes_unfilled_entries_and_keeps_filled_trades(harness: Harness) -> None:
    resting = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=90.0)
    filled = await harness.bot.force_enter("ETH/USDT")
    assert await harness.bot.cancel_all_open_orders() == 1
    assert await harness.repo.get_trade(resting.id or 0) is None
    kept = await harness.repo.get_trade(filled.id or 0)
    assert kept is not None and kept.is_open
    cancel = [m for m, _ in harness.bus.seen if m.type is MessageType.ENTRY_CANCEL]
    assert [m.data["reason"] for m in cancel] == ["cancelled (all unfilled and partially filled open orders cancelled)"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"dry_run": False, "exchange": {"name": "binance", "key": "k", "secret": "s"}}, "dry_run"),
        ({"exchange": {"name": "sim"}}, "exchange.name"),
        ({"stake_currency": "BTC"}, "stake_currency"),
    ],
)
async def test_reload_config_refuses_to_switch_money_or_exchange_in_place(
    harness: Harness, change: dict[str, Any], key: str
) -> None:
    changed = make_settings(harness.tmp_path, **change)
    bot = TradingLoop(
        harness.settings,
        market=harness.market,
        broker=PaperBroker(harness.market, clock=harness.clock),
        repo=harness.repo,
        strategy=SafeStrategy(harness.strategy),
        bus=harness.bus,
        clock=harness.clock,
        settings_loader=lambda: changed,
        strategy_factory=lambda _settings: SafeStrategy(harness.strategy),
    )
    with pytest.raises(Conflict, match=f"{key} changed .*restart ftserver"):
        await bot.reload_config()
    assert bot.settings is harness.settings
    assert bot.state is BotState.RUNNING
