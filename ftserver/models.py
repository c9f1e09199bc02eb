"""The domain: trades, orders and pair locks as plain dataclasses, with freqtrade's profit arithmetic.

No I/O here. Dates are timezone-aware UTC datetimes. Persistence maps these to rows; the RPC layer
maps them to the wire shapes freqtrade clients read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ftserver.trade_custom_data import CustomDataEntry, TradeCustomData


class TradingMode(StrEnum):
    SPOT = "spot"
    MARGIN = "margin"
    FUTURES = "futures"


class BotState(StrEnum):
    """freqtrade's bot states: PAUSED is "stopentry" (no new entries, exits continue)."""

    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
    RELOAD_CONFIG = "reload_config"


class RunMode(StrEnum):
    DRY_RUN = "dry_run"
    LIVE = "live"
    WEBSERVER = "webserver"
    BACKTEST = "backtest"  # what self.dp.runmode tells a strategy while it is backtested


class OrderStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELED = "canceled"


class OrderSide(StrEnum):
    BUY = "buy"
    SELL = "sell"


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"


class ExitReason(StrEnum):
    """Exit reasons as freqtrade names them (``exit_reason`` on trades, ``ft_order_tag`` on exit orders)."""

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


def split_pair(pair: str) -> tuple[str, str]:
    """``"BTC/USDT"`` -> ``("BTC", "USDT")``; ``"BTC/USDT:USDT"`` (futures) -> ``("BTC", "USDT")``."""
    base, _, rest = pair.partition("/")
    quote = rest.partition(":")[0]
    return base, quote


def round8(value: float) -> float:
    """freqtrade reports absolute profits rounded to 8 decimals."""
    return float(f"{value:.8f}")


@dataclass(frozen=True, slots=True)
class CurrencyBalance:
    """One currency of the wallet as /balance reports it."""

    currency: str
    free: float
    used: float
    balance: float
    est_stake: float
    side: str = "long"
    is_bot_managed: bool = True


@dataclass(frozen=True, slots=True)
class StrategyInfo:
    """What the front ends may know of the running strategy: plain values, never the strategy object."""

    name: str
    version: str | None
    timeframe: str
    minimal_roi: dict[str, float]
    stoploss: float
    trailing_stop: bool
    trailing_stop_positive: float | None
    trailing_stop_positive_offset: float
    trailing_only_offset_is_reached: bool
    use_custom_stoploss: bool
    can_short: bool
    plot_config: dict[str, Any]
    # In effect: the config's value, else the strategy's (as freqtrade merges them).
    position_adjustment_enable: bool = False
    max_entry_position_adjustment: int = -1


@dataclass(slots=True)
class Order:
    """One exchange order (or simulated dry-run order) belonging to a trade."""

    ft_trade_id: int
    ft_order_side: OrderSide
    ft_pair: str
    order_id: str
    order_type: OrderType
    side: OrderSide
    amount: float
    price: float | None
    status: OrderStatus = OrderStatus.OPEN
    filled: float = 0.0
    remaining: float = 0.0
    average: float | None = None
    cost: float = 0.0
    order_date: datetime | None = None
    order_filled_date: datetime | None = None
    order_update_date: datetime | None = None
    ft_fee_base: float | None = None
    ft_order_tag: str | None = None
    ft_amount: float = 0.0
    ft_price: float = 0.0
    leverage: float = 1.0
    id: int | None = None

    @property
    def ft_is_open(self) -> bool:
        return self.status == OrderStatus.OPEN

    @property
    def safe_price(self) -> float:
        """The best known execution price: average, else limit price, else the requested price."""
        return self.average or self.price or self.ft_price

    @property
    def safe_filled(self) -> float:
        return self.filled if self.filled is not None else self.amount

    # ---- read by freqtrade strategies in their callbacks ------------------------------------
    @property
    def order_date_utc(self) -> datetime | None:
        return _utc(self.order_date)

    @property
    def order_filled_utc(self) -> datetime | None:
        return _utc(self.order_filled_date)

    @property
    def safe_amount(self) -> float:
        return self.amount or self.ft_amount

    @property
    def safe_remaining(self) -> float:
        return self.remaining if self.remaining is not None else self.safe_amount - (self.filled or 0.0)

    @property
    def safe_fee_base(self) -> float:
        return self.ft_fee_base or 0.0

    @property
    def safe_amount_after_fee(self) -> float:
        return self.safe_filled - self.safe_fee_base

    @property
    def stake_amount(self) -> float:
        """Stake currency this order is worth at its best known price."""
        return self.safe_amount * self.safe_price / (self.leverage or 1.0)

    @property
    def safe_placement_price(self) -> float:
        return self.price or self.ft_price

    @property
    def stake_amount_filled(self) -> float:
        return self.safe_filled * self.safe_price / (self.leverage or 1.0)


