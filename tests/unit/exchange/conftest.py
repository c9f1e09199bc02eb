from datetime import UTC, datetime

import pytest

from ftserver.core.clock import ManualClock
from ftserver.exchange.simulated import SimulatedMarket

# 30 s into a minute, so the forming candles are visibly partial.
NOW = datetime(2026, 3, 2, 12, 7, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def sim(clock: ManualClock) -> SimulatedMarket:
    return SimulatedMarket(clock=clock, seed=7, history_days=5)
