"""What the bot needs from an exchange, as protocols, plus the plain data they exchange.

``MarketData`` reads markets, candles, tickers and order books. ``Broker`` places and follows orders.
``Account`` reads the exchange's balances (live trading only: a dry-run wallet is derived from the
trades). The bot only ever sees these protocols; ``app.py`` picks the concrete classes (simulated
market or ccxt, paper broker in dry-run, ccxt broker live).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ftserver.models import Order, OrderSide, OrderStatus, OrderType


def new_client_order_id() -> str:
    """A client order id most exchanges accept: letters and digits, 24 characters."""
    return "ft" + uuid.uuid4().hex[:22]


# One OHLCV candle: [open time in epoch ms, open, high, low, close, volume] — ccxt's row shape.
Candle = list[float]

TICK_SIZE = 4  # ccxt's precision mode where precision values are tick sizes (freqtrade's precision_mode 4)


@dataclass(frozen=True, slots=True)
class Market:
    symbol: str
    base: str
    quote: str
    active: bool = True
    spot: bool = True
    amount_precision: float | None = None  # tick size, e.g. 0.001
    price_precision: float | None = None  # tick size, e.g. 0.01
    precision_mode: int = TICK_SIZE
    min_amount: float | None = None
    max_amount: float | None = None
    min_cost: float | None = None
    max_cost: float | None = None
    maker_fee: float = 0.001
    taker_fee: float = 0.001
    contract: bool = False
    settle: str | None = None

    def to_dict(self) -> dict[str, object]:
        """ccxt-like market dict (what ``/api/v1/markets`` reports)."""
        return {
            "symbol": self.symbol,
            "base": self.base,
            "quote": self.quote,
            "active": self.active,
            "spot": self.spot,
            "swap": self.contract,
            "type": "swap" if self.contract else "spot",
            "settle": self.settle,
            "precision": {"amount": self.amount_precision, "price": self.price_precision},
            "limits": {
                "amount": {"min": self.min_amount, "max": self.max_amount},
                "cost": {"min": self.min_cost, "max": self.max_cost},
            },
            "maker": self.maker_fee,
            "taker": self.taker_fee,
        }


@dataclass(frozen=True, slots=True)
class Ticker:
    symbol: str
    timestamp: int  # epoch ms
    last: float
    bid: float | None = None
    ask: float | None = None
    high: float | None = None
    low: float | None = None
    base_volume: float | None = None
    quote_volume: float | None = None
    percentage: float | None = None  # change over the last 24 h, in percent


@dataclass(frozen=True, slots=True)
class OrderBook:
    symbol: str
    timestamp: int
    bids: list[tuple[float, float]] = field(default_factory=list)  # (price, amount), best first
    asks: list[tuple[float, float]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExchangeOrder:
    """The exchange's (or paper broker's) view of an order at one moment."""

    order_id: str
    symbol: str
    side: OrderSide
    order_type: OrderType
    amount: float
    price: float | None
    status: OrderStatus
    filled: float
    remaining: float
    average: float | None
    cost: float
    timestamp: int  # epoch ms when placed
    filled_timestamp: int | None = None
    fee_cost: float | None = None
    fee_currency: str | None = None
    fee_rate: float | None = None
    client_order_id: str | None = None

    @classmethod
    def unfilled(
        cls,
        order_id: str,
        symbol: str,
        side: OrderSide,
        order_type: OrderType,
        amount: float,
        price: float | None,
        timestamp: int,
        *,
        fee_rate: float | None = None,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        """A freshly placed order that nothing has filled yet."""
        return cls(
            order_id=order_id,
            symbol=symbol,
            side=side,
            order_type=order_type,
            amount=amount,
            price=price,
            status=OrderStatus.OPEN,
            filled=0.0,
            remaining=amount,
            average=None,
            cost=0.0,
            timestamp=timestamp,
            fee_rate=fee_rate,
            client_order_id=client_order_id,
        )

    @classmethod
    def of(cls, order: Order, now_ms: int) -> ExchangeOrder:
        """What we last stored about ``order``, as the exchange would describe it."""
        return cls(
            order_id=order.order_id,
            symbol=order.ft_pair,
            side=order.side,
            order_type=order.order_type,
            amount=order.amount,
            price=order.price,
            status=order.status,
            filled=order.filled,
            remaining=order.remaining,
            average=order.average,
            cost=order.cost,
            timestamp=int(order.order_date.timestamp() * 1000) if order.order_date else now_ms,
            filled_timestamp=int(order.order_filled_date.timestamp() * 1000) if order.order_filled_date else None,
        )


@dataclass(frozen=True, slots=True)
class AssetBalance:
    """One currency of an exchange account."""

    currency: str
    free: float
    used: float
    total: float


@runtime_checkable
class MarketData(Protocol):
    """Read-only market access."""

    @property
    def id(self) -> str:
        """Exchange id, e.g. ``"binance"`` or ``"sim"``."""
        ...

    @property
    def markets(self) -> dict[str, Market]:
        """Markets by symbol; empty until ``load_markets`` ran."""
        ...

    @property
    def timeframes(self) -> list[str]:
        """Timeframes this exchange offers, e.g. ``["1m", "5m", "1h"]``."""
        ...

    async def load_markets(self, reload: bool = False) -> dict[str, Market]: ...

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        """Candles oldest first, starting at ``since_ms`` (or the latest ``limit`` candles).

        The last row may be the candle still forming; callers that want closed candles drop it.
        """
        ...

    async def fetch_ticker(self, pair: str) -> Ticker: ...

    async def fetch_tickers(self, pairs: list[str] | None = None) -> dict[str, Ticker]: ...

    async def fetch_order_book(self, pair: str, limit: int = 20) -> OrderBook: ...

    async def close(self) -> None: ...


@runtime_checkable
class Broker(Protocol):
    """Places and follows orders. In dry-run this is the paper broker, the only fill simulator."""

    async def place_order(
        self,
        pair: str,
        side: OrderSide,
        order_type: OrderType,
        amount: float,
        price: float | None,
        *,
        leverage: float = 1.0,
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        """``client_order_id``: the id the order is sent with (one is chosen when none is given)."""
        ...

    async def find_order(self, requested: ExchangeOrder) -> ExchangeOrder | None:
        """The order placed with ``requested.client_order_id``, as the exchange has it now; ``None`` when
        the exchange has no such order. Asked after a restart about orders placed but never recorded."""
        ...

    async def refresh_order(self, order: Order) -> ExchangeOrder:
        """The current state of an order the bot knows (also after a restart: state lives in ``order``)."""
        ...

    async def cancel_order(self, order: Order) -> ExchangeOrder: ...

    async def close(self) -> None: ...


@runtime_checkable
class Account(Protocol):
    """The exchange account's balances (what a live wallet is built from)."""

    async def fetch_balance(self) -> dict[str, AssetBalance]:
        """Balances by currency; currencies with nothing in them may be left out."""
        ...