@dataclass(slots=True)
class Trade:
    """A position: opened by one entry order, closed by one or more exit orders."""

    pair: str
    exchange: str
    strategy: str
    timeframe: int
    open_rate: float
    open_date: datetime
    amount: float
    stake_amount: float
    fee_open: float
    fee_close: float
    id: int | None = None
    is_open: bool = True
    is_short: bool = False
    amount_requested: float | None = None
    max_stake_amount: float | None = None
    open_rate_requested: float | None = None
    fee_open_cost: float | None = None
    fee_open_currency: str | None = None
    fee_close_cost: float | None = None
    fee_close_currency: str | None = None
    close_rate: float | None = None
    close_rate_requested: float | None = None
    close_date: datetime | None = None
    close_profit: float | None = None
    close_profit_abs: float | None = None
    realized_profit: float = 0.0
    enter_tag: str | None = None
    exit_reason: str | None = None
    exit_order_status: str | None = None
    stop_loss: float | None = None
    stop_loss_pct: float | None = None
    initial_stop_loss: float | None = None
    initial_stop_loss_pct: float | None = None
    is_stop_loss_trailing: bool = False
    stoploss_last_update: datetime | None = None
    max_rate: float | None = None
    min_rate: float | None = None
    leverage: float = 1.0
    interest_rate: float = 0.0
    liquidation_price: float | None = None
    trading_mode: TradingMode = TradingMode.SPOT
    funding_fees: float = 0.0
    amount_precision: float | None = None
    price_precision: float | None = None
    precision_mode: int | None = None
    updated_at: datetime | None = None
    orders: list[Order] = field(default_factory=list)
    # Kept in its own table; shared by every copy of the trade (see trade_custom_data).
    custom_data: TradeCustomData = field(default_factory=TradeCustomData, repr=False, compare=False)

    # ---- custom data (the strategy's, per trade) ------------------------------------------------
    def set_custom_data(self, key: str, value: Any) -> None:
        """Keep a JSON value with this trade; stored with the trade, read back after a restart."""
        self.custom_data.set(self.id, key, value)

    def get_custom_data(self, key: str, default: Any = None) -> Any:
        entry = self.custom_data.get(key)
        return default if entry is None else entry.value

    def get_custom_data_entry(self, key: str) -> CustomDataEntry | None:
        return self.custom_data.get(key)

    def get_all_custom_data(self) -> list[CustomDataEntry]:
        return self.custom_data.all()

    def delete_custom_data(self, key: str | None = None) -> None:
        """Forget one key, or every key of the trade when None."""
        self.custom_data.delete(key)

    # ---- identity -------------------------------------------------------------------------
    @property
    def base_currency(self) -> str:
        return split_pair(self.pair)[0]

    @property
    def quote_currency(self) -> str:
        return split_pair(self.pair)[1]

    @property
    def stake_currency(self) -> str:
        return self.quote_currency

    @property
    def entry_side(self) -> OrderSide:
        return OrderSide.SELL if self.is_short else OrderSide.BUY

    @property
    def exit_side(self) -> OrderSide:
        return OrderSide.BUY if self.is_short else OrderSide.SELL

    # ---- orders ---------------------------------------------------------------------------
    @property
    def open_orders(self) -> list[Order]:
        return [o for o in self.orders if o.ft_is_open]

    @property
    def has_open_orders(self) -> bool:
        return any(o.ft_is_open for o in self.orders)

    @property
    def held_amount(self) -> float:
        """Coins the position holds now. While its entry order is on the book, only what that order
        has filled: ``amount`` is still the amount asked for then."""
        entries = [o for o in self.orders if o.ft_order_side == self.entry_side]
        on_book = [o for o in entries if o.ft_is_open]
        if not on_book:
            return self.amount
        filled_on_book = sum(o.filled - (o.ft_fee_base or 0.0) for o in on_book)
        if self.nr_of_successful_entries == 0:
            return filled_on_book
        # An added entry on the book: ``amount`` already is what the filled orders hold.
        return self.amount + filled_on_book

    @property
    def pending_entry_value(self) -> float:
        """Stake an entry order on the book holds for its unfilled part, entry fee included."""
        return sum(
            (o.amount - o.filled) * (o.price or o.ft_price or self.open_rate) * (1 + self.fee_open)
            for o in self.orders
            if o.ft_is_open and o.ft_order_side == self.entry_side
        )

    @property
    def pending_exit_amount(self) -> float:
        """Coins an exit order on the book has yet to sell."""
        return sum(o.amount - o.filled for o in self.orders if o.ft_is_open and o.ft_order_side == self.exit_side)

    @property
    def nr_of_successful_entries(self) -> int:
        """Entry orders done (closed, or cancelled after a partial fill) with something filled."""
        return len(self.select_filled_orders(self.entry_side))

    @property
    def nr_of_successful_exits(self) -> int:
        return len(self.select_filled_orders(self.exit_side))

    # ---- read by freqtrade strategies in their callbacks ------------------------------------
    @property
    def open_date_utc(self) -> datetime:
        return _utc(self.open_date) or self.open_date

    @property
    def close_date_utc(self) -> datetime | None:
        return _utc(self.close_date)

    @property
    def trade_direction(self) -> str:
        return "short" if self.is_short else "long"

    def select_filled_orders(self, order_side: str | None = None) -> list[Order]:
        """Orders of ``order_side`` (all sides when None) that are done and filled something."""
        return [
            o
            for o in self.orders
            if (order_side is None or o.ft_order_side == order_side) and not o.ft_is_open and o.filled
        ]

    def select_order(self, order_side: str | None = None, is_open: bool | None = None) -> Order | None:
        """The newest order of ``order_side`` (any when None), open or not as asked."""
        for o in reversed(self.orders):
            if (order_side is None or o.ft_order_side == order_side) and (is_open is None or o.ft_is_open == is_open):
                return o
        return None

    @property
    def date_last_filled_utc(self) -> datetime:
        """When the newest fill happened, or the open date before any fill."""
        filled = [d for o in self.select_filled_orders() if (d := o.order_filled_utc) is not None]
        return max([self.open_date_utc, *filled])

    # ---- arithmetic (matches freqtrade's spot / isolated arithmetic, no interest) -----------
    def open_trade_value_for(self, amount: float, open_rate: float) -> float:
        """Stake spent (long) or received (short) on entry, including the entry fee."""
        value = amount * open_rate
        fees = value * self.fee_open
        return value - fees if self.is_short else value + fees

    @property
    def open_trade_value(self) -> float:
        return self.open_trade_value_for(self.amount, self.open_rate)

    def close_trade_value(self, rate: float, amount: float | None = None) -> float:
        """Value of closing ``amount`` (default: the whole position) at ``rate``, after the exit fee."""
        amount = self.amount if amount is None else amount
        value = amount * rate
        fees = value * self.fee_close
        return value + fees if self.is_short else value - fees

    def calc_profit(self, rate: float, amount: float | None = None, open_rate: float | None = None) -> float:
        """Absolute profit in stake currency of closing ``amount`` at ``rate``."""
        amount = self.amount if amount is None else amount
        open_value = self.open_trade_value_for(amount, self.open_rate if open_rate is None else open_rate)
        close_value = self.close_trade_value(rate, amount)
        profit = open_value - close_value if self.is_short else close_value - open_value
        return round8(profit + (self.funding_fees if amount == self.amount else 0.0))

    def calc_profit_ratio(self, rate: float, amount: float | None = None, open_rate: float | None = None) -> float:
        """Relative profit of closing ``amount`` at ``rate`` (0.01 == 1 %), leverage applied."""
        amount = self.amount if amount is None else amount
        open_value = self.open_trade_value_for(amount, self.open_rate if open_rate is None else open_rate)
        close_value = self.close_trade_value(rate, amount)
        if open_value == 0.0:
            return 0.0
        if self.is_short:
            return (1 - close_value / open_value) * self.leverage
        return (close_value / open_value - 1) * self.leverage

    def realized_ratio(self) -> float:
        """Realized profit over what all filled entries cost, fees included (freqtrade's ratio of a trade
        that exited in parts)."""
        spent = sum(
            self.open_trade_value_for(o.safe_amount_after_fee, o.safe_price)
            for o in self.select_filled_orders(self.entry_side)
        )
        return self.realized_profit / spent * self.leverage if spent else 0.0

    def recalc_from_orders(self, now: datetime) -> None:
        """Amount, average open rate, stake and realized profit from the done orders, as freqtrade does.

        Entries add their coins at their price; exits take coins out at the average open rate of
        the moment and realize the profit of that part. The stop is moved to the new average only
        when that raises it (a stop never moves against the trade).
        """
        amount = stake = average = 0.0
        max_stake = 0.0
        realized = last_exit_profit = 0.0
        exits = 0
        for order in self.orders:
            if order.ft_is_open or not order.filled:
                continue
            coins = order.filled - (order.ft_fee_base or 0.0)
            price = order.safe_price
            if order.ft_order_side == self.entry_side:
                amount += coins
                stake += coins * price
                if amount > 0:
                    average = stake / amount
                max_stake += coins * price
            else:
                amount -= coins
                stake -= coins * average
                last_exit_profit = self.calc_profit(price, coins, open_rate=average)
                realized += last_exit_profit
                exits += 1
        self.max_stake_amount = max_stake / (self.leverage or 1.0)
        if exits:
            self.realized_profit = round8(realized)
            self.close_profit, self.close_profit_abs = self.realized_ratio(), last_exit_profit
        held = _truncate(amount, self.amount_precision)
        if held > 0:
            self.open_rate = _round_nearest(stake / amount, self.price_precision)
            self.amount = held
            self.stake_amount = stake / (self.leverage or 1.0)
            self.fee_open_cost = self.fee_open * self.max_stake_amount
            if self.stop_loss_pct is not None:
                self.raise_stoploss(self.open_rate, self.stop_loss_pct, now)

    # ---- stoploss -------------------------------------------------------------------------
    def stop_price_for(self, rate: float, stoploss: float) -> float:
        """Price at which a stoploss of ratio ``stoploss`` (negative) triggers, relative to ``rate``."""
        distance = abs(stoploss) / self.leverage
        return rate * (1 + distance) if self.is_short else rate * (1 - distance)

    def adjust_min_max_rates(self, low: float, high: float) -> None:
        self.max_rate = high if self.max_rate is None else max(self.max_rate, high)
        self.min_rate = low if self.min_rate is None else min(self.min_rate, low)

    def set_initial_stoploss(self, stoploss: float, now: datetime) -> None:
        price = round_price_conservative(
            self.stop_price_for(self.open_rate, stoploss), self.price_precision, up=not self.is_short
        )
        self.stop_loss = price
        self.initial_stop_loss = price
        self.stop_loss_pct = -abs(stoploss)
        self.initial_stop_loss_pct = -abs(stoploss)
        self.stoploss_last_update = now

    def raise_stoploss(
        self, reference_rate: float, stoploss: float, now: datetime, *, either_way: bool = False
    ) -> bool:
        """Move the stop in the trade's favour only (trailing). Returns True when it moved.

        ``either_way`` (a custom stoploss right after a fill) also lets it move against the trade,
        without marking the stop as trailing.
        """
        candidate = round_price_conservative(
            self.stop_price_for(reference_rate, stoploss), self.price_precision, up=not self.is_short
        )
        current = self.stop_loss
        better = current is None or (candidate < current if self.is_short else candidate > current)
        if not better and not (either_way and candidate != current):
            return False
        self.stop_loss = candidate
        self.stop_loss_pct = -abs(stoploss)
        if not either_way:
            self.is_stop_loss_trailing = True
        self.stoploss_last_update = now
        return True


