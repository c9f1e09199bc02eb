"""The message WebSocket's wire protocol, as freqtrade speaks it.

Client requests: ``{"type": "subscribe", "data": [types]}``, ``{"type": "whitelist"}``,
``{"type": "analyzed_df", "data": {"limit": N, "pair": optional}}``. Server messages are
``Message.to_wire()`` as JSON text; DataFrames travel as
``{"__type__": "dataframe", "__value__": df.to_json(orient="split")}`` (dates as epoch ms).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from ftserver.core.messages import Message, MessageType

MAX_ANALYZED_LIMIT = 1500
REQUEST_TYPES = ("subscribe", "whitelist", "analyzed_df")


class WsProtocolError(Exception):
    """A client frame we cannot act on; its text goes back to the client as an exception message."""


@dataclass(frozen=True, slots=True)
class WsRequest:
    type: str
    types: frozenset[MessageType] = frozenset()
    limit: int | None = None
    pair: str | None = None


def dataframe_to_json(df: Any) -> str:
    """``df.to_json(orient="split")`` with datetime columns as epoch milliseconds, as freqtrade sends them.

    Dates are converted by hand: pandas deprecates its own epoch date format.
    """
    frame = df.copy()
    for column in frame.columns:
        if str(frame[column].dtype).startswith("datetime64"):
            frame[column] = frame[column].dt.as_unit("ms").astype("int64")
    return str(frame.to_json(orient="split"))


def _default(obj: Any) -> Any:
    if hasattr(obj, "to_json") and hasattr(obj, "columns"):
        return {"__type__": "dataframe", "__value__": dataframe_to_json(obj)}
    raise TypeError(f"cannot encode {type(obj).__name__}")


def encode(payload: Any) -> str:
    return orjson.dumps(payload, default=_default, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def encode_message(message: Message) -> str:
    return encode(message.to_wire())


def error_frame(text: str) -> str:
    return encode({"type": MessageType.EXCEPTION.value, "data": text})


def parse_request(text: str | bytes) -> WsRequest:
    try:
        frame = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise WsProtocolError("Invalid request: not JSON") from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise WsProtocolError("Invalid request: expected an object with a type")
    kind, data = frame["type"], frame.get("data")
    if kind not in REQUEST_TYPES:
        raise WsProtocolError(f"Invalid request type: {kind}")
    if kind == "subscribe":
        if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
            raise WsProtocolError("Invalid subscribe request: data must be a list of message types")
        unknown = [t for t in data if t not in MessageType._value2member_map_]
        if unknown:
            raise WsProtocolError(f"Invalid message type in subscribe: {', '.join(unknown)}")
        return WsRequest(kind, types=frozenset(MessageType(t) for t in data))
    if kind == "analyzed_df":
        options = data if isinstance(data, dict) else {}
        limit = options.get("limit")
        pair = options.get("pair")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise WsProtocolError("Invalid analyzed_df request: limit must be a positive integer")
        if pair is not None and not isinstance(pair, str):
            raise WsProtocolError("Invalid analyzed_df request: pair must be a string")
        return WsRequest(kind, limit=min(limit or MAX_ANALYZED_LIMIT, MAX_ANALYZED_LIMIT), pair=pair)
    return WsRequest(kind)
