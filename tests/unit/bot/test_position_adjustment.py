"""Position adjustment as freqtrade strategies use it: ``adjust_trade_position`` adds to a trade (DCA) or
exits part of it, ``adjust_entry_price`` moves an open entry order. Fees are 0.1 % on both sides, market
orders fill at the current price; every expected number is worked out by hand in the comments."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import pytest

from ftserver.bot.loop import TradingLoop
from ftserver.core.messages import MessageType
from ftserver.exchange.base import ExchangeOrder
from ftserver.exchange.paper import PaperBroker
from ftserver.models import Order, OrderSide, OrderStatus
from ftserver.strategy.safe import SafeStrategy
from tests.support.strategies import ScriptedStrategy

from .conftest import Harness

S = TypeVar("S", bound=ScriptedStrategy)


class DcaStrategy(ScriptedStrategy):
    """Answers ``adjust_trade_position`` from a list the test fills (one answer per call, then None)."""

    position_adjustment_enable = True

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Any] = []
        self.calls: list[dict[str, Any]] = []
        self.entry_prices: list[float | None] = []
        self.exit_prices: list[float | None] = []
        self.repeat: Any = None

    def adjust_trade_position(self, trade: Any, current_time: Any, current_rate: float, **kwargs: Any) -> Any:
        self.calls.append({"trade": trade, "current_rate": current_rate, **kwargs})
        return self.answers.pop(0) if self.answers else self.repeat

    def adjust_entry_price(self, current_order_rate: float, **kwargs: Any) -> float | None:
        return self.entry_prices.pop(0) if self.entry_prices else current_order_rate

    def adjust_exit_price(self, current_order_rate: float, **kwargs: Any) -> float | None:
        return self.exit_prices.pop(0) if self.exit_prices else current_order_rate


def use(harness: Harness, strategy: S) -> S:
    """Run ``strategy`` in the harness's bot (and in the bots its restarts build)."""
    harness.bot.strategy.strategy = strategy
    harness.strategy = strategy
    return strategy


@pytest.fixture
def dca(harness: Harness) -> DcaStrategy:
    return use(harness, DcaStrategy())


def messages(harness: Harness, kind: MessageType) -> list[dict[str, Any]]:
    return [m.data for m, _ in harness.bus.seen if m.type is kind]


async def test_an_added_entry_averages_the_open_rate_over_both_fills(harness: Harness, dca: DcaStrategy) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 100 USDT at 100 -> 1.0 BTC
    harness.market.set_price("BTC/USDT", 80.0)
    dca.answers = [80.0]  # 80 USDT more at 80 -> 1.0 BTC
    await harness.tick()

    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.is_open
    assert [o.status for o in stored.orders] == [OrderStatus.CLOSED, OrderStatus.CLOSED]
    assert stored.amount == pytest.approx(2.0)
    assert stored.open_rate == pytest.approx(90.0)  # (1 x 100 + 1 x 80) / 2
    assert stored.stake_amount == pytest.approx(180.0)
    assert stored.max_stake_amount == pytest.approx(180.0)
    assert stored.fee_open_cost == pytest.approx(0.18)  # 0.1 % of 180
    assert stored.nr_of_successful_entries == 2
    # The stop never moves against the trade: 50 % below 100 is 50; below the new average 90 it is 45.
    assert stored.stop_loss == pytest.approx(50.0)
    # The wallet: 1000 - 180 x 1.001 = 819.82.
    assert harness.bot.wallet.free_stake(harness.bot.open_trades, 0.0) == pytest.approx(819.82)

    call = dca.calls[0]
    assert call["current_rate"] == 80.0 and call["current_exit_rate"] == 80.0
    # 1 BTC bought at 100 (100.1 with the fee) is worth 80 x 0.999 = 79.92: -20.16 %.
    assert call["current_profit"] == pytest.approx(79.92 / 100.1 - 1)
    assert call["max_stake"] == pytest.approx(1000 * 0.99 - 100.1)

    entry, fill = messages(harness, MessageType.ENTRY)[-1], messages(harness, MessageType.ENTRY_FILL)[-1]
    assert entry["sub_trade"] is True and entry["amount"] == pytest.approx(1.0)
    assert fill["sub_trade"] is True and fill["open_rate"] == pytest.approx(90.0)
    assert fill["amount"] == pytest.approx(1.0) and fill["order_rate"] == pytest.approx(80.0)
    # Committed before announced: the row another connection sees already has the average.
    [(_, row)] = [(m, r) for m, r in harness.bus.seen if m.type is MessageType.ENTRY_FILL and m.data["sub_trade"]]
    assert row is not None and row["open_rate"] == pytest.approx(90.0)


