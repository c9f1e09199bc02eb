"""The money views agree with each other through a scripted dry-run: an entry that fills, one that
fills in part and is then cancelled, one cancelled unfilled, a partial exit and a full exit.

After every step: ``/balance`` total - starting capital == ``/profit`` profit_all_coin (to the cent),
and the closed profit of ``/trades``, ``/daily`` and ``/performance`` == profit_closed_coin.
Fees are 0.1 % on both sides; the wallet is 1,000 USDT.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.base import ExchangeOrder, MarketData
from ftserver.exchange.paper import PaperBroker
from ftserver.models import Order, OrderStatus
from tests.support.scripted_market import ScriptedMarket

from .conftest import START, Server, app_settings, basic_auth


class PartFillingBroker(PaperBroker):
    """The paper broker, except that a resting order of a pair named in ``part_fills`` reports that
    amount filled (and stays open) on its next refresh: a partial fill, which paper orders never have."""

    def __init__(self, market: MarketData, *, clock: ManualClock) -> None:
        super().__init__(market, clock=clock)
        self.part_fills: dict[str, float] = {}

    async def refresh_order(self, order: Order) -> ExchangeOrder:
        filled = self.part_fills.get(order.ft_pair)
        if filled is None or order.status is not OrderStatus.OPEN or order.price is None:
            return await super().refresh_order(order)
        current = await super().refresh_order(order)
        return dataclasses.replace(
            current,
            filled=filled,
            remaining=order.amount - filled,
            average=order.price,
            cost=filled * order.price,
        )


@pytest.fixture
async def scripted(aiohttp_client: Any, tmp_path: Path) -> tuple[Server, PartFillingBroker]:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0, "SOL/USDT": 20.0})
    broker = PartFillingBroker(market, clock=clock)
    settings = app_settings(
        tmp_path,
        exchange={"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT", "SOL/USDT"]},
    )
    app = create_app(settings, market=market, broker=broker, clock=clock, settings_loader=lambda: settings)
    client = await aiohttp_client(app)
    await app[BOT].run_once()
    return Server(client, clock, market), broker


async def _views_agree(server: Server) -> dict[str, Any]:
    balance = await server.get("/api/v1/balance")
    profit = await server.get("/api/v1/profit")
    daily = await server.get("/api/v1/daily")
    performance = await server.get("/api/v1/performance")
    trades = (await server.get("/api/v1/trades"))["trades"]

    assert balance["total"] == pytest.approx(sum(c["est_stake"] for c in balance["currencies"]))
    # starting_capital is the tradable share (0.99) of the wallet, as in freqtrade; the wallet itself moved
    # by exactly the profit
    wallet = balance["starting_capital"] / 0.99
    assert balance["total"] - wallet == pytest.approx(profit["profit_all_coin"], abs=0.01)
    closed = sum(t["profit_abs"] for t in trades if not t["is_open"])
    assert closed == pytest.approx(profit["profit_closed_coin"], abs=1e-6)
    assert sum(d["abs_profit"] for d in daily["data"]) == pytest.approx(closed, abs=1e-6)
    assert sum(p["profit_abs"] for p in performance) == pytest.approx(closed, abs=1e-6)
    return {c["currency"]: c for c in balance["currencies"]}


async def _force_enter(server: Server, **body: Any) -> dict[str, Any]:
    return await server.post("/api/v1/forceenter", body)


async def test_money_views_agree_through_a_scripted_dry_run(scripted: tuple[Server, PartFillingBroker]) -> None:
    server, broker = scripted
    await _views_agree(server)

    # 1. An entry that fills: 1 BTC at 100.
    btc = await _force_enter(server, pair="BTC/USDT", stakeamount=100)
    held = await _views_agree(server)
    assert held["BTC"]["balance"] == pytest.approx(1.0)
    assert held["BTC"]["est_stake"] == pytest.approx(100 * 0.999)  # what selling it now would bring

    # 2. A resting buy of 10 ETH at 9 is not ETH yet: its stake is USDT in use.
    eth = await _force_enter(server, pair="ETH/USDT", stakeamount=90, ordertype="limit", price=9.0)
    held = await _views_agree(server)
    assert "ETH" not in held or held["ETH"]["balance"] == 0.0
    assert held["USDT"]["used"] == pytest.approx(90 * 1.001)
    assert held["USDT"]["free"] == pytest.approx(1000 - 100 * 1.001 - 90 * 1.001)

    # ... 4 of the 10 ETH fill; the order stays on the book with 6 to go.
    broker.part_fills["ETH/USDT"] = 4.0
    await server.bot.run_once()
    held = await _views_agree(server)
    assert held["ETH"]["balance"] == pytest.approx(4.0)
    assert held["ETH"]["est_stake"] == pytest.approx(4 * 10 * 0.999)
    assert held["USDT"]["used"] == pytest.approx(6 * 9 * 1.001)

    # ... then the rest is cancelled: the trade keeps the 4 ETH, the 6 unfilled free their stake.
    del broker.part_fills["ETH/USDT"]
    response = await server.client.delete(f"/api/v1/trades/{eth['trade_id']}/open-order", headers=basic_auth())
    assert response.status == 200
    held = await _views_agree(server)
    assert held["ETH"]["balance"] == pytest.approx(4.0)
    assert held["USDT"]["used"] == pytest.approx(0.0)

    # 3. A resting buy cancelled unfilled leaves no trace.
    sol = await _force_enter(server, pair="SOL/USDT", stakeamount=50, ordertype="limit", price=19.0)
    held = await _views_agree(server)
    assert "SOL" not in held or held["SOL"]["balance"] == 0.0
    response = await server.client.delete(f"/api/v1/trades/{sol['trade_id']}/open-order", headers=basic_auth())
    assert response.status == 200
    held = await _views_agree(server)
    assert "SOL" not in held

    # 4. A partial exit: 0.4 of the BTC at 110.
    server.market.set_price("BTC/USDT", 110.0)
    await server.post("/api/v1/forceexit", {"tradeid": btc["trade_id"], "amount": 0.4})
    held = await _views_agree(server)
    assert held["BTC"]["balance"] == pytest.approx(0.6)

    # 5. A full exit of the ETH at a loss.
    server.market.set_price("ETH/USDT", 8.8)
    await server.post("/api/v1/forceexit", {"tradeid": eth["trade_id"]})
    held = await _views_agree(server)
    assert "ETH" not in held

    profit = await server.get("/api/v1/profit")
    # ETH: 4 * 8.8 * 0.999 - 4 * 9 * 1.001 = 35.1648 - 36.036
    assert profit["profit_closed_coin"] == pytest.approx(-0.8712, abs=1e-6)
    # BTC: realized 0.4 * 110 * 0.999 - 0.4 * 100 * 1.001 = 3.916; open 0.6 * 110 * 0.999 - 0.6 * 100 * 1.001
    assert profit["profit_all_coin"] == pytest.approx(-0.8712 + 3.916 + 65.934 - 60.06, abs=1e-6)
