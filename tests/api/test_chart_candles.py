"""/pair_candles on any timeframe and up to 1,500 candles, on the simulated market through the real app."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ftserver.app import BOT, create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.simulated import SimulatedMarket

from .conftest import Server, app_settings, basic_auth

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)
PLAIN_COLUMNS = ["date", "open", "high", "low", "close", "volume", "__date_ts"]


@pytest.fixture
async def sim(aiohttp_client: Any, tmp_path: Path) -> Server:
    clock = ManualClock(NOW)
    market = SimulatedMarket(pairs=["BTC/USDT", "ETH/USDT"], clock=clock, history_days=10)
    settings = app_settings(tmp_path, timeframe="5m", exchange={"name": "sim", "pair_whitelist": ["BTC/USDT"]})
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client = await aiohttp_client(app)
    await app[BOT].run_once()
    return Server(client, clock, market)  # type: ignore[arg-type]


async def test_strategy_timeframe_answers_indicators_and_signals(sim: Server) -> None:
    answer = await sim.get("/api/v1/pair_candles", params={"pair": "BTC/USDT", "timeframe": "5m", "limit": 50})
    assert answer["length"] == 50
    assert {"rsi", "ema_fast", "enter_long", "exit_long"} <= set(answer["columns"])
    # Newest closed 5m candle at 12:00:30 opened at 11:55.
    assert answer["data_stop"] == "2026-03-02 11:55:00+00:00"


async def test_other_timeframe_answers_plain_market_candles(sim: Server) -> None:
    answer = await sim.get("/api/v1/pair_candles", params={"pair": "BTC/USDT", "timeframe": "1h", "limit": 24})
    assert answer["timeframe"] == "1h"
    assert answer["timeframe_ms"] == 3_600_000
    assert answer["columns"] == PLAIN_COLUMNS
    assert answer["length"] == 24
    # Closed candles only: at 12:00:30 the 12:00 hour is forming, so the newest is 11:00 and the
    # oldest of 24 opened at 12:00 the day before.
    assert answer["data_stop"] == "2026-03-02 11:00:00+00:00"
    assert answer["data_start"] == "2026-03-01 12:00:00+00:00"
    counts = [answer[key] for key in ("buy_signals", "sell_signals", "enter_long_signals", "exit_short_signals")]
    assert counts == [0, 0, 0, 0]
    # The rows are the market's own hourly candles.
    market_rows = sim.market.candles("BTC/USDT", "1h", limit=25)[:-1]
    first = answer["data"][0]
    assert first[1:6] == market_rows[0][1:6]
    assert first[6] == int(market_rows[0][0])


async def test_other_timeframe_with_columns_keeps_only_candles(sim: Server) -> None:
    answer = await sim.post(
        "/api/v1/pair_candles", {"pair": "ETH/USDT", "timeframe": "15m", "limit": 10, "columns": ["rsi"]}
    )
    assert answer["columns"] == PLAIN_COLUMNS  # no analysis on 15m: rsi does not exist there
    assert answer["length"] == 10
    assert answer["data_stop"] == "2026-03-02 11:45:00+00:00"


async def test_polling_another_timeframe_fetches_once_per_candle_and_age(sim: Server) -> None:
    params = {"pair": "BTC/USDT", "timeframe": "1h", "limit": 100}
    first = await sim.get("/api/v1/pair_candles", params=params)
    for _ in range(3):
        assert await sim.get("/api/v1/pair_candles", params=params) == first
    await sim.get("/api/v1/pair_candles", params={**params, "limit": 20})  # fewer: cut from the kept frame
    charts = sim.client.app[BOT].charts
    assert charts.fetches == 1
    sim.clock.advance(30)  # the kept candles are 30 s old: fetched again
    await sim.get("/api/v1/pair_candles", params=params)
    assert charts.fetches == 2
    await sim.get("/api/v1/pair_candles", params={**params, "limit": 200})  # more than kept: fetched
    assert charts.fetches == 3


async def test_timeframe_bad_or_not_offered_is_400_with_detail(sim: Server) -> None:
    for timeframe, detail in (
        ("7x", "Invalid timeframe '7x'"),
        ("7m", "Timeframe '7m' is not offered by sim; it offers 1m, 3m, 5m, 15m"),
    ):
        response = await sim.client.get(
            "/api/v1/pair_candles", params={"pair": "BTC/USDT", "timeframe": timeframe}, headers=basic_auth()
        )
        assert response.status == 400
        assert (await response.json())["detail"].startswith(detail)


async def test_unknown_pair_on_another_timeframe_is_404(sim: Server) -> None:
    response = await sim.client.get(
        "/api/v1/pair_candles", params={"pair": "NOPE/USDT", "timeframe": "1h"}, headers=basic_auth()
    )
    assert response.status == 404
    assert (await response.json())["detail"] == "NOPE/USDT is not a market of sim"


async def test_timeframes_lists_the_exchange_and_strategy_timeframes(sim: Server) -> None:
    answer = await sim.get("/api/v1/timeframes")
    assert answer["strategy_timeframe"] == "5m"
    assert answer["exchange_id"] == "sim"
    assert answer["timeframes"][:4] == ["1m", "3m", "5m", "15m"]
    assert "1d" in answer["timeframes"]


async def test_strategy_timeframe_answers_1500_candles_from_the_start(sim: Server) -> None:
    answer = await sim.get("/api/v1/pair_candles", params={"pair": "BTC/USDT", "timeframe": "5m", "limit": 1500})
    assert answer["length"] == 1500
    # 1,499 candles of 5 minutes before 11:55 on March 2nd: 5 days 4 h 55 min.
    assert answer["data_start"] == "2026-02-25 07:00:00+00:00"
    assert answer["data_stop"] == "2026-03-02 11:55:00+00:00"
    assert {"rsi", "ema_fast", "enter_long"} <= set(answer["all_columns"])  # the analyzed frame


async def test_more_than_1500_candles_is_refused(sim: Server) -> None:
    response = await sim.client.get(
        "/api/v1/pair_candles", params={"pair": "BTC/USDT", "timeframe": "5m", "limit": 1501}, headers=basic_auth()
    )
    assert 400 <= response.status < 500
    assert "detail" in await response.json()


async def test_charts_asking_together_share_one_fetch(sim: Server) -> None:
    params = {"pair": "ETH/USDT", "timeframe": "4h", "limit": 30}
    answers = await asyncio.gather(*(sim.get("/api/v1/pair_candles", params=params) for _ in range(4)))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["length"] == 30
    assert sim.client.app[BOT].charts.fetches == 1