async def test_an_added_entry_above_the_open_rate_raises_the_stop_to_the_new_average(
    harness: Harness, dca: DcaStrategy
) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 1.0 BTC at 100, stop 50
    harness.market.set_price("BTC/USDT", 120.0)
    dca.answers = [120.0]  # 1.0 BTC at 120: average 110, stop 55
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None
    assert stored.open_rate == pytest.approx(110.0)
    assert stored.stop_loss == pytest.approx(55.0)
    assert stored.initial_stop_loss == pytest.approx(50.0)


async def test_added_entries_stop_at_max_entry_position_adjustment(harness: Harness, dca: DcaStrategy) -> None:
    dca.max_entry_position_adjustment = 2  # the first entry plus two more
    trade = await harness.bot.force_enter("BTC/USDT")
    dca.repeat = 10.0
    for _ in range(5):
        await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None
    assert stored.nr_of_successful_entries == 3
    assert [o.ft_order_side for o in stored.orders] == [OrderSide.BUY] * 3
    assert stored.stake_amount == pytest.approx(120.0)  # 100 + 10 + 10 at an unchanged price


async def test_the_config_key_caps_added_entries_for_a_strategy_without_a_cap(harness: Harness, tmp_path: Any) -> None:
    from .conftest import build_bot, make_settings

    harness.settings = make_settings(tmp_path, max_entry_position_adjustment=1)
    strategy = DcaStrategy()
    harness.bot = build_bot(harness.settings, harness.market, harness.repo, harness.bus, harness.clock, strategy)
    await harness.bot.startup()
    trade = await harness.bot.force_enter("BTC/USDT")
    strategy.repeat = 10.0
    for _ in range(3):
        await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.nr_of_successful_entries == 2


async def test_a_dca_stake_above_the_free_balance_is_refused_and_nothing_is_ordered(
    harness: Harness, dca: DcaStrategy
) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 100.1 of the 1000 tied up
    dca.answers = [900.0]  # tradable: 1000 x 0.99 - 100.1 = 889.9 < 900
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and len(stored.orders) == 1
    assert stored.amount == pytest.approx(1.0) and stored.stake_amount == pytest.approx(100.0)
    assert await harness.repo.pending_intents() == []
    assert len(messages(harness, MessageType.ENTRY)) == 1
    assert harness.bot.wallet.free_stake(harness.bot.open_trades, 0.0) == pytest.approx(899.9)


async def test_position_adjustment_is_not_asked_when_it_is_off(harness: Harness) -> None:
    class Off(DcaStrategy):
        position_adjustment_enable = False

    strategy = use(harness, Off())
    await harness.bot.force_enter("BTC/USDT")
    strategy.repeat = 50.0
    await harness.tick()
    assert strategy.calls == []
    assert len(harness.bot.open_trades[0].orders) == 1


async def test_a_negative_answer_exits_that_stake_and_books_its_profit(harness: Harness, dca: DcaStrategy) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 1.0 BTC for 100
    harness.market.set_price("BTC/USDT", 110.0)
    dca.answers = [(-55.0, "take_some")]  # 55 of the 100 stake -> 0.55 BTC
    await harness.tick()

    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.is_open
    sell = stored.orders[-1]
    assert sell.ft_order_side is OrderSide.SELL and sell.filled == pytest.approx(0.55)
    assert sell.ft_order_tag == "take_some"
    assert stored.amount == pytest.approx(0.45)
    assert stored.stake_amount == pytest.approx(45.0)
    # sold 0.55 x 110 x 0.999 = 60.4395; that part cost 0.55 x 100 x 1.001 = 55.055
    assert stored.realized_profit == pytest.approx(5.3845)
    assert stored.nr_of_successful_exits == 1
    # freqtrade's realized ratio: over the 100.1 the entry cost
    assert stored.close_profit == pytest.approx(5.3845 / 100.1)
    assert stored.close_profit_abs == pytest.approx(5.3845)
    exit_msg, fill = messages(harness, MessageType.EXIT)[-1], messages(harness, MessageType.EXIT_FILL)[-1]
    assert exit_msg["sub_trade"] is True and exit_msg["amount"] == pytest.approx(0.55)
    assert fill["sub_trade"] is True and fill["is_final_exit"] is False
    assert fill["cumulative_profit"] == pytest.approx(5.3845)


