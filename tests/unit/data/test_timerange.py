from datetime import UTC, datetime

import pytest

from ftserver.data.timerange import TimeRange, parse_timerange
from ftserver.errors import InvalidRequest


@pytest.mark.parametrize(
    ("text", "start", "stop"),
    [
        ("20240101-20240301", datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)),
        ("20240101-", datetime(2024, 1, 1, tzinfo=UTC), None),
        ("-20240301", None, datetime(2024, 3, 1, tzinfo=UTC)),
        ("202401011230-", datetime(2024, 1, 1, 12, 30, tzinfo=UTC), None),
        ("1704067200-1709251200", datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)),
        ("1704067200000-", datetime(2024, 1, 1, tzinfo=UTC), None),
    ],
)
def test_accepted_forms(text: str, start: datetime | None, stop: datetime | None) -> None:
    assert parse_timerange(text) == TimeRange(start, stop)


def test_empty_is_open_range() -> None:
    assert parse_timerange(None) == TimeRange()
    assert parse_timerange("") == TimeRange()


@pytest.mark.parametrize("text", ["-", "2024-01-01", "20240101", "20241301-", "20240301-20240101", "abc-def"])
def test_rejected_forms_name_the_value(text: str) -> None:
    with pytest.raises(InvalidRequest, match="Invalid timerange"):
        parse_timerange(text)


def test_millisecond_properties_and_str() -> None:
    tr = parse_timerange("20240101-202403011200")
    assert tr.start_ms == 1704067200000
    assert str(tr) == "20240101-202403011200"
