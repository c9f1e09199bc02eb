"""Time per trading-loop iteration on the simulated market (5m timeframe, SampleStrategy).

For 10, 50 and 200 pairs: the cold first iteration (fetch history + analyze every pair), an
iteration in which a new candle closes for every pair (fetch + analyze + manage trades), and an
ordinary iteration between candles. Target: under 1 s per iteration for 200 pairs.

A second table runs the same with one informative timeframe: SampleStrategy plus an
``@informative("1h")`` RSI of each pair's own hourly candles. It starts at 11:35, so one of the six
new-candle iterations (12:00) is also an hourly close (hourly candles fetched and populated again);
"worst" is that slowest iteration.

Each figure is the median of 6 iterations within one run; the whole run is repeated (``--runs``,
default 3) and the best and the median of the runs are printed, since a shared machine is noisy.
The CPU time (all threads of the process) of the cold and the new-candle iterations is printed too: other processes
on the machine stretch the wall time, much less the CPU time.

A second case runs a pairlist chain over 200 sim pairs: VolumePairList (top 50) then AgeFilter,
SpreadFilter, PriceFilter and RangeStabilityFilter. It prints what a full refresh costs (tickers of
all 200 pairs fetched once, daily candles read by the filters), what a refresh costs when nothing is
due (tickers and rankings cached), and the iterations with the chain in place. Targets: a refresh
under 100 ms, an iteration under 1 s.

``--memory`` prints instead what the candle cache holds after the first iteration (candles and
analyzed frames, and the process's RSS growth) at the largest ``--pairs``.

Run: .venv/bin/python bench/loop.py [--runs N] [--pairs N ...] [--only-pairlists | --only-informative | --memory]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import databases  # bench/databases.py, beside this script
import pandas as pd
import psutil

from ftserver.bot.loop import TradingLoop
from ftserver.bot.pairlist import Blacklist
from ftserver.bot.pairlists.chain import PairlistChain, candle_reader
from ftserver.bot.pairlists.handler import PairlistContext
from ftserver.config import settings_from_dict
from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.core.startup_heap import freeze_startup_heap
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.simulated import DEFAULT_PRICES, SimulatedMarket
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.base import Strategy
from ftserver.strategy.builtin.sample_strategy import SampleStrategy
from ftserver.strategy.indicators import rsi
from ftserver.strategy.informative import informative
from ftserver.strategy.safe import SafeStrategy

# The PostgreSQL server of this run (--postgres, --db-url); None: SQLite files.
_postgres: str | None = None

TARGET_SECONDS = 1.0
REFRESH_TARGET_SECONDS = 0.1
CHAIN = [
    {"method": "VolumePairList", "number_assets": 50, "refresh_period": 1800},
    {"method": "AgeFilter", "min_days_listed": 3},
    {"method": "SpreadFilter", "max_spread_ratio": 0.005},
    {"method": "PriceFilter", "low_price_ratio": 0.01},
    {"method": "RangeStabilityFilter", "lookback_days": 3, "min_rate_of_change": 0.01},
]


class HourlyRsiSample(SampleStrategy):
    """SampleStrategy that also reads its pair's hourly RSI (one informative timeframe)."""

    @informative("1h")
    def populate_indicators_1h(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["rsi"] = rsi(dataframe["close"], 14)
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe = super().populate_entry_trend(dataframe, metadata)
        dataframe.loc[dataframe["rsi_1h"] > 80, "enter_long"] = 0
        return dataframe


def pairs(count: int) -> list[str]:
    names = [name if "/" in name else f"{name}/USDT" for name in DEFAULT_PRICES]
    names += [f"C{n:03d}/USDT" for n in range(count)]
    return names[:count]


async def measure_chain_refresh(count: int) -> dict[str, float]:
    """One refresh of CHAIN over ``count`` sim pairs: cold, then with nothing due."""
    now = datetime(2026, 3, 2, 12, 0, 10, tzinfo=UTC)
    market = SimulatedMarket(pairs=pairs(count), clock=ManualClock(now), history_days=5)
    chain = PairlistChain([(step["method"], step) for step in CHAIN], blacklist=Blacklist())

    async def refresh() -> list[str]:
        ctx = PairlistContext(
            now=now,
            stake_currency="USDT",
            configured=[],
            markets=market.markets,
            tickers=await chain.tickers(market, now),
            read_candles=candle_reader(market, now),
        )
        return await chain.evaluate(ctx)

    started = time.perf_counter()
    whitelist = await refresh()
    cold = time.perf_counter() - started
    started = time.perf_counter()
    await refresh()
    warm = time.perf_counter() - started
    return {"cold": cold, "warm": warm, "whitelist": len(whitelist)}


async def start_bot(
    count: int,
    folder: Path,
    strategy_class: type[Strategy] = SampleStrategy,
    pairlists: list[dict[str, object]] | None = None,
) -> tuple[TradingLoop, ManualClock, MessageBus, Database]:
    """A started bot over ``count`` sim pairs, before its first iteration."""
    minute = 0 if strategy_class is SampleStrategy else 35
    clock = ManualClock(datetime(2026, 3, 2, 12 if minute == 0 else 11, minute, 10, tzinfo=UTC))
    whitelist = pairs(count)
    # Six days: more than the 1,500 5m candles the bot keeps per pair.
    market = SimulatedMarket(pairs=whitelist, clock=clock, history_days=6)
    settings = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 10,
            "dry_run_wallet": 100_000,
            "max_open_trades": 50,
            "initial_state": "running",
            "timeframe": "5m",
            "db_url": databases.db_url(_postgres, folder / f"loop{count}.sqlite"),
            "exchange": {"name": "sim", "pair_whitelist": whitelist},
            "internals": {"heartbeat_interval": 0},
            **({"pairlists": pairlists} if pairlists else {}),
        }
    )
    db = await Database.open(settings.db_url)
    bus = MessageBus()
    bus.subscribe(maxsize=100)  # a consumer that never reads: the loop must not care
    bot = TradingLoop(
        settings,
        market=market,
        broker=PaperBroker(market, clock=clock),
        repo=TradeRepository(db, clock),
        strategy=SafeStrategy(strategy_class(settings.as_dict())),
        bus=bus,
        clock=clock,
    )
    await bot.startup()
    return bot, clock, bus, db


