"""The listener's flood defences on a real loopback port: header timeout, connection caps, quiet 400s.

The flooding client binds its sockets to 127.0.0.2 (all of 127/8 is loopback), so the well-behaved
client on 127.0.0.1 counts as another address, as an attacker would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from ftserver.api.connections import ConnectionGuard, client_key, connection_cap, raise_open_file_limit
from ftserver.config.sections import ApiServerSettings
from ftserver.server import start_listening
from tests.support.polling import eventually

FLOODER = "127.0.0.2"


@dataclass
class Listening:
    port: int
    guard: ConnectionGuard

    async def ping(self) -> int:
        timeout = aiohttp.ClientTimeout(total=5)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"http://127.0.0.1:{self.port}/ping") as r,
        ):
            return r.status

    async def connect(self, source: str = FLOODER) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.port, local_addr=(source, 0))


def toy_app() -> web.Application:
    async def ping(request: web.Request) -> web.Response:
        return web.json_response({"status": "pong"})

    app = web.Application()
    app.router.add_get("/ping", ping)
    return app


@contextlib.asynccontextmanager
async def listening(**limits: object) -> AsyncIterator[Listening]:
    api = ApiServerSettings(listen_ip_address="127.0.0.1", **limits)  # type: ignore[arg-type]
    runner, site = await start_listening(toy_app(), api, port=0)
    try:
        yield Listening(site.port, site.guard)
    finally:
        await runner.cleanup()


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    """True when the server ends the connection (EOF or reset) within ``within`` seconds."""
    try:
        data = await asyncio.wait_for(reader.read(65536), within)
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    return data == b""


async def test_a_connection_sending_its_head_a_byte_at_a_time_is_closed_after_the_header_timeout() -> None:
    async with listening(header_timeout=0.5) as server:
        reader, writer = await server.connect()
        started = time.monotonic()
        head = b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000

        async def trickle() -> None:
            with contextlib.suppress(ConnectionError):
                for byte in head:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    await asyncio.sleep(0.05)

        trickler = asyncio.create_task(trickle())
        assert await closed_by_server(reader, within=5)
        assert 0.4 < time.monotonic() - started < 2
        trickler.cancel()
        writer.close()
        await eventually(lambda: server.guard.open == 0, what="the guard releasing the connection")


async def test_an_idle_connection_is_closed_after_the_header_timeout_and_a_keep_alive_one_too() -> None:
    async with listening(header_timeout=0.5) as server:
        reader, writer = await server.connect()
        assert await closed_by_server(reader, within=3)
        writer.close()
        # After a response, the next head is due within the same time.
        reader, writer = await server.connect()
        writer.write(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (await reader.readuntil(b'"pong"}')).startswith(b"HTTP/1.1 200")
        assert await closed_by_server(reader, within=3)
        writer.close()


async def test_connections_over_the_per_address_cap_are_closed_unread_and_others_still_served() -> None:
    async with listening(max_connections_per_ip=3, max_connections=50) as server:
        held = [await server.connect() for _ in range(3)]
        await eventually(lambda: server.guard.open_from(FLOODER) == 3, what="three admitted connections")
        reader, writer = await server.connect()
        assert await closed_by_server(reader, within=2)
        assert server.guard.refused == 1
        assert await server.ping() == 200  # from 127.0.0.1: another address
        for _, held_writer in held:
            held_writer.close()
        writer.close()
        await eventually(lambda: server.guard.open == 0, what="every connection released")
        reader, writer = await server.connect()  # room again
        assert not await closed_by_server(reader, within=0.2)
        writer.close()


async def request_ping(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    return await reader.readuntil(b'"pong"}')


async def test_at_the_total_cap_the_oldest_connection_without_a_request_makes_room() -> None:
    async with listening(max_connections_per_ip=10, max_connections=4) as server:
        served = [await server.connect(f"127.0.0.{n}") for n in (2, 3)]
        for reader, writer in served:
            assert (await request_ping(reader, writer)).startswith(b"HTTP/1.1 200")
        silent = [await server.connect(f"127.0.0.{n}") for n in (4, 5)]
        await eventually(lambda: server.guard.open == 4, what="four admitted connections")

        newcomer = await server.connect("127.0.0.6")
        assert (await request_ping(*newcomer)).startswith(b"HTTP/1.1 200")
        assert server.guard.evicted == 1
        assert await closed_by_server(silent[0][0], within=2)  # the oldest silent one went
        assert not await closed_by_server(silent[1][0], within=0.2)
        for reader, _ in served:
            assert not await closed_by_server(reader, within=0.1)
        for _, writer in [*served, *silent, newcomer]:
            writer.close()


async def test_at_the_total_cap_with_every_connection_served_a_newcomer_is_refused() -> None:
    async with listening(max_connections_per_ip=10, max_connections=3) as server:
        served = [await server.connect(f"127.0.0.{n}") for n in (2, 3, 4)]
        for reader, writer in served:
            await request_ping(reader, writer)
        reader, writer = await server.connect("127.0.0.5")
        assert await closed_by_server(reader, within=2)
        assert (server.guard.refused, server.guard.evicted) == (1, 0)
        for _, held_writer in [*served, (reader, writer)]:
            held_writer.close()


async def test_ping_answers_while_a_flood_of_slow_connections_is_refused_and_timed_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with listening(max_connections_per_ip=20, max_connections=100, header_timeout=1) as server:
        flood = [await server.connect() for _ in range(200)]
        for _, writer in flood:
            writer.write(b"GET / HTTP/1.1\r\n")
        statuses = [await server.ping() for _ in range(5)]
        assert statuses == [200] * 5
        assert server.guard.open_from(FLOODER) <= 20
        assert server.guard.refused >= 180
        await eventually(lambda: server.guard.open == 0, within=5, what="the slow connections timed out")
        for _, writer in flood:
            writer.close()


async def test_a_header_over_8_kib_is_400_with_one_short_log_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with listening() as server:
        reader, writer = await server.connect()
        writer.write(b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
    assert answer.split(b" ", 2)[1] == b"400"
    server_records = [r for r in caplog.records if r.name.startswith(("aiohttp", "ftserver.api.http"))]
    assert len(server_records) == 1
    assert server_records[0].levelno == logging.INFO and server_records[0].exc_info is None
    assert server_records[0].getMessage().startswith("Malformed request from 127.0.0.2 answered 400: ")
    assert len(server_records[0].getMessage()) < 300


def test_ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4() -> None:
    assert client_key(("2001:db8::1", 1, 0, 0)) == client_key(("2001:db8::ffff:1", 2, 0, 0)) == "2001:db8::/64"
    assert client_key(("::ffff:192.0.2.7", 1, 0, 0)) == "192.0.2.7"
    assert client_key(("192.0.2.7", 1)) == "192.0.2.7"
    assert client_key(None) == "local"


def test_the_total_cap_stays_below_the_open_file_limit() -> None:
    assert connection_cap(1000, 1024, reserve=228) == 796
    assert connection_cap(1000, 65536, reserve=228) == 1000
    assert connection_cap(1000, None, reserve=228) == 1000


def test_the_soft_open_file_limit_is_raised_to_the_hard_limit() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard <= 256:
        pytest.skip("needs a finite hard limit above 256")
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    try:
        assert raise_open_file_limit() == hard
        assert resource.getrlimit(resource.RLIMIT_NOFILE) == (hard, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
