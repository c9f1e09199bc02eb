"""Message types carried by the bus, with freqtrade's RPC message type values.

A ``Message`` is immutable once published. The bus stamps it with a strictly increasing ``seq``
so that consumers can detect gaps and, later, resume a stream from a sequence number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class MessageType(StrEnum):
    STATUS = "status"
    WARNING = "warning"
    EXCEPTION = "exception"
    STARTUP = "startup"
    ENTRY = "entry"
    ENTRY_FILL = "entry_fill"
    ENTRY_CANCEL = "entry_cancel"
    EXIT = "exit"
    EXIT_FILL = "exit_fill"
    EXIT_CANCEL = "exit_cancel"
    PROTECTION_TRIGGER = "protection_trigger"
    PROTECTION_TRIGGER_GLOBAL = "protection_trigger_global"
    LIQUIDATION_WARNING = "liquidation_warning"
    STRATEGY_MSG = "strategy_msg"
    WHITELIST = "whitelist"
    ANALYZED_DF = "analyzed_df"
    NEW_CANDLE = "new_candle"
    # ftserver's own: a webserver-mode background job changed (created, progressed, finished, deleted).
    BACKGROUND_JOB = "background_job"


# These travel as {"type": ..., "data": ...}; every other type is a flat dict {"type": ..., **fields}.
DATA_MESSAGE_TYPES: frozenset[MessageType] = frozenset(
    {MessageType.WHITELIST, MessageType.ANALYZED_DF, MessageType.NEW_CANDLE}
)

# Chatty types that are not written to the log when published.
NO_ECHO_MESSAGE_TYPES: frozenset[MessageType] = DATA_MESSAGE_TYPES | {MessageType.BACKGROUND_JOB}


@dataclass(frozen=True, slots=True)
class Message:
    """One event. ``data`` is the payload: a mapping of fields, or for data messages any JSON-able value.

    ``data`` may hold a pandas DataFrame (``analyzed_df``); the WebSocket layer knows how to encode it.
    """

    type: MessageType
    data: Any
    seq: int = 0

    def to_wire(self) -> dict[str, Any]:
        """The freqtrade wire shape of this message (before JSON encoding)."""
        if self.type in DATA_MESSAGE_TYPES or not isinstance(self.data, Mapping):
            return {"type": self.type.value, "data": self.data}
        return {"type": self.type.value, **self.data}


def status(text: str) -> Message:
    return Message(MessageType.STATUS, {"status": text})


def warning(text: str) -> Message:
    return Message(MessageType.WARNING, {"status": text})


def startup(text: str) -> Message:
    return Message(MessageType.STARTUP, {"status": text})


def exception(text: str) -> Message:
    return Message(MessageType.EXCEPTION, {"status": text})


def strategy_msg(text: str) -> Message:
    return Message(MessageType.STRATEGY_MSG, {"msg": text})


def whitelist(pairs: list[str]) -> Message:
    return Message(MessageType.WHITELIST, list(pairs))


def new_candle(pair: str, timeframe: str, candle_type: str = "spot") -> Message:
    return Message(MessageType.NEW_CANDLE, [pair, timeframe, candle_type])


def analyzed_df(pair: str, timeframe: str, candle_type: str, df: Any, last_analyzed: datetime) -> Message:
    return Message(MessageType.ANALYZED_DF, {"key": [pair, timeframe, candle_type], "df": df, "la": last_analyzed})


def trade_event(kind: MessageType, fields: Mapping[str, Any]) -> Message:
    """entry / entry_fill / entry_cancel / exit / exit_fill / exit_cancel with freqtrade's fields."""
    return Message(kind, dict(fields))


def background_job(status: Mapping[str, Any]) -> Message:
    """A background job's status, in the shape ``/background/{jobid}`` answers."""
    return Message(MessageType.BACKGROUND_JOB, dict(status))
