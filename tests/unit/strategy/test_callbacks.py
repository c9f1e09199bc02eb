import logging

import pytest

from ftserver.strategy.base import Strategy
from ftserver.strategy.callbacks import call_callback


class Callbacks(Strategy):
    def confirm_trade_entry(self, pair: str, **kwargs: object) -> bool:
        return pair != "ETH/USDT"

    def custom_stake_amount(self, proposed_stake: float, **kwargs: object) -> float:
        raise ZeroDivisionError("division by zero")

    def custom_exit(self, **kwargs: object) -> object:
        return ["not", "a", "reason"]


def test_answer_of_the_callback_is_returned() -> None:
    strategy = Callbacks()
    assert call_callback(strategy, "confirm_trade_entry", True, pair="ETH/USDT") is False
    assert call_callback(strategy, "confirm_trade_entry", True, pair="BTC/USDT") is True


def test_missing_callback_gives_the_default() -> None:
    assert call_callback(Callbacks(), "no_such_callback", 7.5, pair="BTC/USDT") == 7.5


def test_raising_callback_is_logged_by_strategy_and_method_and_gives_the_default(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        stake = call_callback(Callbacks(), "custom_stake_amount", 10.0, proposed_stake=10.0)
    assert stake == 10.0
    assert "Strategy Callbacks: custom_stake_amount() raised ZeroDivisionError" in caplog.text


def test_refused_answer_is_logged_and_gives_the_default(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        reason = call_callback(Callbacks(), "custom_exit", None, accept=lambda v: v is None or isinstance(v, str))
    assert reason is None
    assert "custom_exit() returned ['not', 'a', 'reason']" in caplog.text
