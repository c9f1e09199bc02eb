"""Raw ccxt (its own signing, URL building and parsing) against the loopback Binance account endpoints."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import ccxt
import ccxt.async_support as ccxt_async
import pytest

from ftserver.core.clock import ManualClock
from ftserver.exchange.simulated import SimulatedMarket
from tests.support.binance_account import BinanceAccount
from tests.support.binance_server import BinanceStub, ccxt_config_for

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)
KEY = "test-key"
SECRET = "test-secret"
PAIR = "BTC/USDT"
FEE = 0.001
SEARCH_MINUTES = 3 * 24 * 60


@dataclass
class Venue:
    clock: ManualClock
    sim: SimulatedMarket
    account: BinanceAccount
    stub: BinanceStub
    url: str


@pytest.fixture
async def venue(aiohttp_server: Any) -> Venue:
    clock = ManualClock(NOW)
    sim = SimulatedMarket(clock=clock, pairs=[PAIR, "ETH/USDT"], history_days=2, fee=FEE)
    account = BinanceAccount(sim, api_key=KEY, secret=SECRET)
    stub = BinanceStub(sim, account=account)
    server = await aiohttp_server(stub.app)
    return Venue(clock, sim, account, stub, str(server.make_url("")).rstrip("/"))


@pytest.fixture
async def connect(venue: Venue) -> AsyncIterator[Callable[..., Any]]:
    """Builds raw ccxt binance clients on the stub; closes them all afterwards."""
    clients: list[Any] = []

    def make(api_key: str = KEY, secret: str = SECRET) -> Any:
        client = ccxt_async.binance(ccxt_config_for(venue.url, api_key=api_key, secret=secret))
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
def exchange(connect: Callable[..., Any]) -> Any:
    return connect()


async def _bid(venue: Venue) -> float:
    ticker = await venue.sim.fetch_ticker(PAIR)
    assert ticker.bid is not None
    return ticker.bid


def _advance_until_low_reaches(venue: Venue, price: float) -> None:
    """Moves the clock minute by minute until a closed 1m candle traded at or below ``price``."""
    for _ in range(SEARCH_MINUTES):
        venue.clock.advance(60)
        last_closed = venue.sim.candles(PAIR, "1m", limit=2)[0]
        if last_closed[3] <= price:
            return
    pytest.fail(f"the simulated {PAIR} price did not reach {price} within {SEARCH_MINUTES} minutes")


async def test_market_buy_fills_at_once_and_pays_commission_in_base(venue: Venue, exchange: Any) -> None:
    ask = (await venue.sim.fetch_ticker(PAIR)).ask
    order = await exchange.create_order(PAIR, "market", "buy", 0.001)
    assert order["status"] == "closed"
    assert order["filled"] == pytest.approx(0.001)
    assert order["cost"] == pytest.approx(0.001 * ask)
    assert order["fee"]["currency"] == "BTC"
    assert order["fee"]["cost"] == pytest.approx(0.001 * FEE)

    balance = await exchange.fetch_balance()
    assert balance["BTC"]["free"] == pytest.approx(0.001 - 0.001 * FEE)
    assert balance["USDT"]["free"] == pytest.approx(1000 - order["cost"])
    assert balance["USDT"]["used"] == 0


async def test_market_buy_with_a_price_spends_that_much_quote(venue: Venue, exchange: Any) -> None:
    ask = (await venue.sim.fetch_ticker(PAIR)).ask
    # Given a price, ccxt sends a market buy as quoteOrderQty = amount * price.
    order = await exchange.create_order(PAIR, "market", "buy", 0.001, 30_000)
    assert order["info"]["origQuoteOrderQty"] == "30"
    assert order["status"] == "closed"
    assert order["filled"] == pytest.approx(int(30 / ask / 0.00001) * 0.00001)
    assert order["cost"] == pytest.approx(order["filled"] * ask)
    assert order["cost"] <= 30


async def test_market_sell_pays_commission_in_quote(venue: Venue, exchange: Any) -> None:
    await exchange.create_order(PAIR, "market", "buy", 0.002)
    usdt_before, _ = venue.account.balance("USDT")
    btc_before, _ = venue.account.balance("BTC")

    sold = await exchange.create_order(PAIR, "market", "sell", 0.001)
    assert sold["status"] == "closed"
    assert sold["fee"]["currency"] == "USDT"
    assert sold["fee"]["cost"] == pytest.approx(sold["cost"] * FEE)
    balance = await exchange.fetch_balance()
    assert balance["BTC"]["total"] == pytest.approx(btc_before - 0.001)
    assert balance["USDT"]["total"] == pytest.approx(usdt_before + sold["cost"] * (1 - FEE))


async def test_resting_limit_buy_locks_quote_then_fills_once_when_crossed(venue: Venue, exchange: Any) -> None:
    price = round(await _bid(venue) * 0.997, 2)
    order = await exchange.create_order(PAIR, "limit", "buy", 0.001, price)
    assert order["status"] == "open"
    assert order["filled"] == 0
    balance = await exchange.fetch_balance()
    assert balance["USDT"]["used"] == pytest.approx(0.001 * price)
    assert balance["USDT"]["free"] == pytest.approx(1000 - 0.001 * price)
    assert [o["id"] for o in await exchange.fetch_open_orders(PAIR)] == [order["id"]]

    _advance_until_low_reaches(venue, price)
    filled = await exchange.fetch_order(order["id"], PAIR)
    assert filled["status"] == "closed"
    assert filled["filled"] == pytest.approx(0.001)
    assert filled["average"] == pytest.approx(price)
    assert await exchange.fetch_open_orders(PAIR) == []

    for _ in range(2):  # asking again does not apply the fill again
        await exchange.fetch_order(order["id"], PAIR)
        balance = await exchange.fetch_balance()
        assert balance["USDT"]["used"] == 0
        assert balance["USDT"]["total"] == pytest.approx(1000 - 0.001 * price)
        assert balance["BTC"]["total"] == pytest.approx(0.001 * (1 - FEE))
    trades = await exchange.fetch_my_trades(PAIR)
    assert len(trades) == 1
    assert trades[0]["takerOrMaker"] == "maker"


async def test_cancel_unlocks_funds_and_a_second_cancel_is_order_not_found(venue: Venue, exchange: Any) -> None:
    price = round(await _bid(venue) * 0.99, 2)
    order = await exchange.create_order(PAIR, "limit", "buy", 0.001, price)
    assert venue.account.balance("USDT") == pytest.approx((1000 - 0.001 * price, 0.001 * price))

    canceled = await exchange.cancel_order(order["id"], PAIR)
    assert canceled["status"] == "canceled"
    assert venue.account.balance("USDT") == pytest.approx((1000, 0))
    assert (await exchange.fetch_order(order["id"], PAIR))["status"] == "canceled"
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.cancel_order(order["id"], PAIR)


async def test_order_is_found_by_client_order_id_and_a_duplicate_id_is_refused(venue: Venue, exchange: Any) -> None:
    price = round(await _bid(venue) * 0.99, 2)
    placed = await exchange.create_order(PAIR, "limit", "buy", 0.001, price, {"clientOrderId": "ft-client-1"})
    assert placed["clientOrderId"] == "ft-client-1"

    found = await exchange.fetch_order("", PAIR, {"clientOrderId": "ft-client-1"})
    assert found["id"] == placed["id"]
    assert found["clientOrderId"] == "ft-client-1"
    assert found["status"] == "open"
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate order sent"):
        await exchange.create_order(PAIR, "limit", "buy", 0.001, price, {"clientOrderId": "ft-client-1"})
    with pytest.raises(ccxt.BadRequest, match="newClientOrderId"):  # Binance allows 36 characters
        await exchange.create_order(PAIR, "limit", "buy", 0.001, price, {"clientOrderId": "x" * 37})
    assert len(venue.account.orders) == 1
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.fetch_order("", PAIR, {"clientOrderId": "ft-client-2"})
    with pytest.raises(ccxt.OrderNotFound):
        await exchange.fetch_order("999", PAIR)


async def test_order_trades_and_my_trades_carry_each_fill_with_its_fee(venue: Venue, exchange: Any) -> None:
    first = await exchange.create_order(PAIR, "market", "buy", 0.001)
    venue.clock.advance(120)
    second = await exchange.create_order(PAIR, "market", "buy", 0.002)

    trades = await exchange.fetch_order_trades(second["id"], PAIR)
    assert len(trades) == 1
    assert trades[0]["order"] == second["id"]
    assert trades[0]["amount"] == pytest.approx(0.002)
    assert trades[0]["price"] == pytest.approx(second["average"])
    assert trades[0]["fee"] == {"currency": "BTC", "cost": pytest.approx(0.002 * FEE)}
    assert trades[0]["takerOrMaker"] == "taker"

    everything = await exchange.fetch_my_trades(PAIR)
    assert [t["order"] for t in everything] == [first["id"], second["id"]]  # oldest first
    assert [t["order"] for t in await exchange.fetch_my_trades(PAIR, limit=1)] == [second["id"]]
    assert [t["order"] for t in await exchange.fetch_my_trades(PAIR, since=everything[0]["timestamp"], limit=1)] == [
        first["id"]
    ]
    assert await exchange.fetch_my_trades("ETH/USDT") == []


async def test_wrong_secret_or_wrong_key_is_an_authentication_error(venue: Venue, connect: Any) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        await connect(secret="not-the-secret").fetch_balance()
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        await connect(api_key="not-the-key").create_order(PAIR, "market", "buy", 0.001)
    assert venue.account.orders == {}
    assert venue.stub.hits["/api/v3/account"] == 1


async def test_too_little_balance_is_insufficient_funds(venue: Venue, exchange: Any) -> None:
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.create_order(PAIR, "market", "buy", 1.0)  # about 50 000 USDT
    with pytest.raises(ccxt.InsufficientFunds):
        await exchange.create_order(PAIR, "limit", "sell", 0.001, round(await _bid(venue), 2))  # holds no BTC
    assert venue.account.orders == {}
    assert venue.account.balance("USDT") == (1000, 0)


async def test_filter_failures_reach_ccxt_as_binance_reports_them(venue: Venue, exchange: Any) -> None:
    await exchange.load_markets()
    # Binance's -1013 is a BadRequest in ccxt unless the message names LOT_SIZE or PRICE_FILTER:
    # a NOTIONAL failure is a BadRequest against the real exchange too, not an InvalidOrder.
    with pytest.raises(ccxt.BadRequest, match="Filter failure: NOTIONAL"):
        await exchange.create_order(PAIR, "market", "buy", 0.00005)  # about 2.5 USDT, minimum 5
    # ccxt rounds amounts and prices to the market's precision, so off-grid values go out raw.
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC"}
    with pytest.raises(ccxt.InvalidOrder, match="LOT_SIZE"):
        await exchange.private_post_order(order | {"quantity": "0.000015", "price": "40000"})
    with pytest.raises(ccxt.InvalidOrder, match="PRICE_FILTER"):
        await exchange.private_post_order(order | {"quantity": "0.001", "price": "40000.005"})
    with pytest.raises(ccxt.BadSymbol):
        await exchange.private_post_order(order | {"symbol": "NOPEUSDT", "quantity": "1", "price": "1"})
    assert venue.account.orders == {}


async def test_lost_order_response_leaves_the_order_to_be_found_by_client_id(venue: Venue, exchange: Any) -> None:
    venue.account.lose_next_order_response()
    with pytest.raises(ccxt.NetworkError):
        await exchange.create_order(PAIR, "market", "buy", 0.001, None, {"clientOrderId": "ft-lost-1"})

    found = await exchange.fetch_order("", PAIR, {"clientOrderId": "ft-lost-1"})
    assert found["status"] == "closed"
    assert found["filled"] == pytest.approx(0.001)
    assert venue.account.balance("BTC")[0] == pytest.approx(0.001 * (1 - FEE))
    answered = await exchange.create_order(PAIR, "market", "buy", 0.001)  # only one answer was lost
    assert answered["status"] == "closed"


async def test_load_markets_with_credentials_asks_nothing_outside_the_stub(venue: Venue, exchange: Any) -> None:
    markets = await exchange.load_markets()
    assert set(markets) == {PAIR, "ETH/USDT"}
    assert venue.stub.unknown == []
    assert set(venue.stub.hits) == {"/api/v3/exchangeInfo"}


async def test_failure_injection_and_counters_cover_the_private_routes(venue: Venue, exchange: Any) -> None:
    await exchange.load_markets()
    venue.stub.fail_next(1, 503)
    with pytest.raises(ccxt.ExchangeNotAvailable):
        await exchange.fetch_balance()
    assert (await exchange.fetch_balance())["USDT"]["free"] == 1000
    assert venue.stub.hits["/api/v3/account"] == 2


async def test_signature_covers_query_string_and_body_joined_as_sent(venue: Venue) -> None:
    query = "symbol=BTCUSDT&side=BUY&type=MARKET"
    body = "quantity=0.001&newClientOrderId=raw-1&timestamp=1"

    def sign(payload: str) -> str:
        return hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()

    headers = {"X-MBX-APIKEY": KEY, "Content-Type": "application/x-www-form-urlencoded"}
    async with aiohttp.ClientSession() as session:
        url = f"{venue.url}/api/v3/order?{query}"
        async with session.post(url, data=f"{body}&signature={sign(query + '&' + body)}", headers=headers) as wrong:
            assert wrong.status == 400
            assert await wrong.json() == {"code": -1022, "msg": "Signature for this request is not valid."}
        async with session.post(url, data=f"{body}&signature={sign(query + body)}", headers=headers) as right:
            assert right.status == 200
            answer = await right.json()
    assert answer["status"] == "FILLED"
    assert answer["clientOrderId"] == "raw-1"
    assert answer["fills"][0]["commissionAsset"] == "BTC"
