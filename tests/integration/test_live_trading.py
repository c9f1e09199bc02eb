"""Live trading (``dry_run: false``) end to end: the whole server, built from its config alone, trading
through real ccxt code on the loopback Binance server's signed endpoints."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.errors import ExchangeError
from ftserver.exchange.simulated import SimulatedMarket
from tests.api.conftest import START, app_settings, basic_auth
from tests.support.binance_account import BinanceAccount
from tests.support.binance_server import BinanceStub, ccxt_config_for

PAIRS = ["BTC/USDT", "ETH/USDT"]


@dataclass
class Exchange:
    clock: ManualClock
    sim: SimulatedMarket
    account: BinanceAccount
    stub: BinanceStub
    url: str


@pytest.fixture
async def exchange(aiohttp_server: Any) -> Exchange:
    clock = ManualClock(START)
    sim = SimulatedMarket(clock=clock, pairs=PAIRS, history_days=3)
    account = BinanceAccount(sim, balances={"USDT": 1000.0, "BNB": 2.0})
    stub = BinanceStub(sim, account=account)
    server = await aiohttp_server(stub.app)
    return Exchange(clock, sim, account, stub, str(server.make_url("")).rstrip("/"))


def live_settings(tmp_path: Path, exchange: Exchange, **extra: Any) -> Any:
    return app_settings(
        tmp_path,
        dry_run=False,
        db_url=f"sqlite:///{tmp_path / 'live.sqlite'}",
        stake_amount=50,
        exchange={
            "name": "binance",
            "key": "test-key",
            "secret": "test-secret",
            "ccxt_config": ccxt_config_for(exchange.url, api_key="test-key", secret="test-secret"),
            "pair_whitelist": PAIRS,
        },
        **extra,
    )


class Api:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    async def call(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        response = await self.client.request(method, f"/api/v1/{path}", headers=basic_auth(), json=json)
        assert response.status == status, f"{path}: {response.status} {await response.text()}"
        return await response.json()


@pytest.fixture
async def api(aiohttp_client: Any, tmp_path: Path, exchange: Exchange) -> Api:
    app = create_app(live_settings(tmp_path, exchange), clock=exchange.clock)
    return Api(await aiohttp_client(app))


def stored_trades(tmp_path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(tmp_path / "live.sqlite") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute("SELECT * FROM trades ORDER BY id")]


async def test_live_bot_reports_the_exchange_account_as_its_wallet(api: Api) -> None:
    config = await api.call("GET", "show_config")
    assert config["dry_run"] is False and config["runmode"] == "live"
    balance = await api.call("GET", "balance")
    by_currency = {c["currency"]: c for c in balance["currencies"]}
    assert by_currency["USDT"]["free"] == 1000.0 and by_currency["USDT"]["est_stake"] == 1000.0
    assert by_currency["BNB"]["balance"] == 2.0 and by_currency["BNB"]["is_bot_managed"] is False
    assert balance["starting_capital"] == pytest.approx(990.0)  # the tradable share (0.99) of 1000 USDT
    assert balance["note"] == ""


async def test_force_enter_and_exit_place_real_orders_and_book_the_exchanges_fees(
    api: Api, exchange: Exchange, tmp_path: Path
) -> None:
    trade = await api.call("POST", "forceenter", {"pair": "BTC/USDT", "ordertype": "market"})
    [buy] = exchange.account.orders.values()
    assert buy.status == "FILLED" and buy.order.side.value == "buy"
    assert buy.trade is not None and buy.trade.commission_asset == "BTC"
    filled, fee = buy.order.filled, buy.trade.commission
    # Binance took its fee in BTC: the trade holds what the account received.
    assert trade["amount"] == pytest.approx(filled - fee)
    assert trade["open_rate"] == pytest.approx(buy.order.average)
    assert trade["orders"][0]["order_id"] == str(buy.order_id)
    assert trade["orders"][0]["ft_fee_base"] == pytest.approx(fee)
    assert trade["stake_amount"] == pytest.approx(filled * buy.order.average, rel=1e-6)
    usdt = {c["currency"]: c for c in (await api.call("GET", "balance"))["currencies"]}["USDT"]
    assert usdt["free"] == pytest.approx(exchange.account.balance("USDT")[0])
    assert usdt["free"] == pytest.approx(1000.0 - buy.order.cost)

    exchange.clock.advance(minutes=3)
    await api.call("POST", "forceexit", {"tradeid": trade["trade_id"], "ordertype": "market"})
    sell = [o for o in exchange.account.orders.values() if o.order.side.value == "sell"]
    assert len(sell) == 1 and sell[0].status == "FILLED"
    step = exchange.sim.markets["BTC/USDT"].amount_precision or 0.0
    # Sold on the exchange's amount grid; less than one step of dust stays behind.
    assert filled - fee - step < sell[0].order.filled <= filled - fee
    [row] = stored_trades(tmp_path)
    assert row["is_open"] == 0 and row["exit_reason"] == "force_exit"
    sell_price = sell[0].order.average
    assert row["close_rate"] == pytest.approx(sell_price)
    profit = (await api.call("GET", "profit"))["profit_closed_coin"]
    assert profit == pytest.approx(row["close_profit_abs"])
    # What the account gained: USDT proceeds less the stake paid and both fees, plus the BTC dust
    # left behind (it is still held), valued at the exit price.
    gained = exchange.account.balance("USDT")[0] - 1000.0
    dust = exchange.account.balance("BTC")[0]
    assert 0 < dust < step
    assert row["close_profit_abs"] == pytest.approx(gained + dust * sell_price, abs=0.005)


async def test_exit_sells_what_the_account_holds_when_a_little_went_missing(api: Api, exchange: Exchange) -> None:
    trade = await api.call("POST", "forceenter", {"pair": "BTC/USDT", "ordertype": "market"})
    held = exchange.account.balance("BTC")[0]
    exchange.account.withdraw("BTC", held * 0.01)  # e.g. a fee the exchange never reported
    await api.call("POST", "forceexit", {"tradeid": trade["trade_id"], "ordertype": "market"})
    [sell] = [o for o in exchange.account.orders.values() if o.order.side.value == "sell"]
    assert sell.status == "FILLED" and sell.order.filled <= held * 0.99
    closed = await api.call("GET", f"trade/{trade['trade_id']}")
    assert closed["is_open"] is False and closed["amount"] == pytest.approx(held * 0.99)


async def test_exit_is_refused_when_the_coins_are_gone(api: Api, exchange: Exchange) -> None:
    trade = await api.call("POST", "forceenter", {"pair": "BTC/USDT", "ordertype": "market"})
    exchange.account.withdraw("BTC", exchange.account.balance("BTC")[0] / 2)
    refused = await api.call("POST", "forceexit", {"tradeid": trade["trade_id"]}, status=502)
    assert "Not enough BTC to exit trade" in refused["detail"]
    assert [o.order.side.value for o in exchange.account.orders.values()] == ["buy"]
    assert (await api.call("GET", f"trade/{trade['trade_id']}"))["is_open"] is True


async def test_restarted_live_bot_books_a_fill_that_happened_while_it_was_down(
    aiohttp_client: Any, tmp_path: Path, exchange: Exchange
) -> None:
    settings = live_settings(tmp_path, exchange)
    first = await aiohttp_client(create_app(settings, clock=exchange.clock))
    bid = (await exchange.sim.fetch_ticker("BTC/USDT")).bid or 0.0
    price = round(bid * 0.998, 2)
    trade = await Api(first).call("POST", "forceenter", {"pair": "BTC/USDT", "ordertype": "limit", "price": price})
    assert trade["is_open"] and trade["has_open_orders"]
    await first.close()  # the server goes down with the order resting on the exchange

    for _ in range(3 * 24 * 6):  # the market crosses the order while nobody watches
        exchange.clock.advance(minutes=10)
        await exchange.account.catch_up()
        if not next(iter(exchange.account.orders.values())).is_open:
            break
    [order] = exchange.account.orders.values()
    assert order.status == "FILLED"

    second = Api(await aiohttp_client(create_app(settings, clock=exchange.clock)))
    reloaded = await second.call("POST", f"trades/{trade['trade_id']}/reload")
    assert reloaded["has_open_orders"] is False
    assert reloaded["open_rate"] == pytest.approx(price)
    assert reloaded["amount"] == pytest.approx(order.order.filled - (order.trade.commission if order.trade else 0))


async def test_cancel_open_orders_on_exit_cancels_them_on_the_exchange(
    aiohttp_client: Any, tmp_path: Path, exchange: Exchange
) -> None:
    settings = live_settings(tmp_path, exchange, cancel_open_orders_on_exit=True)
    client = await aiohttp_client(create_app(settings, clock=exchange.clock))
    bid = (await exchange.sim.fetch_ticker("BTC/USDT")).bid or 0.0
    await Api(client).call("POST", "forceenter", {"pair": "BTC/USDT", "ordertype": "limit", "price": bid * 0.9})
    assert client.app[BOT].open_trades
    await client.close()
    [order] = exchange.account.orders.values()
    assert order.status == "CANCELED"
    assert exchange.account.balance("USDT") == (1000.0, 0.0)
    assert stored_trades(tmp_path) == []  # an entry that never filled leaves no trade


async def test_a_key_the_exchange_refuses_stops_the_start(tmp_path: Path, exchange: Exchange) -> None:
    settings = app_settings(
        tmp_path,
        dry_run=False,
        exchange={
            "name": "binance",
            "key": "test-key",
            "secret": "not-the-secret",
            "ccxt_config": ccxt_config_for(exchange.url, api_key="test-key", secret="not-the-secret"),
            "pair_whitelist": PAIRS,
        },
    )
    server = TestServer(create_app(settings, clock=exchange.clock), host="127.0.0.1")
    with pytest.raises(ExchangeError, match="AuthenticationError"):
        await server.start_server()
    await server.close()
