"""``CcxtBroker``: real orders on a ccxt exchange, for live trading (``dry_run: false``) only.

It shares ``CcxtMarket``'s ccxt object and error mapping. Reads (order state, balances, fills) are
retried like any market read; placing an order is not, because a retry after a lost answer could
buy twice. Every order carries a client order id chosen here, so when the answer to a placement is
lost the broker asks the exchange for that id and learns whether the order exists.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

import ccxt

from ftserver.errors import ExchangeError, ExchangeUnavailable, InvalidRequest
from ftserver.exchange.base import AssetBalance, ExchangeOrder, Market, new_client_order_id
from ftserver.exchange.ccxt_market import CcxtMarket
from ftserver.exchange.order_rules import check_limits, check_price
from ftserver.models import Order, OrderSide, OrderStatus, OrderType

_STATUS = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.CLOSED,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "expired": OrderStatus.CANCELED,
    "rejected": OrderStatus.CANCELED,
}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _fees(entries: Iterable[Mapping[str, Any]]) -> tuple[float, str] | None:
    """The total fee of ``entries`` (ccxt fee dicts) in the currency of the first one that has a cost."""
    total = 0.0
    currency: str | None = None
    for fee in entries:
        if not fee or fee.get("cost") is None or not fee.get("currency"):
            continue
        if currency is None:
            currency = str(fee["currency"])
        if fee["currency"] == currency:
            total += float(fee["cost"])
    return None if currency is None else (total, currency)


def _fee_rate(fee: tuple[float, str], market: Market, cost: float, filled: float) -> float | None:
    """The fee as a fraction of the order: of its cost when paid in quote, of its amount when in base."""
    if fee[1] == market.quote and cost:
        return fee[0] / cost
    if fee[1] == market.base and filled:
        return fee[0] / filled
    return None


def _order_fees(raw: Mapping[str, Any]) -> tuple[float, str] | None:
    return _fees(raw.get("fees") or ([raw["fee"]] if raw.get("fee") else []))


def order_from_ccxt(raw: Mapping[str, Any], market: Market, requested: ExchangeOrder) -> ExchangeOrder:
    """A ccxt order dict as an ``ExchangeOrder``; what the exchange left out comes from ``requested``."""
    status = _STATUS.get(str(raw.get("status") or "open"), OrderStatus.OPEN)
    amount = _number(raw.get("amount")) or requested.amount
    filled = _number(raw.get("filled"))
    if filled is None:
        filled = amount if status is OrderStatus.CLOSED else 0.0
    cost = _number(raw.get("cost"))
    average = _number(raw.get("average")) or (cost / filled if cost and filled else None)
    if cost is None:
        cost = filled * (average or 0.0)
    price = _number(raw.get("price")) or requested.price or average
    timestamp = int(raw.get("timestamp") or requested.timestamp)
    filled_at = raw.get("lastTradeTimestamp") or raw.get("lastUpdateTimestamp") or timestamp
    fee = _order_fees(raw)
    fee_rate = None
    if fee is not None:
        fee_rate = (raw.get("fee") or {}).get("rate") or _fee_rate(fee, market, cost, filled)
    remaining = _number(raw.get("remaining"))
    return ExchangeOrder(
        order_id=str(raw.get("id") or requested.order_id),
        symbol=requested.symbol,
        side=requested.side,
        order_type=requested.order_type,
        amount=amount,
        price=price,
        status=status,
        filled=filled,
        remaining=max(amount - filled, 0.0) if remaining is None else remaining,
        average=average,
        cost=cost,
        timestamp=timestamp,
        filled_timestamp=int(filled_at) if status is OrderStatus.CLOSED or filled else None,
        fee_cost=None if fee is None else fee[0],
        fee_currency=None if fee is None else fee[1],
        fee_rate=None if fee_rate is None else float(fee_rate),
        client_order_id=raw.get("clientOrderId") or requested.client_order_id,
    )


class CcxtBroker:
    def __init__(self, market: CcxtMarket, *, on_warning: Callable[[str], None] | None = None) -> None:
        self.market = market
        self._on_warning = on_warning

    @property
    def _client(self) -> Any:
        return self.market.client

    def _market(self, pair: str) -> Market:
        market = self.market.markets.get(pair)
        if market is None:
            raise InvalidRequest(f"Pair {pair} is not available on {self.market.id}")
        return market

    def _warn(self, text: str) -> None:
        if self._on_warning is not None:
            self._on_warning(text)

    def _to_precision(self, kind: str, pair: str, value: float) -> float:
        """``amount_to_precision``/``price_to_precision`` of the exchange itself (it knows its rounding)."""
        try:
            return float(getattr(self._client, f"{kind}_to_precision")(pair, value))
        except ccxt.BaseError as exc:
            raise InvalidRequest(f"{kind} {value} for {pair}: {exc}") from exc

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
        if leverage != 1.0:
            raise InvalidRequest(f"Leverage {leverage} needs a margin or futures market; ftserver trades spot")
        check_price(order_type, price, pair)
        amount = self._to_precision("amount", pair, amount)
        if order_type is OrderType.LIMIT:
            assert price is not None
            price = self._to_precision("price", pair, price)
            reference = price
        else:
            price = None
            reference = (await self.market.fetch_ticker(pair)).last
        check_limits(market, amount, reference)
        requested = ExchangeOrder.unfilled(
            "",
            pair,
            side,
            order_type,
            amount,
            price,
            int(self._client.milliseconds()),
            client_order_id=client_order_id or new_client_order_id(),
        )
        raw = await self._create(requested)
        return await self._with_fee(order_from_ccxt(raw, market, requested), market)

    async def find_order(self, requested: ExchangeOrder) -> ExchangeOrder | None:
        if not requested.client_order_id:
            return None
        market = self._market(requested.symbol)
        raw = await self._find_by_client_id(requested.symbol, requested.client_order_id)
        if raw is None:
            return None
        return await self._with_fee(order_from_ccxt(raw, market, requested), market)

    async def _create(self, requested: ExchangeOrder) -> Mapping[str, Any]:
        pair, cid = requested.symbol, requested.client_order_id
        describe = f"create_order {requested.order_type.value} {requested.side.value} {requested.amount} {pair}"
        try:
            return await self.market.call(
                describe,
                lambda: self._client.create_order(
                    pair,
                    requested.order_type.value,
                    requested.side.value,
                    requested.amount,
                    requested.price,
                    {"clientOrderId": cid},
                ),
                retry=False,
            )
        except ExchangeUnavailable as exc:
            # The order may have reached the exchange with its answer lost: ask for it by client id.
            try:
                found = await self._find_by_client_id(pair, str(cid))
            except ExchangeError as lookup:
                raise ExchangeUnavailable(
                    f"{describe}: no answer ({exc.message}), and looking the order up by client order id "
                    f"{cid} failed too ({lookup.message}); check the exchange for it"
                ) from exc
            if found is None:
                raise ExchangeUnavailable(f"{describe}: not placed ({exc.message})") from exc
            self._warn(f"{describe}: the answer was lost, found order {found.get('id')} by client order id {cid}")
            return found

    async def _find_by_client_id(self, pair: str, cid: str) -> Mapping[str, Any] | None:
        if not self._client.has.get("fetchOrder"):
            raise ExchangeError(f"{self.market.id} cannot look orders up")

        async def lookup() -> Mapping[str, Any] | None:
            try:
                found: Mapping[str, Any] = await self._client.fetch_order(cid, pair, {"clientOrderId": cid})
                return found
            except ccxt.OrderNotFound:
                return None

        return await self.market.call(f"fetch_order client id {cid} {pair}", lookup)

    async def _with_fee(self, order: ExchangeOrder, market: Market) -> ExchangeOrder:
        """Fill in the fee from the order's trades when the order answer did not say it (binance's doesn't)."""
        if order.fee_cost is not None or order.filled <= 0 or order.status is OrderStatus.OPEN:
            return order
        trades = await self._order_trades(order)
        fee = _fees(f for t in trades for f in (t.get("fees") or [t.get("fee")]) if f)
        if fee is None:
            return order
        rate = _fee_rate(fee, market, order.cost, order.filled)
        return replace(order, fee_cost=fee[0], fee_currency=fee[1], fee_rate=rate)

    async def _order_trades(self, order: ExchangeOrder) -> list[Mapping[str, Any]]:
        has = self._client.has
        pair, since = order.symbol, order.timestamp
        if has.get("fetchOrderTrades"):
            return await self.market.call(
                f"fetch_order_trades {order.order_id}",
                lambda: self._client.fetch_order_trades(order.order_id, pair, since),
            )
        if has.get("fetchMyTrades"):
            trades = await self.market.call(
                f"fetch_my_trades {pair}", lambda: self._client.fetch_my_trades(pair, since)
            )
            return [t for t in trades if str(t.get("order")) == order.order_id]
        return []

    async def _fetch(self, order: Order) -> Mapping[str, Any]:
        return await self.market.call(
            f"fetch_order {order.order_id} {order.ft_pair}",
            lambda: self._client.fetch_order(order.order_id, order.ft_pair),
        )

    async def refresh_order(self, order: Order) -> ExchangeOrder:
        current = ExchangeOrder.of(order, int(self._client.milliseconds()))
        if order.status is not OrderStatus.OPEN:
            return current
        market = self._market(order.ft_pair)
        return await self._with_fee(order_from_ccxt(await self._fetch(order), market, current), market)

    async def cancel_order(self, order: Order) -> ExchangeOrder:
        current = ExchangeOrder.of(order, int(self._client.milliseconds()))
        if order.status is not OrderStatus.OPEN:
            return current
        market = self._market(order.ft_pair)

        async def cancel() -> None:
            # Not found: filled or canceled in the meantime; the fetch below says which.
            with contextlib.suppress(ccxt.OrderNotFound):
                await self._client.cancel_order(order.order_id, order.ft_pair)

        await self.market.call(f"cancel_order {order.order_id} {order.ft_pair}", cancel)
        return await self._with_fee(order_from_ccxt(await self._fetch(order), market, current), market)

    async def fetch_balance(self) -> dict[str, AssetBalance]:
        raw = await self.market.call("fetch_balance", self._client.fetch_balance)
        free, used, total = raw.get("free") or {}, raw.get("used") or {}, raw.get("total") or {}
        balances = {}
        for currency in dict.fromkeys([*total, *free, *used]):
            amounts = [_number(d.get(currency)) or 0.0 for d in (free, used, total)]
            if any(amounts):
                balances[currency] = AssetBalance(currency, *amounts)
        return balances

    async def close(self) -> None:
        return None  # the ccxt object belongs to the market, which closes it
