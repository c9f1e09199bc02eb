"""Consumer mode: a real ftserver producer on loopback and real consumers following it."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from ftserver.app import BOT, CONSUMER, create_app
from ftserver.config import settings_from_dict
from ftserver.config.sections import ExternalConsumerSettings
from ftserver.consumer.client import ExternalMessageConsumer
from ftserver.core.clock import ManualClock
from ftserver.data.producer_data import ProducerData
from ftserver.exchange.paper import PaperBroker
from tests.api.conftest import START, app_settings, basic_auth
from tests.support.polling import eventually
from tests.support.scripted_market import ScriptedMarket

WS_TOKEN = "ws-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_producer(tmp_path: Path, port: int) -> TestServer:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    app = create_app(app_settings(tmp_path), market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    await app[BOT].run_once()
    return server


def consumer_config(port: int, token: str = WS_TOKEN) -> dict[str, Any]:
    return {
        "enabled": True,
        "producers": [{"name": "prod", "host": "127.0.0.1", "port": port, "secure": False, "ws_token": token}],
        "wait_timeout": 30,
        "ping_timeout": 5,
        "sleep_time": 1,
        "remove_entry_exit_signals": False,
        "initial_candle_limit": 50,
        "message_size_limit": 8,
    }


def consumer_settings(port: int, token: str = WS_TOKEN) -> ExternalConsumerSettings:
    values = {"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"}}
    return settings_from_dict(
        {**values, "external_message_consumer": consumer_config(port, token)}
    ).external_message_consumer


async def test_consumer_receives_whitelist_and_analyzed_frames_and_reconnects(tmp_path: Path) -> None:
    port = free_port()
    producer = await start_producer(tmp_path / "p1", port)
    data = ProducerData()
    whitelists: list[list[str]] = []
    consumer = ExternalMessageConsumer(
        consumer_settings(port), data, on_whitelist=lambda _, pairs: whitelists.append(pairs)
    )
    await consumer.start()
    try:
        await eventually(lambda: data.get_producer_df("ETH/USDT", producer_name="prod")[1] is not None)
        assert whitelists[0] == ["BTC/USDT", "ETH/USDT"]
        df, analyzed_at = data.get_producer_df("BTC/USDT", "1m", producer_name="prod")
        assert len(df) == 50
        assert {"date", "close", "ema_fast", "enter_long"} <= set(df.columns)
        assert str(df["date"].dt.tz) == "UTC"
        assert analyzed_at is not None
        assert consumer.state["prod"] == "connected"

        await producer.close()  # the producer goes away ...
        await eventually(lambda: consumer.state["prod"] == "disconnected")
        producer = await start_producer(tmp_path / "p2", port)  # ... and comes back on the same port
        before = len(whitelists)
        await eventually(lambda: len(whitelists) > before, within=15)
        assert consumer.state["prod"] == "connected"
    finally:
        await consumer.close()
        await producer.close()


async def test_bad_token_is_refused_and_retried_without_crashing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    producer = await start_producer(tmp_path, port)
    consumer = ExternalMessageConsumer(consumer_settings(port, "wrong-token"), ProducerData())
    await consumer.start()
    try:
        await eventually(lambda: "unreachable" in caplog.text)
        assert consumer.state["prod"] != "connected"
    finally:
        await consumer.close()
        await producer.close()


async def test_consumer_bot_trades_the_producers_whitelist(tmp_path: Path, aiohttp_client: Any) -> None:
    port = free_port()
    producer = await start_producer(tmp_path / "producer", port)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(
        tmp_path / "consumer",
        exchange={"name": "scripted", "pair_whitelist": ["ETH/USDT"]},
        external_message_consumer=consumer_config(port),
    )
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client = await aiohttp_client(app)
    try:

        async def follows() -> bool:
            body = await (await client.get("/api/v1/whitelist", headers=basic_auth())).json()
            return body["whitelist"] == ["BTC/USDT", "ETH/USDT"]

        await eventually(follows)
        strategy = app[BOT].strategy.strategy
        await eventually(lambda: not strategy.dp.get_producer_df("BTC/USDT", producer_name="prod")[0].empty)
        assert app[CONSUMER].state["prod"] == "connected"
        dp = strategy.dp
        assert dp.current_whitelist() == ["BTC/USDT", "ETH/USDT"]  # the producer's, followed
        assert dp.get_producer_pairs("prod") == ["BTC/USDT", "ETH/USDT"]
        assert dp.get_producer_pairs() == []  # no producer is called "default" here
        frame, analyzed_at = dp.get_producer_df("ETH/USDT", "1m", "spot", producer_name="prod")
        assert len(frame) == 50 and "enter_long" in frame.columns
        assert analyzed_at > datetime(2000, 1, 1, tzinfo=UTC)
        assert dp.get_producer_df("ETH/USDT", "5m", producer_name="prod")[1] == datetime(1970, 1, 1, tzinfo=UTC)
    finally:
        await producer.close()


FOLLOWER = """
from ftserver.strategy.base import Strategy


