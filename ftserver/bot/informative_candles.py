"""Which informative candles the trading loop fetches for its strategy.

The strategy names them (``informative_pairs()`` and its ``@informative`` methods); the loop fetches
them with the whitelist's candles. What cannot be fetched is said once, not on every iteration.
"""

from __future__ import annotations

import logging

from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.exchange.base import MarketData
from ftserver.strategy.safe import SafeStrategy

log = logging.getLogger(__name__)

# Distinct problems remembered as already told; past that the memory starts again (so a problem
# whose text changes every time cannot grow it without bound).
PROBLEMS_REMEMBERED = 200


class InformativeCandles:
    def __init__(self, strategy: SafeStrategy, market: MarketData, bus: MessageBus) -> None:
        self.strategy = strategy
        self.market = market
        self.bus = bus
        self._told: set[str] = set()

    def keys(self) -> list[tuple[str, str]]:
        """The (pair, timeframe) candles the strategy reads besides its own: spot candles of listed pairs."""
        name = self.strategy.name
        try:
            keys = self.strategy.strategy.gather_informative_pairs()
        except Exception as exc:  # user code
            self._tell(f"Strategy {name}: its informative pairs failed: {type(exc).__name__}: {exc}")
            return []
        wanted = []
        for pair, timeframe, candle_type in keys:
            if candle_type != "spot":
                self._tell(
                    f"Strategy {name}: informative {pair} {timeframe} {candle_type} candles are not fetched "
                    "(this bot trades spot)"
                )
            elif pair not in self.market.markets:
                self._tell(f"Strategy {name}: informative pair {pair} is not listed on {self.market.id}")
            else:
                wanted.append((pair, timeframe))
        return wanted

    def _tell(self, text: str) -> None:
        if text in self._told:
            return
        if len(self._told) >= PROBLEMS_REMEMBERED:
            self._told.clear()
        self._told.add(text)
        log.warning("%s", text)
        self.bus.publish(messages.warning(text))
