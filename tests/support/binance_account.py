"""A Binance spot account behind the loopback stub: the signed order, balance and trade endpoints.

Fills are not simulated here: ``PaperBroker`` over the stub's SimulatedMarket decides them (market
orders at the touch, marketable limits at once, resting limits once the market trades through).
This module keeps what Binance keeps on top of that — integer order ids, client order ids, free and
locked balances, commissions, trades — and refuses requests the way Binance does: API key header,
HMAC-SHA256 signature over the parameters exactly as sent, symbol filters, balance. The error bodies
are Binance's, so ccxt raises the exception classes it raises against the real exchange.

Register the routes with ``BinanceStub(market, account=BinanceAccount(market))``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from ftserver.bot.orders import apply_update, new_order
from ftserver.errors import InvalidRequest
from ftserver.exchange.base import Market
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.models import Order, OrderSide, OrderStatus, OrderType
from tests.support.binance_server import _fmt

Params = dict[str, str]
PrivateHandler = Callable[[Params], Awaitable[web.StreamResponse]]

DEFAULT_TRADES_LIMIT = 500
MAX_TRADES_LIMIT = 1000
ZERO_QUOTE_QTY = "0.00000000"  # what Binance reports for orders not placed by quote quantity
IMMEDIATE = ("IOC", "FOK")  # time in force of orders that never rest on the book
CLIENT_ORDER_ID = re.compile(r"[.A-Z:/a-z0-9_-]{1,36}")
_STATUS = {OrderStatus.OPEN: "NEW", OrderStatus.CLOSED: "FILLED", OrderStatus.CANCELED: "CANCELED"}


class Rejection(Exception):
    """A request Binance refuses: its HTTP status and its ``{"code", "msg"}`` body."""

    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.code = code
        self.msg = msg

    def response(self) -> web.Response:
        return web.json_response({"code": self.code, "msg": self.msg}, status=self.status)


def _missing(name: str) -> Rejection:
    return Rejection(400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def _illegal(name: str) -> Rejection:
    return Rejection(400, -1100, f"Illegal characters found in parameter '{name}'.")


def _filter_failure(name: str) -> Rejection:
    return Rejection(400, -1013, f"Filter failure: {name}")


def _insufficient_balance() -> Rejection:
    return Rejection(400, -2010, "Account has insufficient balance for requested action.")


def _without_signature(part: str) -> tuple[str, str | None]:
    """``part`` (a query string or form body, as sent) without its ``signature`` field, and that field."""
    if not part:
        return part, None
    kept: list[str] = []
    signature: str | None = None
    for field in part.split("&"):
        if field.startswith("signature="):
            signature = field.removeprefix("signature=")
        else:
            kept.append(field)
    return "&".join(kept), signature


def _decimal(params: Params, name: str) -> Decimal:
    raw = params.get(name)
    if not raw:
        raise _missing(name)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _illegal(name) from None
    if not value.is_finite():
        raise _illegal(name)
    return value


def _generated_client_id() -> str:
    return uuid.uuid4().hex[:22]


@dataclass(slots=True)
class AccountTrade:
    """One fill of an order, as ``myTrades`` reports it."""

    trade_id: int
    order_id: int
    symbol: str
    price: float
    qty: float
    quote_qty: float
    commission: float
    commission_asset: str
    time: int
    is_buyer: bool
    is_maker: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "id": self.trade_id,
            "orderId": self.order_id,
            "orderListId": -1,
            "price": _fmt(self.price),
            "qty": _fmt(self.qty),
            "quoteQty": _fmt(self.quote_qty),
            "commission": _fmt(self.commission),
            "commissionAsset": self.commission_asset,
            "time": self.time,
            "isBuyer": self.is_buyer,
            "isMaker": self.is_maker,
            "isBestMatch": True,
        }


@dataclass(slots=True)
class AccountOrder:
    """One Binance order. ``order`` is the paper broker's view of it (status, fill, prices)."""

    order_id: int
    client_order_id: str
    symbol: str  # Binance's id, e.g. BTCUSDT
    market: Market
    order: Order
    time_in_force: str
    placed_ms: int
    updated_ms: int
    orig_quote_qty: float = 0.0
    locked: float = 0.0  # held of the quote asset (buy) or base asset (sell) while the order rests
    expired: bool = False
    trade: AccountTrade | None = None

    @property
    def is_buy(self) -> bool:
        return self.order.side is OrderSide.BUY

    @property
    def is_open(self) -> bool:
        return self.order.status is OrderStatus.OPEN and not self.expired

    @property
    def status(self) -> str:
        return "EXPIRED" if self.expired else _STATUS[self.order.status]

    @property
    def locked_asset(self) -> str:
        return self.market.quote if self.is_buy else self.market.base

    def fields(self) -> dict[str, Any]:
        """What every order answer carries."""
        o = self.order
        return {
            "symbol": self.symbol,
            "orderId": self.order_id,
            "orderListId": -1,
            "clientOrderId": self.client_order_id,
            "price": _fmt(o.price if o.order_type is OrderType.LIMIT else 0.0),
            "origQty": _fmt(o.amount),
            "executedQty": _fmt(o.filled),
            "origQuoteOrderQty": _fmt(self.orig_quote_qty) if self.orig_quote_qty else ZERO_QUOTE_QTY,
            "cummulativeQuoteQty": _fmt(o.cost),
            "status": self.status,
            "timeInForce": self.time_in_force,
            "type": o.order_type.value.upper(),
            "side": o.side.value.upper(),
            "selfTradePreventionMode": "EXPIRE_MAKER",
        }

    def query_json(self) -> dict[str, Any]:
        """The order as ``GET /api/v3/order`` and ``openOrders`` show it."""
        return self.fields() | {
            "stopPrice": "0",
            "icebergQty": "0",
            "time": self.placed_ms,
            "updateTime": self.updated_ms,
            "isWorking": True,
            "workingTime": self.placed_ms,
        }


