"""The answers ``Rpc`` keeps between polls: /trades rows, pair_candles, statistics.

A real app (SQLite file, scripted market, manual clock) supplies the bot and the repository; each
test builds its own ``Rpc`` on them with the cache budgets it needs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from ftserver.app import BOT, create_app
from ftserver.bot.loop import TradingLoop
from ftserver.config import Settings, settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from ftserver.logs import LogBuffer
from ftserver.models import RunMode, Trade, TradingMode
from ftserver.persistence.trades import TradeRepository
from ftserver.research.history import Research
from ftserver.rpc.facade import Rpc
from ftserver.rpc.profit import profit_all, profit_summary
from ftserver.rpc.shapes.money import Profit, ProfitAll
from ftserver.rpc.trade_view import trade_history_view
from tests.support.scripted_market import ScriptedMarket
from tests.unit.persistence.conftest import build_trade

START = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


@dataclass
class Running:
    settings: Settings
    bot: TradingLoop
    clock: ManualClock
    db_path: Path
    market: ScriptedMarket

    @property
    def repo(self) -> TradeRepository:
        return self.bot.repo

    def rpc(self, **budgets: int) -> Rpc:
        rpc = Rpc(
            self.settings,
            runmode=RunMode.DRY_RUN,
            clock=self.clock,
            log_buffer=LogBuffer(10),
            research=Research(self.settings),
            **budgets,
        )
        rpc.attach(self.bot, self.repo)
        return rpc

    def write_behind_the_repository(self, trade_id: int, value: Any, column: str = "exit_reason") -> None:
        """Change a stored trade behind the repository's back (no version moves): only a kept answer would hide it."""
        with sqlite3.connect(self.db_path) as conn:
            conn.execute(f"UPDATE trades SET {column} = ? WHERE id = ?", (value, trade_id))


@pytest.fixture
async def running(aiohttp_client: Any, tmp_path: Path) -> Running:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    db_path = tmp_path / "rpc.sqlite"
    settings = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 100,
            "dry_run_wallet": 1000,
            "initial_state": "running",
            "force_entry_enable": True,
            "strategy": "SampleStrategy",
            "timeframe": "1m",
            "db_url": f"sqlite:///{db_path}",
            "user_data_dir": str(tmp_path / "user_data"),
            "exchange": {"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
            "internals": {"process_throttle_secs": 3600, "heartbeat_interval": 0},
        }
    )
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    await aiohttp_client(app)
    await app[BOT].run_once()
    return Running(settings, app[BOT], clock, db_path, market)


async def saved_trades(running: Running, closed: int, *, open_trades: int = 0) -> list[Trade]:
    trades = [build_trade("BTC/USDT", minutes=n, close_after=30 + n) for n in range(closed)]
    trades += [build_trade("ETH/USDT", minutes=100 + n) for n in range(open_trades)]
    for trade in trades:
        await running.repo.save_trade(trade)
    return trades


def as_json(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY))


async def expected_rows(running: Running) -> list[Any]:
    """/trades rows: closed trades only, as freqtrade answers."""
    trades = await running.repo.all_trades(with_orders=True)
    return [as_json(trade_history_view(t)) for t in trades if not t.is_open]


async def test_trades_page_rows_are_the_history_rows_whether_cached_or_not(running: Running) -> None:
    await saved_trades(running, 6, open_trades=2)
    rpc = running.rpc()
    first = as_json(await rpc.trades(500))
    second = as_json(await rpc.trades(500))  # closed rows from the cache now
    assert first == second
    assert first["trades"] == await expected_rows(running)
    assert (first["trades_count"], first["total_trades"], first["offset"]) == (6, 6, 0)  # the 2 open ones left out
    page = as_json(await rpc.trades(3, 2, order_by_id=False))
    assert [row["trade_id"] for row in page["trades"]] == [4, 3, 2]  # latest close first (6 closed last)


