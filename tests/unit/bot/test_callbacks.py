"""freqtrade strategy callbacks in the trading loop: when each is asked, with what, and what its answer does.

A scripted market (prices set by the test, fees 0.1 % both sides), a real SQLite file and a manual
clock. Entries fill at 100 for BTC/USDT unless the test says otherwise; numbers are worked out by hand.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ftserver.bot.loop import TradingLoop
from ftserver.config import Settings, settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.errors import Conflict, StrategyError
from ftserver.exchange.base import ExchangeOrder
from ftserver.exchange.paper import PaperBroker
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, Trade
from ftserver.persistence.db import Database, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy
from tests.support.scripted_market import ScriptedMarket
from tests.support.strategies import ScriptedStrategy

from .conftest import START, CommitCheckingBus, Harness, make_settings


class RecordingBroker(PaperBroker):
    """The paper broker, remembering every order it was asked to place."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.placed: list[tuple[OrderSide, OrderType, float, float | None]] = []

    async def place_order(
        self, pair: str, side: OrderSide, order_type: OrderType, amount: float, price: float | None, **kwargs: Any
    ) -> ExchangeOrder:
        self.placed.append((side, order_type, amount, price))
        return await super().place_order(pair, side, order_type, amount, price, **kwargs)


class CallbackStrategy(ScriptedStrategy):
    """Records each callback call (name and keyword arguments); answers what the test sets."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers: dict[str, Any] = {}
        self.analyses = 0

    def called(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for method, kwargs in self.calls if method == name]

    def _answer(self, name: str, kwargs: dict[str, Any], default: Any) -> Any:
        self.calls.append((name, kwargs))
        answer = self.answers.get(name, default)
        if isinstance(answer, Exception):
            raise answer
        return answer(**kwargs) if callable(answer) else answer

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict) -> pd.DataFrame:
        self.analyses += 1
        return dataframe

    def bot_start(self, **kwargs: Any) -> None:
        self._answer("bot_start", kwargs, None)

    def bot_loop_start(self, current_time: datetime, **kwargs: Any) -> None:
        self._answer("bot_loop_start", {"current_time": current_time, **kwargs}, None)

    def custom_stoploss(self, **kwargs: Any) -> float | None:  # type: ignore[override]
        return self._answer("custom_stoploss", kwargs, None)

    def custom_exit(self, **kwargs: Any) -> str | bool | None:  # type: ignore[override]
        return self._answer("custom_exit", kwargs, None)

    def confirm_trade_entry(self, **kwargs: Any) -> bool:  # type: ignore[override]
        return self._answer("confirm_trade_entry", kwargs, True)

    def confirm_trade_exit(self, **kwargs: Any) -> bool:  # type: ignore[override]
        return self._answer("confirm_trade_exit", kwargs, True)

    def custom_stake_amount(self, **kwargs: Any) -> float:  # type: ignore[override]
        return self._answer("custom_stake_amount", kwargs, kwargs["proposed_stake"])

    def custom_entry_price(self, **kwargs: Any) -> float:  # type: ignore[override]
        return self._answer("custom_entry_price", kwargs, kwargs["proposed_rate"])

    def custom_exit_price(self, **kwargs: Any) -> float:  # type: ignore[override]
        return self._answer("custom_exit_price", kwargs, kwargs["proposed_rate"])

    def check_entry_timeout(self, **kwargs: Any) -> bool:  # type: ignore[override]
        return self._answer("check_entry_timeout", kwargs, False)

    def check_exit_timeout(self, **kwargs: Any) -> bool:  # type: ignore[override]
        return self._answer("check_exit_timeout", kwargs, False)

    def order_filled(self, **kwargs: Any) -> None:  # type: ignore[override]
        self._answer("order_filled", kwargs, None)


@contextlib.asynccontextmanager
async def running(
    tmp_path: Path, strategy: ScriptedStrategy, settings: Settings | None = None
) -> AsyncIterator[tuple[Harness, RecordingBroker]]:
    settings = settings or make_settings(tmp_path)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    db = await Database.open(settings.db_url)
    repo = TradeRepository(db, clock)
    bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
    broker = RecordingBroker(market, clock=clock)
    bot = TradingLoop(
        settings, market=market, broker=broker, repo=repo, strategy=SafeStrategy(strategy), bus=bus, clock=clock
    )
    try:
        await bot.startup()
        yield Harness(tmp_path, settings, clock, market, strategy, db, repo, bus, bot), broker
    finally:
        await db.close()


def limit_entry_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, order_types={"entry": "limit", "exit": "market", "stoploss": "market"})


async def enter_btc(h: Harness) -> Trade:
    h.strategy.enter_pairs = {"BTC/USDT"}
    await h.tick()
    h.strategy.enter_pairs = set()
    [trade] = h.bot.open_trades
    return trade


# ---- stoploss and exits ---------------------------------------------------------------------------
async def test_custom_stoploss_moves_the_stop_up_only_and_the_trade_exits_there(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.use_custom_stoploss = True
    strategy.answers["custom_stoploss"] = -0.05
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        assert trade.stop_loss == pytest.approx(50.0)  # the strategy's -0.5 from 100
        h.market.set_price("BTC/USDT", 120.0)
        await h.tick()
        assert trade.stop_loss == pytest.approx(114.0)  # 120 * (1 - 0.05)
        [asked] = strategy.called("custom_stoploss")
        assert asked["pair"] == "BTC/USDT" and asked["current_rate"] == 120.0 and asked["after_fill"] is False
        # 1.0 * 120 * 0.999 / 100.1 - 1
        assert asked["current_profit"] == pytest.approx(119.88 / 100.1 - 1)
        assert asked["trade"] is not trade and asked["trade"].id == trade.id  # a copy, as in freqtrade
        h.market.set_price("BTC/USDT", 116.0)
        await h.tick()
        assert trade.stop_loss == pytest.approx(114.0)  # 116 * 0.95 = 110.2 would be lower: kept
        strategy.answers["custom_stoploss"] = None
        h.market.set_price("BTC/USDT", 118.0)
        await h.tick()
        assert trade.stop_loss == pytest.approx(114.0)  # None keeps the stop
        stored = await h.repo.get_trade(trade.id or 0)
        assert stored is not None and stored.stop_loss == pytest.approx(114.0)
        asked_before = len(strategy.called("custom_stoploss"))
        h.market.set_price("BTC/USDT", 113.0)
        await h.tick()
        assert len(strategy.called("custom_stoploss")) == asked_before  # not asked below the stop
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and not closed.is_open
        assert closed.exit_reason == "trailing_stop_loss"
        assert closed.close_rate == pytest.approx(113.0)
        # 1.0 * 113 * 0.999 - 100.1 = 12.787
        assert closed.close_profit_abs == pytest.approx(12.787)


async def test_custom_stoploss_is_not_asked_without_use_custom_stoploss(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_stoploss"] = -0.01
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        h.market.set_price("BTC/USDT", 120.0)
        await h.tick()
        assert strategy.called("custom_stoploss") == []
        assert trade.stop_loss == pytest.approx(50.0)


async def test_custom_exit_closes_with_its_reason(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_exit"] = lambda current_rate, **_: "took_profit" if current_rate >= 105 else None
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        await h.tick()
        assert h.bot.open_trades, "None keeps the trade"
        h.market.set_price("BTC/USDT", 105.0)
        await h.tick()
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and not closed.is_open
        assert closed.exit_reason == "took_profit"
        assert closed.orders[-1].ft_order_tag == "took_profit"
        asked = strategy.called("custom_exit")[-1]
        # 1.0 * 105 * 0.999 / 100.1 - 1
        assert asked["current_profit"] == pytest.approx(104.895 / 100.1 - 1)


async def test_custom_exit_true_exits_as_custom_exit_and_is_not_asked_on_an_exit_signal(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        strategy.exit_pairs = {"BTC/USDT"}
        strategy.answers["confirm_trade_exit"] = False  # keeps the trade open across the signal
        await h.tick()
        assert strategy.called("custom_exit") == []  # the candle's exit signal decides
        strategy.exit_pairs = set()
        strategy.answers["confirm_trade_exit"] = True
        strategy.answers["custom_exit"] = True
        await h.tick()
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and closed.exit_reason == "custom_exit"


async def test_confirm_trade_exit_false_keeps_the_trade_open(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.minimal_roi = {"0": 0.01}
    strategy.answers["confirm_trade_exit"] = False
    async with running(tmp_path, strategy) as (h, broker):
        trade = await enter_btc(h)
        h.market.set_price("BTC/USDT", 102.0)
        await h.tick()
        assert h.bot.open_trades == [trade] and trade.is_open
        assert [side for side, *_ in broker.placed] == [OrderSide.BUY]
        [asked] = strategy.called("confirm_trade_exit")
        assert asked["exit_reason"] == "roi" and asked["sell_reason"] == "roi"
        assert asked["order_type"] == "market" and asked["time_in_force"] == "GTC"
        assert asked["amount"] == pytest.approx(1.0) and asked["rate"] == pytest.approx(102.0)
        stored = await h.repo.get_trade(trade.id or 0)
        assert stored is not None and stored.is_open and stored.exit_reason is None
        assert MessageType.EXIT not in h.bus.types()
        strategy.answers["confirm_trade_exit"] = True
        await h.tick()
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and not closed.is_open and closed.exit_reason == "roi"


async def test_a_declined_exit_lets_the_next_reason_be_offered(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.minimal_roi = {"0": 0.01}
    strategy.answers["custom_exit"] = "mine"
    strategy.answers["confirm_trade_exit"] = lambda exit_reason, **_: exit_reason != "mine"
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        h.market.set_price("BTC/USDT", 102.0)
        await h.tick()
        assert [c["exit_reason"] for c in strategy.called("confirm_trade_exit")] == ["mine", "roi"]
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and closed.exit_reason == "roi"


# ---- entries ----------------------------------------------------------------------------------------
async def test_confirm_trade_entry_false_opens_nothing(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["confirm_trade_entry"] = False
    async with running(tmp_path, strategy) as (h, broker):
        h.strategy.enter_pairs = {"BTC/USDT"}
        await h.tick()
        [asked] = strategy.called("confirm_trade_entry")
        assert asked["pair"] == "BTC/USDT" and asked["side"] == "long" and asked["entry_tag"] == "scripted"
        assert asked["order_type"] == "market" and asked["time_in_force"] == "GTC"
        assert asked["amount"] == pytest.approx(1.0) and asked["rate"] == pytest.approx(100.0)  # 100 USDT at 100
        assert broker.placed == []
        assert h.bot.open_trades == []
        assert await h.repo.all_trades() == []
        assert await h.repo.pending_intents() == []
        assert not {MessageType.ENTRY, MessageType.ENTRY_FILL} & set(h.bus.types())
        with pytest.raises(Conflict, match="declined"):
            await h.bot.force_enter("ETH/USDT")
        assert broker.placed == []


async def test_custom_stake_amount_sets_the_stake(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_stake_amount"] = 250.0
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        assert trade.stake_amount == pytest.approx(250.0)
        assert trade.amount == pytest.approx(2.5)
        [asked] = strategy.called("custom_stake_amount")
        assert asked["proposed_stake"] == pytest.approx(100.0)
        assert asked["current_rate"] == pytest.approx(100.0) and asked["leverage"] == 1.0
        # min cost 1 USDT with room for a -50 % stop: 1.05 / 0.5 = 2.1, capped at 1.5 times
        assert asked["min_stake"] == pytest.approx(1.5)
        assert asked["max_stake"] == pytest.approx(990.0)  # 1000 * 0.99 tradable, nothing tied yet


async def test_an_absurd_custom_stake_is_clamped_to_what_is_available(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_stake_amount"] = 1e12
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        assert trade.stake_amount == pytest.approx(990.0)
        assert trade.amount == pytest.approx(9.9)
        [stake] = [b for b in h.bot.balances() if b.currency == "USDT"]
        assert stake.free == pytest.approx(1000 - 990 * 1.001)  # 9.01, never below zero
        h.strategy.enter_pairs = {"ETH/USDT"}
        await h.tick()  # 1000 * 0.99 - 990.99 tied: nothing left for a second trade
        assert [t.pair for t in h.bot.open_trades] == ["BTC/USDT"]
        [stake] = [b for b in h.bot.balances() if b.currency == "USDT"]
        assert stake.free == pytest.approx(9.01)


@pytest.mark.parametrize(("answer", "stake"), [(1.2, 1.5), (1.1, None)])
async def test_a_custom_stake_just_below_the_minimum_is_raised_to_it_up_to_30_percent(
    tmp_path: Path, answer: float, stake: float | None
) -> None:
    # The minimum is 1.5 USDT (see above): 1.2 * 1.3 = 1.56 reaches it, 1.1 * 1.3 = 1.43 does not.
    strategy = CallbackStrategy()
    strategy.answers["custom_stake_amount"] = answer
    async with running(tmp_path, strategy) as (h, _):
        h.strategy.enter_pairs = {"BTC/USDT"}
        await h.tick()
        assert [t.stake_amount for t in h.bot.open_trades] == ([pytest.approx(stake)] if stake else [])


@pytest.mark.parametrize("answer", [0, None, -5.0])
async def test_a_custom_stake_of_nothing_opens_no_trade(tmp_path: Path, answer: float | None) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_stake_amount"] = answer
    async with running(tmp_path, strategy) as (h, broker):
        h.strategy.enter_pairs = {"BTC/USDT"}
        await h.tick()
        assert h.bot.open_trades == [] and broker.placed == []


async def test_custom_entry_price_sets_the_limit_price_within_the_allowed_distance(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_entry_price"] = 99.0
    async with running(tmp_path, strategy, limit_entry_settings(tmp_path)) as (h, broker):
        trade = await enter_btc(h)
        [asked] = strategy.called("custom_entry_price")
        assert asked["proposed_rate"] == pytest.approx(100.0) and asked["trade"] is None
        assert broker.placed[0][3] == pytest.approx(99.0)
        assert trade.open_rate_requested == pytest.approx(99.0)
        assert trade.amount == pytest.approx(100.0 / 99.0, abs=1e-4)
        strategy.answers["custom_entry_price"] = 5.0  # half the proposed 10: held at 2 % below it
        await h.bot.force_enter("ETH/USDT")
        assert broker.placed[-1][3] == pytest.approx(9.8)


async def test_check_entry_timeout_true_cancels_the_open_entry(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_entry_price"] = 99.0  # below the market: the limit order rests
    async with running(tmp_path, strategy, limit_entry_settings(tmp_path)) as (h, _):
        trade = await enter_btc(h)
        await h.tick()
        assert h.bot.open_trades == [trade] and trade.has_open_orders
        [asked] = strategy.called("check_entry_timeout")
        assert asked["order"] is trade.orders[0] and asked["pair"] == "BTC/USDT"
        strategy.answers["check_entry_timeout"] = True
        await h.tick()
        assert h.bot.open_trades == []
        assert await h.repo.get_trade(trade.id or 0) is None  # nothing filled: the trade goes
        cancel = [m for m, _ in h.bus.seen if m.type is MessageType.ENTRY_CANCEL]
        assert len(cancel) == 1 and cancel[0].data["reason"] == "timeout"


async def test_order_types_come_from_the_strategy_when_the_config_sets_none(tmp_path: Path) -> None:
    values = {
        "stake_currency": "USDT",
        "stake_amount": 100,
        "dry_run_wallet": 1000,
        "initial_state": "running",
        "db_url": f"sqlite:///{tmp_path / 'trades.sqlite'}",
        "exchange": {"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        "internals": {"process_throttle_secs": 1, "heartbeat_interval": 0},
    }
    strategy = CallbackStrategy()
    strategy.order_types = {"entry": "market", "exit": "market", "stoploss": "market", "stoploss_on_exchange": False}
    strategy.order_time_in_force = {"entry": "IOC", "exit": "GTC"}
    async with running(tmp_path, strategy, settings_from_dict(values)) as (h, broker):
        await enter_btc(h)
        assert broker.placed[0][1] is OrderType.MARKET  # the config's default would be limit
        assert strategy.called("confirm_trade_entry")[0]["time_in_force"] == "IOC"


# ---- lifecycle ------------------------------------------------------------------------------------
async def test_order_filled_is_called_once_per_fill(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        await h.tick()
        await h.bot.force_exit(trade.id)
        fills = strategy.called("order_filled")
        assert [(c["order"].ft_order_side, c["pair"]) for c in fills] == [
            (OrderSide.BUY, "BTC/USDT"),
            (OrderSide.SELL, "BTC/USDT"),
        ]
        assert fills[1]["current_time"] == h.clock.now()
        assert isinstance(fills[0]["order"], Order) and fills[0]["order"].filled == pytest.approx(1.0)


async def test_bot_start_runs_once_and_bot_loop_start_once_per_iteration(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    async with running(tmp_path, strategy) as (h, _):
        assert len(strategy.called("bot_start")) == 1
        assert strategy.called("bot_loop_start") == []
        for _ in range(3):
            await h.tick()
        assert len(strategy.called("bot_start")) == 1
        times = [c["current_time"] for c in strategy.called("bot_loop_start")]
        assert times == [START + timedelta(minutes=n) for n in (1, 2, 3)]


async def test_a_failing_bot_start_stops_the_start(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.answers["bot_start"] = RuntimeError("no model file")
    with pytest.raises(StrategyError, match="bot_start"):
        async with running(tmp_path, strategy):
            pass


async def test_a_raising_callback_is_logged_by_strategy_and_method_and_the_default_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    strategy = CallbackStrategy()
    strategy.answers["custom_stake_amount"] = ZeroDivisionError("division by zero")
    strategy.answers["confirm_trade_entry"] = KeyError("rsi")
    strategy.answers["bot_loop_start"] = ValueError("remote down")
    async with running(tmp_path, strategy) as (h, _):
        with caplog.at_level(logging.WARNING, logger="ftserver.strategy.callbacks"):
            trade = await enter_btc(h)
        assert trade.stake_amount == pytest.approx(100.0)  # the proposed stake
        text = caplog.text
        assert "Strategy CallbackStrategy: custom_stake_amount() raised ZeroDivisionError" in text
        assert "Strategy CallbackStrategy: confirm_trade_entry() raised KeyError" in text
        assert "Strategy CallbackStrategy: bot_loop_start() raised ValueError" in text


async def test_process_only_new_candles_false_analyzes_every_iteration(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    async with running(tmp_path, strategy) as (h, _):
        await h.tick()
        before = strategy.analyses
        h.clock.advance(seconds=5)  # still 12:01:xx: the same closed candle, nothing new to analyze
        await h.bot.run_once()
        assert strategy.analyses == before
        strategy.process_only_new_candles = False
        for n in (1, 2):
            h.clock.advance(seconds=5)
            await h.bot.run_once()
            assert strategy.analyses == before + 2 * n  # both pairs, every iteration
        new_candles = [m for m, _ in h.bus.seen if m.type is MessageType.NEW_CANDLE]
        assert len(new_candles) == 2  # from the first tick only: re-analysis is not a new candle


async def test_an_entry_signal_older_than_ignore_buying_expired_candle_after_opens_nothing(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.ignore_buying_expired_candle_after = 20
    async with running(tmp_path, strategy) as (h, broker):
        h.strategy.enter_pairs = {"BTC/USDT"}
        # 12:01:30: the newest closed candle opened 12:00 and closed 12:01, 30 s ago (> 20 s).
        await h.tick()
        assert h.bot.open_trades == [] and broker.placed == []
        strategy.ignore_buying_expired_candle_after = 40
        h.clock.advance(minutes=1)  # 12:02:30, candle 12:01 closed 30 s ago (< 40 s)
        await h.bot.run_once()
        assert [t.pair for t in h.bot.open_trades] == ["BTC/USDT"]


# ---- limit exits, fills, version-2 names, reload ---------------------------------------------------
async def test_custom_exit_price_sets_the_limit_exit_and_check_exit_timeout_cancels_it(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.minimal_roi = {"0": 0.01}
    strategy.answers["custom_exit_price"] = 103.0
    settings = make_settings(tmp_path, order_types={"entry": "market", "exit": "limit", "stoploss": "market"})
    async with running(tmp_path, strategy, settings) as (h, broker):
        trade = await enter_btc(h)
        h.market.set_price("BTC/USDT", 102.0)
        await h.tick()
        [asked] = strategy.called("custom_exit_price")
        assert asked["proposed_rate"] == pytest.approx(102.0) and asked["exit_tag"] == "roi"
        assert asked["current_profit"] == pytest.approx(101.898 / 100.1 - 1)  # 1.0 * 102 * 0.999 / 100.1 - 1
        assert broker.placed[-1][:2] == (OrderSide.SELL, OrderType.LIMIT)
        assert broker.placed[-1][3] == pytest.approx(103.0)  # within 2 % of 102 (at most 104.04)
        assert strategy.called("confirm_trade_exit")[0]["rate"] == pytest.approx(103.0)
        assert trade.close_rate_requested == pytest.approx(103.0) and trade.has_open_orders
        first_exit = trade.orders[-1]
        strategy.answers["check_exit_timeout"] = True
        await h.tick()
        assert first_exit.status is OrderStatus.CANCELED and trade.is_open
        # ROI still holds, so (as in freqtrade) the same iteration places the exit again.
        assert len(broker.placed) == 3 and trade.orders[-1] is not first_exit
        cancel = [m for m, _ in h.bus.seen if m.type is MessageType.EXIT_CANCEL]
        assert len(cancel) == 1 and cancel[0].data["reason"] == "timeout"


class AfterFillStrategy(CallbackStrategy):
    """Its custom_stoploss names after_fill: it is asked again right after each fill."""

    def custom_stoploss(  # type: ignore[override]
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        after_fill: bool,
        **kwargs: Any,
    ) -> float | None:
        self.calls.append(("custom_stoploss", {"after_fill": after_fill, "current_rate": current_rate}))
        return -0.2 if after_fill else None


async def test_a_custom_stoploss_taking_after_fill_may_move_the_stop_down_after_a_fill(tmp_path: Path) -> None:
    strategy = AfterFillStrategy()
    strategy.use_custom_stoploss = True
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        assert trade.stop_loss == pytest.approx(80.0)  # 100 * (1 - 0.2), asked right after the entry fill
        h.market.set_price("BTC/USDT", 95.0)
        await h.bot.force_exit(trade.id, amount=0.5)
        assert trade.is_open and trade.amount == pytest.approx(0.5)
        assert trade.stop_loss == pytest.approx(76.0)  # 95 * 0.8: after a fill the stop may go down
        assert not trade.is_stop_loss_trailing
        assert [c["after_fill"] for c in strategy.called("custom_stoploss")] == [True, True]


async def test_custom_stoploss_without_after_fill_is_not_asked_after_a_fill(tmp_path: Path) -> None:
    strategy = CallbackStrategy()
    strategy.use_custom_stoploss = True
    strategy.answers["custom_stoploss"] = -0.2
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        assert strategy.called("custom_stoploss") == []
        assert trade.stop_loss == pytest.approx(50.0)


class VersionTwoCallbacks(ScriptedStrategy):
    """Interface version 2's callback names, which freqtrade still calls through the new ones."""

    def custom_sell(
        self, pair: str, trade: Trade, current_time: datetime, current_rate: float, current_profit: float, **kwargs: Any
    ) -> str | None:
        return "old_style" if current_rate >= 101 else None

    def check_buy_timeout(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> bool:
        return True


async def test_version_two_callback_names_are_honoured(tmp_path: Path) -> None:
    async with running(tmp_path, VersionTwoCallbacks(), limit_entry_settings(tmp_path)) as (h, _):
        h.market.spread = 0.02  # bid 99 / ask 101: a limit buy on the bid rests
        trade = await enter_btc(h)
        await h.tick()
        assert h.bot.open_trades == [] and await h.repo.get_trade(trade.id or 0) is None  # check_buy_timeout
        h.market.spread = 0.0
        h.market.set_price("BTC/USDT", 101.0)
        forced = await h.bot.force_enter("BTC/USDT", order_type="market")
        await h.tick()
        closed = await h.repo.get_trade(forced.id or 0)
        assert closed is not None and closed.exit_reason == "old_style"


async def test_leverage_is_not_asked_on_spot(tmp_path: Path) -> None:
    asked: list[dict[str, Any]] = []

    class AsksLeverage(ScriptedStrategy):
        def leverage(self, **kwargs: Any) -> float:  # type: ignore[override]
            asked.append(kwargs)
            return 5.0

    async with running(tmp_path, AsksLeverage()) as (h, _):
        trade = await enter_btc(h)
        assert asked == [] and trade.leverage == 1.0


async def test_a_reloaded_strategy_gets_its_own_bot_start(tmp_path: Path) -> None:
    first, second = CallbackStrategy(), CallbackStrategy()
    settings = make_settings(tmp_path)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    db = await Database.open(settings.db_url)
    try:
        bot = TradingLoop(
            settings,
            market=market,
            broker=PaperBroker(market, clock=clock),
            repo=TradeRepository(db, clock),
            strategy=SafeStrategy(first),
            bus=CommitCheckingBus(sqlite_path_from_url(settings.db_url)),
            clock=clock,
            settings_loader=lambda: settings,
            strategy_factory=lambda _: SafeStrategy(second),
        )
        await bot.startup()
        await bot.reload_config()
        assert (len(first.called("bot_start")), len(second.called("bot_start"))) == (1, 1)
        second.answers["bot_start"] = RuntimeError("broken")
        with pytest.raises(StrategyError, match="bot_start"):
            await bot.reload_config()
        assert bot.state.value == "stopped"
    finally:
        await db.close()


class FreqtradeStyle(ScriptedStrategy):
    """Callbacks written as freqtrade's documentation writes them: explicit keyword names, trade attributes."""

    use_custom_stoploss = True

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[Any, ...]] = []

    def custom_stoploss(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        after_fill: bool,
        **kwargs: Any,
    ) -> float | None:
        # Once 10 % up, lock the stop 3 % below the price.
        return -0.03 if current_profit > 0.10 else None

    def confirm_trade_exit(
        self,
        pair: str,
        trade: Trade,
        order_type: str,
        amount: float,
        rate: float,
        time_in_force: str,
        exit_reason: str,
        current_time: datetime,
        **kwargs: Any,
    ) -> bool:
        filled = trade.select_filled_orders(trade.entry_side)
        self.seen.append(
            (
                exit_reason,
                trade.nr_of_successful_entries,
                len(filled),
                filled[0].safe_price,
                (current_time - trade.open_date_utc).total_seconds(),
                round(trade.calc_profit_ratio(rate), 6),
                trade.is_open,
                trade.enter_tag,
            )
        )
        return True


