"""``PaperBroker``: dry-run orders against live prices — the only place that simulates fills.

Market orders fill at once at the ticker (buys at the ask, sells at the bid). A limit order that is
marketable fills at once at its limit price; otherwise it rests until the market trades through
it, which is checked from the 1-minute candles (or the market's finest) since the order was placed.
All state lives in the ``Order`` the bot passes in, so a restarted broker picks up where the old
one stopped.
"""

from __future__ import annotations

import uuid

from ftserver.core.clock import Clock, SystemClock
from ftserver.data.timeframes import timeframe_to_ms
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import ExchangeOrder, Market, MarketData
from ftserver.exchange.order_rules import check_limits, check_price, round_down, round_nearest
from ftserver.models import Order, OrderSide, OrderStatus, OrderType

MINUTE_MS = 60_000
PAGE = 1000


class PaperBroker:
    def __init__(self, market: MarketData, *, clock: Clock | None = None, fee: float | None = None) -> None:
        self.market = market
        self.clock = clock or SystemClock()
        self.fee = fee
        # Open time of the newest 1m candle already checked per resting order. Only saves work: a
        # restarted broker, which has lost it, checks again from the order date and reaches the same result.
        self._checked: dict[str, int] = {}

    def _now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def _market(self, pair: str) -> Market:
        market = self.market.markets.get(pair)
        if market is None:
            raise InvalidRequest(f"Pair {pair} is not available on {self.market.id}")
        return market

    def _fee(self, market: Market) -> float:
        return market.taker_fee if self.fee is None else self.fee

    def _filled(self, base: ExchangeOrder, price: float, market: Market, at_ms: int | None = None) -> ExchangeOrder:
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
            filled_timestamp=self._now_ms() if at_ms is None else at_ms,
            fee_cost=cost * fee,
            fee_currency=market.quote,
            fee_rate=fee,
            client_order_id=base.client_order_id,
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
        client_order_id: str | None = None,
    ) -> ExchangeOrder:
        market = self._market(pair)
        check_price(order_type, price, pair)
        amount = round_down(amount, market.amount_precision)
        ticker = await self.market.fetch_ticker(pair)
        if order_type is OrderType.MARKET:
            price = None
        elif price is not None:
            price = round_nearest(price, market.price_precision)
        check_limits(market, amount, price if price is not None else ticker.last)
        order = ExchangeOrder.unfilled(
            f"dry_run_{side.value}_{pair}_{uuid.uuid4()}",
            pair,
            side,
            order_type,
            amount,
            price,
            self._now_ms(),
            fee_rate=self._fee(market),
            client_order_id=client_order_id,
        )
        best = (ticker.ask or ticker.last) if side is OrderSide.BUY else (ticker.bid or ticker.last)
        if price is None:
            return self._filled(order, best, market)
        marketable = price >= best if side is OrderSide.BUY else price <= best
        return self._filled(order, price, market) if marketable else order

    async def find_order(self, requested: ExchangeOrder) -> ExchangeOrder | None:
        """Paper orders exist only in the trades that book them: one never booked never happened."""
        return None

    def _as_exchange_order(self, order: Order) -> ExchangeOrder:
        return ExchangeOrder.of(order, self._now_ms())

    async def refresh_order(self, order: Order) -> ExchangeOrder:
        current = self._as_exchange_order(order)
        if order.status is not OrderStatus.OPEN or order.price is None:
            self._checked.pop(order.order_id, None)
            return current
        market = self._market(order.ft_pair)
        crossed_at = await self._first_cross(order, current.timestamp)
        if crossed_at is None:
            ticker = await self.market.fetch_ticker(order.ft_pair)
            touch = ticker.ask if order.side is OrderSide.BUY else ticker.bid
            if touch is not None and self._crosses(order, touch):
                crossed_at = self._now_ms()
        if crossed_at is None:
            return current
        self._checked.pop(order.order_id, None)
        return self._filled(current, order.price, market, at_ms=max(crossed_at, current.timestamp))

    @staticmethod
    def _crosses(order: Order, price: float) -> bool:
        assert order.price is not None
        return price <= order.price if order.side is OrderSide.BUY else price >= order.price

    async def _first_cross(self, order: Order, placed_ms: int) -> int | None:
        """Open time of the first 1m candle since the order was placed that traded through its price.

        The minute the order was placed in is skipped: its low/high may come from before the order
        existed. The ticker checks of each refresh cover that minute instead.
        """
        cursor = self._checked.get(order.order_id, placed_ms + (-placed_ms) % MINUTE_MS)
        now_ms = self._now_ms()
        while cursor <= now_ms:
            candles = await self.market.fetch_ohlcv(order.ft_pair, self._fill_timeframe(), since_ms=cursor, limit=PAGE)
            if not candles:
                break
            for candle in candles:
                extreme = candle[3] if order.side is OrderSide.BUY else candle[2]
                if self._crosses(order, extreme):
                    return int(candle[0])
            # The newest candle may still be forming: check it again next time.
            self._checked[order.order_id] = int(candles[-1][0])
            if len(candles) < PAGE:
                break
            cursor = int(candles[-1][0]) + MINUTE_MS
        return None

    def _fill_timeframe(self) -> str:
        """1-minute candles where the market has them, else its finest (a replay of 5m candle files)."""
        offered = self.market.timeframes
        return "1m" if "1m" in offered or not offered else min(offered, key=timeframe_to_ms)

    async def cancel_order(self, order: Order) -> ExchangeOrder:
        current = self._as_exchange_order(order)
        self._checked.pop(order.order_id, None)
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
