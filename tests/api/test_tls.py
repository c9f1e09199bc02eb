"""Native TLS on a real loopback listener: HTTPS and WSS with a certificate made in the test, HSTS,
plain HTTP refused, a bad certificate or key stops the start-up naming the key."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from ftserver.api.tls import HSTS_VALUE, server_ssl_context
from ftserver.app import BOT, create_app
from ftserver.config import Settings
from ftserver.core.clock import ManualClock
from ftserver.errors import ConfigError
from ftserver.exchange.paper import PaperBroker
from ftserver.self_signed import write_self_signed
from ftserver.server import start_listening, transport_warnings
from tests.api.conftest import START, app_settings, basic_auth
from tests.support.scripted_market import ScriptedMarket

WS_TOKEN = "ws-test-token"  # the conftest settings' ws_token


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "tls" / "test.crt", tmp_path / "tls" / "test.key"
    write_self_signed(cert, key)
    return cert, key


def tls_settings(tmp_path: Path, cert: Path | str, key: Path | str) -> Settings:
    settings: Settings = app_settings(tmp_path)
    return replace(settings, api_server=replace(settings.api_server, tls_cert=str(cert), tls_key=str(key)))


@contextlib.asynccontextmanager
async def listening(settings: Settings) -> AsyncIterator[int]:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    runner, site = await start_listening(app, settings.api_server, port=0)
    try:
        await app[BOT].run_once()
        yield site.port
    finally:
        await runner.cleanup()


def trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


async def test_https_serves_the_api_with_an_hsts_header(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    async with listening(tls_settings(tmp_path, cert, key)) as port, aiohttp.ClientSession() as session:
        async with session.get(
            f"https://localhost:{port}/api/v1/ping", ssl=trusting(cert), headers=basic_auth()
        ) as response:
            assert response.status == 200
            assert await response.json() == {"status": "pong"}
            assert response.headers["Strict-Transport-Security"] == HSTS_VALUE
        # errors carry it too
        async with session.get(f"https://localhost:{port}/api/v1/status", ssl=trusting(cert)) as response:
            assert response.status == 401
            assert response.headers["Strict-Transport-Security"] == HSTS_VALUE


async def test_wss_carries_the_message_websocket(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    url = "wss://localhost:{}/api/v1/message/ws"
    async with (
        listening(tls_settings(tmp_path, cert, key)) as port,
        aiohttp.ClientSession() as session,
        session.ws_connect(url.format(port), params={"token": WS_TOKEN}, ssl=trusting(cert)) as ws,
    ):
        await ws.send_json({"type": "whitelist", "data": None})
        reply = await asyncio.wait_for(ws.receive_json(), 5)
        assert reply["type"] == "whitelist"
        assert reply["data"] == ["BTC/USDT", "ETH/USDT"]


async def test_a_client_that_does_not_trust_the_certificate_is_refused(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    async with listening(tls_settings(tmp_path, cert, key)) as port, aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            await session.get(f"https://localhost:{port}/api/v1/ping", ssl=ssl.create_default_context())


async def test_plain_http_to_the_tls_port_gets_no_http_answer(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, key = pair
    async with listening(tls_settings(tmp_path, cert, key)) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /api/v1/ping HTTP/1.1\r\nHost: localhost\r\n\r\n")
        await writer.drain()
        try:
            data = await asyncio.wait_for(reader.read(65536), 5)
        except ConnectionResetError:
            data = b""
        writer.close()
        assert not data.startswith(b"HTTP/1.1 200")
        assert b"pong" not in data


def test_the_server_context_accepts_tls_1_2_and_newer_only(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    # The client side of this machine's OpenSSL refuses TLS 1.1 by itself, so a handshake attempt
    # would pass whatever the server allowed: check the server's floor directly.
    cert, key = pair
    context = server_ssl_context(tls_settings(tmp_path, cert, key).api_server)
    assert context is not None
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2


async def test_without_tls_there_is_no_hsts_header(tmp_path: Path) -> None:
    async with listening(app_settings(tmp_path)) as port, aiohttp.ClientSession() as session:
        response = await session.get(f"http://127.0.0.1:{port}/api/v1/ping")
        assert response.status == 200
        assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(
    ("which", "key_name"),
    [
        ("missing_cert", "api_server.tls_cert"),
        ("missing_key", "api_server.tls_key"),
        ("only_cert", "api_server.tls_key"),
    ],
)
async def test_a_missing_file_or_half_a_pair_names_the_key(
    tmp_path: Path, pair: tuple[Path, Path], which: str, key_name: str
) -> None:
    cert, key = pair
    cert_value, key_value = {
        "missing_cert": (tmp_path / "nope.crt", key),
        "missing_key": (cert, tmp_path / "nope.key"),
        "only_cert": (cert, ""),
    }[which]
    with pytest.raises(ConfigError) as error:
        async with listening(tls_settings(tmp_path, cert_value, key_value)):
            pass
    assert error.value.key == key_name


async def test_a_key_that_does_not_match_the_certificate_names_tls_key(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    cert, _ = pair
    _, other_key = tmp_path / "other" / "o.crt", tmp_path / "other" / "o.key"
    write_self_signed(tmp_path / "other" / "o.crt", other_key)
    with pytest.raises(ConfigError) as error:
        async with listening(tls_settings(tmp_path, cert, other_key)):
            pass
    assert error.value.key == "api_server.tls_key"


async def test_a_file_that_is_not_pem_names_tls_cert(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    _, key = pair
    junk = tmp_path / "junk.crt"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigError) as error:
        async with listening(tls_settings(tmp_path, junk, key)):
            pass
    assert error.value.key == "api_server.tls_cert"


@pytest.mark.parametrize(
    ("host", "tls", "warned"),
    [("0.0.0.0", False, True), ("192.168.1.20", False, True), ("0.0.0.0", True, False), ("127.0.0.1", False, False)],
)
def test_listening_beyond_loopback_without_tls_warns_that_credentials_travel_in_clear(
    tmp_path: Path, pair: tuple[Path, Path], host: str, tls: bool, warned: bool
) -> None:
    cert, key = pair
    settings = tls_settings(tmp_path, cert, key) if tls else app_settings(tmp_path)
    api = replace(settings.api_server, listen_ip_address=host)
    warnings = transport_warnings(api)
    assert bool(warnings) is warned
    if warned:
        assert "without TLS" in warnings[0] and "travel in clear" in warnings[0]
