"""REST API under load: requests/s and p50/p99 latency at 50 concurrent connections, server RSS.

Seeds 10,000 closed trades (bench/seed.py), starts `ftserver trade` as its own process on a
loopback port (simulated market), then drives each endpoint for a few seconds from this process.
Compares with freqtrade 2026.9 measured on a machine like this one under the same load; targets:
ping >= 3x, every other endpoint >= 10x, RSS under 250 MB under load, no errors. Also checks
that the trading loop kept its pace (health.last_process stays fresh) while the API was loaded.

With ``--roles``, two servers then run side by side: the plain one, and one with a trade-role user and
metrics enabled, loaded half with a read-role API token and half as that user while its ``/metrics``
is scraped every second. Endpoints are loaded on both in turns for ``--rounds`` rounds, and each
endpoint's median rate is printed for both, with their ratio.

With ``--postgres`` (a throwaway local cluster) or ``--db-url postgresql://...``, the server keeps its
trades in PostgreSQL instead of an SQLite file (not with ``--roles``).

Run: .venv/bin/python bench/api.py [--seconds 5] [--trades 10000] [--roles [--rounds 4]]
                                   [--postgres | --db-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parent))
import databases
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
PATHS = {"pair_candles": "pair_candles?pair=BTC/USDT&timeframe=1m&limit=500"}
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


async def run(root: Path, db: Path | str, seconds: float, trades: int) -> None:
    """Start a server on ``db`` (admin only, metrics off), load each endpoint in turn, print the table."""
    port = free_port()
    # initial_state stopped: the seeded open trades stay as they are.
    server = start_server(root, db, port, initial_state="stopped")
    proc = psutil.Process(server.pid)
    base = f"http://127.0.0.1:{port}/api/v1/"
    try:
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        wait_for_ping(port)
        async with aiohttp.ClientSession(connector=connector) as session:
            await session.post(base + "start", headers=ADMIN)
            await asyncio.sleep(6)  # first loop iteration: candles fetched and analyzed
            idle_rss = proc.memory_info().rss / 1e6
            peak_rss = idle_rss
            print(
                f"REST API, {CONCURRENCY} connections, {seconds:g} s per endpoint, "
                f"{trades} closed trades in the database ({'SQLite' if isinstance(db, Path) else 'PostgreSQL'})"
            )
            print(
                f"{'endpoint':<18} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
                f"{'freqtrade':>9} {'ratio':>7} {'target':>7} {'RSS MB':>7}"
            )
            worst_staleness = 0.0
            for name, freqtrade_rate in FREQTRADE.items():
                with RssSampler(proc) as rss:
                    count, errors, latencies = await load(session, base + PATHS.get(name, name), seconds, [ADMIN])
                peak_rss = max(peak_rss, rss.peak)
                async with session.get(base + "health", headers=ADMIN) as r:
                    health = json.loads(await r.read())
                worst_staleness = max(worst_staleness, time.time() - (health["last_process_ts"] or 0))
                rate = count / seconds
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


async def with_roles(root: Path, plain_db: Path, roles_db: Path, seconds: float, rounds: int) -> None:
    """The plain server beside one with a trade-role user and metrics on, loaded in turns.

    The second server is loaded half with a read-role API token and half as the trade-role user, while
    its ``/metrics`` is scraped every second. Each round loads every endpoint on both servers, in turn
    (plain first in even rounds, second in odd ones), so the other engineers' load on a shared machine
    falls on both alike; the ratio of the two medians is what roles and metrics cost.
    """
    trader = {"username": TRADER, "password": TRADER_PASSWORD, "role": "trade"}
    ports = free_port(), free_port()
    plain = start_server(root, plain_db, ports[0], initial_state="stopped")
    scoped = start_server(
        root,
        roles_db,
        ports[1],
        initial_state="stopped",
        api_server__users=json.dumps([trader]),
        api_server__enable_metrics="true",
    )
    bases = [f"http://127.0.0.1:{port}/api/v1/" for port in ports]
    procs = [psutil.Process(plain.pid), psutil.Process(scoped.pid)]
    try:
        for port in ports:
            wait_for_ping(port)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=2 * CONCURRENCY + 2)) as session:
            for base in bases:
                await session.post(base + "start", headers=ADMIN)
            async with session.post(bases[1] + "tokens", headers=ADMIN, json={"name": "bench", "role": "read"}) as r:
                read_token = {"Authorization": f"Bearer {(await r.json())['token']}"}
            credentials = [[ADMIN], [read_token, basic(TRADER, TRADER_PASSWORD)]]
            await asyncio.sleep(6)  # first loop iterations: candles fetched and analyzed
            rates: dict[str, list[list[float]]] = {name: [[], []] for name in FREQTRADE}
            latencies: dict[str, list[list[float]]] = {name: [[], []] for name in FREQTRADE}
            # Server CPU time per request: what the other engineers' load on the machine changes least.
            cpu_per_request: dict[str, list[list[float]]] = {name: [[], []] for name in FREQTRADE}
            errors = [0, 0]
            scraper = MetricsScraper(session, f"http://127.0.0.1:{ports[1]}/metrics", read_token, interval=1.0)
            with scraper:
                for round_ in range(rounds):
                    for name in FREQTRADE:
                        for which in (0, 1) if round_ % 2 == 0 else (1, 0):
                            url = bases[which] + PATHS.get(name, name)
                            before = sum(procs[which].cpu_times()[:2])
                            count, failed, seen = await load(session, url, seconds, credentials[which])
                            used = sum(procs[which].cpu_times()[:2]) - before
                            cpu_per_request[name][which].append(used / max(count, 1))
                            rates[name][which].append(count / seconds)
                            latencies[name][which] += seen
                            errors[which] += failed
            print(
                f"\nwith auth roles and metrics beside the plain server, {rounds} rounds of {seconds:g} s per endpoint"
                " taken in turns: median req/s, p99 over the rounds, and the server's median CPU time per request"
            )
            print(
                f"{'endpoint':<18} {'plain':>9} {'p99 ms':>8} {'CPU us':>8} {'roles':>9} {'p99 ms':>8} {'CPU us':>8} "
                f"{'req/s':>6} {'CPU':>6}  req/s ratio per round"
            )
            for name in FREQTRADE:
                medians = [statistics.median(rates[name][which]) for which in (0, 1)]
                p99 = [percentile(latencies[name][which], 0.99) * 1000 for which in (0, 1)]
                cpu = [statistics.median(cpu_per_request[name][which]) * 1e6 for which in (0, 1)]
                per_round = " ".join(f"{b / a:.2f}" for a, b in zip(*rates[name], strict=True) if a)
                print(
                    f"{name:<18} {medians[0]:>9.1f} {p99[0]:>8.1f} {cpu[0]:>8.1f} {medians[1]:>9.1f} {p99[1]:>8.1f} "
                    f"{cpu[1]:>8.1f} {medians[1] / medians[0]:>6.2f} {cpu[1] / cpu[0]:>6.2f}  {per_round}"
                )
            print(f"errors: plain {errors[0]}, with roles {errors[1]}")
            print(
                f"/metrics under load: {len(scraper.latencies)} scrapes, {scraper.failures} failed, "
                f"{scraper.series} series, p50 {percentile(scraper.latencies, 0.5) * 1000:.1f} ms, "
                f"max {max(scraper.latencies, default=0) * 1000:.1f} ms"
            )
    finally:
        for server in (plain, scoped):
            server.terminate()
            server.wait(timeout=15)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--trades", type=int, default=10_000)
    parser.add_argument(
        "--roles",
        action="store_true",
        help="then compare with auth roles (read-role token, trade-role user) and metrics scraped, in turns",
    )
    parser.add_argument("--rounds", type=int, default=4, help="rounds of the --roles comparison")
    databases.add_arguments(parser)
    args = parser.parse_args()
    if args.roles and (args.postgres or args.db_url):
        parser.error("--roles compares copies of an SQLite file: not with --postgres or --db-url")
    with tempfile.TemporaryDirectory() as folder, databases.postgres_base(args) as postgres:
        root = Path(folder)
        if postgres is not None:
            url = databases.db_url(postgres, root / "bench.sqlite")
            await seed(url, args.trades, 3)
            await run(root, url, args.seconds, args.trades)
            return
        db = root / "bench.sqlite"
        await seed(f"sqlite:///{db}", args.trades, 3)
        # Each server gets the database as seeded, not as another one's trading loop left it.
        copies = [root / "plain.sqlite", root / "roles.sqlite"]
        for copy in copies:
            shutil.copyfile(db, copy)
        await run(root, db, args.seconds, args.trades)
        if args.roles:
            await with_roles(root, *copies, args.seconds, args.rounds)


if __name__ == "__main__":
    asyncio.run(main())