async def test_freqtrade_style_callbacks_read_the_trade_as_in_freqtrade(tmp_path: Path) -> None:
    strategy = FreqtradeStyle()
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        h.market.set_price("BTC/USDT", 115.0)
        await h.tick()  # profit 1.0 * 115 * 0.999 / 100.1 - 1 = 14.8 %: stop to 115 * 0.97 = 111.55
        assert trade.stop_loss == pytest.approx(111.55)
        h.market.set_price("BTC/USDT", 111.0)
        await h.tick()
        # 1.0 * 111 * 0.999 / 100.1 - 1 = 110.889 / 100.1 - 1 = 0.107782; two minutes after the entry
        assert strategy.seen == [("trailing_stop_loss", 1, 1, 100.0, 120.0, 0.107782, True, "scripted")]
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and not closed.is_open and closed.exit_reason == "trailing_stop_loss"


async def test_custom_roi_is_asked_with_the_trade_age_and_its_lower_threshold_exits(tmp_path: Path) -> None:
    asked: list[dict[str, Any]] = []

    class CustomRoi(ScriptedStrategy):
        use_custom_roi = True

        def custom_roi(self, **kwargs: Any) -> float | None:  # type: ignore[override]
            asked.append(kwargs)
            return 0.02 if kwargs["trade_duration"] >= 2 else None

    async with running(tmp_path, CustomRoi()) as (h, _):
        trade = await enter_btc(h)
        h.market.set_price("BTC/USDT", 103.0)  # 1.0 * 103 * 0.999 / 100.1 - 1 = 2.8 %, the table says 1000 %
        await h.tick()
        assert h.bot.open_trades == [trade]
        await h.tick()
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and closed.exit_reason == "roi"
        assert [(a["trade_duration"], a["entry_tag"], a["side"]) for a in asked] == [
            (1, "scripted", "long"),
            (2, "scripted", "long"),
        ]


@pytest.mark.parametrize("answer", [float("nan"), float("inf"), 0.0, "tight"])
async def test_an_unusable_custom_stoploss_keeps_the_stop(tmp_path: Path, answer: Any) -> None:
    strategy = CallbackStrategy()
    strategy.use_custom_stoploss = True
    strategy.answers["custom_stoploss"] = answer
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)
        h.market.set_price("BTC/USDT", 120.0)
        await h.tick()
        assert len(strategy.called("custom_stoploss")) == 1
        assert trade.stop_loss == pytest.approx(50.0) and trade.is_open
