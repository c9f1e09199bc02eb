"""The message WebSocket endpoint on a toy app: token auth, freqtrade's requests and replies, pushed messages."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import aiohttp
import pandas as pd
import pytest
from aiohttp import WSMsgType, web

from ftserver.api.auth import setup_auth
from ftserver.api.tokens import TokenService
from ftserver.api.ws.endpoint import WS_PATH, setup_ws
from ftserver.api.ws.hub import WsHub
from ftserver.api.ws.replies import AnalyzedReplyCache
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.errors import NotFound

Client = Any  # pytest-aiohttp's TestClient
ClientFactory = Callable[[web.Application], Awaitable[Client]]

WS_TOKEN = "ws-secret-token"
JWT_SECRET = "a-test-secret-that-is-long-enough-0123456789"
LAST_ANALYZED = datetime(2026, 3, 2, 12, 0, 1, 250000, tzinfo=UTC)
ENTRY_FILL = {  # field names and types of freqtrade's entry_fill frame
    "trade_id": 7,
    "buy_tag": "force_entry",
    "enter_tag": "force_entry",
    "exchange": "Binance",
    "pair": "ETH/USDT",
    "leverage": 1.0,
    "direction": "Long",
    "limit": 10.0,
    "order_rate": 10.0,
    "open_rate": 10.0,
    "order_type": "market",
    "stake_amount": 100.0,
    "stake_currency": "USDT",
    "base_currency": "ETH",
    "quote_currency": "USDT",
    "fiat_currency": "USD",
    "amount": 10.0,
    "open_date": datetime(2026, 3, 2, 12, 0, 30, 113294, tzinfo=UTC),
    "current_rate": 10.0,
    "sub_trade": False,
}


def candles(rows: int, start: float) -> pd.DataFrame:
    dates = pd.date_range("2026-03-02 11:00", periods=rows, freq="1min", tz="UTC")
    close = [start + i for i in range(rows)]
    return pd.DataFrame({"date": dates, "close": close, "enter_long": [i % 2 for i in range(rows)]})


@dataclass
class FakeSource:
    """A WsDataSource over fixed frames; it hands out whole frames so the endpoint's own limit shows."""

    frames: dict[str, pd.DataFrame]
    fail: bool = False
    calls: list[tuple[int | None, str | None]] = field(default_factory=list)
    analyzed_at: datetime = LAST_ANALYZED

    def analyze(self, pair: str, df: pd.DataFrame, at: datetime) -> None:
        """What the bot does on a new candle: store a new frame (never mutate the old one) and the time."""
        self.frames[pair] = df
        self.analyzed_at = at

    def ws_whitelist(self) -> list[str]:
        if self.fail:
            raise RuntimeError("boom")
        return list(self.frames)

    def ws_analyzed_frames(
        self, limit: int | None, pair: str | None
    ) -> list[tuple[tuple[str, str, str], Any, datetime]]:
        self.calls.append((limit, pair))
        if pair is not None and pair not in self.frames:
            raise NotFound(f"No analyzed candles for {pair}")
        pairs = [pair] if pair else list(self.frames)
        return [((p, "1m", "spot"), self.frames[p], self.analyzed_at) for p in pairs]


SOURCE: web.AppKey[FakeSource] = web.AppKey("ws_source", FakeSource)


@dataclass
class Env:
    client: Client
    bus: MessageBus
    hub: WsHub
    tokens: TokenService
    clock: ManualClock
    source: FakeSource
    replies: AnalyzedReplyCache

    async def connect(self, token: str | None = WS_TOKEN) -> aiohttp.ClientWebSocketResponse:
        params = {} if token is None else {"token": token}
        return await self.client.ws_connect(WS_PATH, params=params)


def ws_app(
    source: FakeSource, *, ws_tokens: Sequence[str], clock: ManualClock, with_auth: bool = False
) -> tuple[web.Application, MessageBus, WsHub, TokenService, AnalyzedReplyCache]:
    bus = MessageBus()
    replies = AnalyzedReplyCache()
    hub = WsHub(bus, send_timeout=2.0)
    tokens = TokenService(JWT_SECRET, username="freq", password="pw", clock=clock)
    app = web.Application()
    app[SOURCE] = source
    if with_auth:
        setup_auth(app, username="freq", password="pw", tokens=tokens, ban=None)
    setup_ws(app, hub=hub, tokens=tokens, ws_tokens=ws_tokens, source_key=SOURCE, heartbeat=5.0, replies=replies)

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        await hub.start()
        yield
        await hub.close()
        await bus.close()

    app.cleanup_ctx.append(lifecycle)
    return app, bus, hub, tokens, replies


