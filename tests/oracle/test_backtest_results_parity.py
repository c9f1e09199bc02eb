"""Differential check of backtest results against freqtrade: the same finished backtest (40 trades
over four pairs, candles, a wallet history) gives the same stored result dictionary in both, key by
key within 1e-8; freqtrade's analysis functions read a result ftserver stored, and ftserver reads
one freqtrade stored.

freqtrade runs in its own process and environment (``FTSERVER_FREQTRADE=/path/to/freqtrade``; its
``python`` next to it runs a small script written to tmp); it is never imported here. Without it
every case is skipped. Run with ``-s`` to see how many values were compared.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pytest

from ftserver.backtest import stats, storage
from ftserver.backtest.records import TRADE_COLUMNS, BacktestRun, BacktestTrade, trades_frame
from tests.oracle.parity import freqtrade_executable
from tests.unit.backtest import sample

FREQTRADE = freqtrade_executable()
ROOT = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-8

pytestmark = [
    pytest.mark.skipif(
        FREQTRADE is None,
        reason=f"FTSERVER_FREQTRADE={os.environ['FTSERVER_FREQTRADE']} is not an executable"
        if os.environ.get("FTSERVER_FREQTRADE")
        else "freqtrade is not installed (set FTSERVER_FREQTRADE to its executable)",
    ),
    pytest.mark.timeout(180),
]

# Runs under freqtrade's Python. Reads the backtest as plain JSON, rebuilds freqtrade's inputs
# (trade frame, config, candles, wallet) and prints what its report and storage functions give.
FREQTRADE_SIDE = r"""
import io, json, sys
from datetime import datetime, UTC
from pathlib import Path

import pandas as pd
from freqtrade.data.btanalysis import (
    BT_DATA_COLUMNS, get_backtest_resultlist, load_backtest_data, load_backtest_stats,
)
from freqtrade.data.btanalysis.bt_fileutils import (
    get_backtest_market_change, get_backtest_wallet_change, get_latest_backtest_filename,
)
from freqtrade.data.metrics import combined_dataframes_with_rel_mean
from freqtrade.misc import dump_json_to_file
from freqtrade.optimize.optimize_reports import generate_backtest_stats, store_backtest_results

job = json.loads(Path(sys.argv[1]).read_text())
out = {}


class Lock:
    def __init__(self, data):
        self.data = data

    def to_json(self):
        return self.data


def to_dt(ms):
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


if "run" in job:
    run = job["run"]
    results = pd.DataFrame.from_records(run["trades"], columns=BT_DATA_COLUMNS)
    if len(results) > 0:
        results["close_date"] = pd.to_datetime(results["close_timestamp"], unit="ms", utc=True)
        results["open_date"] = pd.to_datetime(results["open_timestamp"], unit="ms", utc=True)
        results["close_rate"] = results["close_rate"].astype("float64")
    btdata = {
        pair: pd.DataFrame({"date": pd.to_datetime(c["date"], unit="ms", utc=True), "close": c["close"]})
        for pair, c in run["candles"].items()
    }
    wallet = pd.DataFrame()
    if run["wallet"]:
        wallet = pd.DataFrame(run["wallet"], columns=["date", "currency", "rate", "balance"])
        wallet["date"] = pd.to_datetime(wallet["date"], unit="ms", utc=True)
    content = {
        "results": results,
        "config": run["config"],
        "locks": [Lock(lock) for lock in run["locks"]],
        "final_balance": run["final_balance"],
        "wallet_summary": wallet,
        "run_id": run["run_id"],
        "backtest_start_time": run["run_started"],
        "backtest_end_time": run["run_ended"],
        **run["counters"],
    }
    start, end = to_dt(run["start"]), to_dt(run["end"])
    result = generate_backtest_stats(btdata, {run["strategy"]: content}, start, end, notes=run["notes"] or None)
    buffer = io.StringIO()
    dump_json_to_file(buffer, result)
    out["result"] = json.loads(buffer.getvalue())
    if job.get("store_into"):
        config = dict(run["config"], exportdirectory=Path(job["store_into"]), original_config=run["config"])
        stored = store_backtest_results(
            config, result, "2024-04-01_10-00-00",
            market_change_data=combined_dataframes_with_rel_mean(btdata, start, end),
            wallet_summary={run["strategy"]: wallet},
        )
        out["stored"] = stored.name

