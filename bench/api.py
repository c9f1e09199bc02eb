"""REST API under load: requests/s and p50/p99 latency at 50 concurrent connections, server RSS.

Seeds 10,000 closed trades (bench/seed.py), starts `ftserver trade` as its own process on a
loopback port (simulated market), then drives each endpoint for a few seconds from this process.
Compares with freqtrade 2026.9 measured on a machine like this one under the same load; targets:
ping >= 3x, every other endpoint >= 10x, RSS under 250 MB under load, no errors. Also checks
that the trading loop kept its pace (health.last_process stays fresh) while the API was loaded.

Run: .venv/bin/python bench/api.py [--seconds 5] [--trades 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed import seed
from server_process import free_port, start_server, wait_for_ping

FREQTRADE = {  # requests/s of freqtrade 2026.9, same load (from the project's reference measurements)
    "ping": 1700.0,
    "status": 180.0,
    "trades?limit=500": 3.6,
    "profit": 0.5,
    "performance": 60.0,
    "pair_candles": 75.0,
}
TARGET_RATIO = {"ping": 3.0}
CONCURRENCY = 50


async def load(session: aiohttp.ClientSession, url: str, seconds: float) -> tuple[int, int, list[float]]:
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                async with session.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return len(latencies), errors, latencies


class RssSampler:
    """The server's peak RSS, sampled every 50 ms while the load runs (a request's peak is brief)."""

    def __init__(self, proc: psutil.Process) -> None:
        self.proc = proc
        self.peak = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, self.proc.memory_info().rss / 1e6)
            await asyncio.sleep(0.05)

    def __enter__(self) -> RssSampler:
        self._task = asyncio.get_running_loop().create_task(self._sample())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
        self.peak = max(self.peak, self.proc.memory_info().rss / 1e6)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--trades", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = root / "bench.sqlite"
        await seed(f"sqlite:///{db}", args.trades, 3)
        port = free_port()
        # initial_state stopped: the seeded open trades stay as they are.
        server = start_server(root, db, port, initial_state="stopped")
        proc = psutil.Process(server.pid)
        base = f"http://127.0.0.1:{port}/api/v1/"
        auth = {"Authorization": "Basic " + base64.b64encode(b"ftserver:ftserver").decode()}
        try:
            connector = aiohttp.TCPConnector(limit=CONCURRENCY)
            wait_for_ping(port)
            async with aiohttp.ClientSession(headers=auth, connector=connector) as session:
                await session.post(base + "start")
                await asyncio.sleep(6)  # first loop iteration: candles fetched and analyzed
                idle_rss = proc.memory_info().rss / 1e6
                peak_rss = idle_rss
                print(
                    f"REST API, {CONCURRENCY} connections, {args.seconds:g} s per endpoint, "
                    f"{args.trades} closed trades in the database"
                )
                print(
                    f"{'endpoint':<18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
                    f"{'freqtrade':>9} {'ratio':>7} {'target':>7} {'RSS MB':>7}"
                )
                worst_staleness = 0.0
                for name, freqtrade_rate in FREQTRADE.items():
                    path = "pair_candles?pair=BTC/USDT&timeframe=1m&limit=500" if name == "pair_candles" else name
                    with RssSampler(proc) as rss:
                        count, errors, latencies = await load(session, base + path, args.seconds)
                    peak_rss = max(peak_rss, rss.peak)
                    async with session.get(base + "health") as r:
                        health = json.loads(await r.read())
                    worst_staleness = max(worst_staleness, time.time() - (health["last_process_ts"] or 0))
                    rate = count / args.seconds
                    target = TARGET_RATIO.get(name, 10.0)
                    print(
                        f"{name:<18} {rate:>9.1f} {percentile(latencies, 0.5) * 1000:>8.1f} "
                        f"{percentile(latencies, 0.99) * 1000:>8.1f} {errors:>6} {freqtrade_rate:>9.1f} "
                        f"{rate / freqtrade_rate:>6.1f}x {target:>6.0f}x {rss.peak:>7.0f}"
                    )
                print(
                    f"server RSS: idle {idle_rss:.0f} MB, peak under load {peak_rss:.0f} MB (sampled every 50 ms;"
                    f" target < 250 MB, ratio {peak_rss / 250:.2f})"
                )
                print(
                    f"trading loop: oldest last_process seen after a load phase {worst_staleness:.1f} s "
                    f"(throttle 5 s); server still running: {server.poll() is None}"
                )
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    asyncio.run(main())
