"""``freqtrade.strategy.interface``."""

from ftserver.strategy.base import Strategy as IStrategy

__all__ = ["IStrategy"]
