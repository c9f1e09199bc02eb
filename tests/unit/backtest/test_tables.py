from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from ftserver import cli
from ftserver.backtest import stats, storage, tables
from tests.unit.backtest import sample


def _render(result: dict[str, object], breakdown: tuple[str, ...] = ()) -> str:
    buffer = io.StringIO()
    # Printed from the stored form, as backtesting-show does.
    stored = orjson.loads(storage.encode(result))
    tables.print_result(tables.console(buffer, width=200), stored, "USDT", breakdown)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("wins", "draws", "losses", "cell"),
    [(3, 1, 0, "   3     1     0   100"), (0, 2, 5, "   0     2     5     0"), (2, 1, 1, "   2     1     1  50.0")],
)
def test_win_draw_loss_cell(wins: int, draws: int, losses: int, cell: str) -> None:
    assert tables.wins_draws_losses(wins, draws, losses) == cell


def test_report_shows_pairs_tags_metrics_and_the_strategy_summary() -> None:
    text = _render(stats.backtest_result([sample.run()]))
    for title in (
        "Result for strategy SampleStrategy",
        "BACKTESTING REPORT",
        "LEFT OPEN TRADES REPORT",
        "ENTER TAG STATS",
        "EXIT REASON STATS",
        "MIXED TAG STATS",
        "SUMMARY METRICS",
        "STRATEGY SUMMARY",
    ):
        assert title in text
    # 40 trades: 20 won, 1 draw, 19 lost
    assert "│    TOTAL │     40 │" in text
    assert "  20     1    19  50.0 │" in text
    # the trade left open is the LTC one, closed as force_exit
    left_open = text.split("LEFT OPEN TRADES REPORT")[1].split("ENTER TAG STATS")[0]
    assert "LTC/USDT │      1 │" in left_open
    assert "│ Starting balance                       │ 1000 USDT" in text
    assert "│ Rejected Entry signals                 │ 4 " in text


def test_breakdown_tables_appear_only_when_asked() -> None:
    result = stats.backtest_result([sample.run()])
    assert "MONTH BREAKDOWN" not in _render(result)
    text = _render(result, ("month", "weekday"))
    assert "MONTH BREAKDOWN" in text and "WEEKDAY BREAKDOWN" in text
    assert "│ 31/03/2024 │     40 │" in text


def test_run_without_trades_says_so_with_balance_and_stake() -> None:
    run = replace(sample.run(), trades=[], final_balance=1000.0, wallet_history=None, stake_amount="unlimited")
    text = _render(stats.backtest_result([run]))
    assert "No trades made. Your starting balance was 1000 USDT, and your stake was unlimited." in text
    assert "SUMMARY METRICS" not in text


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    folder = tmp_path / "user_data" / "backtest_results"
    folder.mkdir(parents=True)
    storage.store_result(
        folder,
        stats.backtest_result([sample.run()]),
        moment=datetime(2024, 4, 2, tzinfo=UTC),
        config={"stake_currency": "USDT"},
    )
    config = tmp_path / "config.json"
    config.write_text(
        '{"stake_currency": "USDT", "stake_amount": 100, "dry_run": true, "exchange": {"name": "binance"}}'
    )
    return tmp_path


def test_backtesting_show_reprints_the_latest_result(stored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        [
            "backtesting-show",
            "-c",
            str(stored / "config.json"),
            "--userdir",
            str(stored / "user_data"),
            "--breakdown",
            "day",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "BACKTESTING REPORT" in out and "DAY BREAKDOWN" in out and "STRATEGY SUMMARY" in out


def test_backtesting_show_of_a_missing_file_exits_2_with_one_line(
    stored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "backtesting-show",
            "-c",
            str(stored / "config.json"),
            "--userdir",
            str(stored / "user_data"),
            "--export-filename",
            "backtest-result-1999-01-01_00-00-00.zip",
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.count("\n") == 1
    assert "backtest-result-1999-01-01_00-00-00.zip does not exist" in captured.err


def test_backtesting_show_without_results_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        '{"stake_currency": "USDT", "stake_amount": 100, "dry_run": true, "exchange": {"name": "binance"}}'
    )
    (tmp_path / "backtest_results").mkdir()
    code = cli.main(["backtesting-show", "-c", str(config), "--export-directory", str(tmp_path / "backtest_results")])
    assert code == 2
    assert "holds no backtest results yet" in capsys.readouterr().err


def test_backtesting_show_with_a_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["backtesting-show", "-c", str(tmp_path / "missing.json")])
    assert code == 2
    assert capsys.readouterr().err.startswith("ftserver: config error:")