async def make_env(
    aiohttp_client: ClientFactory, *, ws_tokens: Sequence[str] = (WS_TOKEN,), with_auth: bool = False
) -> Env:
    source = FakeSource({"BTC/USDT": candles(50, 100.0), "ETH/USDT": candles(40, 10.0)})
    clock = ManualClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    app, bus, hub, tokens, replies = ws_app(source, ws_tokens=ws_tokens, clock=clock, with_auth=with_auth)
    return Env(await aiohttp_client(app), bus, hub, tokens, clock, source, replies)


@pytest.fixture
async def env(aiohttp_client: ClientFactory) -> Env:
    return await make_env(aiohttp_client)


async def receive_json(ws: aiohttp.ClientWebSocketResponse) -> Any:
    frame = await ws.receive(timeout=5)
    assert frame.type is WSMsgType.TEXT, frame
    return json.loads(frame.data)


async def whitelist_round_trip(ws: aiohttp.ClientWebSocketResponse) -> None:
    """A reply proves every earlier frame from this client was handled and nothing else was queued before it."""
    await ws.send_json({"type": "whitelist", "data": ""})
    assert await receive_json(ws) == {"type": "whitelist", "data": ["BTC/USDT", "ETH/USDT"]}


# ---- auth --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("configured", "given"), [([WS_TOKEN], WS_TOKEN), (["first", "second"], "second")])
async def test_configured_ws_token_is_accepted(
    aiohttp_client: ClientFactory, configured: list[str], given: str
) -> None:
    env = await make_env(aiohttp_client, ws_tokens=configured)
    ws = await env.connect(given)
    await whitelist_round_trip(ws)


async def test_jwt_access_token_is_accepted(env: Env) -> None:
    ws = await env.connect(env.tokens.issue("freq", "access"))
    await whitelist_round_trip(ws)


