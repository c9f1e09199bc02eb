from __future__ import annotations

import pytest

from ftserver.decide.stoploss import adjust_stoploss, stop_is_trailing, stoploss_hit
from ftserver.strategy.base import Strategy

from .trades import NOW, long_trade


class TrailingWithOffset(Strategy):
    stoploss = -0.1
    trailing_stop = True
    trailing_stop_positive = 0.02
    trailing_stop_positive_offset = 0.05
    trailing_only_offset_is_reached = True


def test_stop_stays_until_the_offset_is_reached() -> None:
    trade = long_trade()
    # 4 % profit is below the 5 % offset: the stop stays at 90.
    assert not adjust_stoploss(trade, TrailingWithOffset(), 104.0, NOW)
    assert trade.stop_loss == pytest.approx(90.0)
    assert not stop_is_trailing(trade)


def test_past_the_offset_the_stop_trails_two_percent_below_the_high() -> None:
    trade = long_trade()
    trade.adjust_min_max_rates(110.0, 110.0)
    assert adjust_stoploss(trade, TrailingWithOffset(), 110.0, NOW)
    assert trade.stop_loss == pytest.approx(107.8)  # 110 x (1 - 0.02)
    assert stop_is_trailing(trade)
    # The price falls back to 108: the stop never moves down.
    assert not adjust_stoploss(trade, TrailingWithOffset(), 108.0, NOW)
    assert trade.stop_loss == pytest.approx(107.8)
    assert stoploss_hit(trade, 107.8) and not stoploss_hit(trade, 107.9)


def test_without_only_offset_the_stop_trails_the_base_stoploss_below_the_offset() -> None:
    class Trailing(TrailingWithOffset):
        trailing_only_offset_is_reached = False

    trade = long_trade()
    trade.adjust_min_max_rates(104.0, 104.0)
    # 4 % profit, under the offset: trailing at the 10 % stoploss from the high, 104 x 0.9 = 93.6.
    assert adjust_stoploss(trade, Trailing(), 104.0, NOW)
    assert trade.stop_loss == pytest.approx(93.6)


def test_custom_stoploss_answer_moves_the_stop_up_only() -> None:
    trade = long_trade()

    class Plain(Strategy):
        stoploss = -0.1

    # A custom stop of 5 % below 120 is 114.
    assert adjust_stoploss(trade, Plain(), 120.0, NOW, custom_stoploss=-0.05)
    assert trade.stop_loss == pytest.approx(114.0)
    # A wider answer later (20 % below 120 = 96) does not lower it.
    assert not adjust_stoploss(trade, Plain(), 120.0, NOW, custom_stoploss=-0.2)
    assert trade.stop_loss == pytest.approx(114.0)
    # Right after a fill it may move down.
    assert adjust_stoploss(trade, Plain(), 120.0, NOW, custom_stoploss=-0.2, after_fill=True)
    assert trade.stop_loss == pytest.approx(96.0)


def test_a_stop_below_the_price_is_not_moved_once_the_price_is_under_it() -> None:
    trade = long_trade()

    class Plain(Strategy):
        stoploss = -0.1

    assert not adjust_stoploss(trade, Plain(), 89.0, NOW, custom_stoploss=-0.01)
    assert trade.stop_loss == pytest.approx(90.0)
