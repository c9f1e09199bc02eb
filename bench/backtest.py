"""Backtest speed: 10 pairs x 1 year of 5m candles from the simulated market, loaded, analyzed, simulated.

1. Downloads the candles with ``ftserver download-data --exchange sim`` (timed; reused with --workdir).
2. For the built-in SampleStrategy and bench/strategies/sma_cross_rsi.py (TA-Lib SMA cross + RSI):
   load + analysis in this process (best of 3), then the whole backtest (load + analysis + simulation)
   in this process and in a worker process: wall time, trades, candles/s, the worker's peak RSS.
3. /api/v1/ping latency of a webserver-mode server in this process while a whole backtest runs in a
   worker process, and while the analysis runs in a thread of the server's process (to show why a process).
4. freqtrade's load + analysis and its whole ``backtesting`` on the same files (``FTSERVER_FREQTRADE=
   /path/to/freqtrade``; its exchange markets come from the loopback Binance server of the tests), and
   the ratio to the 20x target.

Targets (issue 15): 20x faster than freqtrade end to end, peak RSS under 1 GB, /ping under 50 ms.

Run: .venv/bin/python bench/backtest.py [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from ftserver.app import create_app
from ftserver.backtest.analysis import AnalysisRequest, StrategySource, analyze_in_process, run_analysis
from ftserver.backtest.options import BacktestSettings, backtest_settings
from ftserver.backtest.runner import encoded_in_worker, run_and_store, run_in_worker
from ftserver.config import settings_from_dict
from ftserver.data.timerange import TimeRange
from ftserver.models import RunMode
from ftserver.strategy.loader import builtin_strategy_dir

PAIRS = [
    "BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "XRP/USDT",
    "ADA/USDT", "DOGE/USDT", "AVAX/USDT", "DOT/USDT", "LINK/USDT",
]  # fmt: skip
BENCH_STRATEGIES = Path(__file__).parent / "strategies"
STRATEGIES = [("SampleStrategy", builtin_strategy_dir()), ("SmaCrossRsi", BENCH_STRATEGIES)]
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests' loopback Binance server gives freqtrade its markets
PING_TARGET_MS = 50.0
SPEED_TARGET = 20.0
RSS_TARGET_MB = 1024.0


def config(root: Path) -> dict[str, Any]:
    return {
        "stake_currency": "USDT",
        "stake_amount": 100,
        "dry_run_wallet": 10000,
        "timeframe": "5m",
        "user_data_dir": str(root / "user_data"),
        "exchange": {"name": "sim", "sim": {"seed": 42, "history_days": 400}, "pair_whitelist": PAIRS},
        "api_server": {"username": "u", "password": "p", "jwt_secret_key": "k" * 40},
    }


def download(root: Path) -> tuple[float, Path]:
    datadir = root / "user_data" / "data" / "sim"
    if all((datadir / f"{pair.replace('/', '_')}-5m.feather").exists() for pair in PAIRS):
        print(f"data: reusing the candles in {datadir}")
        return 0.0, datadir
    config_file = root / "config.json"
    config_file.write_text(json.dumps(config(root)))
    argv = [sys.executable, "-m", "ftserver", "download-data", "-c", str(config_file), "--exchange", "sim"]
    started = time.perf_counter()
    subprocess.run([*argv, "-t", "5m", "--days", "365"], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    print(f"data: download-data --exchange sim, {len(PAIRS)} pairs x 365 days of 5m: {seconds:.1f} s")
    return seconds, datadir


def request(name: str, folder: Path, datadir: Path) -> AnalysisRequest:
    return AnalysisRequest(
        strategy=StrategySource(name, (folder,), {"stake_currency": "USDT", "timeframe": "5m"}),
        datadir=datadir,
        data_format="feather",
        pairs=tuple(PAIRS),
        timerange=TimeRange(),
    )


def whole_settings(name: str, folder: Path, root: Path) -> BacktestSettings:
    values = config(root)
    values.update({"strategy": name, "strategy_path": str(folder), "max_open_trades": 5})
    return backtest_settings(settings_from_dict(values), export="none")


def measure_backtest(name: str, folder: Path, root: Path, candles: int) -> dict[str, float]:
    """The whole backtest (load + analysis + simulation): best of 2 in this process, then once in a worker."""
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        finished = run_and_store(whole_settings(name, folder, root))
        runs.append((time.perf_counter() - started, finished.outcome))
    wall, outcome = min(runs, key=lambda run: run[0])
    trades = len(outcome.runs[0].trades)
    started = time.perf_counter()
    run_in_worker(whole_settings(name, folder, root))
    worker = time.perf_counter() - started
    print(
        f"{name} whole backtest: {wall:.2f} s in-process (load {outcome.seconds_loading:.2f} + analysis "
        f"{outcome.seconds_analyzing:.2f} + simulation {outcome.seconds_simulating:.2f}), {trades} trades,"
        f" {candles / wall / 1e6:.2f} M candles/s; in a worker process {worker:.2f} s (spawn included)"
    )
    return {"wall": wall, "worker": worker, "trades": trades, "simulation": outcome.seconds_simulating}


def children_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def measure_strategy(name: str, folder: Path, datadir: Path) -> dict[str, float]:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        summary, _ = run_analysis(request(name, folder, datadir))
        runs.append((time.perf_counter() - started, summary))
    wall, summary = min(runs, key=lambda run: run[0])
    rows = sum(len(signals) for signals in summary.signals.values())
    entries = sum(len(signals.entry_rows()) for signals in summary.signals.values())
    started = time.perf_counter()
    analyze_in_process(request(name, folder, datadir))
    worker = time.perf_counter() - started
    print(
        f"{name}: load {summary.seconds_loading:.2f} s + analysis {summary.seconds_analyzing:.2f} s"
        f" = {wall:.2f} s in-process ({rows / wall / 1e6:.2f} M candles/s; {rows} rows, {entries} candidate entries);"
        f" in a worker process {worker:.2f} s (spawn included)"
    )
    return {"load": summary.seconds_loading, "analysis": summary.seconds_analyzing, "wall": wall, "worker": worker}


async def ping_while(work: Callable[[], Awaitable[Any]], port: int) -> list[float]:
    headers = {"Authorization": "Basic " + base64.b64encode(b"u:p").decode()}
    latencies: list[float] = []
    async with aiohttp.ClientSession(headers=headers) as session:
        task = asyncio.ensure_future(work())
        while not task.done():
            started = time.perf_counter()
            async with session.get(f"http://127.0.0.1:{port}/api/v1/ping") as response:
                await response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.02)
        await task
    return latencies


def describe(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"{len(ordered)} pings, median {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
    )


async def measure_ping(root: Path, datadir: Path) -> dict[str, float]:
    runner = web.AppRunner(create_app(settings_from_dict(config(root)), runmode=RunMode.WEBSERVER))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    work = request("SmaCrossRsi", BENCH_STRATEGIES, datadir)
    whole = whole_settings("SmaCrossRsi", BENCH_STRATEGIES, root)
    try:
        idle = await ping_while(lambda: asyncio.sleep(1.0), port)
        # What POST /backtest runs: the worker hands back the encoded result only.
        in_process = await ping_while(lambda: asyncio.to_thread(encoded_in_worker, whole), port)
        in_thread = await ping_while(lambda: asyncio.to_thread(run_analysis, work), port)
    finally:
        await runner.cleanup()
    print(f"/ping idle: {describe(idle)}")
    print(f"/ping while a worker process backtests: {describe(in_process)} (target < {PING_TARGET_MS:.0f} ms)")
    print(f"/ping while a thread of the server analyzes: {describe(in_thread)}")
    return {"worker_max": max(in_process), "thread_max": max(in_thread)}


def freqtrade_times(datadir: Path) -> dict[str, float] | None:
    executable = os.environ.get("FTSERVER_FREQTRADE") or shutil.which("freqtrade")
    if not executable or not Path(executable).exists():
        print("freqtrade: not installed (set FTSERVER_FREQTRADE=/path/to/freqtrade), skipped")
        return None
    python = Path(executable).parent / "python"
    spec = {"strategy": "SmaCrossRsi", "strategy_path": str(BENCH_STRATEGIES), "datadir": str(datadir), "pairs": PAIRS}
    probe = Path(__file__).parent / "freqtrade_analysis_probe.py"
    best: dict[str, float] | None = None
    for _ in range(2):
        out = subprocess.run(
            [str(python), str(probe), json.dumps(spec)], check=True, capture_output=True, text=True, cwd=datadir
        )
        times = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or times["load"] + times["analysis"] < best["load"] + best["analysis"]:
            best = times
    assert best is not None
    print(
        f"freqtrade SmaCrossRsi: load {best['load']:.2f} s + analysis {best['analysis']:.2f} s"
        f" = {best['load'] + best['analysis']:.2f} s ({int(best['rows'])} rows)"
    )
    return best


def candle_count(datadir: Path) -> int:
    import pandas as pd

    return sum(len(pd.read_feather(datadir / f"{pair.replace('/', '_')}-5m.feather")) for pair in PAIRS)


async def freqtrade_backtest(root: Path, datadir: Path) -> dict[str, float] | None:
    """freqtrade's whole ``backtesting`` of SmaCrossRsi on the same candle files, its markets from the
    loopback Binance server (the one the tests use), timed as a command."""
    executable = os.environ.get("FTSERVER_FREQTRADE") or shutil.which("freqtrade")
    if not executable:
        return None
    from ftserver.core.clock import SystemClock
    from ftserver.exchange.simulated import SimulatedMarket
    from tests.support.binance_server import BinanceStub, ccxt_config_for

    stub = BinanceStub(SimulatedMarket(clock=SystemClock(), pairs=PAIRS, history_days=10), listed_ms=0)
    runner = web.AppRunner(stub.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    folder = root / "freqtrade"
    data = folder / "user_data" / "data" / "binance"
    data.mkdir(parents=True, exist_ok=True)
    for pair in PAIRS:
        name = f"{pair.replace('/', '_')}-5m.feather"
        if not (data / name).exists():
            shutil.copy(datadir / name, data / name)
    ccxt = ccxt_config_for(f"http://127.0.0.1:{port}")
    ccxt["options"] = {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False}
    ft_config = {
        "dry_run": True,
        "dry_run_wallet": 10000,
        "stake_currency": "USDT",
        "stake_amount": 100,
        "max_open_trades": 5,
        "timeframe": "5m",
        "fee": 0.001,
        "strategy": "SmaCrossRsi",
        "strategy_path": str(BENCH_STRATEGIES),
        "entry_pricing": {"price_side": "same"},
        "exit_pricing": {"price_side": "same"},
        "exchange": {"name": "binance", "key": "", "secret": "", "ccxt_config": ccxt, "ccxt_async_config": ccxt,
                     "pair_whitelist": PAIRS},
        "pairlists": [{"method": "StaticPairList"}],
    }  # fmt: skip
    (folder / "config.json").write_text(json.dumps(ft_config))
    argv = [executable, "backtesting", "-c", "config.json", "--cache", "none", "--export", "trades"]
    try:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=folder, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await process.communicate()
        wall = time.perf_counter() - started
    finally:
        await runner.cleanup()
    if process.returncode != 0:
        print("freqtrade backtesting failed:", output.decode(errors="replace")[-2000:])
        return None
    results = folder / "user_data" / "backtest_results"
    latest = json.loads((results / ".last_result.json").read_text())["latest_backtest"]
    import zipfile

    with zipfile.ZipFile(results / latest) as archive:
        body = json.loads(archive.read(Path(latest).with_suffix(".json").name))
    trades = len(body["strategy"]["SmaCrossRsi"]["trades"])
    print(f"freqtrade SmaCrossRsi whole backtesting: {wall:.1f} s, {trades} trades")
    return {"wall": wall, "trades": trades}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, help="keep (and reuse) the downloaded candles here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.workdir or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        _, datadir = download(root)
        figures = {name: measure_strategy(name, folder, datadir) for name, folder in STRATEGIES}
        candles = candle_count(datadir)
        whole = {name: measure_backtest(name, folder, root, candles) for name, folder in STRATEGIES}
        print(f"worker processes' peak RSS: {children_peak_rss_mb():.0f} MB (target {RSS_TARGET_MB:.0f} MB)")
        ping = asyncio.run(measure_ping(root, datadir))
        theirs = freqtrade_times(datadir)
        their_backtest = asyncio.run(freqtrade_backtest(root, datadir)) if theirs is not None else None
    if theirs is not None:
        ours = figures["SmaCrossRsi"]["wall"]
        ratio = (theirs["load"] + theirs["analysis"]) / ours
        print(f"load + analysis, SmaCrossRsi: ftserver {ours:.2f} s vs freqtrade: {ratio:.1f}x faster")
    if their_backtest is not None:
        ours = whole["SmaCrossRsi"]["wall"]
        ratio = their_backtest["wall"] / ours
        print(
            f"whole backtest, SmaCrossRsi: ftserver {ours:.2f} s ({whole['SmaCrossRsi']['trades']:.0f} trades) vs"
            f" freqtrade {their_backtest['wall']:.1f} s ({their_backtest['trades']:.0f} trades): {ratio:.1f}x faster"
            f" (ratio to the {SPEED_TARGET:.0f}x target {ratio / SPEED_TARGET:.2f})"
        )
    print(
        f"/ping max while backtesting in a worker: {ping['worker_max']:.1f} ms (ratio to target "
        f"{ping['worker_max'] / PING_TARGET_MS:.2f})"
    )


if __name__ == "__main__":
    main()
