"""Position adjustment against a live exchange account: an added entry is written down before it is
sent, like any order (a crash between the exchange accepting it and the bot booking it is repaired at
the restart, once), and added entries never spend more than the account holds.

Real ccxt code against the loopback Binance server, as in test_order_intents.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from ftserver.bot.loop import TradingLoop
from ftserver.exchange.base import Broker
from ftserver.models import OrderSide
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy
from tests.integration.test_order_intents import PAIRS, Crash, CrashingBroker, ForwardingBroker, Live
from tests.integration.test_order_intents import live as live  # the fixture, shared
from tests.support.strategies import ScriptedStrategy
from tests.unit.bot.conftest import CommitCheckingBus, make_settings


class AddsOnce(ScriptedStrategy):
    position_adjustment_enable = True

    def __init__(self, stake: float | None) -> None:
        super().__init__()
        self.stake = stake

    def adjust_trade_position(self, **kwargs: Any) -> float | None:
        stake, self.stake = self.stake, None
        return stake


async def start(live: Live, broker: Broker, strategy: ScriptedStrategy) -> tuple[TradingLoop, Database]:
    settings = make_settings(live.tmp_path, exchange={"name": "binance", "pair_whitelist": PAIRS}, stake_amount=50)
    db = await Database.open(settings.db_url)
    bot = TradingLoop(
        settings,
        market=live.market,
        broker=broker,
        repo=TradeRepository(db, live.clock),
        strategy=SafeStrategy(strategy),
        bus=CommitCheckingBus(db.path),
        clock=live.clock,
        account=live.broker,
    )
    await bot.startup()
    return bot, db


async def test_an_added_entry_accepted_but_not_booked_is_booked_into_its_trade_after_a_restart(live: Live) -> None:
    bot, db = await start(live, live.broker, ScriptedStrategy())
    trade = await bot.force_enter("BTC/USDT", order_type="market")
    await db.close()

    bot, db = await start(live, CrashingBroker(live.broker, after_placing=True), AddsOnce(30.0))
    live.clock.advance(minutes=1)
    with pytest.raises(Crash):
        await bot.run_once()
    await db.close()
    buys = [o for o in live.account.orders.values() if o.order.side is OrderSide.BUY]
    assert len(buys) == 2  # the exchange has both entries...
    assert len(live.rows("orders")) == 1  # ...the database only the first...
    [intent] = live.rows("order_intents")  # ...and the second written down, for this trade
    assert intent["trade_id"] == trade.id and intent["side"] == "buy"

    bot, db = await start(live, live.broker, ScriptedStrategy())
    try:
        [resumed] = bot.open_trades
        assert resumed.id == trade.id
        assert [o.order_id for o in resumed.orders] == [str(b.order_id) for b in buys]
        assert resumed.nr_of_successful_entries == 2
        held = [b.order.filled - (b.trade.commission if b.trade else 0.0) for b in buys]
        rules = bot.market.markets["BTC/USDT"]
        assert rules.amount_precision and rules.price_precision
        # What both fills hold after the fees taken in BTC, cut to the market's amount step (as freqtrade does).
        assert resumed.amount == pytest.approx(math.floor(sum(held) / rules.amount_precision) * rules.amount_precision)
        # The average open rate is the amount-weighted price of the two fills, on the price grid.
        prices = [b.order.cost / b.order.filled for b in buys]
        average = sum(h * p for h, p in zip(held, prices, strict=True)) / sum(held)
        assert resumed.open_rate == pytest.approx(average, abs=rules.price_precision / 2)
        assert live.rows("order_intents") == []
        assert len(live.account.orders) == 2  # booked, not bought again
    finally:
        await db.close()


class AddsToEach(ScriptedStrategy):
    """Asks for ``stake`` more on every trade, once each."""

    position_adjustment_enable = True

    def __init__(self, stake: float) -> None:
        super().__init__()
        self.stake = stake
        self.asked: set[int] = set()

    def adjust_trade_position(self, trade: Any, **kwargs: Any) -> float | None:
        if trade.id in self.asked:
            return None
        self.asked.add(trade.id)
        return self.stake


class CountingBroker(ForwardingBroker):
    def __init__(self, real: Any) -> None:
        super().__init__(real)
        self.placed = 0

    async def place_order(self, *args: Any, **kwargs: Any) -> Any:
        self.placed += 1
        return await self.real.place_order(*args, **kwargs)


async def test_added_entries_in_one_iteration_never_spend_more_than_the_account_holds(live: Live) -> None:
    broker = CountingBroker(live.broker)
    bot, db = await start(live, broker, AddsToEach(600.0))
    try:
        await bot.force_enter("BTC/USDT", order_type="market")  # 50 USDT each, of the 1000 held
        await bot.force_enter("ETH/USDT", order_type="market")
        live.clock.advance(minutes=1)
        await bot.run_once()
        # The first trade gets 600 more; then about 300 is left, so the second is refused.
        # Refused by the bot's own check, not sent for the exchange to refuse.
        assert broker.placed == 3
        assert sorted(len(t.orders) for t in bot.open_trades) == [1, 2]
    finally:
        await db.close()
