from __future__ import annotations

from ftserver.decide.exit_checks import decide_exit
from ftserver.decide.roi import roi_reached, roi_threshold, trade_minutes
from ftserver.strategy.base import Strategy

from .trades import NOW, long_trade


class TwoStepRoi(Strategy):
    minimal_roi = {"0": 0.1, "30": 0.05}
    stoploss = -0.1
    use_exit_signal = False


def test_trade_age_is_counted_in_whole_minutes() -> None:
    assert trade_minutes(long_trade(31.9), NOW) == 31


def test_second_roi_step_applies_from_its_minute() -> None:
    # 31 minutes in, the 30-minute step (5 %) applies: 106 is a 6 % profit, above it.
    decision = decide_exit(long_trade(31), TwoStepRoi(), 106.0, NOW)
    assert decision is not None and decision.reason == "roi" and not decision.is_stoploss


def test_before_the_second_step_the_first_step_still_applies() -> None:
    # 29 minutes in, 10 % is needed: 6 % is not enough.
    assert decide_exit(long_trade(29), TwoStepRoi(), 106.0, NOW) is None


def test_roi_needs_profit_above_the_threshold() -> None:
    assert not roi_reached(long_trade(31), TwoStepRoi(), 104.99, NOW)  # 4.99 %
    assert roi_reached(long_trade(31), TwoStepRoi(), 105.01, NOW)  # 5.01 %


def test_custom_roi_counts_when_lower_than_the_table() -> None:
    assert roi_threshold(0.1, 0.02) == 0.02
    assert roi_threshold(0.1, 0.2) == 0.1
    assert roi_threshold(None, 0.03) == 0.03
    assert roi_threshold(None, None) is None
    # 10 minutes in the table asks 10 %; the custom answer of 2 % lets 103 (3 %) exit.
    assert roi_reached(long_trade(10), TwoStepRoi(), 103.0, NOW, custom_roi=0.02)