@pytest.mark.parametrize("kind", ["missing", "empty", "wrong", "refresh", "expired", "prefix"])
async def test_bad_tokens_are_refused_at_the_handshake_and_logged_without_the_token(
    env: Env, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    token: str | None = {"missing": None, "empty": "", "wrong": "not-the-token", "prefix": WS_TOKEN[:-1]}.get(kind)
    if kind == "refresh":
        token = env.tokens.issue("freq", "refresh")
    elif kind == "expired":
        token = env.tokens.issue("freq", "access")
        env.clock.advance(minutes=16)
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await env.connect(token)
    assert info.value.status == 403
    assert "WebSocket auth failed from 127.0.0.1" in caplog.text
    if token:
        assert token not in caplog.text
    assert env.hub.connections == 0


async def test_empty_configured_ws_token_matches_nothing(aiohttp_client: ClientFactory) -> None:
    env = await make_env(aiohttp_client, ws_tokens=[""])
    for token in ("", None):
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await env.connect(token)


async def test_websocket_passes_the_auth_middleware_on_its_own_token(aiohttp_client: ClientFactory) -> None:
    env = await make_env(aiohttp_client, with_auth=True)
    ws = await env.connect(WS_TOKEN)  # no Authorization header
    await whitelist_round_trip(ws)


# ---- requests ----------------------------------------------------------------------------------
async def test_whitelist_request_gets_the_pair_list(env: Env) -> None:
    ws = await env.connect()
    await ws.send_json({"type": "whitelist"})
    frame = await ws.receive(timeout=5)
    assert frame.type is WSMsgType.TEXT
    assert json.loads(frame.data) == {"type": "whitelist", "data": ["BTC/USDT", "ETH/USDT"]}


async def test_analyzed_df_reply_per_pair_holds_the_last_rows(env: Env) -> None:
    ws = await env.connect()
    await ws.send_json({"type": "analyzed_df", "data": {"limit": 3}})
    replies = [await receive_json(ws), await receive_json(ws)]
    assert env.source.calls == [(None, None)]  # whole frames: the endpoint cuts them itself when it encodes
    assert [r["data"]["key"] for r in replies] == [["BTC/USDT", "1m", "spot"], ["ETH/USDT", "1m", "spot"]]
    for reply, pair in zip(replies, ("BTC/USDT", "ETH/USDT"), strict=True):
        assert reply["type"] == "analyzed_df"
        assert set(reply["data"]) == {"key", "df", "la"}
        assert reply["data"]["la"] == "2026-03-02T12:00:01.250000+00:00"
        wire = reply["data"]["df"]
        assert wire["__type__"] == "dataframe"
        decoded = pd.read_json(StringIO(wire["__value__"]), orient="split")
        expected = env.source.frames[pair].tail(3)
        assert decoded.index.tolist() == expected.index.tolist()
        assert decoded["close"].tolist() == expected["close"].tolist()
        assert decoded["enter_long"].tolist() == expected["enter_long"].tolist()
        assert decoded["date"].tolist() == expected["date"].dt.tz_convert(None).tolist()
        assert json.loads(wire["__value__"])["data"][-1][0] == int(expected["date"].iloc[-1].timestamp() * 1000)


async def test_analyzed_df_for_one_pair_and_the_default_limit(env: Env) -> None:
    ws = await env.connect()
    await ws.send_json({"type": "analyzed_df", "data": {"pair": "ETH/USDT"}})
    reply = await receive_json(ws)
    assert reply["data"]["key"][0] == "ETH/USDT"
    assert len(json.loads(reply["data"]["df"]["__value__"])["data"]) == 40
    await whitelist_round_trip(ws)  # exactly one frame for one pair
    assert env.source.calls == [(None, "ETH/USDT")]


async def test_analyzed_df_for_an_unknown_pair_gets_the_sources_error(env: Env) -> None:
    ws = await env.connect()
    await ws.send_json({"type": "analyzed_df", "data": {"pair": "XRP/USDT"}})
    assert await receive_json(ws) == {"type": "exception", "data": "No analyzed candles for XRP/USDT"}
    await whitelist_round_trip(ws)


async def test_failing_source_gets_an_internal_error_frame_and_the_socket_stays_open(env: Env) -> None:
    ws = await env.connect()
    env.source.fail = True
    await ws.send_json({"type": "whitelist"})
    assert await receive_json(ws) == {"type": "exception", "data": "Internal error while answering the request"}
    env.source.fail = False
    await whitelist_round_trip(ws)


@pytest.mark.parametrize(
    ("frame", "reply"),
    [
        ("{not json", "Invalid request: not JSON"),
        ('{"type": "nonsense"}', "Invalid request type: nonsense"),
        ('{"type": "analyzed_df", "data": {"limit": 0}}', "Invalid analyzed_df request: limit must be a positive"),
        ('{"type": "subscribe", "data": ["bogus"]}', "Invalid message type in subscribe: bogus"),
    ],
)
async def test_bad_frames_get_an_exception_frame_and_the_socket_stays_open(env: Env, frame: str, reply: str) -> None:
    ws = await env.connect()
    await ws.send_str(frame)
    answer = await receive_json(ws)
    assert answer["type"] == "exception"
    assert answer["data"].startswith(reply)
    await whitelist_round_trip(ws)


async def test_binary_json_frames_are_understood(env: Env) -> None:
    ws = await env.connect()
    await ws.send_bytes(b'{"type": "whitelist"}')
    assert (await receive_json(ws))["type"] == "whitelist"


# ---- pushed messages ---------------------------------------------------------------------------
async def test_nothing_is_pushed_before_a_subscribe(env: Env) -> None:
    ws = await env.connect()
    await whitelist_round_trip(ws)
    env.bus.publish(messages.status("unheard"))
    await whitelist_round_trip(ws)


async def test_subscribed_messages_arrive_flat_and_others_do_not(env: Env) -> None:
    ws = await env.connect()
    await ws.send_json({"type": "subscribe", "data": ["entry_fill", "exit_fill", "new_candle"]})
    await whitelist_round_trip(ws)
    env.bus.publish(messages.trade_event(MessageType.ENTRY, ENTRY_FILL))  # not subscribed
    env.bus.publish(messages.trade_event(MessageType.ENTRY_FILL, ENTRY_FILL))
    env.bus.publish(messages.new_candle("ETH/USDT", "1m"))
    fill = await receive_json(ws)
    assert fill == {"type": "entry_fill", **ENTRY_FILL, "open_date": "2026-03-02T12:00:30.113294+00:00"}
    assert await receive_json(ws) == {"type": "new_candle", "data": ["ETH/USDT", "1m", "spot"]}
    await whitelist_round_trip(ws)


async def test_subscribe_replaces_the_set_and_a_bad_one_keeps_it(env: Env) -> None:
    ws = await env.connect()
    await ws.send_json({"type": "subscribe", "data": ["entry_fill"]})
    await ws.send_json({"type": "subscribe", "data": ["status"]})
    await ws.send_json({"type": "subscribe", "data": ["status", "bogus"]})
    assert (await receive_json(ws))["type"] == "exception"
    env.bus.publish(messages.trade_event(MessageType.ENTRY_FILL, ENTRY_FILL))
    env.bus.publish(messages.status("kept"))
    assert await receive_json(ws) == {"type": "status", "status": "kept"}


async def test_analyzed_df_pushed_on_the_bus_uses_the_dataframe_encoding(env: Env) -> None:
    ws = await env.connect()
    await ws.send_json({"type": "subscribe", "data": ["analyzed_df"]})
    await whitelist_round_trip(ws)
    df = env.source.frames["BTC/USDT"].tail(1)
    env.bus.publish(messages.analyzed_df("BTC/USDT", "1m", "spot", df, LAST_ANALYZED))
    pushed = await receive_json(ws)
    assert pushed["data"]["key"] == ["BTC/USDT", "1m", "spot"]
    split = json.loads(pushed["data"]["df"]["__value__"])
    assert split["index"] == [49]
    assert split["columns"] == ["date", "close", "enter_long"]


async def test_app_shutdown_closes_clients_with_going_away(env: Env) -> None:
    ws = await env.connect()
    await whitelist_round_trip(ws)
    receiving = asyncio.ensure_future(ws.receive(timeout=5))
    await env.client.server.close()
    frame = await receiving
    assert (frame.type, frame.data) == (WSMsgType.CLOSE, 1001)


# ---- analyzed_df reply cache, end to end --------------------------------------------------------
async def analyzed_reply(ws: aiohttp.ClientWebSocketResponse, limit: int, pair: str = "BTC/USDT") -> Any:
    await ws.send_json({"type": "analyzed_df", "data": {"limit": limit, "pair": pair}})
    reply = await receive_json(ws)
    assert reply["data"]["key"] == [pair, "1m", "spot"]
    return reply["data"]


def closes(reply: Any) -> list[float]:
    split = json.loads(reply["df"]["__value__"])
    return [row[split["columns"].index("close")] for row in split["data"]]


async def test_repeated_analyzed_df_requests_are_answered_from_one_encoding(env: Env) -> None:
    first, second = await env.connect(), await env.connect()
    for ws in (first, second, first):
        await ws.send_json({"type": "analyzed_df", "data": {"limit": 3}})
        assert [(await receive_json(ws))["data"]["key"][0] for _ in range(2)] == ["BTC/USDT", "ETH/USDT"]
    assert (env.replies.encoded, env.replies.hits) == (2, 4)


async def test_analyzed_df_after_a_new_analysis_carries_the_new_rows(env: Env) -> None:
    ws = await env.connect()
    assert closes(await analyzed_reply(ws, 3)) == [147.0, 148.0, 149.0]
    later = datetime(2026, 3, 2, 12, 1, 1, tzinfo=UTC)
    env.source.analyze("BTC/USDT", candles(51, 1000.0), later)
    reply = await analyzed_reply(ws, 3)
    assert closes(reply) == [1048.0, 1049.0, 1050.0]
    assert reply["la"] == "2026-03-02T12:01:01+00:00"


async def test_a_new_frame_with_an_unchanged_analysis_time_is_not_answered_from_the_cache(env: Env) -> None:
    ws = await env.connect()
    assert closes(await analyzed_reply(ws, 2)) == [148.0, 149.0]
    env.source.analyze("BTC/USDT", candles(50, 500.0), LAST_ANALYZED)
    assert closes(await analyzed_reply(ws, 2)) == [548.0, 549.0]


async def test_a_different_limit_gets_its_own_frame_and_both_stay_cached(env: Env) -> None:
    ws = await env.connect()
    assert closes(await analyzed_reply(ws, 3)) == [147.0, 148.0, 149.0]
    assert closes(await analyzed_reply(ws, 5)) == [145.0, 146.0, 147.0, 148.0, 149.0]
    assert len(closes(await analyzed_reply(ws, 3))) == 3
    assert len(closes(await analyzed_reply(ws, 5))) == 5
    assert (env.replies.encoded, env.replies.hits) == (2, 2)