if job.get("read_from"):
    folder = Path(job["read_from"])
    latest = get_latest_backtest_filename(folder)
    loaded = load_backtest_stats(folder)
    buffer = io.StringIO()
    dump_json_to_file(buffer, loaded)
    trades = load_backtest_data(folder)
    market = get_backtest_market_change(folder / latest)
    wallet = get_backtest_wallet_change(folder / latest, job["strategy"])
    out["read"] = {
        "latest": latest,
        "loaded": json.loads(buffer.getvalue()),
        "history": get_backtest_resultlist(folder),
        "trade_rows": len(trades),
        "trade_profit_abs": float(trades["profit_abs"].sum()),
        "trade_columns": list(trades.columns),
        "market_change_rows": len(market),
        "market_change_columns": list(market.columns),
        "wallet_rows": 0 if wallet is None else len(wallet),
    }

if "raw_trades" in job:
    from freqtrade.enums import TradingMode
    from freqtrade.persistence import LocalTrade, Order

    records = []
    for raw in job["raw_trades"]:
        orders = raw.pop("orders")
        for key in ("open_date", "close_date"):
            raw[key] = to_dt(raw[key])
        trade = LocalTrade(**raw, is_open=False, exchange="binance", trading_mode=TradingMode.SPOT)
        for order in orders:
            filled_at = to_dt(order.pop("filled_at"))
            trade.orders.append(
                Order(**order, ft_pair=raw["pair"], ft_is_open=False, status="closed", order_filled_date=filled_at)
            )
        record = trade.to_json(True)
        records.append({column: record.get(column) for column in BT_DATA_COLUMNS})
    out["records"] = records
    out["columns"] = list(BT_DATA_COLUMNS)

