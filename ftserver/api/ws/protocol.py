"""The message WebSocket's wire protocol, as freqtrade speaks it.

Client requests are JSON objects: ``{"type": "subscribe", "data": [types]}``, ``{"type": "whitelist"}``
and ``{"type": "analyzed_df", "data": {"limit": N, "pair": optional}}``. Server frames are
``Message.to_wire()`` as JSON text. A DataFrame travels as
``{"__type__": "dataframe", "__value__": df.to_json(orient="split")}`` with dates as epoch milliseconds.

pandas is never imported here: a DataFrame is recognised by its ``to_json`` and ``columns``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import orjson

from ftserver.core.messages import Message, MessageType

MAX_ANALYZED_LIMIT = 1500
RESYNC_REQUIRED = "resync_required"
_DUMPS_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


class RequestType(StrEnum):
    SUBSCRIBE = "subscribe"
    WHITELIST = "whitelist"
    ANALYZED_DF = "analyzed_df"


class WsProtocolError(Exception):
    """A client frame we cannot act on; its text goes back to the client in an ``exception`` frame."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True, slots=True)
class WsRequest:
    type: RequestType
    types: frozenset[MessageType] = frozenset()
    limit: int = MAX_ANALYZED_LIMIT
    pair: str | None = None
    since: int | None = None  # ftserver extension: resume after this bus sequence number


# ---- requests ----------------------------------------------------------------------------------
def parse_request(text: str | bytes) -> WsRequest:
    """One client frame as a request; ``WsProtocolError`` says what is wrong with it."""
    try:
        frame = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise WsProtocolError("Invalid request: not JSON") from None
    if not isinstance(frame, dict) or "type" not in frame:
        raise WsProtocolError('Invalid request: expected a JSON object with a "type"')
    kind, data = frame["type"], frame.get("data")
    if not isinstance(kind, str) or kind not in RequestType._value2member_map_:
        raise WsProtocolError(f"Invalid request type: {kind}")
    request_type = RequestType(kind)
    if request_type is RequestType.SUBSCRIBE:
        return WsRequest(request_type, types=_subscribe_types(data), since=_since(frame.get("since")))
    if request_type is RequestType.ANALYZED_DF:
        limit, pair = _analyzed_df_options(data)
        return WsRequest(request_type, limit=limit, pair=pair)
    return WsRequest(request_type)  # whitelist: freqtrade ignores its data ("" from FreqUI)


def _subscribe_types(data: Any) -> frozenset[MessageType]:
    if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
        raise WsProtocolError("Invalid subscribe request: data must be a list of message type names")
    unknown = [t for t in data if t not in MessageType._value2member_map_]
    if unknown:
        raise WsProtocolError(f"Invalid message type in subscribe: {', '.join(unknown)}")
    return frozenset(MessageType(t) for t in data)


def _since(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise WsProtocolError(
            f"Invalid subscribe request: since must be a sequence number (integer >= 0), got {value!r}"
        )
    return value


def _analyzed_df_options(data: Any) -> tuple[int, str | None]:
    if not data:  # freqtrade treats a missing or empty data as "every pair, the full limit"
        return MAX_ANALYZED_LIMIT, None
    if not isinstance(data, dict):
        raise WsProtocolError("Invalid analyzed_df request: data must be an object with limit and pair")
    limit = data.get("limit")
    pair = data.get("pair")
    if limit is None:
        limit = MAX_ANALYZED_LIMIT
    elif isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise WsProtocolError(f"Invalid analyzed_df request: limit must be a positive integer, got {limit!r}")
    if pair is not None and (not isinstance(pair, str) or not pair):
        raise WsProtocolError(f"Invalid analyzed_df request: pair must be a pair name, got {pair!r}")
    # freqtrade clamps rather than refuses a limit above the maximum.
    return min(limit, MAX_ANALYZED_LIMIT), pair


# ---- frames ------------------------------------------------------------------------------------
def is_dataframe(obj: Any) -> bool:
    return hasattr(obj, "to_json") and hasattr(obj, "columns")


def dataframe_json(df: Any) -> str:
    """``df.to_json(orient="split")`` with datetime and timedelta values as integer milliseconds.

    The conversion is done here because pandas deprecates its own ``epoch`` date format; NaT becomes null.
    Only the temporal columns are touched (by position, so duplicate names are safe): this runs for
    every reply a cache miss encodes, and going through every column costs more than the JSON itself.
    """
    temporal = [i for i, dtype in enumerate(df.dtypes) if _is_temporal(dtype)]
    temporal_index = _is_temporal(df.index.dtype)
    if temporal or temporal_index:
        df = df.copy(deep=False)
        for i in temporal:
            df.isetitem(i, _epoch_millis(df.iloc[:, i]))
        if temporal_index:
            df.index = df.index.as_unit("ms").asi8
    return str(df.to_json(orient="split"))


def _is_temporal(dtype: Any) -> bool:
    return getattr(dtype, "kind", "") in ("M", "m")


def _epoch_millis(series: Any) -> Any:
    """A datetime or timedelta column as integer milliseconds; NaT as a missing value (null)."""
    values = series.array
    if hasattr(values, "asi8") and not values.isna().any():
        return values.as_unit("ms").asi8  # the common case, straight from the int64 array
    millis = series.dt.as_unit("ms").astype("int64")
    if series.hasnans:
        millis = millis.astype("Int64").where(series.notna())
    return millis


def dataframe_wire(df: Any) -> dict[str, str]:
    return {"__type__": "dataframe", "__value__": dataframe_json(df)}


def _default(obj: Any) -> Any:
    if is_dataframe(obj):
        return dataframe_wire(obj)
    if isinstance(obj, datetime):  # pandas Timestamp: a datetime subclass orjson refuses
        return obj.isoformat()
    raise TypeError(f"cannot encode a {type(obj).__name__} for the WebSocket")


def encode(payload: Any) -> bytes:
    """JSON (UTF-8) for a wire payload; DataFrames inside it get the dataframe encoding."""
    return orjson.dumps(payload, default=_default, option=_DUMPS_OPTIONS)


def encode_message(message: Message) -> bytes:
    return encode(message.to_wire())


def with_seq(frame: bytes, seq: int) -> bytes:
    """``frame`` (an encoded JSON object) with ``"seq"`` as its first key, for clients that resume.

    Spliced into the bytes rather than encoded again, so the hub still encodes each message once.
    """
    return b'{"seq":%d,' % seq + frame[1:]


def resync_frame(since: int, oldest: int | None, last: int) -> bytes:
    """Tells a resuming client the messages after ``since`` are gone: reload state over REST, subscribe anew."""
    return encode({"type": RESYNC_REQUIRED, "data": {"since": since, "oldest": oldest, "last": last}})


def error_frame(text: str) -> bytes:
    return encode({"type": MessageType.EXCEPTION.value, "data": text})
