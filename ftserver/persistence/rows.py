"""Row <-> dataclass mapping, derived once from the dataclass fields.

Storage forms: aware UTC datetimes as integer epoch milliseconds, enums as their string values,
booleans as 0/1, everything else as is; ``None`` stays ``NULL``. Sub-millisecond parts of a
datetime are dropped (floored), so a datetime with whole milliseconds round-trips exactly.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
import types
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union, get_args, get_origin, get_type_hints

from ftserver.errors import InvalidRequest

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_ONE_US = timedelta(microseconds=1)

T = TypeVar("T", bound="DataclassInstance")
Converter = Callable[[Any], Any]


def epoch_ms(value: datetime) -> int:
    """Epoch milliseconds, computed with integer arithmetic so no millisecond is lost to float rounding."""
    if value.tzinfo is None:
        raise InvalidRequest(f"naive datetime {value.isoformat()} cannot be stored: dates must be timezone-aware UTC")
    return (value - _EPOCH) // _ONE_MS


def to_ms(value: datetime | None) -> int | None:
    return None if value is None else epoch_ms(value)


def epoch_us(value: datetime) -> int:
    """Epoch microseconds, exactly (custom data keeps its times whole, as freqtrade stores them)."""
    if value.tzinfo is None:
        raise InvalidRequest(f"naive datetime {value.isoformat()} cannot be stored: dates must be timezone-aware UTC")
    return (value - _EPOCH) // _ONE_US


def to_us(value: datetime | None) -> int | None:
    return None if value is None else epoch_us(value)


def from_us(value: int | None) -> datetime | None:
    # Integer arithmetic: a float of epoch seconds with six decimals can be one microsecond off.
    return None if value is None else _EPOCH + timedelta(microseconds=value)


def from_ms(value: int | None) -> datetime | None:
    # fromtimestamp rounds to the nearest microsecond, and value / 1000 is off by far less than half a
    # microsecond for any date before the year 2200, so this is exact to the millisecond, and several
    # times faster than adding a timedelta to the epoch (it runs for every date of every row loaded).
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def _unwrap_optional(hint: Any) -> Any:
    if get_origin(hint) in (Union, types.UnionType):
        args = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _enum_value(value: enum.Enum) -> Any:
    return value.value


def _enum_by_value(cls: type[enum.Enum]) -> Converter:
    # A dict lookup is several times faster than calling the enum class, and runs for every row.
    return {member.value: member for member in cls}.__getitem__


def _converters(hint: Any) -> tuple[Converter | None, Converter | None]:
    """(encoder, decoder) for one field type; ``None`` where the value is stored as is."""
    hint = _unwrap_optional(hint)
    if hint is datetime:
        return to_ms, from_ms
    if hint is bool:
        return int, bool
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_value, _enum_by_value(hint)
    return None, None


class RowMapping(Generic[T]):
    """How one dataclass is stored in one table.

    ``read_columns`` are every stored field in dataclass order, so a row (selected with
    ``select_list``) converts positionally. ``write_columns`` leave out ``id`` and any field the
    repository stamps itself (``stamped``), which are appended as extra columns on writes.
    ``shared`` names text columns with few distinct values (pair, exchange, exit reason): each
    loaded row gets the one interned string instead of a copy of its own, which is a quarter of
    the memory of 10,000 trades held for the statistics.
    """

    def __init__(
        self,
        cls: type[T],
        table: str,
        *,
        not_stored: Iterable[str] = (),
        stamped: Sequence[str] = (),
        shared: Iterable[str] = (),
    ) -> None:
        hints = get_type_hints(cls)
        all_fields = [f.name for f in dataclasses.fields(cls)]
        skipped = set(not_stored)
        fields = [name for name in all_fields if name not in skipped]
        if all_fields[: len(fields)] != fields:
            # Rows are turned into objects positionally, which needs the unstored fields at the end.
            raise TypeError(f"{cls.__name__}: fields not stored ({sorted(skipped)}) must be the last fields")
        self.cls = cls
        self.table = table
        self.read_columns = fields
        self._width = len(fields)
        self.write_columns = [name for name in fields if name != "id" and name not in stamped]
        self.select_list = ", ".join(fields)
        converters = {name: _converters(hints[name]) for name in fields}
        for name in shared:
            converters[name] = (converters[name][0], sys.intern)
        self._encoders = [(i, enc) for i, name in enumerate(self.write_columns) if (enc := converters[name][0])]
        self._decoders = [(i, dec) for i, name in enumerate(fields) if (dec := converters[name][1])]
        written = [*self.write_columns, *stamped]
        self.insert_sql = f"INSERT INTO {table} ({', '.join(written)}) VALUES ({', '.join('?' for _ in written)})"
        self.update_sql = f"UPDATE {table} SET {', '.join(f'{name} = ?' for name in written)} WHERE id = ?"
        # Rows brought from another database keep their ids (append the id after the values).
        self.insert_keeping_id_sql = (
            f"INSERT INTO {table} ({', '.join([*written, 'id'])}) VALUES ({', '.join('?' for _ in [*written, 'id'])})"
        )

    def values(self, obj: T, *stamps: Any) -> list[Any]:
        """Parameters for ``insert_sql`` (append the id for ``update_sql``)."""
        values = [getattr(obj, name) for name in self.write_columns]
        for index, encode in self._encoders:
            value = values[index]
            if value is not None:
                values[index] = encode(value)
        values.extend(stamps)
        return values

    def build(self, row: Sequence[Any]) -> T:
        """A dataclass from a row selected with ``select_list`` (extra trailing columns are ignored)."""
        values = list(row) if len(row) == self._width else list(row[: self._width])
        for index, decode in self._decoders:
            value = values[index]
            if value is not None:
                values[index] = decode(value)
        return self.cls(*values)
