"""Backtest exactness against freqtrade: the same stored candles, the same strategy file, the same
exchange markets (the loopback Binance server's) give the same trades in ``freqtrade backtesting``
2026.9 and in ftserver's engine: pair, open and close date, open and close rate, exit reason, and
profit within 1e-8; with protections on, the same locks.

freqtrade runs as its own process from its own environment (``FTSERVER_FREQTRADE``); without it
every case is skipped. Run with ``-s`` to see each case's trade count.
"""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ftserver.backtest.engine import run_backtest
from ftserver.backtest.options import backtest_settings
from ftserver.config import settings_from_dict
from ftserver.core.clock import SystemClock
from ftserver.data.frames import candles_to_frame
from ftserver.data.history import CandleStore
from ftserver.research.market_access import MarketCatalog, markets_for_backtest
from tests.oracle.parity import PAIRS, Case, _base_config, binance_stub, freqtrade_executable

FREQTRADE = freqtrade_executable()
STRATEGIES = Path(__file__).resolve().parent / "backtest_strategies"
TOLERANCE = 1e-8
DAYS = 20
COMPARED = ("pair", "open_timestamp", "close_timestamp", "open_rate", "close_rate", "exit_reason")

pytestmark = pytest.mark.skipif(FREQTRADE is None, reason="freqtrade is not installed (set FTSERVER_FREQTRADE)")


def _config(stub_url: str, root: Path, strategy: str) -> dict[str, Any]:
    config = _base_config_for(stub_url, root, strategy)
    config.pop("api_server", None)
    config["timeframe"] = "5m"
    config["strategy_path"] = str(STRATEGIES)
    config["datadir"] = str(root / "user_data" / "data" / "binance")  # where freqtrade looks
    config["user_data_dir"] = str(root / "user_data")
    config["dataformat_ohlcv"] = "feather"
    config["fee"] = 0.001
    return config


def _base_config_for(stub_url: str, root: Path, strategy: str) -> dict[str, Any]:
    case = Case(strategy=strategy, timeframe="5m", freqtrade_file="", ftserver_file="", file_name="")
    return _base_config(case, stub_url, 0, root)


def _store_candles(stub: Any, datadir: Path, detail: str | None) -> None:
    """Each pair's 5m candles (and 1m ones for a detail run) of the last DAYS days, from the stub's
    simulated market, in the Feather files both bots read."""
    store = CandleStore(datadir, "feather")
    market = stub.market
    for timeframe, per_day in [("5m", 288), *([(detail, 1440)] if detail else [])]:
        for pair in PAIRS:
            candles = market.candles(pair, timeframe, limit=DAYS * per_day)
            frame = candles_to_frame(candles[:-1])  # the newest candle is still forming
            store.append(pair, timeframe, frame)


PROTECTED = {"Protected"}  # run with --enable-protections
ADJUSTING = {"AddsOnDips"}  # adjusts its positions


