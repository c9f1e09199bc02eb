"""``freqtrade.strategy``: IStrategy is ftserver's Strategy."""

from __future__ import annotations

from ftserver.compat.freqtrade.exchange import (
    timeframe_to_minutes,
    timeframe_to_msecs,
    timeframe_to_next_date,
    timeframe_to_prev_date,
    timeframe_to_seconds,
)
from ftserver.compat.freqtrade.ft_types import AnnotationType
from ftserver.compat.freqtrade.persistence import Order, PairLocks, Trade
from ftserver.compat.missing import missing_name
from ftserver.strategy.base import Strategy as IStrategy
from ftserver.strategy.informative import informative, merge_informative_pair
from ftserver.strategy.parameters import (
    BooleanParameter,
    CategoricalParameter,
    DecimalParameter,
    IntParameter,
    RealParameter,
)
from ftserver.strategy.stoploss_math import stoploss_from_absolute, stoploss_from_open

__all__ = [
    "AnnotationType",
    "BooleanParameter",
    "CategoricalParameter",
    "DecimalParameter",
    "IStrategy",
    "IntParameter",
    "Order",
    "PairLocks",
    "RealParameter",
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
]


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
