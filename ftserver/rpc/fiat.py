"""What one unit of stake currency is worth in the configured ``fiat_display_currency``.

freqtrade 2026.9 converts only when a display currency is configured: without one, every fiat
field (/profit's ``profit_closed_fiat`` and ``profit_all_fiat``, the periods' ``fiat_value``) is 0.
ftserver has no price source for fiat currencies, so with one configured a value is shown at its
stake amount unless a rate is given (as freqtrade shows a stablecoin stake in USD).
"""

from __future__ import annotations


def fiat_rate(fiat_display_currency: str | None, rate: float | None = None) -> float:
    """The multiplier from stake currency to the display currency: 0.0 when none is configured."""
    if not fiat_display_currency:
        return 0.0
    return 1.0 if rate is None else rate


def in_fiat(amount: float, rate: float) -> float:
    """``amount`` of stake currency at ``rate``; without a rate a plain 0.0, as freqtrade answers.

    A loss times a zero rate would be -0.0, which JSON keeps and FreqUI shows as "-0"."""
    return amount * rate if rate else 0.0
