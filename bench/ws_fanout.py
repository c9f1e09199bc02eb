"""Message WebSocket fan-out, server and clients on loopback.

(a) N consumers (10, 100, 500) each request analyzed_df (limit 100) for 20 pairs and wait for all
    20 replies. freqtrade 2026.9 took 0.35 s for 10 consumers and 3.6 s for 100 (about 550
    messages/s); target >= 10x faster. Measured twice: with the consumers in a separate process
    (the server's own cost, as freqtrade's figure was), and with them in the server's process and
    event loop (their receiving counted against the server). Each consumer count runs cold rounds
    (right after the bot analyzed a new candle, so the replies must be encoded) and warm ones
    (replies already encoded for this analysis).
(b) One 500-candle x 20-column analyzed DataFrame published on the bus: time until the last of 100
    subscribed consumers has it. Target under 250 ms.
(c) The same with one stalled consumer (never reads): the others' latency must change by < 10 %.
(d) Server RSS per connection, from the separate-process runs of (a).

The machine may be shared: every figure is given as best / median of several rounds.
Run: .venv/bin/python bench/ws_fanout.py [--consumers 10 100 500] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import pandas as pd
import psutil
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ftserver.api import keys
from ftserver.app import BOT, create_app
from ftserver.config import settings_from_dict
from ftserver.core import messages
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.simulated import SimulatedMarket

PAIRS = [f"C{n:02d}/USDT" for n in range(20)]
TOKEN = "bench-ws-token-0123456789"
FREQTRADE_SECONDS = {10: 0.35, 100: 3.6}
FREQTRADE_RATE = 550  # messages/s over both of its measurements, for other consumer counts


# ---- consumers -----------------------------------------------------------------------------
REPLY_PREFIX = '{"type":"analyzed_df"'


class Consumers:
    """N connected sockets that ask for analyzed_df together, round after round."""

    def __init__(self, sockets: list[aiohttp.ClientWebSocketResponse]) -> None:
        self.sockets = sockets

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, url: str, consumers: int) -> Consumers:
        return cls([await session.ws_connect(url, max_msg_size=0) for _ in range(consumers)])

    async def request_round(self) -> tuple[float, float]:
        """Every consumer asks and waits for its 20 replies: (seconds until the last reply, CPU seconds used here)."""
        cpu, started = time.process_time(), time.perf_counter()

        async def one(ws: aiohttp.ClientWebSocketResponse) -> None:
            await ws.send_json({"type": "analyzed_df", "data": {"limit": 100}})
            for _ in range(len(PAIRS)):
                reply = await ws.receive(timeout=120)
                # Checked without decoding: the replies are what was asked for, and decoding them
                # here would measure the client rather than the server.
                if reply.type is not aiohttp.WSMsgType.TEXT or not reply.data.startswith(REPLY_PREFIX):
                    raise RuntimeError(f"unexpected reply {reply.type}: {str(reply.data)[:80]}")

        await asyncio.gather(*(one(ws) for ws in self.sockets))
        return time.perf_counter() - started, time.process_time() - cpu

    async def close(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets))


async def _request_rounds(url: str, consumers: int, commands: Any, results: Any) -> None:
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        group = await Consumers.connect(session, url, consumers)
        results.put("connected")
        while await loop.run_in_executor(None, commands.get) == "go":
            results.put(await group.request_round())
        await group.close()


def client_process(url: str, consumers: int, commands: Any, results: Any) -> None:
    asyncio.run(_request_rounds(url, consumers, commands, results))


# ---- reporting ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Round:
    cold: bool
    seconds: float
    server_cpu: float
    client_cpu: float


def report_rounds(consumers: int, rounds: list[Round], *, cpu: bool) -> str:
    parts = [f"    {consumers:>3} consumers:"]
    for cold, name in ((True, "cold"), (False, "warm")):
        chosen = [r for r in rounds if r.cold is cold]
        best, median = min(r.seconds for r in chosen), statistics.median(r.seconds for r in chosen)
        part = f" {name} {best:.3f} / {median:.3f} s ({consumers * len(PAIRS) / median:,.0f} msg/s"
        part += f", {freqtrade_seconds(consumers) / median:.0f}x freqtrade"
        if cpu:
            server = statistics.median(r.server_cpu for r in chosen) * 1000
            client = statistics.median(r.client_cpu for r in chosen) * 1000
            part += f"; CPU server {server:.0f} ms, clients {client:.0f} ms"
        parts.append(part + ");")
    if consumers in FREQTRADE_SECONDS:
        parts.append(f" freqtrade {FREQTRADE_SECONDS[consumers]} s, target >= 10x")
    else:
        parts.append(f" freqtrade ~{freqtrade_seconds(consumers):.1f} s extrapolated at its {FREQTRADE_RATE} msg/s")
    return "".join(parts).rstrip(";")


def freqtrade_seconds(consumers: int) -> float:
    return FREQTRADE_SECONDS.get(consumers, consumers * len(PAIRS) / FREQTRADE_RATE)


# ---- server side --------------------------------------------------------------------------
def big_frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    data = {"date": pd.date_range("2026-03-01", periods=500, freq="5min", tz="UTC")}
    data.update({f"col{n}": rng.normal(size=500) for n in range(19)})
    return pd.DataFrame(data)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consumers", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--rounds", type=int, default=5, help="cold and warm rounds per consumer count")
    parser.add_argument("--push-consumers", type=int, default=100)
    parser.add_argument("--push-rounds", type=int, default=15, help="pushes with and without a stalled consumer")
    args = parser.parse_args()
    clock = ManualClock(datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC))
    market = SimulatedMarket(clock=clock, pairs=PAIRS, history_days=3)
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_from_dict(
            {
                "stake_currency": "USDT",
                "stake_amount": 10,
                "timeframe": "5m",
                "initial_state": "stopped",
                "db_url": f"sqlite:///{Path(folder) / 'ws.sqlite'}",
                "exchange": {"name": "sim", "pair_whitelist": PAIRS},
                "internals": {"process_throttle_secs": 3600},
                "api_server": {"ws_token": TOKEN, "ws_queue_size": 5000, "jwt_secret_key": "k" * 40},
            }
        )
        app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        await app[BOT].run_once()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}/api/v1/message/ws?token={TOKEN}"
        me = psutil.Process()
        ctx = mp.get_context("spawn")
        loop = asyncio.get_running_loop()

        async def fresh_analysis() -> None:
            """A new candle for every pair and its analysis: the next request meets no cached reply."""
            clock.advance(minutes=5)
            await app[BOT].run_once()

        rss_per_connection: dict[int, tuple[float, float]] = {}

        async def separate_process(consumers: int) -> list[Round]:
            commands, results = ctx.Queue(), ctx.Queue()
            proc = ctx.Process(target=client_process, args=(url, consumers, commands, results))
            idle_rss = me.memory_info().rss
            proc.start()
            try:
                if await loop.run_in_executor(None, results.get, True, 120) != "connected":
                    raise RuntimeError("client process did not connect")
                await asyncio.sleep(0.2)  # let the last handlers settle
                connected_rss = me.memory_info().rss
                rounds = []
                for number in range(2 * args.rounds):
                    cold = number % 2 == 0
                    if cold:
                        await fresh_analysis()
                    cpu = time.process_time()
                    commands.put("go")
                    seconds, client_cpu = await loop.run_in_executor(None, results.get, True, 120)
                    rounds.append(Round(cold, seconds, time.process_time() - cpu, client_cpu))
                rss_per_connection[consumers] = (
                    (connected_rss - idle_rss) / consumers,
                    (me.memory_info().rss - idle_rss) / consumers,
                )
                commands.put("stop")
            finally:
                await loop.run_in_executor(None, proc.join, 30)
                if proc.is_alive():
                    proc.kill()
            return rounds

        async def same_process(consumers: int) -> list[Round]:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                group = await Consumers.connect(session, url, consumers)
                rounds = []
                for number in range(2 * args.rounds):
                    cold = number % 2 == 0
                    if cold:
                        await fresh_analysis()
                    seconds, cpu = await group.request_round()
                    rounds.append(Round(cold, seconds, cpu, 0.0))
                await group.close()
            return rounds

        print(
            f"(a) analyzed_df, limit 100, {len(PAIRS)} pairs per consumer; {args.rounds} cold rounds "
            "(first request after a new analysis: the replies are encoded) and as many warm ones "
            "(cached reply frames); best / median seconds until the last consumer has its last reply"
        )
        print("  consumers in a separate process (server on one core, clients on the other):")
        for consumers in args.consumers:
            print(report_rounds(consumers, await separate_process(consumers), cpu=True))
        print("  consumers in the server's own process and event loop (client work counted against the server):")
        for consumers in args.consumers:
            print(report_rounds(consumers, await same_process(consumers), cpu=False))

        # (b), (c): the consumers share the server's process and loop (their receive work is counted
        # against the server), so these latencies are an upper bound.
        async def push_latency(consumers: int, stalled: bool) -> float:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                sockets = [await session.ws_connect(url, max_msg_size=0) for _ in range(consumers)]
                for ws in sockets:
                    await ws.send_json({"type": "subscribe", "data": ["analyzed_df"]})
                stall = await session.ws_connect(url, max_msg_size=0, autoping=False) if stalled else None
                if stall is not None:
                    await stall.send_json({"type": "subscribe", "data": ["analyzed_df"]})
                await asyncio.sleep(0.3)
                frame = big_frame()
                sent = time.perf_counter()
                app[keys.BUS].publish(messages.analyzed_df("C00/USDT", "5m", "spot", frame, datetime.now(UTC)))
                await asyncio.gather(*(ws.receive(timeout=30) for ws in sockets))
                elapsed = (time.perf_counter() - sent) * 1000
                await asyncio.gather(*(ws.close() for ws in sockets))
                if stall is not None:
                    await stall.close()
            return elapsed

        consumers = args.push_consumers
        normal: list[float] = []
        stalled: list[float] = []
        for _ in range(args.push_rounds):  # interleaved, so that drift in the shared machine's load hits both
            normal.append(await push_latency(consumers, False))
            stalled.append(await push_latency(consumers, True))
        normal_ms, stalled_ms = statistics.median(normal), statistics.median(stalled)
        print(
            f"(b) one 500x20 analyzed_df pushed to {consumers} consumers: best {min(normal):.1f} / median "
            f"{normal_ms:.1f} ms until the last has it ({args.push_rounds} pushes; target < 250 ms, "
            f"ratio {normal_ms / 250:.2f})"
        )
        paired = statistics.median(s / n for n, s in zip(normal, stalled, strict=True))
        print(
            f"(c) with one stalled consumer: best {min(stalled):.1f} / median {stalled_ms:.1f} ms; change "
            f"{(min(stalled) / min(normal) - 1) * 100:+.1f} % on the best, {(stalled_ms / normal_ms - 1) * 100:+.1f} % "
            f"on the median, {(paired - 1) * 100:+.1f} % median of paired pushes (target: under 10 %)"
        )
        print("(d) server RSS per connection (consumers in the separate process), after connecting / after the rounds:")
        for count, (connected, after) in rss_per_connection.items():
            print(f"    {count:>3} connections: {connected / 1024:.0f} KB / {after / 1024:.0f} KB")
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
