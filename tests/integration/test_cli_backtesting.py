"""`ftserver backtesting` and `backtesting-show` as a user runs them, on candles downloaded offline from
the simulated market."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.integration.test_cli import ftserver


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    config = {
        "dry_run": True,
        "dry_run_wallet": 1000,
        "stake_currency": "USDT",
        "stake_amount": 100,
        "max_open_trades": 2,
        "strategy": "SampleStrategy",
        "timeframe": "5m",
        "exchange": {"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        "user_data_dir": str(tmp_path / "user_data"),
        "db_url": f"sqlite:///{tmp_path / 'trades.sqlite'}",
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    downloaded = ftserver("download-data", "-c", "config.json", "-t", "5m", "--days", "4", cwd=tmp_path)
    assert downloaded.returncode == 0, downloaded.stderr
    return tmp_path


def test_backtesting_prints_freqtraders_tables_and_stores_the_result(folder: Path) -> None:
    ran = ftserver("backtesting", "-c", "config.json", "--breakdown", "day", cwd=folder)
    assert ran.returncode == 0, ran.stderr
    for title in ("BACKTESTING REPORT", "EXIT REASON STATS", "SUMMARY METRICS", "DAY BREAKDOWN", "STRATEGY SUMMARY"):
        assert title in ran.stdout, title
    stored = folder / "user_data" / "backtest_results"
    latest = json.loads((stored / ".last_result.json").read_text())["latest_backtest"]
    assert (stored / latest).is_file() and f"Result stored in {stored / latest}" in ran.stdout
    shown = ftserver("backtesting-show", "-c", "config.json", cwd=folder)
    assert shown.returncode == 0, shown.stderr
    assert "STRATEGY SUMMARY" in shown.stdout and "SampleStrategy" in shown.stdout


def test_export_none_stores_nothing(folder: Path) -> None:
    ran = ftserver("backtesting", "-c", "config.json", "--export", "none", "--stake-amount", "unlimited", cwd=folder)
    assert ran.returncode == 0, ran.stderr
    assert not (folder / "user_data" / "backtest_results").exists()


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--timerange", "20260305-20260301"], "timerange"),
        (["-s", "NoSuchStrategy"], "NoSuchStrategy"),
        (["--timerange", "20200101-20200201"], "download them first"),
        (["--timeframe-detail", "1h"], "timeframe_detail"),
        (["--timeframe-detail", "1m"], "download them first"),
    ],
)
def test_bad_runs_are_one_line_and_exit_code_2(folder: Path, arguments: list[str], said: str) -> None:
    ran = ftserver("backtesting", "-c", "config.json", *arguments, cwd=folder)
    assert ran.returncode == 2, (ran.stdout, ran.stderr)
    assert said in ran.stderr
    assert "Traceback" not in ran.stderr


def test_lookahead_analysis_prints_its_verdict(folder: Path) -> None:
    ran = ftserver(
        "lookahead-analysis", "-c", "config.json", "--minimum-trade-amount", "1", "--targeted-trade-amount", "3",
        "--timerange", f"{_days_ago(3)}-", cwd=folder,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "LOOKAHEAD ANALYSIS" in ran.stdout and "SampleStrategy" in ran.stdout
    # SampleStrategy only looks back.
    assert "No" in ran.stdout and "Yes" not in ran.stdout
    refused = ftserver("lookahead-analysis", "-c", "config.json", cwd=folder)
    assert refused.returncode == 2 and "set a timerange" in refused.stderr


def _days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y%m%d")
