"""The standard-library histograms and counters the bot and the database record into."""

from __future__ import annotations

from ftserver.core.instruments import OVERFLOW_LABEL, Durations, Tally


def test_a_duration_on_a_bucket_bound_counts_in_that_bucket_as_prometheus_le_does() -> None:
    durations = Durations((0.1, 1.0))
    for seconds in (0.05, 0.1, 0.5, 1.0, 3.0):
        durations.observe(seconds, "fetch_ohlcv")
    series = durations.series()[("fetch_ohlcv",)]
    # At or below 0.1: 0.05 and 0.1; at or below 1.0: those and 0.5 and 1.0; +Inf: all five.
    assert series.cumulative(durations.buckets) == [(0.1, 2), (1.0, 4), (float("inf"), 5)]
    assert series.count == 5
    assert series.total == 4.65


def test_label_sets_beyond_the_cap_are_counted_together() -> None:
    tally = Tally(max_series=2)
    for tag in ("a", "b", "c", "d", "a"):
        tally.add(tag)
    assert tally.counts() == {("a",): 2, ("b",): 1, (OVERFLOW_LABEL,): 2}
    durations = Durations((1.0,), max_series=1)
    durations.observe(0.5, "place_order", "x")
    durations.observe(0.5, "cancel_order", "y")
    assert set(durations.series()) == {("place_order", "x"), (OVERFLOW_LABEL, OVERFLOW_LABEL)}
