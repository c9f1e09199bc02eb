"""REST API under load: requests/s and p50/p99 latency at 50 concurrent connections, server RSS.

Seeds 10,000 closed trades (bench/seed.py), starts `ftserver trade` as its own process on a
loopback port (simulated market), then drives each endpoint for a few seconds from this process.
Compares with freqtrade 2026.9 measured on a machine like this one under the same load; targets:
ping >= 3x, every other endpoint >= 10x, RSS under 250 MB under load, no errors. Also checks
that the trading loop kept its pace (health.last_process stays fresh) while the API was loaded.

With ``--roles`` the same server is then started again with a trade-role user and metrics enabled,
and loaded half with a read-role API token and half as that user while ``/metrics`` is scraped every
second: both tables are printed, and the ratio of each endpoint's rate to the plain run's.

Run: .venv/bin/python bench/api.py [--seconds 5] [--trades 10000] [--roles]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil
from prometheus_client.parser import text_string_to_metric_families

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


async def load(
    session: aiohttp.ClientSession, url: str, seconds: float, credentials: list[dict[str, str]]
) -> tuple[int, int, list[float]]:
    """``CONCURRENCY`` workers for ``seconds``; worker i sends ``credentials[i % len(credentials)]``."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = 0

    async def worker(headers: dict[str, str]) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker(credentials[i % len(credentials)]) for i in range(CONCURRENCY)))
    return len(latencies), errors, latencies


class MetricsScraper:
    """Scrapes ``/metrics`` every ``interval`` seconds while the load runs, as Prometheus would (only
    more often), parsing each answer with prometheus-client's parser; counts scrapes and failures."""

    def __init__(self, session: aiohttp.ClientSession, url: str, headers: dict[str, str], interval: float) -> None:
        self.session, self.url, self.headers, self.interval = session, url, headers, interval
        self.latencies: list[float] = []
        self.failures = 0
        self.series = 0
        self._task: asyncio.Task[None] | None = None

    async def _scrape(self) -> None:
        while True:
            started = time.perf_counter()
            try:
                async with self.session.get(self.url, headers=self.headers) as response:
                    text = await response.text()
                    if response.status != 200:
                        self.failures += 1
                    else:
                        self.series = sum(len(f.samples) for f in text_string_to_metric_families(text))
            except aiohttp.ClientError:
                self.failures += 1
            self.latencies.append(time.perf_counter() - started)
            await asyncio.sleep(self.interval)

    def __enter__(self) -> MetricsScraper:
        self._task = asyncio.get_running_loop().create_task(self._scrape())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


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


def basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


ADMIN = basic("ftserver", "ftserver")
TRADER, TRADER_PASSWORD = "trader", "bench-trader-password"


async def run(root: Path, db: Path, seconds: float, trades: int, *, roles: bool) -> dict[str, float]:
    """Start a server on ``db``, load each endpoint, print the table; the rates by endpoint.

    ``roles``: a trade-role user besides the admin, metrics enabled, and the load sent half with a
    read-role API token and half as the trade-role user, while ``/metrics`` is scraped every second.
    """
    port = free_port()
    extra: dict[str, str] = {}
    if roles:
        trader = {"username": TRADER, "password": TRADER_PASSWORD, "role": "trade"}
        extra = {"api_server__users": json.dumps([trader]), "api_server__enable_metrics": "true"}
    # initial_state stopped: the seeded open trades stay as they are.
    server = start_server(root, db, port, initial_state="stopped", **extra)
    proc = psutil.Process(server.pid)
    origin = f"http://127.0.0.1:{port}"
    base = f"{origin}/api/v1/"
    rates: dict[str, float] = {}
    try:
        connector = aiohttp.TCPConnector(limit=CONCURRENCY + 1)
        wait_for_ping(port)
        async with aiohttp.ClientSession(connector=connector) as session:
            await session.post(base + "start", headers=ADMIN)
            credentials = [ADMIN]
            scraper: MetricsScraper | contextlib.nullcontext[None] = contextlib.nullcontext()
            if roles:
                async with session.post(base + "tokens", headers=ADMIN, json={"name": "bench", "role": "read"}) as r:
                    token = (await r.json())["token"]
                read_token = {"Authorization": f"Bearer {token}"}
                credentials = [read_token, basic(TRADER, TRADER_PASSWORD)]
                scraper = MetricsScraper(session, origin + "/metrics", read_token, interval=1.0)
            await asyncio.sleep(6)  # first loop iteration: candles fetched and analyzed
            idle_rss = proc.memory_info().rss / 1e6
            peak_rss = idle_rss
            how = (
                "half with a read-role API token, half as a trade-role user (Basic), /metrics scraped every 1 s"
                if roles
                else "as the admin (Basic), metrics off"
            )
            print(f"\nREST API, {CONCURRENCY} connections, {seconds:g} s per endpoint, {trades} closed trades; {how}")
            print(
                f"{'endpoint':<18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
                f"{'freqtrade':>9} {'ratio':>7} {'target':>7} {'RSS MB':>7}"
            )
            worst_staleness = 0.0
            with scraper:
                for name, freqtrade_rate in FREQTRADE.items():
                    path = "pair_candles?pair=BTC/USDT&timeframe=1m&limit=500" if name == "pair_candles" else name
                    with RssSampler(proc) as rss:
                        count, errors, latencies = await load(session, base + path, seconds, credentials)
                    peak_rss = max(peak_rss, rss.peak)
                    async with session.get(base + "health", headers=ADMIN) as r:
                        health = json.loads(await r.read())
                    worst_staleness = max(worst_staleness, time.time() - (health["last_process_ts"] or 0))
                    rate = rates[name] = count / seconds
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
            if isinstance(scraper, MetricsScraper):
                print(
                    f"/metrics under load: {len(scraper.latencies)} scrapes, {scraper.failures} failed, "
                    f"{scraper.series} series, p50 {percentile(scraper.latencies, 0.5) * 1000:.1f} ms, "
                    f"max {max(scraper.latencies, default=0) * 1000:.1f} ms"
                )
    finally:
        server.terminate()
        server.wait(timeout=15)
    return rates


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--trades", type=int, default=10_000)
    parser.add_argument(
        "--roles",
        action="store_true",
        help="after the plain run, run again with auth roles (read-role token, trade-role user) and metrics scraped",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = root / "bench.sqlite"
        await seed(f"sqlite:///{db}", args.trades, 3)
        # The second run gets the database as seeded, not as the first run's trading loop left it.
        untouched = root / "bench-roles.sqlite"
        shutil.copyfile(db, untouched)
        plain = await run(root, db, args.seconds, args.trades, roles=False)
        if args.roles:
            scoped = await run(root, untouched, args.seconds, args.trades, roles=True)
            print(
                "\nwith roles and metrics / plain, req/s: "
                + ", ".join(f"{name} {scoped[name] / plain[name]:.2f}" for name in FREQTRADE if plain.get(name))
            )


if __name__ == "__main__":
    asyncio.run(main())
