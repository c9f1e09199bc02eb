"""``freqtrade.strategy.strategy_helper``."""

from ftserver.strategy.informative import merge_informative_pair
from ftserver.strategy.stoploss_math import stoploss_from_absolute, stoploss_from_open

__all__ = ["merge_informative_pair", "stoploss_from_absolute", "stoploss_from_open"]
