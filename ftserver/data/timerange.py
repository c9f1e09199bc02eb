"""Timeranges as freqtrade accepts them: ``20240101-``, ``-20240301``, ``20240101-20240301``.

Each side may be a date (YYYYMMDD), a date and time (YYYYMMDDHHMM), epoch seconds (10 digits) or
epoch milliseconds (13 digits). Either side may be empty (open-ended), not both. ``parse_date``
reads one such date on its own (where a config names a moment, e.g. ``exchange.sim.replay.start``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ftserver.errors import InvalidRequest

_DATE = r"(\d{8}|\d{10}|\d{12}|\d{13})"
_PATTERN = re.compile(rf"^{_DATE}?-{_DATE}?$")
_ONE_DATE = re.compile(rf"^{_DATE}$")


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: datetime | None = None
    stop: datetime | None = None

    @property
    def start_ms(self) -> int | None:
        return None if self.start is None else int(self.start.timestamp() * 1000)

    @property
    def stop_ms(self) -> int | None:
        return None if self.stop is None else int(self.stop.timestamp() * 1000)

    def __str__(self) -> str:
        def fmt(dt: datetime | None) -> str:
            return "" if dt is None else dt.strftime("%Y%m%d%H%M" if dt.hour or dt.minute else "%Y%m%d")

        return f"{fmt(self.start)}-{fmt(self.stop)}"


def _to_datetime(text: str) -> datetime:
    """One side of a timerange (already matched by ``_DATE``) as a UTC datetime; ValueError if no such date."""
    if len(text) == 8:
        return datetime.strptime(text, "%Y%m%d").replace(tzinfo=UTC)
    if len(text) == 12:
        return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=UTC)
    if len(text) == 10:
        return datetime.fromtimestamp(int(text), tz=UTC)
    return datetime.fromtimestamp(int(text) / 1000, tz=UTC)


def _parse_side(text: str | None, value: str) -> datetime | None:
    if not text:
        return None
    try:
        return _to_datetime(text)
    except ValueError as exc:
        raise InvalidRequest(f"Invalid timerange '{value}': {exc}") from None


def parse_date(value: str) -> datetime:
    """One date written as a timerange's side is (YYYYMMDD, YYYYMMDDHHMM, epoch seconds or ms), in UTC."""
    text = str(value).strip()
    try:
        if _ONE_DATE.match(text):
            return _to_datetime(text)
    except ValueError:
        pass
    raise InvalidRequest(f"Invalid date '{value}': expected YYYYMMDD, YYYYMMDDHHMM or epoch seconds (UTC)")


def parse_timerange(value: str | None) -> TimeRange:
    """Parse a timerange; ``None`` or ``""`` is the open range. Errors name the value and the formats."""
    if not value:
        return TimeRange()
    match = _PATTERN.match(value.strip())
    if not match or not (match.group(1) or match.group(2)):
        raise InvalidRequest(
            f"Invalid timerange '{value}': expected START-STOP with dates as YYYYMMDD, YYYYMMDDHHMM or epoch "
            "seconds, either side may be empty (e.g. 20240101-20240301, 20240101-, -20240301)"
        )
    start = _parse_side(match.group(1), value)
    stop = _parse_side(match.group(2), value)
    if start and stop and start >= stop:
        raise InvalidRequest(f"Invalid timerange '{value}': the start must be before the stop")
    return TimeRange(start, stop)
