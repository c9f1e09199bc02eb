"""Connection floods: does /ping still answer while one address holds 1,100 connections open?

Starts `ftserver trade` as its own process on a loopback port with the open-file limit at 1024
(soft and hard, the common default), then runs two floods from 127.0.0.2, each for --seconds:
(a) slow headers: every connection sends a request head one byte a second and never finishes it,
(b) idle: every connection sends nothing.
With --sources N the flood comes from N addresses (127.0.0.2 ...), enough of them to fill the
total cap rather than one address's share: the case the per-address cap cannot help with.
A flooding connection the server closes is opened again a second later, as an attacker would.
Meanwhile a well-behaved client on 127.0.0.1 opens a fresh connection for GET /api/v1/ping every
200 ms. Prints, per flood: p50/p99/max of /ping, answered/failed, how many flood connections the
server held at the end, bytes written to the log file during the flood, and p99 / 100 ms (target <= 1).

Run: .venv/bin/python bench/connection_flood.py [--connections 1100] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server_process import free_port, start_server, wait_for_ping

TARGET_P99 = 0.100
PING_EVERY = 0.2
PING_TIMEOUT = 5.0
SERVER_FD_LIMIT = 1024


@dataclass
class Flood:
    open_now: int = 0
    peak_open: int = 0
    opened: int = 0
    closed_by_server: int = 0


@dataclass
class Pings:
    latencies: list[float] = field(default_factory=list)
    failed: int = 0


Attack = Callable[[asyncio.StreamReader, asyncio.StreamWriter, float], Awaitable[None]]


async def slow_head(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, deadline: float) -> None:
    head = b"GET /api/v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 4096
    for byte in head:
        if time.monotonic() >= deadline:
            return
        writer.write(bytes([byte]))
        await writer.drain()
        try:  # one byte a second, noticing at once when the server hangs up
            if await asyncio.wait_for(reader.read(1024), 1.0) == b"":
                return
        except TimeoutError:
            continue


async def idle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, deadline: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader.read(1024), max(deadline - time.monotonic(), 0))


def flood_source(n: int, sources: int) -> str:
    """127.0.0.2, 127.0.0.3, ...: all of 127/8 is loopback on Linux."""
    return f"127.0.0.{2 + n % sources}"


async def attacker(port: int, source: str, attack: Attack, deadline: float, flood: Flood) -> None:
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        except OSError:
            await asyncio.sleep(1.0)
            continue
        flood.opened += 1
        flood.open_now += 1
        flood.peak_open = max(flood.peak_open, flood.open_now)
        try:
            await attack(reader, writer, deadline)
            if time.monotonic() < deadline:
                flood.closed_by_server += 1
        except ConnectionError:
            flood.closed_by_server += 1
        finally:
            flood.open_now -= 1
            writer.close()
        if time.monotonic() < deadline:
            await asyncio.sleep(1.0)


async def pinger(port: int, deadline: float, pings: Pings) -> None:
    url = f"http://127.0.0.1:{port}/api/v1/ping"
    timeout = aiohttp.ClientTimeout(total=PING_TIMEOUT)
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            # A fresh connection each time: a new visitor must get in, not only a kept-alive one.
            async with (
                aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(force_close=True)) as session,
                session.get(url) as response,
            ):
                await response.read()
                if response.status == 200:
                    pings.latencies.append(time.perf_counter() - started)
                else:
                    pings.failed += 1
        except (aiohttp.ClientError, TimeoutError):
            pings.failed += 1
        await asyncio.sleep(max(PING_EVERY - (time.perf_counter() - started), 0))


def log_bytes(logfile: Path) -> int:
    return sum(path.stat().st_size for path in logfile.parent.glob(logfile.name + "*"))


async def run_flood(
    name: str, attack: Attack, port: int, connections: int, seconds: float, logfile: Path, sources: int = 1
) -> bool:
    flood, pings = Flood(), Pings()
    before = log_bytes(logfile)
    deadline = time.monotonic() + seconds
    attackers = [
        asyncio.create_task(attacker(port, flood_source(n, sources), attack, deadline, flood))
        for n in range(connections)
    ]
    await asyncio.sleep(1.0)  # let the flood build up before measuring
    await pinger(port, deadline, pings)
    await asyncio.gather(*attackers)
    written = log_bytes(logfile) - before
    lat = sorted(pings.latencies)
    answered = len(lat)
    origin = flood_source(0, sources) if sources == 1 else f"{sources} addresses"
    print(f"\n== {name}: {connections} connections from {origin} for {seconds:.0f} s ==")
    print(
        f"flood connections opened {flood.opened}, closed by the server {flood.closed_by_server}, "
        f"most open at once (client side) {flood.peak_open}"
    )
    print(f"/ping answered {answered}, failed {pings.failed}")
    if lat:
        p50 = statistics.median(lat)
        p99 = lat[min(int(len(lat) * 0.99), len(lat) - 1)]
        print(f"/ping p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms")
        print(f"p99 / 100 ms target: {p99 / TARGET_P99:.2f}")
    print(f"log bytes written during the flood: {written}")
    return bool(lat) and pings.failed == 0 and lat[min(int(len(lat) * 0.99), len(lat) - 1)] <= TARGET_P99


async def main(connections: int, seconds: float, sources: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = connections + 200
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(needed, soft), hard), hard))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        port = free_port()
        logfile = root / "logs" / "ftserver.log"
        proc = start_server(root, root / "bench.sqlite", port, fd_limit=SERVER_FD_LIMIT, logfile=str(logfile))
        try:
            wait_for_ping(port)
            ok_slow = await run_flood("slow headers", slow_head, port, connections, seconds, logfile, sources)
            ok_idle = await run_flood("idle connections", idle, port, connections, seconds, logfile, sources)
            alive = proc.poll() is None
            print(f"\nserver still running: {alive}; log file total {log_bytes(logfile)} bytes")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0 if ok_slow and ok_idle and alive else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1100)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--sources", type=int, default=1, help="flood from this many addresses (127.0.0.2, ...)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.connections, args.seconds, args.sources)))
