"""``SafeStrategy``: how the bot and the API run user code — off the event loop, errors made clear."""

from __future__ import annotations

import asyncio
import logging
import time

import pandas as pd

from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy

log = logging.getLogger(__name__)


class SafeStrategy:
    """Runs a ``Strategy``: its exceptions become ``StrategyError`` naming it and the pair."""

    def __init__(self, strategy: Strategy, *, slow_warning_seconds: float = 1.0) -> None:
        self.strategy = strategy
        self.slow_warning_seconds = slow_warning_seconds

    @property
    def name(self) -> str:
        return self.strategy.name

    def analyze_sync(self, df: pd.DataFrame, pair: str) -> pd.DataFrame:
        """Analyze in the calling thread (for callers already off the event loop)."""
        started = time.perf_counter()
        try:
            result = self.strategy.analyze(df, {"pair": pair})
        except StrategyError:
            raise
        except Exception as exc:
            raise StrategyError(
                f"Strategy {self.name} failed while analyzing {pair}: {type(exc).__name__}: {exc}"
            ) from exc
        elapsed = time.perf_counter() - started
        if elapsed > self.slow_warning_seconds:
            log.warning(
                "Strategy %s took %.2f s to analyze %s (warning above %.2f s)",
                self.name,
                elapsed,
                pair,
                self.slow_warning_seconds,
            )
        return result

    async def analyze(self, df: pd.DataFrame, pair: str) -> pd.DataFrame:
        """Analyze in a worker thread so a slow strategy never stalls the API."""
        return await asyncio.to_thread(self.analyze_sync, df, pair)
