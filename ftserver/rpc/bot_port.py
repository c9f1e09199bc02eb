"""The narrow view of the trading bot that the RPC facade needs. ``TradingLoop`` satisfies it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from ftserver.models import BotState, CurrencyBalance, PairLock, StrategyInfo, Trade


class HealthView(Protocol):
    # Read-only members: the bot hands out a frozen snapshot, and the facade only reads it.
    @property
    def last_process(self) -> datetime | None: ...

    @property
    def bot_start(self) -> datetime | None: ...

    @property
    def bot_startup(self) -> datetime: ...

    @property
    def storage_failure(self) -> str | None: ...


class MarketView(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def markets(self) -> dict[str, Any]: ...

    @property
    def timeframes(self) -> list[str]: ...


class BotPort(Protocol):
    # Properties, not attributes: the facade reads these and never assigns them, which also lets the
    # bot's own, richer types stand in for the views (a mutable protocol attribute would be invariant).
    @property
    def state(self) -> BotState: ...

    @property
    def market(self) -> MarketView: ...

    @property
    def timeframe(self) -> str: ...

    @property
    def open_trades(self) -> list[Trade]: ...

    @property
    def whitelist(self) -> list[str]: ...

    @property
    def pairlist_methods(self) -> list[str]:
        """The pairlist chain's handler names, in order."""
        ...

    @property
    def realized_profit(self) -> float: ...

    def current_rate(self, pair: str) -> float | None: ...

    def current_rates(self) -> dict[str, float]: ...

    def health(self) -> HealthView: ...

    def strategy_info(self) -> StrategyInfo: ...

    @property
    def starting_capital(self) -> float:
        """The tradable share of the starting balance, or ``available_capital`` (freqtrade's figure)."""
        ...

    @property
    def starting_balance(self) -> float:
        """The whole starting balance of the stake currency."""
        ...

    def total_stake(self) -> float:
        """What the bot trades with now (freqtrade's total stake amount), in the stake currency."""
        ...

    def balances(self) -> list[CurrencyBalance]: ...

    @property
    def blacklist(self) -> list[str]: ...

    def expanded_blacklist(self) -> tuple[list[str], dict[str, str]]: ...

    def analyzed(self, pair: str, timeframe: str | None = None) -> tuple[Any, datetime] | None: ...

    async def market_candles(self, pair: str, timeframe: str, limit: int) -> tuple[Any, datetime]:
        """Plain closed OHLCV candles from the market (a timeframe the strategy does not analyze)."""
        ...

    async def start(self) -> str: ...

    async def stop(self) -> str: ...

    async def pause(self) -> str: ...

    async def reload_config(self) -> str: ...

    async def force_enter(
        self,
        pair: str,
        *,
        side: str = "long",
        price: float | None = None,
        order_type: str | None = None,
        stake_amount: float | None = None,
        enter_tag: str | None = None,
        leverage: float | None = None,
    ) -> Trade: ...

    async def force_exit(
        self,
        trade_id: int | None,
        *,
        order_type: str | None = None,
        amount: float | None = None,
        price: float | None = None,
    ) -> list[Trade]: ...

    async def delete_trade(self, trade_id: int) -> int: ...

    async def cancel_open_order(self, trade_id: int) -> Trade: ...

    async def reload_trade(self, trade_id: int) -> Trade: ...

    async def add_blacklist(self, pairs: list[str]) -> dict[str, str]: ...

    async def remove_blacklist(self, pairs: list[str]) -> None: ...

    async def lock_pair(self, pair: str, until: datetime, reason: str | None, side: str) -> PairLock: ...

    async def unlock(self, lock_id: int | None = None, pair: str | None = None) -> None: ...
