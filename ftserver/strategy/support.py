"""What of freqtrade's strategy interface a loaded strategy uses that ftserver does not do (yet).

freqtrade users bring strategies written against its interface. A callback ftserver never calls
would be ignored without a word; a short strategy would never short. At load time each such use is
named: the ones the bot can run without (the trade goes on with the default, as freqtrade does when
a callback fails) are warnings, the ones it cannot are a ``StrategyError``.
"""

from __future__ import annotations

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy

# Callbacks of freqtrade's interface (version 3) that the trading loop does not call, and what
# happens instead.
UNCALLED_CALLBACKS: dict[str, str] = {
    "bot_start": "it is not run",
    "bot_loop_start": "it is not run",
    "informative_pairs": "no informative pairs are fetched",
    "custom_stoploss": "the stoploss attribute and trailing settings apply",
    "custom_exit": "exits come from signals, ROI, stoploss and trailing only",
    "custom_roi": "the minimal_roi table applies",
    "confirm_trade_entry": "entries are not confirmed with the strategy",
    "confirm_trade_exit": "exits are not confirmed with the strategy",
    "custom_stake_amount": "the configured stake_amount applies",
    "custom_entry_price": "the entry_pricing settings apply",
    "custom_exit_price": "the exit_pricing settings apply",
    "check_entry_timeout": "unfilledtimeout applies",
    "check_exit_timeout": "unfilledtimeout applies",
    "adjust_trade_position": "no position adjustment (DCA or partial exit) is made",
    "adjust_entry_price": "open entry orders are not re-priced",
    "adjust_order_price": "open orders are not re-priced",
    "order_filled": "it is not run",
    "leverage": "spot trades use leverage 1",
}


def _defines(strategy: Strategy, method: str) -> bool:
    """Whether the strategy's own class (or a user base class) defines ``method``."""
    for cls in type(strategy).__mro__:
        if cls is Strategy or cls is object:
            return False
        if method in vars(cls):
            return True
    return False


def unsupported_uses(strategy: Strategy, *, trading_mode: str) -> list[str]:
    """One line per callback or feature the strategy uses that ftserver does not do.

    Raises ``StrategyError`` for what the bot cannot run at all: a short strategy on spot.
    """
    name = strategy.name
    if strategy.can_short and trading_mode == "spot":
        raise StrategyError(f"Strategy {name} sets can_short = True: short strategies cannot trade spot markets")
    return [
        f"Strategy {name} defines {method}(), which ftserver does not call yet: {effect}"
        for method, effect in UNCALLED_CALLBACKS.items()
        if _defines(strategy, method)
    ]
