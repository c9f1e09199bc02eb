"""The order exits are offered in, and ``check_exits`` asking the strategy's callbacks in freqtrade's order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from ftserver.decide.exit_checks import check_after_fill, check_exits, exit_candidates
from ftserver.models import Trade
from ftserver.strategy.base import Strategy

from .trades import NOW, long_trade


class LooseRoi(Strategy):
    # Any result above -50 % is an ROI exit: with the stop at 90, both apply below 90.
    minimal_roi = {"0": -0.5}
    stoploss = -0.1


def test_stoploss_comes_before_roi_when_both_hit() -> None:
    found = exit_candidates(long_trade(), LooseRoi(), 85.0, NOW)
    assert [d.reason for d in found] == ["stop_loss", "roi"]
    assert found[0].is_stoploss and not found[1].is_stoploss


def test_a_trailed_stop_comes_after_roi() -> None:
    trade = long_trade()
    trade.raise_stoploss(110.0, -0.1, NOW)  # trailed up to 99
    found = exit_candidates(trade, LooseRoi(), 98.0, NOW)
    assert [d.reason for d in found] == ["roi", "trailing_stop_loss"]


def test_exit_signal_with_exit_profit_only_waits_for_the_offset() -> None:
    class ProfitOnly(Strategy):
        minimal_roi = {"0": 1.0}
        stoploss = -0.1
        exit_profit_only = True
        exit_profit_offset = 0.02

    # 1 % profit is not above the 2 % offset; 3 % is.
    assert exit_candidates(long_trade(), ProfitOnly(), 101.0, NOW, exit_signal=True) == []
    found = exit_candidates(long_trade(), ProfitOnly(), 103.0, NOW, exit_signal=True, exit_tag="cross")
    assert [(d.reason, d.exit_tag) for d in found] == [("cross", "cross")]


def test_ignore_roi_if_entry_signal_skips_roi_while_the_entry_signal_stands() -> None:
    class Ignoring(LooseRoi):
        ignore_roi_if_entry_signal = True

    assert exit_candidates(long_trade(), Ignoring(), 95.0, NOW, entry_signal=True) == []
    assert [d.reason for d in exit_candidates(long_trade(), Ignoring(), 95.0, NOW)] == ["roi"]


class Asking(Strategy):
    """Records the callbacks ``check_exits`` asks, in order; answers what the test sets."""

    minimal_roi = {"0": 1.0}
    stoploss = -0.1
    use_custom_stoploss = True
    use_custom_roi = True

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.stop: float | None = None
        self.roi: float | None = None
        self.exit: str | bool = False

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
        self.asked.append("custom_stoploss" + (" after_fill" if after_fill else ""))
        return self.stop

    def custom_roi(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        trade_duration: int,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float | None:
        self.asked.append(f"custom_roi {trade_duration}")
        return self.roi

    def custom_exit(
        self, pair: str, trade: Trade, current_time: datetime, current_rate: float, current_profit: float, **kwargs: Any
    ) -> str | bool:
        self.asked.append("custom_exit")
        return self.exit


def test_check_exits_asks_stoploss_then_roi_then_exit() -> None:
    strategy = Asking()
    strategy.stop = -0.05
    strategy.roi = 0.02
    check = check_exits(long_trade(12), strategy, 103.0, NOW)
    assert strategy.asked == ["custom_stoploss", "custom_roi 12", "custom_exit"]
    # The custom stop moved to 103 x 0.95 = 97.85; 3 % beats the custom ROI of 2 %.
    assert check.stop_moved
    assert [d.reason for d in check.candidates] == ["roi"]


def test_custom_exit_is_not_asked_while_an_exit_signal_stands() -> None:
    strategy = Asking()
    strategy.exit = "take it"
    check = check_exits(long_trade(), strategy, 101.0, NOW, exit_signal=True)
    assert "custom_exit" not in strategy.asked
    assert [d.reason for d in check.candidates] == ["exit_signal"]
    strategy.asked.clear()
    check = check_exits(long_trade(), strategy, 101.0, NOW)
    assert [d.reason for d in check.candidates] == ["take it"]


def test_after_fill_asks_again_and_may_lower_the_stop() -> None:
    strategy = Asking()
    trade = long_trade()
    trade.raise_stoploss(100.0, -0.02, NOW)  # stop at 98
    strategy.stop = -0.2
    assert check_after_fill(trade, strategy, 100.0, NOW)
    assert strategy.asked == ["custom_stoploss after_fill"]
    assert trade.stop_loss == pytest.approx(80.0)


def test_after_fill_is_not_asked_of_a_custom_stoploss_without_after_fill() -> None:
    class Older(Strategy):
        use_custom_stoploss = True

        def custom_stoploss(
            self,
            pair: str,
            trade: Trade,
            current_time: datetime,
            current_rate: float,
            current_profit: float,
            **kwargs: Any,
        ) -> float | None:
            raise AssertionError("not to be asked after a fill")

    assert not check_after_fill(long_trade(), Older(), 100.0, NOW)
