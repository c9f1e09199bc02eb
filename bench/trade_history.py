"""The trade history at 10,000 trades: a page per sort and filter, a revalidation, the whole CSV export.

Seeds 10,000 closed trades (bench/seed.py), starts `ftserver trade` as its own process (stopped,
so nothing changes), then asks one client at a time, as a UI does. Each page is asked twice: the
first costs the rows' encoding, the second comes from the row cache. Targets: a 25-row page of any
sort or filter within 50 ms, a 304 within 10 ms, the export of 10,000 trades within 2 s.

Run: .venv/bin/python bench/trade_history.py [--trades 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed import seed
from server_process import free_port, start_server, wait_for_ping

PAGE_MS = 50.0
REVALIDATE_MS = 10.0
EXPORT_S = 2.0
SORTS = ("id", "pair", "open_date", "close_date", "profit_ratio", "profit_abs", "stake_amount", "duration")


async def timed_get(
    session: aiohttp.ClientSession, url: str, **kwargs: object
) -> tuple[float, aiohttp.ClientResponse, bytes]:
    started = time.perf_counter()
    async with session.get(url, **kwargs) as response:  # type: ignore[arg-type]
        body = await response.read()
    return time.perf_counter() - started, response, body


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trades", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = root / "bench.sqlite"
        await seed(f"sqlite:///{db}", args.trades, 3)
        port = free_port()
        server = start_server(root, db, port, initial_state="stopped")
        base = f"http://127.0.0.1:{port}/api/v1/"
        auth = {"Authorization": "Basic " + base64.b64encode(b"ftserver:ftserver").decode()}
        try:
            wait_for_ping(port)
            async with aiohttp.ClientSession(headers=auth) as session:
                print(f"trade history, {args.trades} closed trades, one client")
                print(f"{'page of 25':<44} {'first ms':>9} {'again ms':>9} {'target':>7} {'ratio':>6}")
                worst = 0.0
                queries = [f"sort={key}&order=desc" for key in SORTS]
                queries += ["pair=BTC/USDT&result=loss&sort=profit_abs", "exit_reason=roi&sort=duration&offset=5000"]
                for query in queries:
                    url = f"{base}trades?limit=25&{query}"
                    first, _, _ = await timed_get(session, url)
                    again, response, _ = await timed_get(session, url)
                    assert response.status == 200, (url, response.status)
                    worst = max(worst, first, again)
                    print(
                        f"{query:<44} {first * 1000:>9.1f} {again * 1000:>9.1f} {PAGE_MS:>7.0f}"
                        f" {max(first, again) * 1000 / PAGE_MS:>6.2f}"
                    )
                url = f"{base}trades?limit=500&sort=close_date&order=desc"
                first, response, body = await timed_get(session, url)
                tag = response.headers["ETag"]
                revalidate, unchanged, _ = await timed_get(session, url, headers={"If-None-Match": tag})
                assert unchanged.status == 304
                print(
                    f"page of 500: {first * 1000:.1f} ms, {len(body) / 1e6:.2f} MB; revalidated (304) in"
                    f" {revalidate * 1000:.1f} ms (target {REVALIDATE_MS:.0f} ms,"
                    f" ratio {revalidate * 1000 / REVALIDATE_MS:.2f})"
                )
                export, response, body = await timed_get(session, f"{base}trades/export.csv?sort=close_date")
                assert response.status == 200
                rows = body.count(b"\n") - 1
                print(
                    f"CSV export: {rows} trades, {len(body) / 1e6:.2f} MB in {export:.2f} s"
                    f" (target {EXPORT_S:.0f} s, ratio {export / EXPORT_S:.2f})"
                )
                print(
                    f"slowest page of 25: {worst * 1000:.1f} ms"
                    f" (target {PAGE_MS:.0f} ms, ratio {worst * 1000 / PAGE_MS:.2f})"
                )
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    asyncio.run(main())