async def _freqtrade_stats(config_file: Path, root: Path, strategy: str, detail: str | None) -> dict[str, Any]:
    results = root / "ft_results"
    results.mkdir()
    process = await asyncio.create_subprocess_exec(
        str(FREQTRADE),
        "backtesting",
        *(["--enable-protections"] if strategy in PROTECTED else []),
        *(["--timeframe-detail", detail] if detail else []),
        "-c",
        str(config_file),
        "--strategy",
        strategy,
        "--export",
        "trades",
        "--backtest-directory",
        str(results),
        "--cache",
        "none",
        cwd=root,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    assert process.returncode == 0, output.decode(errors="replace")[-3000:]
    latest = json.loads((results / ".last_result.json").read_text())["latest_backtest"]
    with zipfile.ZipFile(results / latest) as archive:
        body = json.loads(archive.read(Path(latest).with_suffix(".json").name))
    stats: dict[str, Any] = body["strategy"][strategy]
    return stats


def _ours(config: dict[str, Any], strategy: str, detail: str | None) -> dict[str, Any]:
    settings = settings_from_dict(config)
    run = backtest_settings(
        settings, strategy=strategy, export="none", enable_protections=strategy in PROTECTED, timeframe_detail=detail
    )
    markets = markets_for_backtest(MarketCatalog(settings, SystemClock()), run.pairs)
    assert set(markets) == set(PAIRS), "the loopback exchange's markets were not loaded"
    outcome = run_backtest(run, markets=markets)
    stats: dict[str, Any] = outcome.result["strategy"][strategy]
    return stats


def _locks(stats: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (lock["pair"], lock["lock_timestamp"], lock["lock_end_timestamp"], lock["side"]) for lock in stats["locks"]
    )


def _key(trade: dict[str, Any]) -> tuple[Any, ...]:
    return (trade["open_timestamp"], trade["pair"])


def _differences(theirs: list[dict[str, Any]], ours: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    by_key = {_key(t): t for t in ours}
    for trade in sorted(theirs, key=_key):
        mine = by_key.pop(_key(trade), None)
        if mine is None:
            found.append(f"missing in ftserver: {[trade[c] for c in COMPARED]}")
            continue
        for column in COMPARED:
            a, b = trade[column], mine[column]
            same = (
                abs(float(a) - float(b)) <= TOLERANCE * max(1.0, abs(float(a))) if column.endswith("rate") else a == b
            )
            if not same:
                found.append(f"{trade['pair']} opened {trade['open_timestamp']}: {column} {a!r} != {b!r}")
        for column in ("profit_abs", "profit_ratio"):
            if abs(float(trade[column]) - float(mine[column])) > TOLERANCE:
                found.append(
                    f"{trade['pair']} opened {trade['open_timestamp']}: {column} {trade[column]} != {mine[column]}"
                )
    found += [f"only in ftserver: {[t[c] for c in COMPARED]}" for t in by_key.values()]
    return found


@pytest.mark.parametrize(
    ("strategy", "detail"),
    [
        ("RoiStoplossOnly", None),
        ("TrailingWithExitSignal", None),
        ("CustomStoploss", None),
        ("Protected", None),
        ("TrailingWithExitSignal", "1m"),
        ("CustomStoploss", "1m"),
        ("Protected", "1m"),
        ("AddsOnDips", None),
        ("CountsFills", None),
    ],
)
async def test_the_same_trades_as_freqtrade_backtesting(strategy: str, detail: str | None, tmp_path: Path) -> None:
    async with binance_stub(DAYS * 288 + 400, "5m") as (stub_url, stub):
        config = _config(stub_url, tmp_path, strategy)
        _store_candles(stub, Path(config["datadir"]), detail)
        (tmp_path / "user_data").mkdir(exist_ok=True)
        config_file = tmp_path / "config.json"
        config_file.write_text(json.dumps(config))
        their_stats = await _freqtrade_stats(config_file, tmp_path, strategy, detail)
        our_stats = await asyncio.to_thread(_ours, config, strategy, detail)
    theirs, ours = their_stats["trades"], our_stats["trades"]
    locks = len(their_stats["locks"])
    print(f"{strategy} (detail {detail}): freqtrade {len(theirs)} trades, ftserver {len(ours)}; locks {locks}")
    assert len(theirs) > 20, "too few trades to compare anything"
    problems = _differences(theirs, ours)
    assert not problems, f"{len(problems)} differences of {len(theirs)} trades:\n" + "\n".join(problems[:40])
    assert _locks(our_stats) == _locks(their_stats)
    # Every order of every trade (added entries and partial exits included) is the same too.
    mine = [_orders(t) for t in sorted(ours, key=_key)]
    assert len(mine) == len(theirs)
    for got, wanted in zip(mine, [_orders(t) for t in sorted(theirs, key=_key)], strict=True):
        assert [o[:2] + o[4:] for o in got] == [o[:2] + o[4:] for o in wanted]
        for a, b in zip(got, wanted, strict=True):
            assert abs(a[2] - b[2]) <= TOLERANCE * max(1.0, abs(b[2])) and abs(a[3] - b[3]) <= TOLERANCE * b[3], (a, b)
    if strategy in ADJUSTING:
        # What is left of an adjusted position at its last exit, and the most it held.
        for a, b in zip(sorted(ours, key=_key), sorted(theirs, key=_key), strict=True):
            for column in ("amount", "stake_amount", "max_stake_amount"):
                assert abs(a[column] - b[column]) <= TOLERANCE * max(1.0, abs(b[column])), (column, a, b)
        tags = {order["ft_order_tag"] for trade in theirs for order in trade["orders"]}
        assert {"dip", "half"} <= tags, "the comparison must include added entries and partial exits"


def _orders(trade: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (o["ft_order_side"], o["order_filled_timestamp"], float(o["amount"]), float(o["safe_price"]),
         o["ft_order_tag"] or None)
        for o in trade["orders"]
    ]  # fmt: skip