async def measure(
    count: int,
    folder: Path,
    strategy_class: type[Strategy] = SampleStrategy,
    pairlists: list[dict[str, object]] | None = None,
) -> dict[str, float]:
    bot, clock, bus, db = await start_bot(count, folder, strategy_class, pairlists)
    # As the app does between start-up and the first iteration (once per process); the collection
    # first drops what earlier runs of this process left, so every run starts as a fresh process would.
    gc.collect()
    freeze_startup_heap()
    started, cpu_started = time.perf_counter(), time.process_time()
    await bot.run_once()
    cold = time.perf_counter() - started
    cold_cpu = time.process_time() - cpu_started
    new_candle, new_candle_cpu, between = [], [], []
    for _ in range(6):
        clock.advance(minutes=5)
        started, cpu_started = time.perf_counter(), time.process_time()
        await bot.run_once()
        new_candle.append(time.perf_counter() - started)
        new_candle_cpu.append(time.process_time() - cpu_started)
        clock.advance(seconds=5)
        started = time.perf_counter()
        await bot.run_once()
        between.append(time.perf_counter() - started)
    trades = await bot.repo.count_trades()
    await bus.close()
    await db.close()
    return {
        "cold": cold,
        "cold_cpu": cold_cpu,
        "new_candle": statistics.median(new_candle),
        "worst": max(new_candle),
        "new_candle_cpu": statistics.median(new_candle_cpu),
        "between": statistics.median(between),
        "trades": trades,
    }


def frame_bytes(frames: list[pd.DataFrame]) -> int:
    return int(sum(frame.memory_usage(deep=True).sum() for frame in frames))


async def main_memory(count: int) -> None:
    """What the candle cache holds after the first iteration over ``count`` pairs: candles and analyzed frames."""
    process = psutil.Process()
    with tempfile.TemporaryDirectory() as folder:
        gc.collect()
        rss_before = process.memory_info().rss
        bot, _clock, bus, db = await start_bot(count, Path(folder))
        await bot.run_once()
        gc.collect()
        rss_after = process.memory_info().rss
        cache = bot.cache
        keys = cache.pairs()
        candles = [frame for key in keys if (frame := cache.ohlcv(*key)) is not None]
        analyzed = [entry[0] for key in keys if (entry := cache.analyzed(*key)) is not None]
        rows = statistics.median(len(frame) for frame in analyzed)
        held = frame_bytes(candles) + frame_bytes(analyzed)
        print(f"candle cache after the first iteration, {count} pairs, 5m, SampleStrategy")
        print(f"  analyzed candles per pair (median): {rows:.0f}; columns: {len(analyzed[0].columns)}")
        print(f"  candles {frame_bytes(candles) / 2**20:.1f} MiB + analyzed {frame_bytes(analyzed) / 2**20:.1f} MiB")
        per_pair = held / count
        print(f"  = {held / 2**20:.1f} MiB, {per_pair / 1024:.0f} KiB per pair, {per_pair / rows:.0f} B per row")
        print(f"  process RSS growth over start-up and the first iteration: {(rss_after - rss_before) / 2**20:.0f} MiB")
        await bus.close()
        await db.close()


