"""What every pairlist handler shares: its declared options, the market view it reads, its two roles.

A chain starts with a generator (it produces pairs from the market) and continues with filters (each
takes the list before it and returns a shorter or reordered one). Every handler reads one
``PairlistContext`` built per refresh: the markets, the tickers fetched once for the whole chain, and
a candle reader with a per-refresh cache, so two handlers asking for the same daily candles cost one
request and no handler ever fetches a ticker per pair.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from ftserver.exchange.base import Candle, Market, Ticker

OptionType = Literal["number", "string", "boolean", "option", "list"]


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a handler, as ``/pairlists/available`` describes it and the config loader checks it."""

    type: OptionType
    default: Any
    description: str
    help: str
    options: tuple[str, ...] = ()
    required: bool = False
    integer: bool = False  # a count: 2.5 assets is refused
    signed: bool = False  # a percent change may be below zero; counts, prices and ratios may not

    def check(self, value: Any) -> str | None:
        """Why ``value`` cannot be this option's value, or None."""
        if value is None:
            return "Field may not be null." if self.required or self.default is not None else None
        if self.type == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return "Not a valid number."
            if self.integer and not float(value).is_integer():
                return "Not a valid integer."
            if value < 0 and not self.signed:
                return "Must be greater than or equal to 0."
        elif self.type == "boolean" and not isinstance(value, bool):
            return "Not a valid boolean."
        elif self.type in ("string", "option") and not isinstance(value, str):
            return "Not a valid string."
        elif self.type == "list" and not isinstance(value, list):
            return "Not a valid list."
        if self.type == "option" and value not in self.options:
            return f"Must be one of: {', '.join(repr(o) for o in self.options)}."
        return None

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"type": self.type, "default": self.default}
        if self.type == "option":
            described["options"] = list(self.options)
        described["description"] = self.description
        described["help"] = self.help
        return described


CandleReader = Callable[[str, str, int], Awaitable[list[Candle]]]


@dataclass(slots=True)
class PairlistContext:
    """The market as one refresh sees it."""

    now: datetime
    stake_currency: str
    configured: Sequence[str]  # exchange.pair_whitelist
    markets: Mapping[str, Market]
    tickers: Mapping[str, Ticker]
    read_candles: CandleReader  # (pair, timeframe, count) -> the newest ``count`` closed candles
    timeframe: str = "5m"
    stoploss: float = -0.1
    max_open_trades: int = -1
    open_trade_count: int = 0
    # Closed-trade results per pair since the filter's window: {pair: (sum of profit ratios, count)}.
    performance: Callable[[datetime | None], Awaitable[Mapping[str, tuple[float, int]]]] | None = None
    # Consumer mode: the whitelist each producer last sent.
    producer_pairs: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Markets the blacklist names: a generator ranks without them, so they take no slot.
    blacklisted: frozenset[str] = frozenset()


class PairlistHandler(ABC):
    """One step of the chain. Subclasses declare ``OPTIONS`` and override ``generate`` and/or ``filter``."""

    DESCRIPTION: ClassVar[str]
    OPTIONS: ClassVar[Mapping[str, Option]] = {}
    IS_GENERATOR: ClassVar[bool] = False
    # How a backtest treats it, in freqtrade's words: "yes", "no", "no_action" or "biased".
    SUPPORTS_BACKTESTING: ClassVar[str] = "yes"
    # Handlers that read tickers make the chain fetch them (once, for all handlers).
    NEEDS_TICKERS: ClassVar[bool] = False

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = {name: options.get(name, option.default) for name, option in self.OPTIONS.items()}

    @property
    def name(self) -> str:
        return type(self).__name__

    async def generate(self, ctx: PairlistContext) -> list[str]:
        """The pairs this handler produces at the head of a chain."""
        raise TypeError(f"{self.name} is a filter and cannot start a pairlist chain")

    async def filter(self, pairs: list[str], ctx: PairlistContext) -> list[str]:
        """``pairs`` after this step (a generator used later in the chain filters by its own rule)."""
        return pairs

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The ``/pairlists/available`` entry."""
        return {
            "name": cls.__name__,
            "is_pairlist_generator": cls.IS_GENERATOR,
            "params": {name: option.describe() for name, option in cls.OPTIONS.items()},
            "description": cls.DESCRIPTION,
            "supports_backtesting": cls.SUPPORTS_BACKTESTING,
        }


def tradable_markets(ctx: PairlistContext) -> list[str]:
    """Active spot markets quoted in the stake currency and not blacklisted, in the exchange's order."""
    return [
        symbol
        for symbol, market in ctx.markets.items()
        if market.active
        and market.quote == ctx.stake_currency
        and not market.contract
        and symbol not in ctx.blacklisted
    ]


def lookback(options: Mapping[str, Any], default_timeframe: str = "1d") -> tuple[str, int]:
    """(timeframe, candle count) from ``lookback_days`` or ``lookback_timeframe``/``lookback_period``."""
    if options.get("lookback_days"):
        return "1d", int(options["lookback_days"])
    return str(options.get("lookback_timeframe") or default_timeframe), int(options.get("lookback_period") or 0)


def refresh_option(default: float = 1800) -> Option:
    return Option("number", default, "Refresh period", "Seconds between two evaluations of this step.")


LOOKBACK_OPTIONS: dict[str, Option] = {
    "lookback_days": Option("number", None, "Lookback days", "Days to look back; implies a 1d lookback timeframe."),
    "lookback_timeframe": Option("string", "1d", "Lookback timeframe", "Candle size used for the lookback."),
}