async def test_a_closed_trades_row_is_kept_until_the_trade_is_written(running: Running) -> None:
    trade = (await saved_trades(running, 3))[1]
    rpc = running.rpc()
    await rpc.trades(500)
    running.write_behind_the_repository(2, "changed_unstamped")
    rows = as_json(await rpc.trades(500))["trades"]
    assert rows[1]["exit_reason"] == "roi"  # served from the cache: updated_at did not move

    trade.exit_reason = "force_exit"
    await running.repo.save_trade(trade)  # stamps updated_at
    rows = as_json(await rpc.trades(500))["trades"]
    assert rows[1]["exit_reason"] == "force_exit"
    assert rows == await expected_rows(running)


async def test_a_second_write_in_the_same_millisecond_reaches_the_row(running: Running) -> None:
    trade = (await saved_trades(running, 1))[0]
    rpc = running.rpc()
    await rpc.trades(500)  # row kept
    trade.exit_reason = "first"
    await running.repo.save_trade(trade)
    assert as_json(await rpc.trades(500))["trades"][0]["exit_reason"] == "first"
    trade.exit_reason = "second"  # the clock has not moved: the same updated_at as the write before
    await running.repo.save_trade(trade)
    assert as_json(await rpc.trades(500))["trades"][0]["exit_reason"] == "second"
    # Kept at once for its version, without waiting for any "settle time" of the clock.
    running.write_behind_the_repository(1, "behind")
    assert as_json(await rpc.trades(500))["trades"][0]["exit_reason"] == "second"