async def test_a_partial_exit_after_an_added_entry_uses_the_average_open_rate(
    harness: Harness, dca: DcaStrategy
) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 1 BTC at 100
    harness.market.set_price("BTC/USDT", 80.0)
    dca.answers = [80.0]  # 1 BTC at 80: 2 BTC at 90, stake 180
    await harness.tick()
    harness.market.set_price("BTC/USDT", 100.0)
    dca.answers = [-90.0]  # 90 of 180 stake -> 1.0 BTC
    await harness.tick()

    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.is_open
    assert stored.amount == pytest.approx(1.0)
    assert stored.open_rate == pytest.approx(90.0)
    assert stored.stake_amount == pytest.approx(90.0)
    # 1 x 100 x 0.999 - 1 x 90 x 1.001 = 99.9 - 90.09
    assert stored.realized_profit == pytest.approx(9.81)

    # Recomputing from the stored orders gives the same trade (what a later fill does).
    stored.recalc_from_orders(harness.clock.now())
    assert (stored.amount, stored.open_rate, stored.stake_amount) == pytest.approx((1.0, 90.0, 90.0))
    assert stored.realized_profit == pytest.approx(9.81)


async def test_a_partial_exit_leaving_less_than_the_market_minimum_is_skipped(
    harness: Harness, dca: DcaStrategy
) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 1 BTC at 100; min_cost 1 USDT
    # 99.5 of 100 -> 0.995 BTC, leaving 0.005 x 100 = 0.5 USDT, under 1 x 1.05 / 0.5 = 2.1 (the minimum
    # with freqtrade's reserve for a 50 % stoploss).
    dca.answers = [-99.5]
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and len(stored.orders) == 1 and stored.amount == pytest.approx(1.0)


async def test_a_negative_answer_above_the_stake_sells_everything_the_trade_holds(
    harness: Harness, dca: DcaStrategy
) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")
    dca.answers = [-500.0]
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and not stored.is_open
    assert stored.orders[-1].filled == pytest.approx(1.0)
    assert stored.exit_reason == "partial_exit"


async def test_adjust_entry_price_replaces_an_open_entry_at_the_new_price(harness: Harness, dca: DcaStrategy) -> None:
    # 100 USDT at 90 (below the market: rests) -> 1.1111 BTC on the 0.0001 grid
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=90.0)
    dca.entry_prices = [95.0]
    await harness.tick()  # a candle closed since the order: the strategy is asked

    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.is_open
    first, second = stored.orders
    assert first.status is OrderStatus.CANCELED and first.price == 90.0
    assert second.status is OrderStatus.OPEN and second.price == 95.0
    # the unfilled 1.1111 x 90 = 99.999 USDT again at 95: 1.05262.. -> 1.0526
    assert second.amount == pytest.approx(1.0526)
    cancel = messages(harness, MessageType.ENTRY_CANCEL)[-1]
    assert cancel["reason"] == "cancelled to be replaced by new limit order"

    harness.market.set_price("BTC/USDT", 94.0)  # the new order fills at its price
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None
    assert stored.orders[1].status is OrderStatus.CLOSED
    assert stored.open_rate == pytest.approx(95.0) and stored.amount == pytest.approx(1.0526)
    assert stored.nr_of_successful_entries == 1


async def test_adjust_entry_price_returning_none_cancels_the_entry_and_the_trade(
    harness: Harness, dca: DcaStrategy
) -> None:
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=90.0)
    dca.entry_prices = [None]
    await harness.tick()
    assert await harness.repo.get_trade(trade.id or 0) is None
    assert messages(harness, MessageType.ENTRY_CANCEL)[-1]["reason"] == "user requested order cancel"


async def test_an_open_order_is_repriced_once_per_candle_only(harness: Harness, dca: DcaStrategy) -> None:
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=90.0)
    dca.entry_prices = [91.0, 92.0]
    await harness.tick()  # -> 91, placed at 12:01:30
    await harness.tick(0.25)  # 12:01:45: no candle closed since -> not asked
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and [o.price for o in stored.orders] == [90.0, 91.0]
    assert dca.entry_prices == [92.0]