buffer = io.StringIO()
dump_json_to_file(buffer, out)
print(buffer.getvalue())
"""


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _freqtrade_config(run: BacktestRun) -> dict[str, Any]:
    return {
        "max_open_trades": run.max_open_trades,
        "stake_currency": run.stake_currency,
        "stake_amount": run.stake_amount,
        "dry_run_wallet": run.starting_balance,
        "timeframe": run.timeframe,
        "timerange": run.timerange,
        "stoploss": run.stoploss,
        "minimal_roi": dict(run.minimal_roi),
        "use_exit_signal": run.use_exit_signal,
        "exit_profit_only": run.exit_profit_only,
        "exit_profit_offset": run.exit_profit_offset,
        "ignore_roi_if_entry_signal": run.ignore_roi_if_entry_signal,
        "trading_mode": run.trading_mode,
        "margin_mode": run.margin_mode,
        "trailing_stop": run.trailing_stop,
        # freqtrade's config has the key only when it is set.
        **({"timeframe_detail": run.timeframe_detail} if run.timeframe_detail else {}),
        "trailing_stop_positive_offset": run.trailing_stop_positive_offset,
        "trailing_only_offset_is_reached": run.trailing_only_offset_is_reached,
        "use_custom_stoploss": run.use_custom_stoploss,
        **({"trailing_stop_positive": run.trailing_stop_positive} if run.trailing_stop_positive is not None else {}),
        "enable_protections": run.enable_protections,
    }


def _run_job(run: BacktestRun | None, tmp_path: Path, **job: Any) -> dict[str, Any]:
    assert FREQTRADE is not None
    if run is not None:
        candles = {
            pair: {"date": [_ms(d) for d in frame["date"]], "close": frame["close"].tolist()}
            for pair, frame in sample.candles().items()
        }
        wallet = run.wallet_history
        job["run"] = {
            "strategy": run.strategy_name,
            "trades": orjson.loads(storage.encode(trades_frame(run.trades).to_dict(orient="records"))),
            "candles": candles,
            "wallet": []
            if wallet is None
            else [[_ms(row.date), row.currency, row.rate, row.balance] for row in wallet.itertuples()],
            "config": _freqtrade_config(run),
            "locks": [dict(lock) for lock in run.locks],
            "final_balance": run.final_balance,
            "run_id": run.run_id,
            "run_started": run.run_started,
            "run_ended": run.run_ended,
            "notes": run.notes,
            "start": _ms(run.start),
            "end": _ms(run.end),
            "counters": {
                "rejected_signals": run.rejected_signals,
                "timedout_entry_orders": run.timedout_entry_orders,
                "timedout_exit_orders": run.timedout_exit_orders,
                "canceled_trade_entries": run.canceled_trade_entries,
                "canceled_entry_orders": run.canceled_entry_orders,
                "replaced_entry_orders": run.replaced_entry_orders,
            },
        }
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps(job))
    script = tmp_path / "freqtrade_side.py"
    script.write_text(FREQTRADE_SIDE)
    python = Path(FREQTRADE).parent / "python"
    done = subprocess.run(
        [str(python), str(script), str(job_file)], capture_output=True, text=True, timeout=150, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def _differences(ours: Any, theirs: Any, path: str, found: list[str]) -> int:
    """Compare two JSON values; record each difference; return how many leaf values were compared."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) ^ set(theirs)):
            side = "ours only" if key in ours else "freqtrade only"
            found.append(f"{path}.{key}: {side}")
        return sum(_differences(ours[k], theirs[k], f"{path}.{k}", found) for k in ours if k in theirs)
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            found.append(f"{path}: {len(ours)} items, freqtrade {len(theirs)}")
            return 0
        return sum(_differences(a, b, f"{path}[{i}]", found) for i, (a, b) in enumerate(zip(ours, theirs, strict=True)))
    if type(ours) is not type(theirs):
        found.append(f"{path}: {ours!r} ({type(ours).__name__}), freqtrade {theirs!r} ({type(theirs).__name__})")
    elif isinstance(ours, float):
        if not math.isclose(ours, theirs, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            found.append(f"{path}: {ours!r}, freqtrade {theirs!r}")
    elif ours != theirs:
        found.append(f"{path}: {ours!r}, freqtrade {theirs!r}")
    return 1


def _compare(run: BacktestRun, tmp_path: Path) -> tuple[int, list[str]]:
    theirs = _run_job(run, tmp_path)["result"]
    ours = orjson.loads(storage.encode(stats.backtest_result([run])))
    found: list[str] = []
    compared = _differences(ours, theirs, "result", found)
    print(f"\n{run.strategy_name}: {compared} values compared, {len(found)} differences")
    return compared, found


def test_result_dictionary_equals_freqtrades_for_the_sample_backtest(tmp_path: Path) -> None:
    compared, found = _compare(sample.run(notes="a note"), tmp_path)
    assert compared > 2500
    assert not found, "\n".join(found[:60])


def test_result_dictionary_equals_freqtrades_without_trades(tmp_path: Path) -> None:
    run = replace(sample.run(), trades=[], final_balance=sample.STARTING_BALANCE, wallet_history=None)
    compared, found = _compare(run, tmp_path)
    assert compared > 100
    assert not found, "\n".join(found[:60])


def test_result_dictionary_equals_freqtrades_with_unlimited_slots_and_only_losses(tmp_path: Path) -> None:
    losers = [trade for trade in sample.trades() if trade.profit_abs < 0]
    run = replace(
        sample.run(),
        trades=losers,
        final_balance=sample.STARTING_BALANCE + sum(t.profit_abs for t in losers),
        max_open_trades=float("inf"),
        stake_amount="unlimited",
    )
    compared, found = _compare(run, tmp_path)
    assert compared > 1000
    assert not found, "\n".join(found[:60])


def test_freqtrade_reads_a_result_ftserver_stored(tmp_path: Path) -> None:
    run = sample.run(notes="first try")
    result = stats.backtest_result([run])
    folder = tmp_path / "backtest_results"
    folder.mkdir()
    frames = sample.candles()
    stored = storage.store_result(
        folder,
        result,
        moment=datetime(2024, 4, 2, 9, 30, tzinfo=UTC),
        config={"stake_currency": "USDT", "exchange": {"name": "binance", "secret": "s3cret"}},
        market_change=stats_market_frame(frames, run),
        wallets={run.strategy_name: run.wallet_history} if run.wallet_history is not None else None,
    )
    read = _run_job(None, tmp_path, read_from=str(folder), strategy=run.strategy_name)["read"]
    assert read["latest"] == stored.name == "backtest-result-2024-04-02_09-30-00.zip"
    found: list[str] = []
    compared = _differences(orjson.loads(storage.encode(result)), read["loaded"], "loaded", found)
    print(f"\nfreqtrade read {compared} values back")
    assert not found, "\n".join(found[:60])
    assert read["history"] == storage.list_results(folder)
    assert read["history"][0]["notes"] == "first try"
    assert read["trade_rows"] == len(run.trades)
    assert read["trade_profit_abs"] == pytest.approx(sum(t.profit_abs for t in run.trades), abs=1e-9)
    assert read["market_change_rows"] > 0
    assert read["market_change_columns"] == ["date", "mean", "rel_mean", "count", "__date_ts"]
    assert read["wallet_rows"] == len(run.wallet_history)  # type: ignore[arg-type]


def test_ftserver_reads_a_result_freqtrade_stored(tmp_path: Path) -> None:
    run = sample.run(notes="stored by freqtrade")
    folder = tmp_path / "backtest_results"
    folder.mkdir()
    answer = _run_job(run, tmp_path, store_into=str(folder))
    assert answer["stored"] == "backtest-result-2024-04-01_10-00-00.zip"
    assert storage.latest_result(folder).name == answer["stored"]
    history = storage.list_results(folder)
    assert [(h["filename"], h["strategy"], h["notes"]) for h in history] == [
        ("backtest-result-2024-04-01_10-00-00", "SampleStrategy", "stored by freqtrade")
    ]
    loaded = storage.load_strategy_result(folder, history[0]["filename"], "SampleStrategy")
    ours = orjson.loads(storage.encode(stats.backtest_result([run])))
    found: list[str] = []
    _differences(ours["strategy"], loaded["strategy"], "strategy", found)
    assert not found, "\n".join(found[:60])
    assert loaded["metadata"]["SampleStrategy"]["filename"] == "backtest-result-2024-04-01_10-00-00"
    market = storage.load_market_change(folder, history[0]["filename"])
    wallet = storage.load_wallet(folder, history[0]["filename"], "SampleStrategy")
    assert list(market.columns) == ["date", "mean", "rel_mean", "count", "__date_ts"]
    assert list(wallet.columns) == ["date", "__date_ts", "total_quote"]


def stats_market_frame(frames: dict[str, pd.DataFrame], run: BacktestRun) -> pd.DataFrame:
    from ftserver.backtest.metrics import market_change_frame

    return market_change_frame(frames, run.start, run.end)


def _cli_output(command: list[str]) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=150, check=False, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@pytest.mark.parametrize("case", ["two strategies", "no trades"])
def test_backtesting_show_prints_what_freqtrade_prints(tmp_path: Path, case: str) -> None:
    assert FREQTRADE is not None
    if case == "two strategies":
        losers = [trade for trade in sample.trades() if trade.profit_abs < 0]
        runs = [
            sample.run(),
            replace(
                sample.run(strategy_name="LosingStrategy"),
                trades=losers,
                final_balance=sample.STARTING_BALANCE + sum(t.profit_abs for t in losers),
                wallet_history=None,
            ),
        ]
    else:
        runs = [replace(sample.run(), trades=[], final_balance=sample.STARTING_BALANCE, wallet_history=None)]
    folder = tmp_path / "backtest_results"
    folder.mkdir()
    (tmp_path / "user_data").mkdir()
    storage.store_result(folder, stats.backtest_result(runs), moment=datetime(2024, 4, 2, tzinfo=UTC), config={})
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"stake_currency": "USDT", "stake_amount": 100, "exchange": {"name": "binance"}}))
    options = ["-c", str(config), "--export-directory", str(folder), "--show-pair-list", "--breakdown"]
    options += ["day", "week", "month", "year", "weekday"]
    theirs = _cli_output([FREQTRADE, "backtesting-show", "--userdir", str(tmp_path / "user_data"), *options])
    ours = _cli_output([sys.executable, "-m", "ftserver", "backtesting-show", *options])
    print(f"\n{case}: {len(ours.splitlines())} lines printed")
    assert ours.splitlines() == theirs.splitlines()


