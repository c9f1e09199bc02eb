"""A loopback server answering Binance's public spot REST endpoints with a SimulatedMarket's data.

Real ccxt code runs against it: ccxt's own URL building, request and parsing. ``fail_next`` makes
the next requests fail with a status (to exercise retries); ``hits`` counts requests per path.
Given a ``BinanceAccount`` it also answers the signed account and order endpoints. ``listed_ms``
makes every symbol "listed" at that time: as for a new listing on Binance, no kline opens before it.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ftserver.data.timeframes import timeframe_to_ms
from ftserver.exchange.simulated import SimulatedMarket

if TYPE_CHECKING:  # binance_account imports this module
    from tests.support.binance_account import BinanceAccount

INTERVALS = {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w"}
MAX_KLINES = 1000
log = logging.getLogger(__name__)


def _fmt(value: float | None) -> str:
    return "0" if value is None else f"{value:.10f}".rstrip("0").rstrip(".") or "0"


class BinanceStub:
    def __init__(
        self, market: SimulatedMarket, *, account: BinanceAccount | None = None, listed_ms: int | None = None
    ) -> None:
        self.market = market
        self.listed_ms = listed_ms
        self.account = account
        self.hits: Counter[str] = Counter()
        self.unknown: list[str] = []  # paths asked for that this stub does not serve
        self._failures: list[int] = []
        self.app = web.Application(middlewares=[self._count_and_fail])
        r = self.app.router
        r.add_get("/api/v3/ping", self.ping)
        r.add_get("/api/v3/time", self.time)
        r.add_get("/api/v3/exchangeInfo", self.exchange_info)
        r.add_get("/api/v3/klines", self.klines)
        r.add_get("/api/v3/ticker/24hr", self.ticker_24hr)
        r.add_get("/api/v3/ticker/bookTicker", self.book_ticker)
        r.add_get("/api/v3/depth", self.depth)
        if account is not None:
            account.add_routes(r)

    def fail_next(self, count: int, status: int = 503) -> None:
        self._failures.extend([status] * count)

    @web.middleware
    async def _count_and_fail(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.hits[request.path] += 1
        if self._failures:
            return web.Response(status=self._failures.pop(0), text="Service Unavailable")
        if request.match_info.route.resource is None:
            self.unknown.append(request.path)
            log.warning("binance stub has no endpoint %s %s", request.method, request.path_qs)
        return await handler(request)

    def _symbol(self, symbol: str) -> str:
        for pair, market in self.market.markets.items():
            if market.base + market.quote == symbol:
                return pair
        raise web.HTTPBadRequest(text='{"code":-1121,"msg":"Invalid symbol."}', content_type="application/json")

    def _now(self) -> int:
        return int(self.market.clock.now().timestamp() * 1000)

    async def ping(self, request: web.Request) -> web.Response:
        return web.json_response({})

    async def time(self, request: web.Request) -> web.Response:
        return web.json_response({"serverTime": self._now()})

    async def exchange_info(self, request: web.Request) -> web.Response:
        symbols = []
        for market in self.market.markets.values():
            symbols.append(
                {
                    "symbol": market.base + market.quote,
                    "status": "TRADING",
                    "baseAsset": market.base,
                    "baseAssetPrecision": 8,
                    "quoteAsset": market.quote,
                    "quotePrecision": 8,
                    "quoteAssetPrecision": 8,
                    "orderTypes": ["LIMIT", "MARKET"],
                    "icebergAllowed": True,
                    "ocoAllowed": True,
                    "isSpotTradingAllowed": True,
                    "isMarginTradingAllowed": False,
                    "filters": [
                        {
                            "filterType": "PRICE_FILTER",
                            "minPrice": _fmt(market.price_precision),
                            "maxPrice": "1000000",
                            "tickSize": _fmt(market.price_precision),
                        },
                        {
                            "filterType": "LOT_SIZE",
                            "minQty": _fmt(market.amount_precision),
                            "maxQty": "9000000",
                            "stepSize": _fmt(market.amount_precision),
                        },
                        {"filterType": "NOTIONAL", "minNotional": _fmt(market.min_cost), "maxNotional": "9000000"},
                    ],
                    "permissions": ["SPOT"],
                    "permissionSets": [["SPOT"]],
                }
            )
        return web.json_response({"timezone": "UTC", "serverTime": self._now(), "rateLimits": [], "symbols": symbols})

    async def klines(self, request: web.Request) -> web.Response:
        q = request.query
        pair = self._symbol(q.get("symbol", ""))
        interval = q.get("interval", "")
        if interval not in INTERVALS:
            raise web.HTTPBadRequest(text='{"code":-1120,"msg":"Invalid interval."}', content_type="application/json")
        limit = min(int(q.get("limit", 500)), MAX_KLINES)
        step = timeframe_to_ms(interval)
        since = int(q["startTime"]) if "startTime" in q else None
        end = int(q["endTime"]) if "endTime" in q else None
        if since is None and end is not None:
            # Binance: without startTime, the newest `limit` candles that open at or before endTime.
            since = end - end % step - (limit - 1) * step
        listed = self.listed_ms
        if listed is not None and since is not None and since < listed:
            since = listed  # Binance counts `limit` from the first candle there is
        rows = self.market.candles(pair, interval, since_ms=since, limit=limit)
        out = []
        for ts, o, h, low, c, v in rows:
            if end is not None and ts > end:
                break
            if listed is not None and ts < listed:
                continue
            close_time = int(ts) + step - 1
            out.append(
                [int(ts), _fmt(o), _fmt(h), _fmt(low), _fmt(c), _fmt(v), close_time, _fmt(v * c), 1, "0", "0", "0"]
            )
        return web.json_response(out)

    async def _ticker(self, pair: str) -> dict[str, Any]:
        t = await self.market.fetch_ticker(pair)
        market = self.market.markets[pair]
        day = self.market.candles(pair, "1h", since_ms=t.timestamp - 86_400_000, limit=25)
        open_price = day[0][1] if day else t.last
        return {
            "symbol": market.base + market.quote,
            "lastPrice": _fmt(t.last),
            "bidPrice": _fmt(t.bid),
            "askPrice": _fmt(t.ask),
            "highPrice": _fmt(t.high),
            "lowPrice": _fmt(t.low),
            "volume": _fmt(t.base_volume),
            "quoteVolume": _fmt(t.quote_volume),
            "openPrice": _fmt(open_price),
            "priceChange": _fmt(t.last - open_price),
            "priceChangePercent": f"{(t.last / open_price - 1) * 100:.3f}",
            "closeTime": t.timestamp,
            "openTime": t.timestamp - 86_400_000,
        }

    async def ticker_24hr(self, request: web.Request) -> web.Response:
        if "symbol" in request.query:
            return web.json_response(await self._ticker(self._symbol(request.query["symbol"])))
        return web.json_response([await self._ticker(p) for p in self.market.markets])

    async def book_ticker(self, request: web.Request) -> web.Response:
        pairs = [self._symbol(request.query["symbol"])] if "symbol" in request.query else list(self.market.markets)
        out = []
        for pair in pairs:
            book = await self.market.fetch_order_book(pair, 1)
            market = self.market.markets[pair]
            out.append(
                {
                    "symbol": market.base + market.quote,
                    "bidPrice": _fmt(book.bids[0][0]),
                    "bidQty": _fmt(book.bids[0][1]),
                    "askPrice": _fmt(book.asks[0][0]),
                    "askQty": _fmt(book.asks[0][1]),
                }
            )
        return web.json_response(out[0] if "symbol" in request.query else out)

    async def depth(self, request: web.Request) -> web.Response:
        pair = self._symbol(request.query.get("symbol", ""))
        book = await self.market.fetch_order_book(pair, min(int(request.query.get("limit", 100)), 100))
        return web.json_response(
            {
                "lastUpdateId": 1,
                "bids": [[_fmt(p), _fmt(a)] for p, a in book.bids],
                "asks": [[_fmt(p), _fmt(a)] for p, a in book.asks],
            }
        )


def create_binance_app(market: SimulatedMarket) -> web.Application:
    """The stub's app alone, for callers that need no failure injection or counters."""
    return BinanceStub(market).app


def ccxt_config_for(base_url: str, *, api_key: str | None = None, secret: str | None = None) -> dict[str, Any]:
    """ccxt settings pointing binance's spot API at ``base_url`` (no rate limiter: it is local).

    With credentials, ccxt's load_markets would also call wallet and margin endpoints on the real
    hosts (only the spot URLs point here): the options keep it to the spot market list.
    """
    config: dict[str, Any] = {
        "urls": {"api": {"public": f"{base_url}/api/v3", "private": f"{base_url}/api/v3"}},
        "enableRateLimit": False,
    }
    if api_key is not None or secret is not None:
        config["apiKey"] = api_key
        config["secret"] = secret
        config["options"] = {
            "fetchCurrencies": False,
            "fetchMargins": False,
            "defaultType": "spot",
            "fetchMarkets": {"types": ["spot"]},
        }
    return config
