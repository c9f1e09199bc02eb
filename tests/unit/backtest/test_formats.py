from __future__ import annotations

from datetime import timedelta

import pytest

from ftserver.backtest.formats import format_coin, format_days_duration


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (12.5, "USDT", "12.5 USDT"),
        (1000.0, "USDT", "1000 USDT"),
        (26.70864, "USDT", "26.709 USDT"),
        (0.123456789, "BTC", "0.12345679 BTC"),
        (1.234567, "ETH", "1.23457 ETH"),
        (float("nan"), "USDT", "N/A USDT"),
    ],
)
def test_amounts_get_their_currencys_decimals_without_trailing_zeros(value: float, currency: str, text: str) -> None:
    assert format_coin(value, currency) == text


def test_amount_without_currency_name() -> None:
    assert format_coin(-6.9770, "USDT", with_currency=False) == "-6.977"


def test_durations_are_days_hours_minutes() -> None:
    assert format_days_duration(timedelta(days=1, hours=5, minutes=40, seconds=30)) == "1d 05:40"
    assert format_days_duration(timedelta(minutes=5)) == "0d 00:05"
