"""A trade with several orders over REST: ``/forceenter`` on an open pair adds to it when position
adjustment is on (as in freqtrade), and ``/status`` and ``/trades`` list every order. Fees 0.1 %."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from tests.support.scripted_market import ScriptedMarket

from .conftest import START, Server, app_settings, basic_auth


@pytest.fixture
async def adjusting(aiohttp_client: Any, tmp_path: Path) -> Server:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(tmp_path, position_adjustment_enable=True)
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client = await aiohttp_client(app)
    await app[BOT].run_once()
    return Server(client, clock, market)


async def test_force_enter_on_an_open_pair_adds_an_order_and_status_and_trades_show_both(adjusting: Server) -> None:
    assert (await adjusting.get("/api/v1/show_config"))["position_adjustment_enable"] is True
    first = await adjusting.post("/api/v1/forceenter", {"pair": "BTC/USDT"})  # 100 USDT -> 1 BTC at 100
    adjusting.market.set_price("BTC/USDT", 80.0)
    second = await adjusting.post("/api/v1/forceenter", {"pair": "BTC/USDT", "stakeamount": 80})
    assert second["trade_id"] == first["trade_id"]

    [status] = await adjusting.get("/api/v1/status")
    assert status["amount"] == pytest.approx(2.0)
    assert status["open_rate"] == pytest.approx(90.0)  # (100 + 80) / 2
    assert status["stake_amount"] == pytest.approx(180.0)
    assert status["nr_of_successful_entries"] == 2
    assert [(o["ft_order_side"], o["safe_price"], o["filled"]) for o in status["orders"]] == [
        ("buy", 100.0, 1.0),
        ("buy", 80.0, 1.0),
    ]
    assert status["orders"][1]["ft_order_tag"] == "force_entry"

    adjusting.market.set_price("BTC/USDT", 100.0)
    await adjusting.post("/api/v1/forceexit", {"tradeid": first["trade_id"]})
    page = await adjusting.get("/api/v1/trades")  # closed trades
    [row] = page["trades"]
    assert [o["ft_is_entry"] for o in row["orders"]] == [True, True, False]
    assert row["open_rate"] == pytest.approx(90.0) and row["amount"] == pytest.approx(2.0)
    # 2 x 100 x 0.999 - 2 x 90 x 1.001 = 199.8 - 180.18 = 19.62, over the 180.18 staked
    assert row["close_profit_abs"] == pytest.approx(19.62)
    assert row["close_profit"] == pytest.approx(19.62 / 180.18)


async def test_force_enter_on_an_open_pair_without_position_adjustment_is_409(server: Server) -> None:
    assert (await server.get("/api/v1/show_config"))["position_adjustment_enable"] is False
    first = await server.post("/api/v1/forceenter", {"pair": "BTC/USDT"})
    response = await server.client.post("/api/v1/forceenter", headers=basic_auth(), json={"pair": "BTC/USDT"})
    assert response.status == 409
    assert (await response.json())["detail"] == f"position for BTC/USDT already open - id: {first['trade_id']}"
