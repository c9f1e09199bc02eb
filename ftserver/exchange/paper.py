"""``PaperBroker``: dry-run orders against live prices — the only place that simulates fills.

Market orders fill at once at the ticker (buys at the ask, sells at the bid). A limit order that is
marketable fills at once at its limit price; otherwise it rests until the market trades through
it, which is checked from the 1-minute candles since the order was placed. All state lives in the
``Order`` the bot passes in, so a restarted broker picks up where the old one stopped.
"""

from __future__ import annotations

import math
import uuid

from ftserver.core.clock import Clock, SystemClock
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import ExchangeOrder, Market, MarketData
from ftserver.models import Order, OrderSide, OrderStatus, OrderType


def round_down(value: float, tick: float | None) -> float:
    if not tick:
        return value
    return round(math.floor(round(value / tick, 9)) * tick, 12)


def round_nearest(value: float, tick: float | None) -> float:
    if not tick:
        return value
    return round(round(value / tick) * tick, 12)


class PaperBroker:
    def __init__(self, market: MarketData, *, clock: Clock | None = None, fee: float | None = None) -> None:
        self.market = market
        self.clock = clock or SystemClock()
        self.fee = fee

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def _market(self, pair: str) -> Market:
        market = self.market.markets.get(pair)
        if market is None:
            raise InvalidRequest(f"Pair {pair} is not available on {self.market.id}")
        return market

    def _fee(self, market: Market) -> float:
        return market.taker_fee if self.fee is None else self.fee

    def _filled(self, base: ExchangeOrder, price: float, market: Market) -> ExchangeOrder:
        cost = base.amount * price
        fee = self._fee(market)
        return ExchangeOrder(
            order_id=base.order_id,
            symbol=base.symbol,
            side=base.side,
            order_type=base.order_type,
            amount=base.amount,
            price=base.price if base.price is not None else price,
            status=OrderStatus.CLOSED,
            filled=base.amount,
            remaining=0.0,
            average=price,
            cost=cost,
            timestamp=base.timestamp,
            filled_timestamp=self._now_ms(),
            fee_cost=cost * fee,
            fee_currency=market.quote,
            fee_rate=fee,
        )

    async def place_order(
        self,
        pair: str,
        side: OrderSide,
        order_type: OrderType,
        amount: float,
        price: float | None,
        *,
        leverage: float = 1.0,
    ) -> ExchangeOrder:
        market = self._market(pair)
        amount = round_down(amount, market.amount_precision)
        ticker = await self.market.fetch_ticker(pair)
        reference = price if price is not None else ticker.last
        if price is not None:
            price = round_nearest(price, market.price_precision)
        if amount <= 0 or (market.min_amount and amount < market.min_amount):
            raise InvalidRequest(f"Order amount {amount} {market.base} is below the minimum for {pair}")
        if market.min_cost and amount * reference < market.min_cost:
            raise InvalidRequest(
                f"Order value {amount * reference:.8f} {market.quote} is below the minimum "
                f"of {market.min_cost} for {pair}"
            )
        order = ExchangeOrder(
            order_id=f"dry_run_{side.value}_{pair}_{uuid.uuid4()}",
            symbol=pair,
            side=side,
            order_type=order_type,
            amount=amount,
            price=price,
            status=OrderStatus.OPEN,
            filled=0.0,
            remaining=amount,
            average=None,
            cost=0.0,
            timestamp=self._now_ms(),
            fee_rate=self._fee(market),
        )
        best = (ticker.ask or ticker.last) if side is OrderSide.BUY else (ticker.bid or ticker.last)
        if order_type is OrderType.MARKET:
            return self._filled(order, best, market)
        assert price is not None, "limit orders need a price"
        marketable = price >= best if side is OrderSide.BUY else price <= best
        return self._filled(order, price, market) if marketable else order

    def _as_exchange_order(self, order: Order) -> ExchangeOrder:
        return ExchangeOrder(
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
            timestamp=int(order.order_date.timestamp() * 1000) if order.order_date else self._now_ms(),
            filled_timestamp=int(order.order_filled_date.timestamp() * 1000) if order.order_filled_date else None,
        )

    async def refresh_order(self, order: Order) -> ExchangeOrder:
        current = self._as_exchange_order(order)
        if order.status is not OrderStatus.OPEN or order.price is None:
            return current
        market = self._market(order.ft_pair)
        since = current.timestamp - current.timestamp % 60_000
        candles = await self.market.fetch_ohlcv(order.ft_pair, "1m", since_ms=since, limit=1500)
        if order.side is OrderSide.BUY:
            touched = min((c[3] for c in candles), default=math.inf)
            ticker_price = (await self.market.fetch_ticker(order.ft_pair)).ask
            crossed = touched <= order.price or (ticker_price is not None and ticker_price <= order.price)
        else:
            touched = max((c[2] for c in candles), default=-math.inf)
            ticker_price = (await self.market.fetch_ticker(order.ft_pair)).bid
            crossed = touched >= order.price or (ticker_price is not None and ticker_price >= order.price)
        return self._filled(current, order.price, market) if crossed else current

    async def cancel_order(self, order: Order) -> ExchangeOrder:
        current = self._as_exchange_order(order)
        if order.status is not OrderStatus.OPEN:
            return current
        return ExchangeOrder(
            order_id=current.order_id,
            symbol=current.symbol,
            side=current.side,
            order_type=current.order_type,
            amount=current.amount,
            price=current.price,
            status=OrderStatus.CANCELED,
            filled=current.filled,
            remaining=current.amount - current.filled,
            average=current.average,
            cost=current.cost,
            timestamp=current.timestamp,
        )

    async def close(self) -> None:
        return None
