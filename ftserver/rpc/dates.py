"""Dates and durations as freqtrade's API writes them.

Dates are "YYYY-MM-DD HH:MM:SS" strings in UTC, timestamps are integer epoch milliseconds,
durations look like ``str(timedelta)`` without the fraction of a second. Naive datetimes are
taken to be UTC (the domain stores UTC only).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import overload

import humanize

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)


@overload
def format_date(dt: datetime) -> str: ...
@overload
def format_date(dt: None) -> None: ...
@overload
def format_date(dt: datetime | None) -> str | None: ...
def format_date(dt: datetime | None) -> str | None:
    """``2026-07-28 07:25:01`` (UTC), or None."""
    if dt is None:
        return None
    if dt.utcoffset():
        dt = dt.astimezone(UTC)
    # isoformat is several times faster than strftime, and /trades formats thousands of dates.
    return dt.isoformat(" ", "seconds")[:19]


@overload
def to_ms(dt: datetime) -> int: ...
@overload
def to_ms(dt: None) -> None: ...
@overload
def to_ms(dt: datetime | None) -> int | None: ...
def to_ms(dt: datetime | None) -> int | None:
    """Epoch milliseconds (integer arithmetic, so sub-millisecond parts always round down), or None."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return (dt - _EPOCH) // _ONE_MS


def format_duration(delta: timedelta) -> str:
    """``7:35:47`` or ``2 days, 3:04:05``: whole seconds, the fraction cut off."""
    return str(delta - timedelta(microseconds=delta.microseconds))


def humanize_ago(dt: datetime, now: datetime) -> str:
    """``3 hours ago``, ``4 months ago``, ``a minute ago``, ``now``; ``... from now`` for future moments.

    The wording is the humanize package's, the library freqtrade words these fields with.
    """
    return humanize.naturaltime(dt, when=now)
