"""pair_history for one year of 5m candles (~105k rows) analyzed by SampleStrategy, over HTTP.

Stores a year of simulated BTC/USDT 5m candles as Feather, starts the server in webserver mode on a
loopback port, and times GET /api/v1/pair_history (load + analyze + JSON encode + transfer).
Targets: under 1.5 s per response and under 500 MB peak RSS.

Run: .venv/bin/python bench/pair_history.py
"""

from __future__ import annotations

import asyncio
import base64
import re
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

from ftserver.app import create_app
from ftserver.config import settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.data.frames import candles_to_frame
from ftserver.data.history import CandleStore
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.models import RunMode

TARGET_SECONDS = 1.5
TARGET_MB = 500
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def store_year(datadir: Path) -> int:
    market = SimulatedMarket(clock=ManualClock(NOW), pairs=["BTC/USDT"], history_days=366)
    store = CandleStore(datadir)
    since = int((NOW - timedelta(days=365)).timestamp() * 1000)
    total = 0
    while True:
        rows = market.candles("BTC/USDT", "5m", since_ms=since, limit=1500)
        if not rows:
            break
        total += store.append("BTC/USDT", "5m", candles_to_frame(rows))
        since = int(rows[-1][0]) + 300_000
        if len(rows) < 1500:
            break
    return total


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # Generated in a child process, so the peak RSS measured here is the server's alone.
        with ProcessPoolExecutor(max_workers=1) as pool:
            candles = pool.submit(store_year, root / "user_data" / "data" / "sim").result()
        settings = settings_from_dict(
            {
                "stake_currency": "USDT",
                "stake_amount": 10,
                "user_data_dir": str(root / "user_data"),
                "exchange": {"name": "sim"},
                "api_server": {"username": "u", "password": "p", "jwt_secret_key": "k" * 40},
            }
        )
        runner = web.AppRunner(create_app(settings, runmode=RunMode.WEBSERVER))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        headers = {"Authorization": "Basic " + base64.b64encode(b"u:p").decode()}
        url = f"http://127.0.0.1:{port}/api/v1/pair_history"
        params = {"pair": "BTC/USDT", "timeframe": "5m", "strategy": "SampleStrategy"}
        rss_before = peak_rss_mb()
        times, size, rows = [], 0, 0
        async with aiohttp.ClientSession(headers=headers) as session:
            for _ in range(4):
                started = time.perf_counter()
                async with session.get(url, params=params) as response:
                    body = await response.read()
                    assert response.status == 200, body[:200]
                times.append(time.perf_counter() - started)
                size = len(body)
        # Read "length" without decoding 23 MB of JSON in this (measured) process.
        match = re.search(rb'"length":(\d+)', body)
        rows = int(match.group(1)) if match else 0
        await runner.cleanup()
    median = statistics.median(times)
    peak = peak_rss_mb()
    print(f"pair_history BTC/USDT 5m, one year: {candles} candles stored, {rows} rows returned")
    print(
        f"  response time: median {median:.3f} s, best {min(times):.3f} s (target {TARGET_SECONDS} s,"
        f" ratio {median / TARGET_SECONDS:.2f})"
    )
    print(f"  payload: {size / 1e6:.1f} MB")
    print(
        f"  peak RSS: {peak:.0f} MB (before requests {rss_before:.0f} MB; target {TARGET_MB} MB,"
        f" ratio {peak / TARGET_MB:.2f})"
    )


if __name__ == "__main__":
    asyncio.run(main())
