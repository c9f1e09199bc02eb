"""``freqtrade.enums`` with freqtrade 2026.9's members and values.

ftserver's own enum is reused where it has exactly freqtrade's members (TradingMode). The others
are defined here; the string-valued ones are StrEnums, so they compare equal to the plain strings
and ftserver enum members the bot hands to strategies (``RunMode.LIVE == "live"``).
"""

from __future__ import annotations

from enum import Enum, StrEnum

from ftserver.compat.missing import missing_name
from ftserver.models import TradingMode

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


class RunMode(StrEnum):
    LIVE = "live"
    DRY_RUN = "dry_run"
    BACKTEST = "backtest"
    HYPEROPT = "hyperopt"
    UTIL_EXCHANGE = "util_exchange"
    UTIL_NO_EXCHANGE = "util_no_exchange"
    PLOT = "plot"
    WEBSERVER = "webserver"
    OTHER = "other"


class CandleType(StrEnum):
    SPOT = "spot"
    FUTURES = "futures"
    MARK = "mark"
    INDEX = "index"
    PREMIUMINDEX = "premiumIndex"
    FUNDING_RATE = "funding_rate"
    OPEN_INTEREST = "open_interest"

    @staticmethod
    def from_string(value: str) -> CandleType:
        # An empty candle type in a pair key means spot.
        return CandleType(value) if value else CandleType.SPOT

    @staticmethod
    def get_default(trading_mode: str) -> CandleType:
        return CandleType.FUTURES if trading_mode == "futures" else CandleType.SPOT


class SignalType(StrEnum):
    ENTER_LONG = "enter_long"
    EXIT_LONG = "exit_long"
    ENTER_SHORT = "enter_short"
    EXIT_SHORT = "exit_short"


class SignalTagType(StrEnum):
    ENTER_TAG = "enter_tag"
    EXIT_TAG = "exit_tag"


class SignalDirection(StrEnum):
    LONG = "long"
    SHORT = "short"


class ExitType(StrEnum):
    # A StrEnum (freqtrade's is a plain Enum whose str() is the value) so that it also equals the
    # exit reasons ftserver records on trades.
    ROI = "roi"
    STOP_LOSS = "stop_loss"
    STOPLOSS_ON_EXCHANGE = "stoploss_on_exchange"
    TRAILING_STOP_LOSS = "trailing_stop_loss"
    LIQUIDATION = "liquidation"
    EXIT_SIGNAL = "exit_signal"
    FORCE_EXIT = "force_exit"
    EMERGENCY_EXIT = "emergency_exit"
    CUSTOM_EXIT = "custom_exit"
    PARTIAL_EXIT = "partial_exit"
    SOLD_ON_EXCHANGE = "sold_on_exchange"
    NONE = ""


class MarginMode(StrEnum):
    CROSS = "cross"
    ISOLATED = "isolated"
    NONE = ""


class State(Enum):
    RUNNING = 1
    PAUSED = 2
    STOPPED = 3
    RELOAD_CONFIG = 4

    def __str__(self) -> str:
        return self.name.lower()


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
