"""Timeframe strings (``"5m"``, ``"1h"``, ``"1d"``) and candle-aligned times."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ftserver.errors import InvalidRequest

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000}
_PATTERN = re.compile(r"^([1-9][0-9]{0,3})([smhdwMy])$")


def timeframe_to_seconds(timeframe: str) -> int:
    """``"5m"`` -> 300. Raises ``InvalidRequest`` naming the value when it is not a timeframe."""
    match = _PATTERN.match(timeframe or "")
    if not match:
        raise InvalidRequest(
            f"Invalid timeframe '{timeframe}': expected a number and a unit (s, m, h, d, w, M), e.g. 5m"
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def timeframe_to_minutes(timeframe: str) -> int:
    return timeframe_to_seconds(timeframe) // 60


def timeframe_to_ms(timeframe: str) -> int:
    return timeframe_to_seconds(timeframe) * 1000


def is_timeframe(value: str) -> bool:
    return bool(_PATTERN.match(value or ""))


def timeframe_to_prev_date(timeframe: str, date: datetime | None = None) -> datetime:
    """Start of the candle holding ``date`` (now when None), in UTC; an aligned date is its own start."""
    seconds = timeframe_to_seconds(timeframe)
    when = date or datetime.now(UTC)
    epoch = int(when.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)


def timeframe_to_next_date(timeframe: str, date: datetime | None = None) -> datetime:
    """Start of the candle after the one holding ``date`` (now when None), in UTC."""
    return timeframe_to_prev_date(timeframe, date) + timedelta(seconds=timeframe_to_seconds(timeframe))


def date_minus_candles(timeframe: str, candle_count: int, date: datetime | None = None) -> datetime:
    """Start of the candle ``candle_count`` candles before the one holding ``date`` (now when None)."""
    return timeframe_to_prev_date(timeframe, date) - timedelta(seconds=timeframe_to_seconds(timeframe) * candle_count)


def timeframe_to_resample_freq(timeframe: str) -> str:
    """The pandas resample rule for a timeframe: seconds, weeks starting Monday, months from the 1st."""
    if timeframe == "1y":
        return "1YS"
    seconds = timeframe_to_seconds(timeframe)
    minutes = seconds // 60
    if 10000 < minutes < 43200:
        return "1W-MON"
    if 43200 <= minutes < 525600:
        return f"{timeframe}S"
    if minutes > 43200:
        return timeframe
    return f"{seconds}s"
