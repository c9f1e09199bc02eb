"""Dates and durations as freqtrade's API writes them.

Dates are "YYYY-MM-DD HH:MM:SS" strings in UTC, timestamps are integer epoch milliseconds,
durations look like ``str(timedelta)`` without the fraction of a second. Naive datetimes are
taken to be UTC (the domain stores UTC only).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_MONTH_DAYS = 30.5  # humanize's month length, so "4 months" means what freqtrade users are used to


def format_date(dt: datetime | None) -> str | None:
    """``2026-07-28 07:25:01`` (UTC), or None."""
    if dt is None:
        return None
    if dt.utcoffset():
        dt = dt.astimezone(UTC)
    # isoformat is several times faster than strftime, and /trades formats thousands of dates.
    return dt.isoformat(" ", "seconds")[:19]


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


def _plural(count: int, unit: str) -> str:
    if count == 1:
        return "an hour" if unit == "hour" else f"a {unit}"
    return f"{count} {unit}s"


def _distance(seconds: float) -> str:
    """How far apart two moments are, in the largest unit that fits, rounded to the nearest whole unit."""
    if seconds < 60:
        return _plural(int(seconds), "second")
    minutes = round(seconds / 60)
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = round(seconds / 3600)
    if hours < 24:
        return _plural(hours, "hour")
    days = round(seconds / 86400)
    if days < _MONTH_DAYS:
        return _plural(days, "day")
    years, rest = divmod(days, 365)
    months = round(rest / _MONTH_DAYS)
    if months >= 12:  # 350+ days: closer to a whole year than to "12 months"
        years, months = years + 1, 0
    if years == 0:
        return _plural(months, "month")
    if years == 1:
        return "a year" if months == 0 else f"1 year, {months} month{'s' if months > 1 else ''}"
    return f"{years} years"


def humanize_ago(dt: datetime, now: datetime) -> str:
    """``3 hours ago``, ``4 months ago``, ``a minute ago``, ``now``; ``... from now`` for future moments."""
    seconds = (now - dt).total_seconds()
    if abs(seconds) < 1:
        return "now"
    text = _distance(abs(seconds))
    return f"{text} ago" if seconds > 0 else f"{text} from now"
