"""``freqtrade.strategy``: IStrategy is ftserver's Strategy."""

from __future__ import annotations

from ftserver.compat.freqtrade.exchange import (
    timeframe_to_minutes,
    timeframe_to_msecs,
    timeframe_to_next_date,
    timeframe_to_prev_date,
    timeframe_to_seconds,
)
from ftserver.compat.freqtrade.persistence import Order, PairLocks, Trade
from ftserver.compat.missing import missing_name
from ftserver.strategy.base import Strategy as IStrategy
from ftserver.strategy.informative import informative, merge_informative_pair
from ftserver.strategy.stoploss_math import stoploss_from_absolute, stoploss_from_open

try:
    # Redundant aliases: these names are re-exported, as freqtrade.strategy offers them.
    from ftserver.compat.freqtrade.strategy.parameters import BooleanParameter as BooleanParameter
    from ftserver.compat.freqtrade.strategy.parameters import CategoricalParameter as CategoricalParameter
    from ftserver.compat.freqtrade.strategy.parameters import DecimalParameter as DecimalParameter
    from ftserver.compat.freqtrade.strategy.parameters import IntParameter as IntParameter
    from ftserver.compat.freqtrade.strategy.parameters import RealParameter as RealParameter
except ImportError:
    # Until ftserver has the hyperopt parameter classes, asking for one fails through __getattr__
    # below with a message naming it; every other name here still imports.
    _PARAMETERS: list[str] = []
else:
    _PARAMETERS = ["BooleanParameter", "CategoricalParameter", "DecimalParameter", "IntParameter", "RealParameter"]

__all__ = [
    "IStrategy",
    "Order",
    "PairLocks",
    "Trade",
    "informative",
    "merge_informative_pair",
    "stoploss_from_absolute",
    "stoploss_from_open",
    "timeframe_to_minutes",
    "timeframe_to_msecs",
    "timeframe_to_next_date",
    "timeframe_to_prev_date",
    "timeframe_to_seconds",
    *_PARAMETERS,
]


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
