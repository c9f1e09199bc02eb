"""First load of the web UI's dashboard, in headless Chromium against `ftserver trade` on loopback.

Seeds 1,000 closed trades (bench/seed.py), starts the server with the default config (sim market),
logs in once, then loads `/` in fresh browser contexts (empty HTTP cache, the saved login) and
times navigation start -> the trade workspace showing the balance, the profit and the open trades
(and, reported apart, its chart drawn).
Also reports the JS+CSS bytes transferred (gzip/brotli as the browser negotiated them).
Targets: first load under 1 s, JS+CSS under 150 KB compressed.

Run: .venv/bin/python bench/ui_load.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed import seed
from server_process import free_port, start_server, wait_for_ping

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 1.0
TARGET_KB = 150.0
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def measure(url: str, runs: int) -> tuple[list[float], list[float], float]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        login = browser.new_context()
        page = login.new_page()
        page.goto(url + "/")
        page.fill("input[name=username]", "ftserver")
        page.fill("input[name=password]", "ftserver")
        page.click("[data-testid=login-submit]")
        page.wait_for_selector("[data-testid=stat-balance]:has-text('USDT')")
        state = login.storage_state()
        login.close()

        times: list[float] = []
        charted: list[float] = []
        transferred = 0.0
        for _ in range(runs):
            context = browser.new_context(storage_state=state)  # fresh HTTP cache, saved tokens
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_selector("[data-testid=stat-balance]:has-text('USDT')")
            page.wait_for_selector("[data-testid=stat-profit-all]:has-text('USDT')")
            page.wait_for_selector("[data-testid=open-trades], [data-testid=no-open-trades]")
            times.append(time.perf_counter() - started)
            # The workspace's chart of the selected pair, drawn (its own request, after the pairs).
            page.wait_for_selector("[data-testid=candle-chart][data-candles]")
            charted.append(time.perf_counter() - started)
            transferred = page.evaluate(
                """() => performance.getEntriesByType('resource')
                    .filter((entry) => /\\.(js|css)$/.test(new URL(entry.name).pathname))
                    .reduce((sum, entry) => sum + entry.transferSize, 0)"""
            )
            context.close()
        browser.close()
    return times, charted, transferred / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (REPO / "static" / "dist" / "index.html").is_file():
        raise SystemExit("build the UI first: make ui")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = root / "bench.sqlite"
        asyncio.run(seed(f"sqlite:///{db}", 1000, 3))
        port = free_port()
        server = start_server(root, db, port)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_ping(port)
            times, charted, kilobytes = measure(url, args.runs)
        finally:
            server.terminate()
            server.wait(timeout=20)
    best, median = min(times), statistics.median(times)
    print(
        f"dashboard first load (fresh cache, {args.runs} runs): best {best * 1000:.0f} ms,"
        f" median {median * 1000:.0f} ms (target < {TARGET_SECONDS * 1000:.0f} ms,"
        f" ratio {median / TARGET_SECONDS:.2f})"
    )
    print(f"chart of the selected pair drawn: median {statistics.median(charted) * 1000:.0f} ms")
    print(f"JS+CSS transferred: {kilobytes:.1f} KB (target < {TARGET_KB:.0f} KB, ratio {kilobytes / TARGET_KB:.2f})")


if __name__ == "__main__":
    main()