def _utc(moment: datetime | None) -> datetime | None:
    """``moment`` with UTC as its zone (stored dates are UTC; older rows may have lost the zone)."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def round_price_conservative(price: float, precision: float | None, *, up: bool) -> float:
    """Round ``price`` to a tick size (``precision``), up or down; untouched without a tick size."""
    if not precision or precision <= 0:
        return price
    ticks = price / precision
    # Guard against float noise (0.3 / 0.1 == 2.9999999999999996) before rounding.
    ticks = round(ticks, 9)
    rounded = math.ceil(ticks) if up else math.floor(ticks)
    decimals = max(0, -math.floor(math.log10(precision))) if precision < 1 else 0
    return round(rounded * precision, decimals + 2)


def _truncate(value: float, step: float | None) -> float:
    if not step or step <= 0:
        return value
    return round(math.floor(round(value / step, 9)) * step, 12)


def _round_nearest(value: float, step: float | None) -> float:
    if not step or step <= 0:
        return value
    return round(round(value / step) * step, 12)


@dataclass(slots=True)
class PairLock:
    """A pair (or ``"*"`` for all pairs) blocked from new entries until ``lock_end_time``."""

    pair: str
    lock_time: datetime
    lock_end_time: datetime
    reason: str | None = None
    side: str = "*"
    active: bool = True
    id: int | None = None
