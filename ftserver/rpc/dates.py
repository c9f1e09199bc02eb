"""Date formats of freqtrade's API: "YYYY-MM-DD HH:MM:SS" strings (UTC) and epoch-millisecond integers."""

from __future__ import annotations

from datetime import datetime, timedelta


def format_date(dt: datetime | None) -> str | None:
    return None if dt is None else dt.strftime("%Y-%m-%d %H:%M:%S")


def to_ms(dt: datetime | None) -> int | None:
    return None if dt is None else int(dt.timestamp() * 1000)


def format_duration(delta: timedelta) -> str:
    """``7:35:47`` or ``2 days, 3:04:05`` (like ``str(timedelta)``, without microseconds)."""
    return str(timedelta(seconds=int(delta.total_seconds())))


def humanize_ago(dt: datetime, now: datetime) -> str:
    seconds = (now - dt).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    units = [(365 * 86400, "year"), (30 * 86400, "month"), (86400, "day"), (3600, "hour"), (60, "minute")]
    text = "just now" if seconds < 45 else "a minute"
    for size, name in units:
        if (seconds >= size * 0.75 and size > 60) or (size == 60 and seconds >= 45):
            count = max(1, round(seconds / size))
            text = f"{'a' if name != 'hour' else 'an'} {name}" if count == 1 else f"{count} {name}s"
            break
    if text == "just now":
        return text
    return f"in {text}" if future else f"{text} ago"
