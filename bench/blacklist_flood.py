"""Blacklist floods against a real server: /ping latency while (a) a pathological pattern and
(b) 10,000 literal entries are posted. Target: /ping stays under 100 ms (p99 and max) throughout.

Starts `ftserver trade` as its own process on a loopback port (simulated market listing
``--markets`` pairs, one loop iteration a second), samples GET /ping one request after another
during each phase, and prints p50/p99/max with the ratio to the 100 ms target. Phase (a) posts
"(.*.*)*(.*.*)*(.*.*)*#", which Python's backtracking re needs seconds per pair name for; phase (b)
posts ``--entries`` literal pairs in batches of ``--batch``; the batches past the server's cap
(exchange.max_blacklist_entries, default 1000) must be refused. Everything is bounded: each phase
lasts at most ``--seconds``, each request times out after ``--timeout`` seconds.

Also measures the blacklist expansion in this process: every entry a regular expression (the worst
case) or a plain pair name, against 200 and 2,000 markets.

Run: .venv/bin/python bench/blacklist_flood.py [--seconds 10] [--entries 10000] [--markets 200]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server_process import free_port, start_server, wait_for_ping

PATHOLOGICAL = "(.*.*)*(.*.*)*(.*.*)*#"
TARGET = 0.100  # seconds


@dataclass
class Phase:
    name: str
    pings: list[float] = field(default_factory=list)
    timeouts: int = 0
    posts: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


async def sample_pings(
    session: aiohttp.ClientSession, url: str, phase: Phase, stop: asyncio.Event, request_timeout: float
) -> None:
    """GET /ping back to back until ``stop``; a request past ``request_timeout`` counts as that long."""
    while not stop.is_set() and len(phase.pings) < 100_000:
        started = time.perf_counter()
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=request_timeout)) as response:
                await response.read()
        except TimeoutError:
            phase.timeouts += 1
        phase.pings.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)  # about 100 samples a second, not a load test of /ping


async def post_blacklist(
    session: aiohttp.ClientSession, url: str, pairs: list[str], phase: Phase, request_timeout: float
) -> int:
    started = time.perf_counter()
    try:
        async with session.post(
            url, json={"blacklist": pairs}, timeout=aiohttp.ClientTimeout(total=request_timeout)
        ) as r:
            await r.read()
            status = r.status
    except TimeoutError:
        status = 0
    phase.posts.append((status, time.perf_counter() - started))
    return status


async def run_phase(
    session: aiohttp.ClientSession,
    base: str,
    phase: Phase,
    seconds: float,
    request_timeout: float,
    action: Coroutine[Any, Any, Any] | None,
) -> None:
    """Sample /ping while ``action`` (a coroutine) runs, for ``seconds`` in all."""
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_pings(session, base + "ping", phase, stop, request_timeout))
    deadline = time.perf_counter() + seconds
    if action is not None:
        try:
            await asyncio.wait_for(action, timeout=seconds)
        except TimeoutError:
            print(f"  {phase.name}: the posts did not finish within {seconds:g} s")
    await asyncio.sleep(max(0.0, deadline - time.perf_counter()))
    stop.set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(sampler, timeout=request_timeout + 1)


def report(phase: Phase) -> None:
    p50, p99, worst = percentile(phase.pings, 0.5), percentile(phase.pings, 0.99), max(phase.pings, default=0.0)
    print(
        f"{phase.name:<34} {len(phase.pings):>6} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f} {worst * 1000:>8.1f} "
        f"{phase.timeouts:>8} {p99 / TARGET:>7.2f} {worst / TARGET:>7.2f}"
    )
    if phase.posts:
        statuses: dict[int, int] = {}
        for status, _ in phase.posts:
            statuses[status] = statuses.get(status, 0) + 1
        slowest = max(seconds for _, seconds in phase.posts)
        print(f"{'':<34} POSTs by status {statuses} (0 = timed out), slowest {slowest * 1000:.1f} ms")


def in_process_costs() -> None:
    from ftserver.bot.pairlist import Pairlist

    print("blacklist expansion in this process (once per change of entries or markets; 0 when unchanged):")
    for markets_count in (200, 2000):
        markets = [f"C{i}{'UP' if i % 7 == 0 else ''}/USDT" for i in range(markets_count)]
        for kind, entries in (
            ("1,000 regex entries", [f".*{i}(UP|DOWN)/.*" if i % 2 else f"C{i}/(USDT|BTC)" for i in range(1000)]),
            ("1,000 plain pairs", [f"C{i}/USDT" for i in range(0, 3000, 3)]),
        ):
            pairlist = Pairlist(markets[:10], entries, max_entries=1000)
            started = time.perf_counter()
            pairlist.add_to_blacklist([])  # nothing: the entries were compiled when constructed
            expanded, _ = pairlist.expanded_blacklist(markets)
            first = time.perf_counter() - started
            started = time.perf_counter()
            pairlist.expanded_blacklist(markets)
            again = time.perf_counter() - started
            print(
                f"  {kind} x {markets_count} markets: {first * 1000:.1f} ms, unchanged again {again * 1000:.3f} ms"
                f" ({len(expanded)} matched)"
            )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--markets", type=int, default=200, help="pairs the simulated market lists")
    parser.add_argument("--timeout", type=float, default=20.0, help="per request")
    parser.add_argument("--skip-in-process", action="store_true")
    args = parser.parse_args()
    whitelist = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "XRP/USDT", "ADA/USDT", "DOGE/USDT"]
    markets = whitelist + [f"COIN{i}/USDT" for i in range(max(0, args.markets - len(whitelist)))]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        port = free_port()
        server = start_server(
            root,
            root / "bench.sqlite",
            port,
            exchange__pair_whitelist=json.dumps(whitelist),
            exchange__sim__pairs=json.dumps(markets),
            exchange__sim__history_days="1",
            internals__process_throttle_secs="1",
        )
        base = f"http://127.0.0.1:{port}/api/v1/"
        auth = {"Authorization": "Basic " + base64.b64encode(b"ftserver:ftserver").decode()}
        try:
            wait_for_ping(port)
            async with aiohttp.ClientSession(headers=auth) as session:
                await asyncio.sleep(3)  # first loop iterations: candles fetched and analyzed

                idle = Phase("idle")
                await run_phase(session, base, idle, min(args.seconds, 5.0), args.timeout, None)

                pathological = Phase("(a) pathological pattern")
                await run_phase(
                    session,
                    base,
                    pathological,
                    args.seconds,
                    args.timeout,
                    post_blacklist(session, base + "blacklist", [PATHOLOGICAL], pathological, args.timeout),
                )
                async with session.delete(base + "blacklist", params=[("pairs_to_delete", PATHOLOGICAL)]) as r:
                    await r.read()

                literal = Phase(f"(b) {args.entries:,} literal entries")

                async def flood() -> None:
                    for start in range(0, args.entries, args.batch):
                        batch = [f"FLOOD{i}/USDT" for i in range(start, min(start + args.batch, args.entries))]
                        await post_blacklist(session, base + "blacklist", batch, literal, args.timeout)

                await run_phase(session, base, literal, args.seconds, args.timeout, flood())
                async with session.get(base + "blacklist") as r:
                    length = json.loads(await r.read())["length"]

                print(
                    f"blacklist flood: {args.markets} markets, loop iteration every 1 s, /ping sampled back to back; "
                    f"target {TARGET * 1000:.0f} ms"
                )
                print(
                    f"{'phase':<34} {'pings':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'timeouts':>8} "
                    f"{'p99/tgt':>7} {'max/tgt':>7}"
                )
                for phase in (idle, pathological, literal):
                    report(phase)
                print(f"blacklist length after the flood: {length}; server still running: {server.poll() is None}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:  # an event loop stuck in a pattern never sees SIGTERM
                server.kill()
                server.wait(timeout=15)
    if not args.skip_in_process:
        in_process_costs()


if __name__ == "__main__":
    asyncio.run(main())
