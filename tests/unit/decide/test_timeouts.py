from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ftserver.config.sections import UnfilledTimeoutSettings
from ftserver.decide.timeouts import order_timed_out, timeout_limit, unfilled_timeout_passed
from ftserver.models import Order, OrderSide, OrderType, Trade
from ftserver.strategy.base import Strategy

from .trades import NOW, long_trade

PLACED = NOW - timedelta(minutes=20)


@dataclass(frozen=True)
class Timeouts:
    entry: float = 10
    exit: float = 30
    unit: str = "minutes"


def order(side: OrderSide, placed: datetime = PLACED) -> Order:
    return Order(
        ft_trade_id=1,
        ft_order_side=side,
        ft_pair="BTC/USDT",
        order_id="o1",
        order_type=OrderType.LIMIT,
        side=side,
        amount=1.0,
        price=100.0,
        order_date=placed,
    )


class Answering(Strategy):
    def __init__(self, entry: bool = False, exit: bool = False) -> None:
        super().__init__()
        self.entry, self.exit = entry, exit
        self.asked: list[str] = []

    def check_entry_timeout(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> bool:
        self.asked.append("entry")
        return self.entry

    def check_exit_timeout(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> bool:
        self.asked.append("exit")
        return self.exit


def test_entry_order_times_out_after_its_configured_minutes() -> None:
    # Placed 20 minutes ago: past the 10-minute entry limit, within the 30-minute exit limit.
    assert unfilled_timeout_passed(order(OrderSide.BUY), NOW, Timeouts())
    assert not unfilled_timeout_passed(order(OrderSide.SELL), NOW, Timeouts())


def test_limit_exactly_reached_is_not_yet_a_timeout() -> None:
    assert not unfilled_timeout_passed(order(OrderSide.BUY, NOW - timedelta(minutes=10)), NOW, Timeouts())


def test_seconds_unit_and_zero_limit() -> None:
    assert timeout_limit(order(OrderSide.BUY), Timeouts(entry=90, unit="seconds")) == timedelta(seconds=90)
    assert timeout_limit(order(OrderSide.BUY), Timeouts(entry=0)) is None


def test_config_settings_satisfy_the_protocol() -> None:
    settings = UnfilledTimeoutSettings(entry=5, exit=5, unit="minutes")
    assert unfilled_timeout_passed(order(OrderSide.SELL), NOW, settings)


def test_strategy_is_asked_only_while_the_configured_time_has_not_passed() -> None:
    strategy = Answering(entry=False, exit=True)
    assert order_timed_out(strategy, long_trade(), order(OrderSide.BUY), NOW, Timeouts())
    assert strategy.asked == []
    # The exit order is within its 30 minutes: check_exit_timeout decides, and says yes.
    assert order_timed_out(strategy, long_trade(), order(OrderSide.SELL), NOW, Timeouts())
    assert strategy.asked == ["exit"]


def test_a_refusing_strategy_keeps_the_order_open() -> None:
    strategy = Answering(entry=False)
    assert not order_timed_out(strategy, long_trade(), order(OrderSide.BUY), NOW, Timeouts(entry=0))
    assert strategy.asked == ["entry"]
