"""Figures the trading loop, its exchange calls and the database record as they work, for ``GET /metrics``.

Standard library only, so the bot and the database may record into them without knowing of any
metrics library or front end; the API's collector reads them when scraped. Everything runs on the
event loop's thread, so plain counters suffice. Label sets are capped: values the strategy chooses
(enter tags) cannot grow the series without bound.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

Labels = tuple[str, ...]

# Where an API request or an exchange call falls (seconds).
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A loop iteration: milliseconds between candles, about a second for 200 pairs on a new candle.
ITERATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# Where label sets beyond the cap are counted.
OVERFLOW_LABEL = "(other)"


@dataclass(slots=True)
class DurationSeries:
    """One histogram series: observations per bucket (not cumulative; the last one is +Inf), sum, count."""

    per_bucket: list[int]
    total: float = 0.0
    count: int = 0

    def cumulative(self, bounds: Sequence[float]) -> list[tuple[float, int]]:
        """(upper bound, observations at or below it), ending with (+Inf, count): Prometheus' buckets."""
        running, rows = 0, []
        for bound, observed in zip([*bounds, float("inf")], self.per_bucket, strict=True):
            running += observed
            rows.append((bound, running))
        return rows


class Durations:
    """A histogram of durations by label set."""

    def __init__(self, buckets: Sequence[float], *, max_series: int = 100) -> None:
        self.buckets = tuple(buckets)
        self._max_series = max_series
        self._series: dict[Labels, DurationSeries] = {}

    def observe(self, seconds: float, *labels: str) -> None:
        series = self._series.get(labels)
        if series is None:
            if len(self._series) >= self._max_series:
                labels = tuple(OVERFLOW_LABEL for _ in labels)
            series = self._series.setdefault(labels, DurationSeries([0] * (len(self.buckets) + 1)))
        series.per_bucket[bisect.bisect_left(self.buckets, seconds)] += 1
        series.total += seconds
        series.count += 1

    def series(self) -> dict[Labels, DurationSeries]:
        return self._series


class Tally:
    """A counter by label set."""

    def __init__(self, *, max_series: int = 100) -> None:
        self._max_series = max_series
        self._counts: dict[Labels, int] = {}

    def add(self, *labels: str) -> None:
        if labels not in self._counts and len(self._counts) >= self._max_series:
            labels = tuple(OVERFLOW_LABEL for _ in labels)
        self._counts[labels] = self._counts.get(labels, 0) + 1

    def counts(self) -> dict[Labels, int]:
        return self._counts


@dataclass(frozen=True, slots=True)
class Instruments:
    """What one server records; the composition root makes one and hands it to each part that measures."""

    # Each trading loop iteration, from taking the bot's lock to the end of its work.
    loop_iterations: Durations = field(default_factory=lambda: Durations(ITERATION_BUCKETS))
    # Each call the bot makes to its exchange ports, by method (the count is the number of calls).
    exchange_calls: Durations = field(default_factory=lambda: Durations(LATENCY_BUCKETS))
    # Calls that raised, by method and error class.
    exchange_errors: Tally = field(default_factory=Tally)
    # Each write transaction of the trade database, committed or not, waiting for the writer included.
    db_writes: Durations = field(default_factory=lambda: Durations(LATENCY_BUCKETS))
    # Trades the bot opened since the process started, by enter tag.
    trades_opened: Tally = field(default_factory=Tally)
