"""``freqtrade.enums``: ftserver's own enums where they exist, freqtrade's values for the rest."""

from __future__ import annotations

from enum import Enum, StrEnum

from ftserver.compat.missing import missing_name
from ftserver.models import BotState as State
from ftserver.models import ExitReason as ExitType
from ftserver.models import RunMode, TradingMode

__all__ = [
    "CandleType",
    "ExitType",
    "MarginMode",
    "RunMode",
    "SignalDirection",
    "SignalTagType",
    "SignalType",
    "State",
    "TradingMode",
]


class CandleType(StrEnum):
    SPOT = "spot"
    FUTURES = "futures"
    MARK = "mark"
    INDEX = "index"
    PREMIUMINDEX = "premiumIndex"
    FUNDING_RATE = "funding_rate"
    OPEN_INTEREST = "open_interest"


class SignalDirection(StrEnum):
    LONG = "long"
    SHORT = "short"


class SignalType(Enum):
    ENTER_LONG = "enter_long"
    EXIT_LONG = "exit_long"
    ENTER_SHORT = "enter_short"
    EXIT_SHORT = "exit_short"


class SignalTagType(Enum):
    ENTER_TAG = "enter_tag"
    EXIT_TAG = "exit_tag"


class MarginMode(StrEnum):
    CROSS = "cross"
    ISOLATED = "isolated"
    NONE = ""


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
