"""Marshmallow fields for settings: strict JSON scalars and the few shapes freqtrade configs use.

marshmallow on its own would accept ``"yes"`` or ``1`` for a boolean and ``"5"`` for a number; a
config is written by hand, so a value of the wrong JSON type is refused instead of guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from marshmallow import ValidationError, fields

from ftserver.data.timeframes import is_timeframe
from ftserver.data.timerange import parse_date
from ftserver.errors import InvalidRequest


def freeze(value: Any) -> Any:
    """Settings are shared by every part of the server: objects become read-only, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """A plain, mutable copy of a frozen value (for libraries that want dicts, such as ccxt)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


class StrictBool(fields.Boolean):
    """Only real JSON booleans (marshmallow would accept "yes" and 1)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a boolean (use true or false).")
        return value


class StrictNumber(fields.Float):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Not a number.")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictInt(fields.Integer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


class PathField(fields.String):
    """A folder or file name, handed out as a ``Path``."""

    # marshmallow's stubs pin String's result to str; a subclass that converts must widen it.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Path:  # type: ignore[override]
        return Path(super()._deserialize(value, attr, data, **kwargs))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class FrozenDict(fields.Dict):
    """An object passed through to a library (``ccxt_config``): read-only here, thawed where it is used."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Mapping[str, Any]:  # type: ignore[override]
        frozen: Mapping[str, Any] = freeze(super()._deserialize(value, attr, data, **kwargs))  # type: ignore[no-untyped-call]
        return frozen


class StakeAmount(fields.Field[float | str]):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float | str:
        if value == "unlimited":
            return "unlimited"
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValidationError('Must be a positive number or "unlimited".')
        return float(value)


class NumberOrMapping(fields.Field[float | Mapping[str, float]]):
    """``dry_run_wallet``: a number, or {currency: number}."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float | Mapping[str, float]:
        if isinstance(value, dict):
            for currency, amount in value.items():
                if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
                    raise ValidationError(f"Amount for {currency} must be a non-negative number.")
            return MappingProxyType({str(k): float(v) for k, v in value.items()})
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValidationError("Must be a non-negative number or an object of currency: amount.")
        return float(value)


class StringOrList(fields.Field[str | tuple[str, ...]]):
    """``ws_token``: one string or a list of strings."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | tuple[str, ...]:
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ValidationError("Must be a string or a list of strings.")


class Timeframe(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not is_timeframe(text):
            raise ValidationError(f"'{text}' is not a timeframe (e.g. 1m, 5m, 1h, 1d).")
        return text


class RoiTable(fields.Dict):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), values=StrictNumber(), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Mapping[str, float]:  # type: ignore[override]
        table = super()._deserialize(value, attr, data, **kwargs)  # type: ignore[no-untyped-call]
        for key in table:
            try:
                if float(key) < 0:
                    raise ValueError
            except ValueError:
                raise ValidationError(f"ROI key '{key}' must be a number of minutes.") from None
        return MappingProxyType(table)


class UtcDate(fields.String):
    """A moment written as a timerange side is: YYYYMMDD, YYYYMMDDHHMM or epoch seconds (kept as text)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parse_date(text)
        except InvalidRequest as exc:
            raise ValidationError(exc.message) from None
        return text


LOUDNESS = ("on", "off", "silent")


class Loudness(fields.Field[str | Mapping[str, str]]):
    """A notification setting: ``"on"``/``"off"``/``"silent"``, or for exits {exit reason or "*": that}."""

    def __init__(self, *, by_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.by_reason = by_reason

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | Mapping[str, str]:
        if isinstance(value, str) and value in LOUDNESS:
            return value
        if self.by_reason and isinstance(value, dict):
            for reason, setting in value.items():
                if setting not in LOUDNESS:
                    raise ValidationError(f"{reason}: must be one of: on, off, silent.")
            return MappingProxyType({str(k): str(v) for k, v in value.items()})
        if self.by_reason:
            raise ValidationError('Must be one of: on, off, silent, or an object of exit reason (or "*"): that.')
        raise ValidationError("Must be one of: on, off, silent.")


class EmbedLayout(fields.Field[tuple[Mapping[str, str], ...]]):
    """A Discord embed's fields as freqtrade writes them: a list of {field name: template}."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple[Mapping[str, str], ...]:
        if not isinstance(value, list):
            raise ValidationError("Must be a list of {field name: template} objects.")
        for index, item in enumerate(value):
            if not isinstance(item, dict) or not all(isinstance(v, str) for v in item.values()):
                raise ValidationError(f"Item {index} must be an object of field name: template text.")
        return tuple(MappingProxyType({str(k): v for k, v in item.items()}) for item in value)