class Follower(Strategy):
    timeframe = "1m"

    def populate_indicators(self, dataframe, metadata):
        producer, _ = self.dp.get_producer_df(metadata["pair"], producer_name="prod")
        dataframe["producer_rows"] = len(producer)
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe["enter_long"] = (dataframe["producer_rows"] > 0).astype(int)
        return dataframe
"""


async def test_reload_config_keeps_the_producer_data_for_the_strategy(
    tmp_path: Path, aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    producer = await start_producer(tmp_path / "producer", port)
    strategies = tmp_path / "consumer" / "user_data" / "strategies"
    strategies.mkdir(parents=True)
    (strategies / "follower.py").write_text(FOLLOWER, encoding="utf-8")
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(
        tmp_path / "consumer",
        strategy="Follower",
        exchange={"name": "scripted", "pair_whitelist": ["ETH/USDT"]},
        external_message_consumer=consumer_config(port),
    )
    app = create_app(
        settings,
        market=market,
        broker=PaperBroker(market, clock=clock),
        clock=clock,
        settings_loader=lambda: settings,
    )
    client = await aiohttp_client(app)
    try:
        before = app[BOT].strategy
        await eventually(lambda: not before.strategy.dp.get_producer_df("BTC/USDT", producer_name="prod")[0].empty)

        response = await client.post("/api/v1/reload_config", headers=basic_auth())
        assert response.status == 200
        reloaded = app[BOT].strategy.strategy
        assert reloaded is not before.strategy  # a new instance, with its own self.dp ...
        frame, analyzed_at = reloaded.dp.get_producer_df("BTC/USDT", producer_name="prod")
        assert len(frame) == 50 and analyzed_at > datetime(2000, 1, 1, tzinfo=UTC)  # ... reading the same data
        assert reloaded.dp.get_producer_pairs("prod") == ["BTC/USDT", "ETH/USDT"]
        # A new candle, so this iteration analyses again: the app's own first iteration may already
        # have analysed the current candle before the producer's data arrived.
        clock.advance(minutes=1)
        await app[BOT].run_once()

        analyzed = app[BOT].analyzed("BTC/USDT", "1m")
        assert analyzed is not None
        df, _ = analyzed
        assert df["producer_rows"].iloc[-1] == 50  # the producer's frame, read after the reload
        assert df["enter_long"].iloc[-1] == 1
        assert "get_producer_df" not in caplog.text
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("ftserver.bot")]
    finally:
        await producer.close()


async def test_producer_pairlist_follows_a_real_producer_and_caps_the_count(
    tmp_path: Path, aiohttp_client: Any
) -> None:
    port = free_port()
    producer = await start_producer(tmp_path / "producer", port)  # its whitelist: BTC/USDT, ETH/USDT
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(
        tmp_path / "consumer",
        exchange={"name": "scripted", "pair_whitelist": ["ETH/USDT"]},
        pairlists=[{"method": "ProducerPairList", "producer_name": "prod", "number_assets": 1}],
        external_message_consumer=consumer_config(port),
    )
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client = await aiohttp_client(app)
    try:

        async def whitelist() -> Any:
            return await (await client.get("/api/v1/whitelist", headers=basic_auth())).json()

        async def follows() -> bool:
            return (await whitelist())["whitelist"] == ["BTC/USDT"]

        await eventually(follows)
        assert (await whitelist())["method"] == ["ProducerPairList"]
    finally:
        await producer.close()