def _raw_trade(trade: BacktestTrade) -> dict[str, Any]:
    """A trade's raw values under freqtrade's trade attribute names."""
    return {
        "pair": trade.pair,
        "open_rate": trade.open_rate,
        "amount": trade.amount,
        "amount_requested": trade.amount,
        "stake_amount": trade.stake_amount,
        "max_stake_amount": trade.stake_amount if trade.max_stake_amount is None else trade.max_stake_amount,
        "fee_open": trade.fee_open,
        "fee_close": trade.fee_close,
        "open_date": _ms(trade.open_date),
        "close_date": _ms(trade.close_date),
        "close_rate": trade.close_rate,
        "close_profit": trade.profit_ratio,
        "close_profit_abs": trade.profit_abs,
        "exit_reason": trade.exit_reason,
        "stop_loss": trade.stop_loss_abs,
        "stop_loss_pct": trade.stop_loss_ratio,
        "initial_stop_loss": trade.initial_stop_loss_abs,
        "initial_stop_loss_pct": trade.initial_stop_loss_ratio,
        "min_rate": trade.min_rate,
        "max_rate": trade.max_rate,
        "enter_tag": trade.enter_tag,
        "leverage": trade.leverage,
        "is_short": trade.is_short,
        "funding_fees": trade.funding_fees,
        "orders": [
            {
                "ft_order_side": order.side,
                "order_id": f"{trade.pair}-{index}",
                "amount": order.amount,
                "ft_amount": order.amount,
                "filled": order.amount,
                "price": order.price,
                "ft_price": order.price,
                "average": order.price,
                "cost": order.cost,
                "ft_order_tag": order.tag,
                "filled_at": None if order.filled_at is None else _ms(order.filled_at),
            }
            for index, order in enumerate(trade.orders)
        ],
    }


