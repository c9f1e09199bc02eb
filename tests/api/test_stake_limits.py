"""A stake asked for in ``POST /forceenter`` passes the same checks as one the bot computes, and spot
trades never use leverage. The wallet is 1,000 USDT, tradable_balance_ratio 0.99, BTC at 100 USDT,
fees 0.1 %, the market's minimum order value 1 USDT."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import pytest

from .conftest import Server, basic_auth


async def _force_enter(server: Server, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = await server.client.post("/api/v1/forceenter", json=body, headers=basic_auth())
    return response.status, await response.json()


async def _free_usdt(server: Server) -> float:
    balance = await server.get("/api/v1/balance")
    return next(c["free"] for c in balance["currencies"] if c["currency"] == "USDT")


@pytest.mark.parametrize("stake", [999_999_883, 1e300])
async def test_force_enter_stake_above_balance_is_409_and_nothing_is_opened(server: Server, stake: float) -> None:
    status, body = await _force_enter(server, {"pair": "BTC/USDT", "stakeamount": stake})

    assert status == 409
    assert "Available balance" in body["detail"]
    assert len(body["detail"]) < 150, "the stake is shown in a readable form"
    assert server.bot.open_trades == []
    assert await _free_usdt(server) == pytest.approx(1000.0)
    # Nothing is left behind that blocks the next, reasonable entry.
    trade = await server.post("/api/v1/forceenter", {"pair": "BTC/USDT", "stakeamount": 50})
    assert trade["stake_amount"] == pytest.approx(50.0)


async def test_force_enter_stake_above_tradable_balance_ratio_is_409(server: Server) -> None:
    # 995 is below the 1,000 held but above the 990 the ratio lets the bot trade.
    status, body = await _force_enter(server, {"pair": "BTC/USDT", "stakeamount": 995})

    assert status == 409
    assert "990.00000000" in body["detail"]
    assert server.bot.open_trades == []


async def test_force_enter_stake_counts_stake_already_tied_in_open_trades(server: Server) -> None:
    await server.post("/api/v1/forceenter", {"pair": "ETH/USDT", "stakeamount": 600})

    status, body = await _force_enter(server, {"pair": "BTC/USDT", "stakeamount": 600})

    assert status == 409
    assert "Available balance" in body["detail"]
    assert [t.pair for t in server.bot.open_trades] == ["ETH/USDT"]


async def test_force_enter_stake_below_market_minimum_is_400(server: Server) -> None:
    status, body = await _force_enter(server, {"pair": "BTC/USDT", "stakeamount": 0.5})

    assert status == 400
    assert "below the minimum" in body["detail"]
    assert server.bot.open_trades == []


async def test_force_enter_stake_above_market_maximum_amount_is_400(server: Server) -> None:
    market = server.market.markets["BTC/USDT"]
    server.market.markets["BTC/USDT"] = dataclasses.replace(market, max_amount=0.5)

    status, body = await _force_enter(server, {"pair": "BTC/USDT", "stakeamount": 100})  # 1 BTC

    assert status == 400
    assert "above the maximum" in body["detail"]
    assert server.bot.open_trades == []


async def test_force_enter_stake_above_market_maximum_cost_is_400(server: Server) -> None:
    market = server.market.markets["BTC/USDT"]
    server.market.markets["BTC/USDT"] = dataclasses.replace(market, max_cost=50.0)

    status, body = await _force_enter(server, {"pair": "BTC/USDT", "stakeamount": 100})

    assert status == 400
    assert "above the maximum" in body["detail"]
    assert server.bot.open_trades == []


@pytest.mark.parametrize("stake", ["Infinity", "NaN", "-inf", 0, -5])
async def test_force_enter_stake_that_is_not_a_positive_finite_number_is_422(server: Server, stake: Any) -> None:
    status, body = await _force_enter(server, {"pair": "BTC/USDT", "stakeamount": stake})

    assert status == 422
    assert "stakeamount" in body["errors"]
    assert server.bot.open_trades == []


async def test_force_enter_with_leverage_on_spot_spends_only_the_stake(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ftserver.bot.loop"):
        trade = await server.post("/api/v1/forceenter", {"pair": "BTC/USDT", "stakeamount": 100, "leverage": 3})

    assert "Leverage 3.0 ignored: spot trades use leverage 1.0" in caplog.text

    assert trade["leverage"] == 1.0
    assert trade["amount"] == pytest.approx(1.0)  # 100 USDT at 100, not 3 BTC
    assert trade["stake_amount"] == pytest.approx(100.0)
    assert await _free_usdt(server) == pytest.approx(1000 - 100 * 1.001)
    # The next entry still has money to work with.
    second = await server.post("/api/v1/forceenter", {"pair": "ETH/USDT", "stakeamount": 100})
    assert second["amount"] == pytest.approx(10.0)


async def test_force_enter_with_leverage_100_holds_coins_worth_the_stake_only(server: Server) -> None:
    trade = await server.post("/api/v1/forceenter", {"pair": "BTC/USDT", "stakeamount": 1, "leverage": 100})

    assert trade["leverage"] == 1.0
    assert trade["amount"] == pytest.approx(0.01)
    balance = await server.get("/api/v1/balance")
    btc = next(c for c in balance["currencies"] if c["currency"] == "BTC")
    assert btc["balance"] * 100 == pytest.approx(1.0)
