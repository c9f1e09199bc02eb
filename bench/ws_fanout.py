"""Message WebSocket fan-out, server and clients on loopback (clients in a separate process).

(a) N consumers (10, 100, 500) each request analyzed_df (limit 100) for 20 pairs and wait for all
    20 replies. freqtrade 2026.9 took 0.35 s for 10 consumers and 3.6 s for 100; target >= 10x faster.
(b) One 500-candle x 20-column analyzed DataFrame published on the bus: time until the last of 100
    subscribed consumers has it. Target under 250 ms.
(c) The same with one stalled consumer (never reads): the others' latency must change by < 10 %.
(d) Server RSS per connection.

Run: .venv/bin/python bench/ws_fanout.py
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
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
PUSH_CONSUMERS = int(__import__("os").environ.get("PUSH_CONSUMERS", "100"))
FREQTRADE_SECONDS = {10: 0.35, 100: 3.6}


# ---- client side (child process) ------------------------------------------------------------
async def _request_all(url: str, consumers: int) -> float:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        sockets = [await session.ws_connect(url, max_msg_size=0) for _ in range(consumers)]
        started = time.perf_counter()

        async def one(ws: aiohttp.ClientWebSocketResponse) -> None:
            await ws.send_json({"type": "analyzed_df", "data": {"limit": 100}})
            for _ in range(len(PAIRS)):
                await ws.receive(timeout=120)

        await asyncio.gather(*(one(ws) for ws in sockets))
        elapsed = time.perf_counter() - started
        await asyncio.gather(*(ws.close() for ws in sockets))
    return elapsed


async def _wait_push(url: str, consumers: int, stalled: bool, ready: Any, results: Any) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        sockets = [await session.ws_connect(url, max_msg_size=0) for _ in range(consumers)]
        for ws in sockets:
            await ws.send_json({"type": "subscribe", "data": ["analyzed_df"]})
        stall = await session.ws_connect(url, max_msg_size=0) if stalled else None
        if stall is not None:
            await stall.send_json({"type": "subscribe", "data": ["analyzed_df"]})
        await asyncio.sleep(0.5)
        ready.set()
        received: list[int] = []

        async def one(ws: aiohttp.ClientWebSocketResponse) -> None:
            await ws.receive(timeout=60)
            received.append(time.monotonic_ns())

        await asyncio.gather(*(one(ws) for ws in sockets))
        results.put(max(received))
        await asyncio.gather(*(ws.close() for ws in sockets))
        if stall is not None:
            await stall.close()


def client_process(task: str, url: str, consumers: int, stalled: bool, ready: Any, results: Any) -> None:
    if task == "request":
        results.put(asyncio.run(_request_all(url, consumers)))
    else:
        asyncio.run(_wait_push(url, consumers, stalled, ready, results))


# ---- server side --------------------------------------------------------------------------
def big_frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    data = {"date": pd.date_range("2026-03-01", periods=500, freq="5min", tz="UTC")}
    data.update({f"col{n}": rng.normal(size=500) for n in range(19)})
    return pd.DataFrame(data)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--consumers", type=int, nargs="+", default=[10, 100, 500])
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

        async def run_client(task: str, consumers: int, stalled: bool = False, publish: bool = False) -> Any:
            ready, results = ctx.Event(), ctx.Queue()
            proc = ctx.Process(target=client_process, args=(task, url, consumers, stalled, ready, results))
            proc.start()
            rss_peak = me.memory_info().rss
            if publish:
                while not ready.is_set():
                    if not proc.is_alive():
                        raise RuntimeError("client process died before it was ready")
                    await asyncio.sleep(0.05)
                    rss_peak = max(rss_peak, me.memory_info().rss)
                frame = big_frame()
                sent = time.monotonic_ns()
                app[keys.BUS].publish(messages.analyzed_df("C00/USDT", "5m", "spot", frame, datetime.now(UTC)))
            while results.empty():
                if not proc.is_alive() and results.empty():
                    raise RuntimeError(f"client process exited with {proc.exitcode} and no result")
                await asyncio.sleep(0.01)
                rss_peak = max(rss_peak, me.memory_info().rss)
            value = await loop.run_in_executor(None, results.get)
            await loop.run_in_executor(None, proc.join)
            if publish:
                return (value - sent) / 1e6, rss_peak
            return value, rss_peak

        print("(a) analyzed_df, limit 100, 20 pairs per consumer")
        for consumers in args.consumers:
            seconds, _ = await run_client("request", consumers)
            rate = consumers * len(PAIRS) / seconds
            line = f"  {consumers:>3} consumers: {seconds:.3f} s ({rate:,.0f} messages/s)"
            if consumers in FREQTRADE_SECONDS:
                line += f"; freqtrade {FREQTRADE_SECONDS[consumers]} s -> {FREQTRADE_SECONDS[consumers] / seconds:.1f}x"
                line += " (target >= 10x)"
            print(line)

        # (b)-(d): clients in this process (the server's RSS is measured before they connect, and
        # their receive loops share the event loop, so these latencies are an upper bound).
        base_rss = me.memory_info().rss

        async def push_latency(consumers: int, stalled: bool) -> tuple[float, int]:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                sockets = [await session.ws_connect(url, max_msg_size=0) for _ in range(consumers)]
                for ws in sockets:
                    await ws.send_json({"type": "subscribe", "data": ["analyzed_df"]})
                stall = await session.ws_connect(url, max_msg_size=0, autoping=False) if stalled else None
                if stall is not None:
                    await stall.send_json({"type": "subscribe", "data": ["analyzed_df"]})
                await asyncio.sleep(0.3)
                rss = me.memory_info().rss
                frame = big_frame()
                sent = time.perf_counter()
                app[keys.BUS].publish(messages.analyzed_df("C00/USDT", "5m", "spot", frame, datetime.now(UTC)))
                await asyncio.gather(*(ws.receive(timeout=30) for ws in sockets))
                elapsed = (time.perf_counter() - sent) * 1000
                await asyncio.gather(*(ws.close() for ws in sockets))
                if stall is not None:
                    await stall.close()
            return elapsed, rss

        normal = [await push_latency(PUSH_CONSUMERS, False) for _ in range(5)]
        stalled = [await push_latency(PUSH_CONSUMERS, True) for _ in range(5)]
        normal_ms = statistics.median(v for v, _ in normal)
        stalled_ms = statistics.median(v for v, _ in stalled)
        print(
            f"(b) one 500x20 analyzed_df pushed to {PUSH_CONSUMERS} consumers: "
            f"{normal_ms:.1f} ms until the last has it (median of 5; target < 250 ms, ratio {normal_ms / 250:.2f})"
        )
        print(
            f"(c) with one stalled consumer: {stalled_ms:.1f} ms "
            f"({(stalled_ms / normal_ms - 1) * 100:+.1f} %; target within 10 %)"
        )
        peak = max(rss for _, rss in normal)
        print(
            f"(d) server RSS {base_rss / 1e6:.0f} MB idle, {peak / 1e6:.0f} MB with {PUSH_CONSUMERS} connections: "
            f"{(peak - base_rss) / PUSH_CONSUMERS / 1024:.0f} KB per connection (client sockets included)"
        )
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
