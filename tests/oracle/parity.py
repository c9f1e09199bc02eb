"""Runs one strategy in freqtrade and in ftserver against the same loopback Binance server, and
compares the analyzed dataframes both serve at ``/api/v1/pair_candles``.

freqtrade is never imported: it runs as its own process (from its own environment) and is read over
its REST API, like ftserver. The Binance server lists every pair ``history_candles`` candles before
the start, so both bots fetch the same first candle and recursive indicators (EMA, RSI, SAR) start
from the same point.
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
import os
import shutil
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from ftserver.core.clock import SystemClock
from ftserver.data.timeframes import timeframe_to_ms
from ftserver.exchange.simulated import SimulatedMarket
from tests.support.binance_server import BinanceStub, ccxt_config_for

REPO = Path(__file__).resolve().parents[2]
PAIRS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"]
USER, PASSWORD = "parity", "parity-password"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
SIGNALS = ("enter_long", "exit_long", "enter_short", "exit_short")
TAGS = ("enter_tag", "exit_tag")
# The row keys: compared as the rows' timestamps, not as text.
NOT_COMPARED = {"date", "__date_ts"}
REL_TOL, ABS_TOL = 1e-9, 1e-12
# The answer's own fields besides the rows, compared as they are.
SUMMARY_FIELDS = (
    "strategy",
    "pair",
    "timeframe",
    "timeframe_ms",
    "length",
    "buy_signals",
    "sell_signals",
    "enter_long_signals",
    "exit_long_signals",
    "data_start_ts",
    "data_stop_ts",
)


def freqtrade_executable() -> str | None:
    """``FTSERVER_FREQTRADE`` when set (None if it names no executable), else ``freqtrade`` on PATH."""
    given = os.environ.get("FTSERVER_FREQTRADE")
    if given:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    return shutil.which("freqtrade")


def freqtrade_templates(executable: str) -> Path:
    """freqtrade's template folder, asked of the Python that runs freqtrade (never imported here)."""
    import subprocess

    python = Path(executable).parent / "python"
    out = subprocess.run(
        [str(python), "-c", "import freqtrade.templates as t, os; print(os.path.dirname(t.__file__))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return Path(out.stdout.strip())


@dataclass(frozen=True)
class Case:
    """One strategy: its class name, timeframe, and the file each bot loads."""

    strategy: str
    timeframe: str
    freqtrade_file: str
    ftserver_file: str
    file_name: str
    # A hyperopt parameter file (``<file>.json``) put beside the strategy for both bots.
    parameter_file: str | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _base_config(case: Case, stub_url: str, port: int, root: Path) -> dict[str, Any]:
    ccxt = ccxt_config_for(stub_url)
    # Spot only: ccxt would otherwise also load the futures markets from hosts that are not local.
    ccxt["options"] = {"fetchMarkets": {"types": ["spot"]}, "fetchCurrencies": False}
    return {
        "initial_state": "running",
        "dry_run": True,
        "dry_run_wallet": 1000,
        "stake_currency": "USDT",
        "stake_amount": 100,
        "max_open_trades": 3,
        "strategy": case.strategy,
        "db_url": f"sqlite:///{root / 'trades.sqlite'}",
        "entry_pricing": {"price_side": "same", "use_order_book": False, "price_last_balance": 0.0},
        "exit_pricing": {"price_side": "same", "use_order_book": False},
        "exchange": {
            "name": "binance",
            "key": "",
            "secret": "",
            "ccxt_config": ccxt,
            "ccxt_async_config": ccxt,
            "pair_whitelist": PAIRS,
        },
        "pairlists": [{"method": "StaticPairList"}],
        "internals": {"process_throttle_secs": 2},
        "api_server": {
            "enabled": True,
            "listen_ip_address": "127.0.0.1",
            "listen_port": port,
            "username": USER,
            "password": PASSWORD,
            "jwt_secret_key": "parity-check-secret-0123456789abcdef",
            "ws_token": "parity-token",
        },
    }


@dataclass
class Bot:
    name: str
    url: str
    log: Path
    process: asyncio.subprocess.Process

    async def candles(self, session: aiohttp.ClientSession, pair: str, timeframe: str) -> dict[str, Any] | None:
        try:
            async with session.get(
                f"{self.url}/api/v1/pair_candles",
                params={"pair": pair, "timeframe": timeframe},
                headers=AUTH,
            ) as response:
                if response.status != 200:
                    return None
                body: dict[str, Any] = await response.json()
                return body
        except aiohttp.ClientError:
            return None

    async def strategy(self, session: aiohttp.ClientSession, name: str) -> dict[str, Any]:
        async with session.get(f"{self.url}/api/v1/strategy/{name}", headers=AUTH) as response:
            response.raise_for_status()
            body: dict[str, Any] = await response.json()
            return body

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@asynccontextmanager
async def running(
    name: str, argv: list[str], url: str, log: Path, cwd: Path, env: dict[str, str]
) -> AsyncIterator[Bot]:
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=cwd, env=env, stdout=out, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL
        )
    try:
        yield Bot(name, url, log, process)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await process.wait()


@asynccontextmanager
async def binance_stub(history_candles: int, timeframe: str) -> AsyncIterator[tuple[str, BinanceStub]]:
    clock = SystemClock()
    step = timeframe_to_ms(timeframe)
    now_ms = int(clock.now().timestamp() * 1000)
    # On a candle boundary of the strategy's timeframe; informative candles of larger timeframes
    # start at their first boundary after it, for both bots alike.
    listed = now_ms - now_ms % step - history_candles * step
    stub = BinanceStub(SimulatedMarket(clock=clock, pairs=PAIRS, history_days=60), listed_ms=listed)
    runner = web.AppRunner(stub.app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", stub
    finally:
        await runner.cleanup()


@asynccontextmanager
async def both_bots(
    case: Case,
    freqtrade: str,
    root: Path,
    stub_url: str,
    configure: Callable[[str, dict[str, Any]], None] | None = None,
) -> AsyncIterator[tuple[Bot, Bot]]:
    """freqtrade and ftserver running ``case``; ``configure(name, config)`` may change either's config."""
    ft_root, fts_root = root / "freqtrade", root / "ftserver"
    for folder in (ft_root / "strategies", fts_root / "strategies"):
        folder.mkdir(parents=True)
    (ft_root / "strategies" / case.file_name).write_text(case.freqtrade_file)
    (fts_root / "strategies" / case.file_name).write_text(case.ftserver_file)
    if case.parameter_file is not None:
        for folder in (ft_root / "strategies", fts_root / "strategies"):
            (folder / case.file_name).with_suffix(".json").write_text(case.parameter_file)

    ft_port, fts_port = free_port(), free_port()
    ft_config = _base_config(case, stub_url, ft_port, ft_root)
    ft_config["exchange"]["enable_ws"] = False  # its websocket candles would come from Binance's stream host
    fts_config = _base_config(case, stub_url, fts_port, fts_root)
    fts_config["strategy_path"] = str(fts_root / "strategies")
    fts_config["user_data_dir"] = str(fts_root)
    if configure is not None:
        configure("freqtrade", ft_config)
        configure("ftserver", fts_config)
    (ft_root / "config.json").write_text(json.dumps(ft_config, indent=1))
    (fts_root / "config.json").write_text(json.dumps(fts_config, indent=1))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FTSERVER__", "PYTHONPATH", "VIRTUAL_ENV"))}
    ft_argv = [freqtrade, "trade", "--dry-run", "-c", "config.json", "--userdir", str(ft_root)]
    fts_argv = [sys.executable, "-m", "ftserver", "trade", "--config", str(fts_root / "config.json")]
    async with AsyncExitStack() as stack:
        ft = await stack.enter_async_context(
            running("freqtrade", ft_argv, f"http://127.0.0.1:{ft_port}", ft_root / "bot.log", ft_root, env)
        )
        fts = await stack.enter_async_context(
            running(
                "ftserver",
                fts_argv,
                f"http://127.0.0.1:{fts_port}",
                fts_root / "bot.log",
                fts_root,
                {**env, "PYTHONPATH": str(REPO)},
            )
        )
        yield ft, fts


def _last_date_ts(answer: dict[str, Any] | None) -> int | None:
    if not answer or not answer.get("data"):
        return None
    rows = _rows(answer)
    return max(rows) if rows else None


async def analyzed_together(
    session: aiohttp.ClientSession, ft: Bot, fts: Bot, timeframe: str, *, within: float, after_ts: int = 0
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Both bots' answers per pair, once both have analyzed the same newest closed candle (one that
    opened after ``after_ts``)."""
    step = timeframe_to_ms(timeframe)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        for bot in (ft, fts):
            if bot.process.returncode is not None:
                raise AssertionError(f"{bot.name} exited ({bot.process.returncode}):\n{bot.log_tail()}")
        now_ms = int(SystemClock().now().timestamp() * 1000)
        last_closed = now_ms - now_ms % step - step
        if last_closed <= after_ts:
            await asyncio.sleep(1.0)
            continue
        answers: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        for pair in PAIRS:
            a, b = await ft.candles(session, pair, timeframe), await fts.candles(session, pair, timeframe)
            if a is None or b is None or not _last_date_ts(a) == _last_date_ts(b) == last_closed:
                break
            answers[pair] = (a, b)
        if len(answers) == len(PAIRS):
            return answers
        if loop.time() >= deadline:
            raise AssertionError(
                f"the bots did not both analyze the candle of {last_closed} within {within:g} s\n"
                f"--- freqtrade:\n{ft.log_tail()}\n--- ftserver:\n{fts.log_tail()}"
            )
        await asyncio.sleep(1.0)


def _row_ts(row: dict[str, Any]) -> int:
    if isinstance(row.get("__date_ts"), int | float):
        return int(row["__date_ts"])
    from pandas import Timestamp

    return int(Timestamp(row["date"]).timestamp() * 1000)


def _rows(answer: dict[str, Any]) -> dict[int, dict[str, Any]]:
    columns = answer["columns"]
    rows = (dict(zip(columns, values, strict=True)) for values in answer["data"])
    return {_row_ts(row): row for row in rows}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _signal(value: Any) -> float:
    return 0.0 if _missing(value) else float(value)


def same_value(column: str, a: Any, b: Any) -> bool:
    if column in SIGNALS:
        return _signal(a) == _signal(b)
    if column in TAGS:
        return (a or "") == (b or "")
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool | str):
        return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return bool(a == b)


@dataclass
class PairReport:
    strategy: str
    pair: str
    freqtrade_rows: int
    ftserver_rows: int
    only_freqtrade: list[str]
    only_ftserver: list[str]
    compared_columns: list[str]
    # The shared columns in the same order in both answers (order is not compared otherwise).
    same_order: bool
    compared_ts: list[int] = field(default_factory=list)
    mismatches: list[tuple[int, str, Any, Any]] = field(default_factory=list)
    # (field, freqtrade's value, ftserver's value) of SUMMARY_FIELDS that differ.
    summary_mismatches: list[tuple[str, Any, Any]] = field(default_factory=list)
    # Signal and tag cells that mean the same but are written differently (None vs 0, None vs ""):
    # not mismatches, counted per (column, freqtrade's value, ftserver's value).
    spelling: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    @property
    def rows_compared(self) -> int:
        return len(self.compared_ts)

    def line(self) -> str:
        return (
            f"{self.strategy:24} {self.pair:9} columns {len(self.compared_columns):3} matched"
            f" (only freqtrade: {','.join(self.only_freqtrade) or '-'};"
            f" only ftserver: {','.join(self.only_ftserver) or '-'})"
            f" rows {self.freqtrade_rows}/{self.ftserver_rows}, compared {len(self.compared_ts)},"
            f" mismatches {len(self.mismatches)}{'' if self.same_order else ', columns in another order'}"
        )

    def details(self, limit: int = 15) -> Iterable[str]:
        for name, a, b in self.summary_mismatches:
            yield f"    answer field {name}: freqtrade={a!r} ftserver={b!r}"
        for (column, a, b), count in sorted(self.spelling.items()):
            yield f"    {column}: {count} rows spelled freqtrade={a} ftserver={b} (same meaning)"
        by_column: dict[str, list[tuple[int, Any, Any]]] = {}
        for ts, column, a, b in self.mismatches:
            by_column.setdefault(column, []).append((ts, a, b))
        position = {ts: i for i, ts in enumerate(self.compared_ts)}
        for column, cells in by_column.items():
            where = f"rows #{position[cells[0][0]]}..#{position[cells[-1][0]]} of {len(self.compared_ts)}"
            yield f"    {column}: {len(cells)} rows differ ({where}), first: " + "; ".join(
                f"{ts}: freqtrade={a!r} ftserver={b!r}" for ts, a, b in cells[:3]
            )
            if len(by_column) > limit:
                break


def compare(strategy: str, pair: str, ft_answer: dict[str, Any], fts_answer: dict[str, Any]) -> PairReport:
    ft_columns = [c for c in ft_answer["columns"] if c not in NOT_COMPARED]
    fts_columns = [c for c in fts_answer["columns"] if c not in NOT_COMPARED]
    common = [c for c in ft_columns if c in fts_columns]
    ft_rows, fts_rows = _rows(ft_answer), _rows(fts_answer)
    report = PairReport(
        strategy,
        pair,
        len(ft_rows),
        len(fts_rows),
        sorted(set(ft_columns) - set(fts_columns)),
        sorted(set(fts_columns) - set(ft_columns)),
        common,
        common == [c for c in fts_columns if c in common],
    )
    report.summary_mismatches = [
        (name, ft_answer.get(name), fts_answer.get(name))
        for name in SUMMARY_FIELDS
        if ft_answer.get(name) != fts_answer.get(name)
    ]
    for ts in sorted(set(ft_rows) & set(fts_rows)):
        a_row, b_row = ft_rows[ts], fts_rows[ts]
        report.compared_ts.append(ts)
        for column in common:
            a, b = a_row.get(column), b_row.get(column)
            if not same_value(column, a, b):
                report.mismatches.append((ts, column, a, b))
            elif column in SIGNALS + TAGS and repr(a) != repr(b) and not (_missing(a) and _missing(b)):
                report.spelling[(column, repr(a), repr(b))] += 1
    return report


async def run_case(
    case: Case, freqtrade: str, root: Path, *, history_candles: int, within: float, rounds: int = 1
) -> list[PairReport]:
    """Reports per pair once both bots analyzed the same candle, and again after each of the next
    ``rounds - 1`` candles closed (their incremental updates), one list for all rounds."""
    async with binance_stub(history_candles, case.timeframe) as (url, stub):
        async with (
            both_bots(case, freqtrade, root, url) as (ft, fts),
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
        ):
            reports: list[PairReport] = []
            after = 0
            for _ in range(rounds):
                answers = await analyzed_together(session, ft, fts, case.timeframe, within=within, after_ts=after)
                reports.extend(compare(case.strategy, pair, a, b) for pair, (a, b) in answers.items())
                after = max(_last_date_ts(a) or 0 for a, _ in answers.values())
            # The hyperopt parameters each bot lists for the strategy, with the values it loaded.
            ft_params = (await ft.strategy(session, case.strategy))["params"]
            fts_params = (await fts.strategy(session, case.strategy))["params"]
            if ft_params != fts_params:
                raise AssertionError(f"strategy params differ:\nfreqtrade: {ft_params}\nftserver:  {fts_params}")
        if stub.unknown:
            raise AssertionError(f"the bots asked the Binance server for what it does not serve: {stub.unknown}")
    return reports