def test_trade_records_equal_freqtrades_trade_records(tmp_path: Path) -> None:
    made = sample.trades()
    made[0] = replace(made[0], stop_loss_ratio=0.0, max_stake_amount=150.123456789)
    answer = _run_job(None, tmp_path, raw_trades=[_raw_trade(trade) for trade in made])
    assert answer["columns"] == list(TRADE_COLUMNS)
    found: list[str] = []
    compared = 0
    for index, (trade, theirs) in enumerate(zip(made, answer["records"], strict=True)):
        ours = orjson.loads(storage.encode(trade.as_record()))
        # freqtrade's trade gives its dates as text; the frame rebuilds both from the timestamps.
        for key in ("open_date", "close_date"):
            ours.pop(key)
            theirs.pop(key)
        compared += _differences(ours, theirs, f"trade[{index}]", found)
    print(f"\n{compared} record values compared")
    assert not found, "\n".join(found[:60])


def test_result_dictionary_equals_freqtrades_for_untagged_leveraged_futures(tmp_path: Path) -> None:
    made = [replace(trade, enter_tag=None, leverage=3.0) for trade in sample.trades()]
    run = replace(
        sample.run(),
        trades=made,
        trading_mode="futures",
        margin_mode="isolated",
        timeframe_detail="5m",
        enable_protections=True,
        trailing_stop=True,
        trailing_stop_positive=0.01,
        locks=[],
    )
    compared, found = _compare(run, tmp_path)
    assert compared > 2000
    assert not found, "\n".join(found[:60])