async def main_pairlists(runs: int) -> None:
    refreshes = [await measure_chain_refresh(200) for _ in range(runs)]
    cold = sorted(r["cold"] for r in refreshes)
    warm = sorted(r["warm"] for r in refreshes)
    print(f"pairlist chain over 200 sim pairs ({', '.join(str(s['method']) for s in CHAIN)}); best / median of {runs}")
    print(
        f"  refresh, all due:  {cold[0]:.3f}/{statistics.median(cold):.3f} s"
        f"  ratio to 100 ms target {statistics.median(cold) / REFRESH_TARGET_SECONDS:.2f}"
    )
    print(
        f"  refresh, none due: {warm[0]:.4f}/{statistics.median(warm):.4f} s  whitelist {refreshes[0]['whitelist']:.0f}"
    )
    with tempfile.TemporaryDirectory() as folder:
        results = []
        for run in range(runs):
            run_folder = Path(folder) / f"chain{run}"
            run_folder.mkdir()
            results.append(await measure(200, run_folder, pairlists=CHAIN))
    for key in ("cold", "new_candle", "between"):
        values = sorted(r[key] for r in results)
        print(
            f"  iteration {key:<10} {values[0]:.3f}/{statistics.median(values):.3f} s"
            f"  ratio to 1 s target {statistics.median(values) / TARGET_SECONDS:.2f}"
        )


async def main(runs: int, counts: tuple[int, ...], only_informative: bool) -> None:
    cases: list[tuple[type[Strategy], str]] = [
        (SampleStrategy, "SampleStrategy"),
        (HourlyRsiSample, "SampleStrategy + 1h informative"),
    ]
    for strategy_class, label in cases[1:] if only_informative else cases:
        await table(runs, strategy_class, label, counts)


async def table(runs: int, strategy_class: type[Strategy], label: str, counts: tuple[int, ...]) -> None:
    print(
        f"trading loop iteration, seconds — sim market, 5m, {label}, {databases.label(_postgres)};"
        f" best / median of {runs} runs"
    )
    print(
        f"{'pairs':>6} {'cold start':>13} {'  (CPU time)':>13} {'new candle':>13} {'  (CPU time)':>13}"
        f" {'between':>13} {'worst':>13}"
        f" {'trades':>7}  ratio to 1 s target"
    )
    with tempfile.TemporaryDirectory() as folder:
        for count in counts:
            results = []
            for run in range(runs):
                run_folder = Path(folder) / f"run{run}"
                run_folder.mkdir(exist_ok=True)
                results.append(await measure(count, run_folder, strategy_class))

            def figure(key: str, results: list[dict[str, float]] = results) -> tuple[float, float]:
                values = [r[key] for r in results]
                return min(values), statistics.median(values)

            cold, new_candle, between, worst = figure("cold"), figure("new_candle"), figure("between"), figure("worst")
            cpu, cold_cpu = figure("new_candle_cpu"), figure("cold_cpu")
            print(
                f"{count:>6} {cold[0]:>6.3f}/{cold[1]:<6.3f} {cold_cpu[0]:>6.3f}/{cold_cpu[1]:<6.3f}"
                f" {new_candle[0]:>6.3f}/{new_candle[1]:<6.3f}"
                f" {cpu[0]:>6.3f}/{cpu[1]:<6.3f} {between[0]:>6.3f}/{between[1]:<6.3f}"
                f" {worst[0]:>6.3f}/{worst[1]:<6.3f} {results[0]['trades']:>7.0f}"
                f"  {new_candle[1] / TARGET_SECONDS:.2f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the whole measurement (default 3)")
    parser.add_argument("--only-pairlists", action="store_true", help="only the pairlist chain case")
    parser.add_argument("--only-informative", action="store_true", help="only the table with one informative timeframe")
    parser.add_argument("--memory", action="store_true", help="only the candle cache's memory at the largest --pairs")
    parser.add_argument(
        "--pairs", type=int, nargs="+", default=[10, 50, 200], help="whitelist sizes (default 10 50 200)"
    )
    databases.add_arguments(parser)
    args = parser.parse_args()
    with databases.postgres_base(args) as _postgres:
        if args.memory:
            asyncio.run(main_memory(max(args.pairs)))
        else:
            if not args.only_pairlists:
                asyncio.run(main(args.runs, tuple(args.pairs), args.only_informative))
            if not args.only_informative:
                asyncio.run(main_pairlists(args.runs))