async def test_the_entry_timeout_wins_over_adjust_entry_price(harness: Harness, tmp_path: Any) -> None:
    from .conftest import build_bot, make_settings

    harness.settings = make_settings(tmp_path, unfilledtimeout={"entry": 1, "exit": 1, "unit": "minutes"})
    strategy = DcaStrategy()
    harness.bot = build_bot(harness.settings, harness.market, harness.repo, harness.bus, harness.clock, strategy)
    await harness.bot.startup()
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=90.0)
    strategy.entry_prices = [95.0]
    await harness.tick(2)
    assert await harness.repo.get_trade(trade.id or 0) is None
    assert strategy.entry_prices == [95.0]  # never asked
    assert messages(harness, MessageType.ENTRY_CANCEL)[-1]["reason"] == "timeout"


async def test_a_raising_adjust_trade_position_changes_nothing(harness: Harness) -> None:
    class Raising(DcaStrategy):
        def adjust_trade_position(self, trade: Any, current_time: Any, current_rate: float, **kwargs: Any) -> Any:
            raise ValueError("bad strategy")

    use(harness, Raising())
    trade = await harness.bot.force_enter("BTC/USDT")
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and len(stored.orders) == 1 and stored.is_open


async def test_added_entries_survive_a_restart(harness: Harness, dca: DcaStrategy) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")
    harness.market.set_price("BTC/USDT", 80.0)
    dca.answers = [80.0]
    await harness.tick()
    await harness.restart()
    [resumed] = harness.bot.open_trades
    assert resumed.id == trade.id
    assert (resumed.amount, resumed.open_rate, resumed.stake_amount) == pytest.approx((2.0, 90.0, 180.0))
    assert resumed.nr_of_successful_entries == 2


class DocsStyleDca(ScriptedStrategy):
    """Written as freqtrade's documentation shows DCA: take half at +5 %, add 25 % more per entry below -5 %."""

    position_adjustment_enable = True
    max_entry_position_adjustment = 3

    def adjust_trade_position(
        self,
        trade: Any,
        current_time: Any,
        current_rate: float,
        current_profit: float,
        min_stake: float | None,
        max_stake: float,
        current_entry_rate: float,
        current_exit_rate: float,
        current_entry_profit: float,
        current_exit_profit: float,
        **kwargs: Any,
    ) -> Any:
        if current_profit > 0.05 and trade.nr_of_successful_exits == 0:
            return -(trade.stake_amount / 2), "half_profit_5%"
        if current_profit > -0.05:
            return None
        filled_entries = trade.select_filled_orders(trade.entry_side)
        stake_amount = filled_entries[0].stake_amount_filled * (1 + trade.nr_of_successful_entries * 0.25)
        return stake_amount, "1/3rd_increase"


async def test_a_strategy_written_as_freqtrade_documents_dca_runs_unchanged(harness: Harness) -> None:
    use(harness, DocsStyleDca())
    trade = await harness.bot.force_enter("BTC/USDT")  # 1 BTC at 100
    harness.market.set_price("BTC/USDT", 90.0)  # -10 %: add 100 x 1.25 = 125 at 90
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.nr_of_successful_entries == 2
    assert stored.orders[-1].ft_order_tag == "1/3rd_increase"
    # 125 at 90 is 1.38888 BTC, 1.3888 on the 0.0001 step: 124.992; with the first 100, 224.992 for 2.3888 BTC
    assert stored.stake_amount == pytest.approx(224.992)
    assert stored.open_rate == pytest.approx(94.1862)  # 224.992 / 2.3888 = 94.18620..
    # at 100: 99.9 / (94.1862 x 1.001) - 1 = +5.96 %: half the stake, 112.496 -> 1.1944 BTC
    harness.market.set_price("BTC/USDT", 100.0)
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.nr_of_successful_exits == 1 and stored.is_open
    assert stored.orders[-1].ft_order_tag == "half_profit_5%"
    assert stored.amount == pytest.approx(1.1944)
    assert stored.stake_amount == pytest.approx(112.496)


