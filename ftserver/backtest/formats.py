"""How amounts and durations are written in backtest results and tables, as freqtrade writes them."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

# Decimals shown for amounts of a stake currency; others get the fallback.
_COIN_DECIMALS = {"BTC": 8, "ETH": 5}
_COIN_DECIMALS_FALLBACK = 3


def coin_decimals(currency: str) -> int:
    return _COIN_DECIMALS.get(currency, _COIN_DECIMALS_FALLBACK)


def format_coin(value: float | None, currency: str, *, with_currency: bool = True) -> str:
    """An amount of ``currency`` rounded to its decimals, trailing zeros dropped ("12.5 USDT")."""
    if value is None or np.isnan(value):
        text = "N/A"
    else:
        text = f"{value:.{coin_decimals(currency)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return f"{text} {currency}" if with_currency else text


def format_days_duration(duration: timedelta) -> str:
    """A duration as "Nd HH:MM"."""
    hours, rest = divmod(duration.seconds, 3600)
    return f"{duration.days}d {hours:02d}:{rest // 60:02d}"
