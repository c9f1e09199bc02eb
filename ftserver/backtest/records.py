"""One finished backtest as the engine hands it over: its trades and the settings it ran with.

A trade becomes one row of freqtrade's backtest trade record (the ``trades`` list of a stored
result, and the frame every statistic is computed from). The engine passes raw values; the
rounding and the "zero means absent" rules of freqtrade's record are applied here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

# The columns of freqtrade's backtest trade record, in its order.
TRADE_COLUMNS = (
    "pair",
    "stake_amount",
    "max_stake_amount",
    "amount",
    "open_date",
    "close_date",
    "open_rate",
    "close_rate",
    "fee_open",
    "fee_close",
    "trade_duration",
    "profit_ratio",
    "profit_abs",
    "exit_reason",
    "initial_stop_loss_abs",
    "initial_stop_loss_ratio",
    "stop_loss_abs",
    "stop_loss_ratio",
    "min_rate",
    "max_rate",
    "is_open",
    "enter_tag",
    "leverage",
    "is_short",
    "open_timestamp",
    "close_timestamp",
    "orders",
    "funding_fees",
)

# The exit reason of trades still open when the data ended (closed at the last candle's open).
LEFT_OPEN_EXIT_REASON = "force_exit"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class BacktestOrder:
    """A filled order of a backtest trade (freqtrade's short order record)."""

    side: str  # "buy" or "sell"
    is_entry: bool
    amount: float
    price: float
    cost: float
    filled_at: datetime | None
    tag: str | None = None

    def as_record(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "safe_price": self.price,
            "ft_order_side": self.side,
            "order_filled_timestamp": None if self.filled_at is None else _ms(self.filled_at),
            "ft_is_entry": self.is_entry,
            "ft_order_tag": self.tag,
            "cost": self.cost or 0,
        }


@dataclass(frozen=True, slots=True)
class BacktestTrade:
    """A closed trade of a backtest. Trades still open at the end are closed by the engine at the
    last candle's open with ``exit_reason="force_exit"`` (freqtrade's "left open trades")."""

    pair: str
    open_date: datetime  # timezone-aware (UTC)
    close_date: datetime
    open_rate: float
    close_rate: float
    amount: float
    stake_amount: float
    profit_ratio: float
    profit_abs: float
    exit_reason: str
    fee_open: float
    fee_close: float
    max_stake_amount: float | None = None  # None: the same as stake_amount
    initial_stop_loss_abs: float | None = None
    initial_stop_loss_ratio: float | None = None
    stop_loss_abs: float | None = None
    stop_loss_ratio: float | None = None
    min_rate: float | None = None
    max_rate: float | None = None
    is_open: bool = False
    enter_tag: str | None = None
    leverage: float = 1.0
    is_short: bool = False
    orders: tuple[BacktestOrder, ...] = ()
    funding_fees: float = 0.0

    def as_record(self) -> dict[str, Any]:
        """The trade as freqtrade's record: amounts and stakes rounded to 8 decimals, zero ratios
        and a zero max stake recorded as absent, the duration in whole minutes."""
        max_stake = self.stake_amount if self.max_stake_amount is None else self.max_stake_amount
        return {
            "pair": self.pair,
            "stake_amount": round(self.stake_amount, 8),
            "max_stake_amount": round(max_stake, 8) if max_stake else None,
            "amount": round(self.amount, 8),
            "open_date": self.open_date,
            "close_date": self.close_date,
            "open_rate": self.open_rate,
            "close_rate": self.close_rate,
            "fee_open": self.fee_open,
            "fee_close": self.fee_close,
            "trade_duration": int((self.close_date - self.open_date).total_seconds()) // 60,
            "profit_ratio": self.profit_ratio,
            "profit_abs": self.profit_abs,
            "exit_reason": self.exit_reason,
            "initial_stop_loss_abs": self.initial_stop_loss_abs,
            "initial_stop_loss_ratio": self.initial_stop_loss_ratio or None,
            "stop_loss_abs": self.stop_loss_abs,
            "stop_loss_ratio": self.stop_loss_ratio or None,
            "min_rate": self.min_rate,
            "max_rate": self.max_rate,
            "is_open": self.is_open,
            "enter_tag": self.enter_tag,
            "leverage": self.leverage,
            "is_short": self.is_short,
            "open_timestamp": _ms(self.open_date),
            "close_timestamp": _ms(self.close_date),
            "orders": [order.as_record() for order in self.orders],
            "funding_fees": self.funding_fees,
        }


@dataclass(frozen=True, slots=True)
class BacktestRun:
    """Everything about one strategy's finished backtest that its statistics and stored result need.

    ``start``/``end`` are the first and last candle backtested (after the startup candles);
    ``trades`` are in the order they closed. ``wallet_history`` is optional: one row per
    (date, currency) snapshot with columns ``date``, ``currency``, ``rate``, ``balance``.
    """

    strategy_name: str
    trades: Sequence[BacktestTrade]
    pairlist: Sequence[str]
    start: datetime
    end: datetime
    timeframe: str
    stake_currency: str
    stake_amount: float | str  # a number, or "unlimited"
    starting_balance: float
    final_balance: float
    max_open_trades: float  # -1 or float("inf") for no limit
    stoploss: float
    minimal_roi: Mapping[str, float]
    timeframe_detail: str = ""
    timerange: str = ""
    enable_protections: bool = False
    market_change: float = 0.0
    trailing_stop: bool = False
    trailing_stop_positive: float | None = None
    trailing_stop_positive_offset: float = 0.0
    trailing_only_offset_is_reached: bool = False
    use_custom_stoploss: bool = False
    use_exit_signal: bool = True
    exit_profit_only: bool = False
    exit_profit_offset: float = 0.0
    ignore_roi_if_entry_signal: bool = False
    trading_mode: str = "spot"
    margin_mode: str = ""
    rejected_signals: int = 0
    timedout_entry_orders: int = 0
    timedout_exit_orders: int = 0
    canceled_trade_entries: int = 0
    canceled_entry_orders: int = 0
    replaced_entry_orders: int = 0
    locks: Sequence[Mapping[str, Any]] = ()  # each as the /locks API shows a lock
    run_id: str = ""  # freqtrade's hash of strategy + config + data, used to reuse results
    run_started: int = 0  # epoch seconds
    run_ended: int = 0
    notes: str = ""
    wallet_history: pd.DataFrame | None = field(default=None, compare=False)


def trades_frame(trades: Sequence[BacktestTrade]) -> pd.DataFrame:
    """The trade records as one frame with freqtrade's columns; dates as UTC timestamps."""
    frame = pd.DataFrame.from_records([trade.as_record() for trade in trades], columns=list(TRADE_COLUMNS))
    if len(frame) > 0:
        frame["close_date"] = pd.to_datetime(frame["close_timestamp"], unit="ms", utc=True)
        frame["open_date"] = pd.to_datetime(frame["open_timestamp"], unit="ms", utc=True)
        frame["close_rate"] = frame["close_rate"].astype("float64")
    return frame
