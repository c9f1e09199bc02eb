"""Every protection by its freqtrade name."""

from __future__ import annotations

from collections.abc import Mapping

from ftserver.decide.protections.cooldown_period import cooldown_period
from ftserver.decide.protections.low_profit_pairs import low_profit_pairs
from ftserver.decide.protections.max_drawdown import max_drawdown
from ftserver.decide.protections.rule import Decide
from ftserver.decide.protections.stoploss_guard import stoploss_guard

PROTECTIONS: Mapping[str, Decide] = {
    "CooldownPeriod": cooldown_period,
    "StoplossGuard": stoploss_guard,
    "MaxDrawdown": max_drawdown,
    "LowProfitPairs": low_profit_pairs,
}
