"""What of freqtrade's strategy interface a loaded strategy uses that ftserver does not do.

freqtrade users bring strategies written against its interface. A callback ftserver never calls
would be ignored without a word; a short strategy would never short. At load time each such use is
named: the ones the bot can run without (the trade goes on with the default, as freqtrade does when
a callback fails) are warnings, the ones it cannot are a ``StrategyError``.
"""

from __future__ import annotations

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy

# Methods of freqtrade's interface (version 3) that ftserver never calls, and what happens instead.
# Every trading callback is called (decide/strategy_answers.py); what is left is FreqAI and chart extras.
UNCALLED_CALLBACKS: dict[str, str] = {
    "feature_engineering_expand_all": "FreqAI is not supported: its features are not built",
    "feature_engineering_expand_basic": "FreqAI is not supported: its features are not built",
    "feature_engineering_standard": "FreqAI is not supported: its features are not built",
    "set_freqai_targets": "FreqAI is not supported: no model is trained and no predictions are made",
    "populate_any_indicators": "FreqAI is not supported: its features are not built",
    "plot_annotations": "chart annotations are not drawn",
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
        f"Strategy {name} defines {method}(), which ftserver does not call: {effect}"
        for method, effect in UNCALLED_CALLBACKS.items()
        if _defines(strategy, method)
    ]