async def test_a_history_budget_smaller_than_a_page_still_answers_every_row(running: Running) -> None:
    await saved_trades(running, 6)
    rpc = running.rpc(history_cache_bytes=5_000)  # room for about one row
    answers = [as_json(await rpc.trades(500)) for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["trades"] == await expected_rows(running)


async def test_a_deleted_trade_leaves_the_page(running: Running) -> None:
    await saved_trades(running, 3)
    rpc = running.rpc()
    await rpc.trades(500)
    await running.repo.delete_trade(2)
    answer = as_json(await rpc.trades(500))
    assert [row["trade_id"] for row in answer["trades"]] == [1, 3]
    assert (answer["trades_count"], answer["total_trades"]) == (2, 2)


async def test_candle_answers_are_kept_per_analysis(running: Running) -> None:
    rpc = running.rpc()
    first = await rpc.pair_candles("BTC/USDT", "1m", 5)
    assert await rpc.pair_candles("BTC/USDT", "1m", 5) is first  # same analysis: the kept answer
    assert await rpc.pair_candles("BTC/USDT", "1m", 3) is not first  # another limit is another answer
    running.clock.advance(120)
    await running.bot.run_once()
    newer = await rpc.pair_candles("BTC/USDT", "1m", 5)
    assert newer.last_analyzed != first.last_analyzed
    assert newer.data_stop_ts > first.data_stop_ts


async def test_without_a_candle_budget_every_answer_is_built_again(running: Running) -> None:
    rpc = running.rpc(candle_cache_bytes=0)
    first = await rpc.pair_candles("BTC/USDT", "1m", 5)
    again = await rpc.pair_candles("BTC/USDT", "1m", 5)
    assert again is not first
    assert as_json(again) == as_json(first)


async def test_statistics_per_pair_stay_right_with_room_for_one(running: Running) -> None:
    trades = await saved_trades(running, 2)
    trades.append(build_trade("ETH/USDT", minutes=50, close_after=5))
    await running.repo.save_trade(trades[-1])
    rpc = running.rpc(statistics_cache_entries=1)
    for _ in range(2):
        btc = await rpc.entries("BTC/USDT")
        eth = await rpc.entries("ETH/USDT")
        assert [(e.enter_tag, e.count) for e in btc] == [("tag", 2)]
        assert [(e.enter_tag, e.count) for e in eth] == [("tag", 1)]
    trades[0].exit_reason = "stop_loss"
    running.clock.advance(1)
    await running.repo.save_trade(trades[0])
    exits = await rpc.exits("BTC/USDT")
    assert sorted((e.exit_reason, e.count) for e in exits) == [("roi", 1), ("stop_loss", 1)]


async def btc_profit(rpc: Rpc) -> float:
    return next(row.profit_abs for row in await rpc.performance() if row.pair == "BTC/USDT")


async def test_statistics_are_kept_while_only_open_trades_are_written(running: Running) -> None:
    trades = await saved_trades(running, 2, open_trades=1)
    rpc = running.rpc()
    before = await btc_profit(rpc)
    running.write_behind_the_repository(1, 1000.0, column="close_profit_abs")
    open_trade = trades[-1]
    open_trade.max_rate = 123.0  # what a trailing stop's move writes
    await running.repo.save_trade(open_trade)
    assert await btc_profit(rpc) == before  # closed trades unchanged as far as their version tells

    trades[1].exit_reason = "stop_loss"
    await running.repo.save_trade(trades[1])
    assert await btc_profit(rpc) == pytest.approx(1000.0 + trades[1].close_profit_abs)


async def test_statistics_follow_a_second_write_in_the_same_millisecond_at_once(running: Running) -> None:
    trades = await saved_trades(running, 2)
    rpc = running.rpc()
    before = await btc_profit(rpc)
    trades[0].close_profit_abs = 1000.0  # the clock has not moved since the trades were saved
    await running.repo.save_trade(trades[0])
    assert await btc_profit(rpc) == pytest.approx(1000.0 + trades[1].close_profit_abs) != before
    trades[0].close_profit_abs = 2000.0
    await running.repo.save_trade(trades[0])
    assert await btc_profit(rpc) == pytest.approx(2000.0 + trades[1].close_profit_abs)


async def from_scratch(running: Running) -> tuple[Profit, ProfitAll]:
    """/profit and /profit_all computed over freshly loaded closed trades and the bot's open ones."""
    bot = running.bot
    trades = [*await running.repo.closed_trades(with_orders=True), *bot.open_trades]
    common: dict[str, Any] = {
        "current_rates": bot.current_rates(),
        "starting_balance": bot.wallet.starting_capital,
        "bot_start": bot.health().bot_start,
        "now": running.clock.now(),
    }
    return profit_summary(trades, **common), profit_all(trades, trading_mode=TradingMode.SPOT, **common)


async def test_profit_through_the_cache_equals_a_computation_from_scratch(running: Running) -> None:
    rpc = running.rpc()

    async def check() -> None:
        expected = await from_scratch(running)
        for _ in range(2):  # computed, then kept
            assert (await rpc.profit(), await rpc.profit_all()) == expected

    await saved_trades(running, 4)
    await check()
    btc = await rpc.force_enter("BTC/USDT")
    eth = await rpc.force_enter("ETH/USDT")
    await running.bot.run_once()
    await check()
    running.market.set_price("BTC/USDT", 100.5)  # under the strategy's ROI
    running.clock.advance(60)
    await rpc.force_exit(btc.trade_id, amount=btc.amount / 2)  # a partial exit
    await running.bot.run_once()
    assert next(t for t in running.bot.open_trades if t.id == btc.trade_id).realized_profit > 0
    await check()
    running.market.set_price("ETH/USDT", 9.9)  # above its stop loss
    running.clock.advance(60)
    await rpc.force_exit(eth.trade_id)  # a close
    await running.bot.run_once()
    assert len(running.bot.open_trades) == 1
    await check()
    await rpc.delete_trade(2)  # a closed trade deleted
    await check()
    await rpc.delete_trade(btc.trade_id)  # an open one
    await check()
    running.clock.advance(2 * 86_400)  # another day: the risk ratios run to it
    await check()


async def test_kept_daily_profit_moves_on_with_the_day(running: Running) -> None:
    await saved_trades(running, 2)
    rpc = running.rpc()
    first = await rpc.timeunit("days", 3)
    assert await rpc.timeunit("days", 3) is first  # kept for the day
    running.clock.advance(86_400)
    later = await rpc.timeunit("days", 3)
    assert later.data[0].date != first.data[0].date
    assert later.data[1:] == first.data[:2]
