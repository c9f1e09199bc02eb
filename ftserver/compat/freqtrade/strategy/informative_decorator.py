"""``freqtrade.strategy.informative_decorator``."""

from ftserver.strategy.informative import informative

__all__ = ["informative"]