async def test_an_answer_while_an_added_entry_rests_keeps_the_same_order_and_replaces_another(
    harness: Harness, tmp_path: Any
) -> None:
    from .conftest import build_bot, make_settings

    # Limit entries: a config's order_types wins over the strategy's as a whole, as in freqtrade.
    harness.settings = make_settings(tmp_path, order_types={"entry": "limit", "exit": "market", "stoploss": "market"})
    dca = DcaStrategy()
    harness.bot = build_bot(harness.settings, harness.market, harness.repo, harness.bus, harness.clock, dca)
    await harness.bot.startup()
    trade = await harness.bot.force_enter("BTC/USDT")  # 1 BTC at 100, no spread yet
    harness.market.spread = 0.02  # bid 99, ask 101: a buy at the bid rests
    dca.repeat = 50.0
    await harness.tick()  # 50 at 99 -> 0.5050 BTC, resting
    await harness.tick()  # the same answer: the same order (price 99, 0.5050): kept
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and [(o.price, o.status) for o in stored.orders][1:] == [(99.0, OrderStatus.OPEN)]
    assert stored.orders[1].amount == pytest.approx(0.505)

    harness.market.set_price("BTC/USDT", 102.0)  # bid 100.98: another order, so the resting one goes
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None
    assert [(o.price, o.status) for o in stored.orders][1:] == [
        (99.0, OrderStatus.CANCELED),
        (100.98, OrderStatus.OPEN),
    ]
    assert stored.orders[2].amount == pytest.approx(0.4951)  # 50 / 100.98 = 0.49514..
    # The cancelled order filled nothing: the trade is still the first entry alone.
    assert (stored.amount, stored.open_rate, stored.stake_amount) == pytest.approx((1.0, 100.0, 100.0))
    assert messages(harness, MessageType.ENTRY_CANCEL)[-1]["reason"] == "cancelled to be replaced by new limit order"


async def test_adjust_exit_price_replaces_an_open_exit_at_the_new_price(harness: Harness, dca: DcaStrategy) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 1 BTC at 100
    await harness.bot.force_exit(trade.id, order_type="limit", price=150.0)  # rests
    dca.exit_prices = [140.0]
    await harness.tick()
    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.is_open
    assert [(o.price, o.status) for o in stored.orders][1:] == [
        (150.0, OrderStatus.CANCELED),
        (140.0, OrderStatus.OPEN),
    ]
    assert stored.orders[2].amount == pytest.approx(1.0)
    assert stored.orders[2].ft_order_tag == "force_exit"

    harness.market.set_price("BTC/USDT", 141.0)
    await harness.tick()
    closed = await harness.repo.get_trade(trade.id or 0)
    assert closed is not None and not closed.is_open
    assert closed.close_rate == pytest.approx(140.0)
    # 1 x 140 x 0.999 - 1 x 100 x 1.001 = 139.86 - 100.1
    assert closed.close_profit_abs == pytest.approx(39.76)


class PartSellingBroker(PaperBroker):
    """The paper broker, except that a resting sell reports ``part`` filled (and stays open)."""

    def __init__(self, market: Any, *, clock: Any, part: float) -> None:
        super().__init__(market, clock=clock)
        self.part = part

    async def refresh_order(self, order: Order) -> ExchangeOrder:
        current = await super().refresh_order(order)
        if order.side is not OrderSide.SELL or current.status is not OrderStatus.OPEN or order.price is None:
            return current
        return dataclasses.replace(
            current,
            filled=self.part,
            remaining=order.amount - self.part,
            average=order.price,
            cost=self.part * order.price,
        )

    async def cancel_order(self, order: Order) -> ExchangeOrder:
        cancelled = await super().cancel_order(order)
        return dataclasses.replace(cancelled, filled=order.filled, average=order.average, cost=order.cost)


async def test_a_repriced_exit_books_what_it_sold_and_offers_only_the_rest(harness: Harness) -> None:
    strategy = DcaStrategy()
    broker = PartSellingBroker(harness.market, clock=harness.clock, part=0.4)
    bot = TradingLoop(
        harness.settings,
        market=harness.market,
        broker=broker,
        repo=harness.repo,
        strategy=SafeStrategy(strategy),
        bus=harness.bus,
        clock=harness.clock,
    )
    await bot.startup()
    trade = await bot.force_enter("BTC/USDT")  # 1 BTC at 100
    await bot.force_exit(trade.id, order_type="limit", price=150.0)  # rests; 0.4 of it sells at 150
    strategy.exit_prices = [140.0]
    harness.clock.advance(minutes=1)
    await bot.run_once()  # 0.4 sold, then re-priced: the sold part booked, 0.6 offered at 140

    stored = await harness.repo.get_trade(trade.id or 0)
    assert stored is not None and stored.is_open
    first, replacement = stored.orders[1], stored.orders[2]
    assert first.status is OrderStatus.CANCELED and first.filled == pytest.approx(0.4)
    assert replacement.price == 140.0 and replacement.amount == pytest.approx(0.6)
    assert stored.amount == pytest.approx(0.6)
    # 0.4 x 150 x 0.999 - 0.4 x 100 x 1.001 = 59.94 - 40.04
    assert stored.realized_profit == pytest.approx(19.9)