class BinanceAccount:
    """Balances, orders and trades of one API key, and the aiohttp handlers of Binance's signed routes."""

    def __init__(
        self,
        market: SimulatedMarket,
        *,
        api_key: str = "test-key",
        secret: str = "test-secret",
        balances: Mapping[str, float] | None = None,
    ) -> None:
        self.market = market
        self.api_key = api_key
        self._secret = secret.encode()
        self.broker = PaperBroker(market, clock=market.clock)
        self.orders: dict[int, AccountOrder] = {}
        self.trades: list[AccountTrade] = []
        self._free: dict[str, float] = {}
        self._locked: dict[str, float] = {}
        self._listed: dict[str, None] = {}  # assets that are or were non-zero, in order of appearance
        self._symbols = {m.base + m.quote: m for m in market.markets.values()}
        self._order_ids = itertools.count(1)
        self._trade_ids = itertools.count(1)
        self._lose_next_response = False
        self._lock = asyncio.Lock()
        self._updated_ms = self._now_ms()
        for asset, amount in ({"USDT": 1000.0} if balances is None else balances).items():
            self._add(asset, free=float(amount))

    # ---- for tests ---------------------------------------------------------------------------
    def balance(self, asset: str) -> tuple[float, float]:
        """(free, locked) of ``asset``."""
        return self._free.get(asset, 0.0), self._locked.get(asset, 0.0)

    def withdraw(self, asset: str, amount: float) -> None:
        """Coins leave the account outside the bot (a withdrawal, a manual sale)."""
        self._add(asset, free=-amount)

    def lose_next_order_response(self) -> None:
        """The next ``POST /api/v3/order`` is carried out, but its client gets a 503 instead of the answer."""
        self._lose_next_response = True

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/api/v3/order", self._private(self.create_order))
        router.add_get("/api/v3/order", self._private(self.query_order))
        router.add_delete("/api/v3/order", self._private(self.cancel_order))
        router.add_get("/api/v3/openOrders", self._private(self.open_orders))
        router.add_get("/api/v3/account", self._private(self.account))
        router.add_get("/api/v3/myTrades", self._private(self.my_trades))

    # ---- book-keeping ------------------------------------------------------------------------
    def _now_ms(self) -> int:
        return int(self.market.clock.now().timestamp() * 1000)

    def _add(self, asset: str, *, free: float = 0.0, locked: float = 0.0) -> None:
        # Rounded so that what was locked and released again leaves no float dust behind.
        self._free[asset] = round(self._free.get(asset, 0.0) + free, 12)
        self._locked[asset] = round(self._locked.get(asset, 0.0) + locked, 12)
        if self._free[asset] or self._locked[asset]:
            self._listed.setdefault(asset)
        self._updated_ms = self._now_ms()

    def _lock_funds(self, entry: AccountOrder, amount: float) -> None:
        entry.locked = amount
        self._add(entry.locked_asset, free=-amount, locked=amount)

    def _release(self, entry: AccountOrder) -> None:
        if entry.locked:
            self._add(entry.locked_asset, free=entry.locked, locked=-entry.locked)
            entry.locked = 0.0

    def _settle(self, entry: AccountOrder, *, maker: bool) -> None:
        """Move the balances for a filled order and record its trade. Runs once per order."""
        if entry.trade is not None:
            return
        o = entry.order
        market = entry.market
        qty, cost = o.filled, o.cost
        self._release(entry)
        if entry.is_buy:
            commission, commission_asset = qty * market.taker_fee, market.base
            self._add(market.quote, free=-cost)
            self._add(market.base, free=qty - commission)
        else:
            commission, commission_asset = cost * market.taker_fee, market.quote
            self._add(market.base, free=-qty)
            self._add(market.quote, free=cost - commission)
        filled_ms = int(o.order_filled_date.timestamp() * 1000) if o.order_filled_date else self._now_ms()
        entry.updated_ms = filled_ms
        entry.trade = AccountTrade(
            trade_id=next(self._trade_ids),
            order_id=entry.order_id,
            symbol=entry.symbol,
            price=o.average or 0.0,
            qty=qty,
            quote_qty=cost,
            commission=commission,
            commission_asset=commission_asset,
            time=filled_ms,
            is_buyer=entry.is_buy,
            is_maker=maker,
        )
        self.trades.append(entry.trade)

    async def catch_up(self) -> None:
        """Fill the resting orders the market has traded through since the last request."""
        for entry in [e for e in self.orders.values() if e.is_open]:
            update = await self.broker.refresh_order(entry.order)
            apply_update(entry.order, update, self.market.clock.now())
            if entry.order.status is OrderStatus.CLOSED:
                self._settle(entry, maker=True)

    def _market_of(self, params: Params) -> tuple[str, Market]:
        symbol = params.get("symbol")
        if not symbol:
            raise _missing("symbol")
        market = self._symbols.get(symbol)
        if market is None:
            raise Rejection(400, -1121, "Invalid symbol.")
        return symbol, market

    def _find(self, params: Params, *, code: int, msg: str) -> AccountOrder:
        symbol, _ = self._market_of(params)
        order_id, client_id = params.get("orderId"), params.get("origClientOrderId")
        if order_id:
            if not order_id.isdigit():
                raise _illegal("orderId")
            entry = self.orders.get(int(order_id))
        elif client_id:
            entry = next((e for e in self.orders.values() if e.client_order_id == client_id), None)
        else:
            raise Rejection(
                400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!"
            )
        if entry is None or entry.symbol != symbol:
            raise Rejection(400, code, msg)
        return entry

    # ---- auth ----------------------------------------------------------------------------------
    async def _authenticate(self, request: web.Request) -> Params:
        if request.headers.get("X-MBX-APIKEY") != self.api_key:
            raise Rejection(401, -2015, "Invalid API-key, IP, or permissions for action.")
        query, query_signature = _without_signature(request.rel_url.raw_query_string)
        body, body_signature = _without_signature(await request.text() if request.body_exists else "")
        signature = query_signature or body_signature
        # Binance signs the query string and the body concatenated, each exactly as sent.
        expected = hmac.new(self._secret, (query + body).encode(), hashlib.sha256).hexdigest()
        if signature is None or not hmac.compare_digest(signature.lower().encode(), expected.encode()):
            raise Rejection(400, -1022, "Signature for this request is not valid.")
        params = dict(parse_qsl(body, keep_blank_values=True))
        params.update(parse_qsl(query, keep_blank_values=True))  # the query string wins, as on Binance
        if not params.get("timestamp"):
            raise _missing("timestamp")
        return params

    def _private(self, handler: PrivateHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def endpoint(request: web.Request) -> web.StreamResponse:
            try:
                params = await self._authenticate(request)
                async with self._lock:
                    await self.catch_up()
                    return await handler(params)
            except Rejection as rejection:
                return rejection.response()

        return endpoint

    # ---- POST /api/v3/order --------------------------------------------------------------------
    async def create_order(self, params: Params) -> web.StreamResponse:
        lost, self._lose_next_response = self._lose_next_response, False
        try:
            body = await self._place(params)
        except Rejection:
            if lost:
                return web.Response(status=503, text="Service Unavailable")
            raise
        if lost:
            return web.Response(status=503, text="Service Unavailable")
        return web.json_response(body)

    async def _place(self, params: Params) -> dict[str, Any]:
        symbol, market = self._market_of(params)
        side = params.get("side")
        if side not in ("BUY", "SELL"):
            raise _missing("side") if not side else _illegal("side")
        kind = params.get("type")
        if kind not in ("LIMIT", "MARKET"):
            raise _missing("type") if not kind else Rejection(400, -1116, "Invalid orderType.")
        client_id = params.get("newClientOrderId") or _generated_client_id()
        if not CLIENT_ORDER_ID.fullmatch(client_id):
            raise Rejection(
                400,
                -1100,
                "Illegal characters found in parameter 'newClientOrderId'; legal range is "
                f"'^{CLIENT_ORDER_ID.pattern}$'.",
            )
        if any(e.client_order_id == client_id for e in self.orders.values()):
            raise Rejection(400, -2010, "Duplicate order sent.")
        buy = side == "BUY"
        ticker = await self.market.fetch_ticker(market.symbol)
        touch = (ticker.ask if buy else ticker.bid) or ticker.last
        step = Decimal(_fmt(market.amount_precision))
        tick = Decimal(_fmt(market.price_precision))
        time_in_force = params.get("timeInForce")
        quote_qty = Decimal(0)
        price: Decimal | None = None
        if kind == "LIMIT":
            if not time_in_force:
                raise _missing("timeInForce")
            if time_in_force not in ("GTC", *IMMEDIATE):
                raise Rejection(400, -1115, "Invalid timeInForce.")
            price = _decimal(params, "price")
            if price < tick or price % tick:
                raise _filter_failure("PRICE_FILTER")
            qty = _decimal(params, "quantity")
        else:
            if time_in_force:
                raise Rejection(400, -1106, "Parameter 'timeInForce' sent when not required.")
            time_in_force = "GTC"
            if params.get("quantity") or not params.get("quoteOrderQty"):
                qty = _decimal(params, "quantity")
            else:
                quote_qty = _decimal(params, "quoteOrderQty")
                qty = (quote_qty / Decimal(str(touch)) / step).to_integral_value(ROUND_FLOOR) * step
        min_qty = Decimal(_fmt(market.min_amount or market.amount_precision))
        if qty <= 0 or qty < min_qty or qty % step:
            raise _filter_failure("LOT_SIZE")
        amount = float(qty)
        limit_price = None if price is None else float(price)
        if market.min_cost and amount * (limit_price or ticker.last) < market.min_cost:
            raise _filter_failure("NOTIONAL")
        needed = amount * (limit_price or touch) if buy else amount
        if self.balance(market.quote if buy else market.base)[0] < needed:
            raise _insufficient_balance()
        order_side = OrderSide.BUY if buy else OrderSide.SELL
        order_type = OrderType.LIMIT if kind == "LIMIT" else OrderType.MARKET
        try:
            placed = await self.broker.place_order(market.symbol, order_side, order_type, amount, limit_price)
        except InvalidRequest as exc:
            raise Rejection(400, -1013, str(exc)) from exc
        entry = AccountOrder(
            order_id=next(self._order_ids),
            client_order_id=client_id,
            symbol=symbol,
            market=market,
            order=new_order(0, order_side, placed, None, self.market.clock.now()),
            time_in_force=time_in_force,
            placed_ms=placed.timestamp,
            updated_ms=placed.timestamp,
            orig_quote_qty=float(quote_qty),
        )
        self.orders[entry.order_id] = entry
        if entry.order.status is OrderStatus.CLOSED:
            self._settle(entry, maker=False)
        elif time_in_force in IMMEDIATE:
            apply_update(entry.order, await self.broker.cancel_order(entry.order), self.market.clock.now())
            entry.expired = True
        else:
            self._lock_funds(entry, needed)
        return self._placement_answer(entry, params.get("newOrderRespType") or "FULL")

    def _placement_answer(self, entry: AccountOrder, response_type: str) -> dict[str, Any]:
        ack = {
            "symbol": entry.symbol,
            "orderId": entry.order_id,
            "orderListId": -1,
            "clientOrderId": entry.client_order_id,
            "transactTime": entry.placed_ms,
        }
        if response_type == "ACK":
            return ack
        answer = ack | entry.fields() | {"workingTime": entry.placed_ms}
        if response_type == "FULL":
            trade = entry.trade
            answer["fills"] = (
                []
                if trade is None
                else [
                    {
                        "price": _fmt(trade.price),
                        "qty": _fmt(trade.qty),
                        "commission": _fmt(trade.commission),
                        "commissionAsset": trade.commission_asset,
                        "tradeId": trade.trade_id,
                    }
                ]
            )
        return answer

    # ---- the other routes ----------------------------------------------------------------------
    async def query_order(self, params: Params) -> web.StreamResponse:
        entry = self._find(params, code=-2013, msg="Order does not exist.")
        return web.json_response(entry.query_json())

    async def cancel_order(self, params: Params) -> web.StreamResponse:
        entry = self._find(params, code=-2011, msg="Unknown order sent.")
        if not entry.is_open:
            raise Rejection(400, -2011, "Unknown order sent.")
        apply_update(entry.order, await self.broker.cancel_order(entry.order), self.market.clock.now())
        self._release(entry)
        entry.updated_ms = self._now_ms()
        answer = entry.fields() | {
            "origClientOrderId": entry.client_order_id,
            # Binance names the cancel request itself here, not the order.
            "clientOrderId": params.get("newClientOrderId") or _generated_client_id(),
            "transactTime": entry.updated_ms,
        }
        return web.json_response(answer)

    async def open_orders(self, params: Params) -> web.StreamResponse:
        symbol = self._market_of(params)[0] if "symbol" in params else None
        listed = [e.query_json() for e in self.orders.values() if e.is_open and symbol in (None, e.symbol)]
        return web.json_response(listed)

    async def account(self, params: Params) -> web.StreamResponse:
        rate = f"{self.market.fee:.8f}"
        bps = round(self.market.fee * 10_000)
        omit_zero = params.get("omitZeroBalances") == "true"
        balances = [
            {"asset": asset, "free": _fmt(self._free[asset]), "locked": _fmt(self._locked[asset])}
            for asset in self._listed
            if not omit_zero or self._free[asset] or self._locked[asset]
        ]
        return web.json_response(
            {
                "makerCommission": bps,
                "takerCommission": bps,
                "buyerCommission": 0,
                "sellerCommission": 0,
                "commissionRates": {"maker": rate, "taker": rate, "buyer": "0.00000000", "seller": "0.00000000"},
                "canTrade": True,
                "canWithdraw": True,
                "canDeposit": True,
                "brokered": False,
                "requireSelfTradePrevention": False,
                "preventSor": False,
                "updateTime": self._updated_ms,
                "accountType": "SPOT",
                "balances": balances,
                "permissions": ["SPOT"],
                "uid": 1,
            }
        )

    async def my_trades(self, params: Params) -> web.StreamResponse:
        symbol, _ = self._market_of(params)
        numbers: dict[str, int] = {}
        for name in ("orderId", "startTime", "endTime", "fromId", "limit"):
            if params.get(name):
                if not params[name].isdigit():
                    raise _illegal(name)
                numbers[name] = int(params[name])
        limit = max(1, min(numbers.get("limit", DEFAULT_TRADES_LIMIT), MAX_TRADES_LIMIT))
        trades = [
            t
            for t in self.trades
            if t.symbol == symbol
            and numbers.get("orderId", t.order_id) == t.order_id
            and t.time >= numbers.get("startTime", t.time)
            and t.time <= numbers.get("endTime", t.time)
            and t.trade_id >= numbers.get("fromId", t.trade_id)
        ]
        trades.sort(key=lambda t: t.trade_id)
        # From a starting point Binance pages forwards; without one it answers the most recent trades.
        page = trades[:limit] if "fromId" in numbers or "startTime" in numbers else trades[-limit:]
        return web.json_response([t.to_json() for t in page])
