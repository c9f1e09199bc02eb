"""What a decision needs to know of a market: its minimum and maximum amount and value, and its
amount grid (``exchange.base.Market`` satisfies this; the backtester's markets do too)."""

from __future__ import annotations

from typing import Protocol


class MarketLimits(Protocol):
    @property
    def quote(self) -> str: ...

    @property
    def amount_precision(self) -> float | None: ...

    @property
    def min_amount(self) -> float | None: ...

    @property
    def max_amount(self) -> float | None: ...

    @property
    def min_cost(self) -> float | None: ...

    @property
    def max_cost(self) -> float | None: ...
