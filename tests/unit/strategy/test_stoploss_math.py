import pytest

from ftserver.strategy.stoploss_math import stoploss_from_absolute, stoploss_from_open


def test_stop_seven_percent_above_open_at_ten_percent_profit_is_2_7_percent_below_current() -> None:
    # open 100, current 110, stop wanted at 107: 1 - 107/110 = 0.027272...
    assert stoploss_from_open(0.07, 0.10) == pytest.approx(3 / 110)


def test_stop_above_the_current_price_is_clamped_to_zero() -> None:
    # open 100, current 105, stop wanted at 107 is above the price
    assert stoploss_from_open(0.07, 0.05) == 0.0


def test_short_stop_from_open_mirrors_the_long_one() -> None:
    # short opened at 100, price 90 (profit 0.10); stop wanted at 93: 93/90 - 1 = 0.0333...
    assert stoploss_from_open(0.07, 0.10, is_short=True) == pytest.approx(3 / 90)


def test_leverage_scales_the_stop_from_open() -> None:
    # 3x: profit 0.30 is a 10% price move (100 -> 110); 0.21 from open is 7% (107): (1 - 107/110) * 3
    assert stoploss_from_open(0.21, 0.30, leverage=3.0) == pytest.approx(9 / 110)


def test_total_loss_asks_for_the_widest_stop() -> None:
    assert stoploss_from_open(0.05, -1.0) == 1.0
    assert stoploss_from_open(0.05, 1.0, is_short=True) == 1.0


def test_stop_from_absolute_price() -> None:
    assert stoploss_from_absolute(95, 100) == pytest.approx(0.05)
    assert stoploss_from_absolute(105, 100, is_short=True) == pytest.approx(0.05)
    assert stoploss_from_absolute(105, 100) == 0.0  # a long stop above the price
    assert stoploss_from_absolute(95, 100, leverage=2.0) == pytest.approx(0.10)
    assert stoploss_from_absolute(95, 0) == 1.0
