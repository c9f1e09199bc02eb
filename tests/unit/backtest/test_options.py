"""``ftserver backtesting``'s options merged over the configuration into one run's settings."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ftserver.backtest.options import add_backtesting_arguments, backtest_settings, settings_from_arguments
from ftserver.config import Settings, settings_from_dict
from ftserver.errors import ConfigError


def settings(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "stake_currency": "USDT",
        "stake_amount": 100,
        "dry_run_wallet": 1000,
        "max_open_trades": 3,
        "strategy": "SampleStrategy",
        "timeframe": "5m",
        "fee": 0.001,
        "user_data_dir": str(tmp_path / "user_data"),
        "exchange": {"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"], "key": "k", "secret": "s"},
    }
    values.update(extra)
    return settings_from_dict(values)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_backtesting_arguments(parser)
    return parser.parse_args(argv)


def test_without_options_the_configuration_is_backtested(tmp_path: Path) -> None:
    run = settings_from_arguments(settings(tmp_path), parse())
    assert (run.strategy, run.timeframe, run.timeframe_detail) == ("SampleStrategy", "5m", None)
    assert run.pairs == ("BTC/USDT", "ETH/USDT")
    assert (run.max_open_trades, run.stake_amount, run.starting_balance, run.fee) == (3, 100.0, 1000.0, 0.001)
    assert run.timerange_text is None and not run.enable_protections
    assert run.export == "trades" and run.breakdown == ()
    assert run.results_dir == tmp_path / "user_data" / "backtest_results"
    assert run.datadir == tmp_path / "user_data" / "data" / "sim"
    assert run.strategy_paths[0] == tmp_path / "user_data" / "strategies"
    assert run.config["runmode"] == "backtest" and run.config["dry_run"] is True


def test_every_option_overrides_its_configuration_value(tmp_path: Path) -> None:
    args = parse(
        "-s", "Other", "-i", "1h", "--timeframe-detail", "5m", "--timerange", "20240101-20240201",
        "-p", "SOL/USDT", "--max-open-trades", "-1", "--stake-amount", "unlimited", "--dry-run-wallet", "250",
        "--fee", "0", "--enable-protections", "--export", "signals", "--export-filename", "x/my.json",
        "--breakdown", "day", "month",
    )  # fmt: skip
    run = settings_from_arguments(settings(tmp_path), args)
    assert (run.strategy, run.timeframe, run.timeframe_detail) == ("Other", "1h", "5m")
    assert run.timerange.start == datetime(2024, 1, 1, tzinfo=UTC)
    assert run.timerange.stop == datetime(2024, 2, 1, tzinfo=UTC)
    assert run.timerange_text == "20240101-20240201"
    assert run.pairs == ("SOL/USDT",)
    assert (run.max_open_trades, run.stake_amount, run.starting_balance, run.fee) == (-1, "unlimited", 250.0, 0.0)
    assert run.enable_protections and run.export == "signals" and run.breakdown == ("day", "month")
    assert run.export_filename == Path("x/my.json")
    # what the strategy sees as self.config, and what the stored result's config says
    config = run.config
    assert (config["strategy"], config["timeframe"], config["timeframe_detail"]) == ("Other", "1h", "5m")
    assert (config["stake_amount"], config["max_open_trades"], config["dry_run_wallet"]) == ("unlimited", -1, 250.0)
    assert config["exchange"]["pair_whitelist"] == ["SOL/USDT"]
    assert config["timerange"] == "20240101-20240201" and config["enable_protections"] is True


def test_the_detail_timeframe_may_come_from_the_configuration(tmp_path: Path) -> None:
    assert backtest_settings(settings(tmp_path, timeframe_detail="1m")).timeframe_detail == "1m"
    assert (
        backtest_settings(settings(tmp_path, timeframe_detail="1m"), timeframe_detail="30s").timeframe_detail == "30s"
    )


def test_the_starting_balance_of_a_wallet_per_currency_is_the_stake_currencys(tmp_path: Path) -> None:
    run = backtest_settings(settings(tmp_path, dry_run_wallet={"USDT": 500, "BTC": 0.1}))
    assert run.starting_balance == 500.0
    with pytest.raises(ConfigError, match="dry_run_wallet"):
        backtest_settings(settings(tmp_path, dry_run_wallet={"BTC": 0.1}))


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"timeframe": "5x"}, "timeframe"),
        ({"timeframe_detail": "1h"}, "timeframe_detail"),  # not smaller than 5m
        ({"timeframe_detail": "5m"}, "timeframe_detail"),
        ({"timerange": "2024-01-01"}, "timerange"),
        ({"timerange": "20240201-20240101"}, "timerange"),
        ({"max_open_trades": -2}, "max_open_trades"),
        ({"stake_amount": "lots"}, "stake_amount"),
        ({"stake_amount": 0}, "stake_amount"),
        ({"dry_run_wallet": 0}, "dry_run_wallet"),
        ({"fee": 0.5}, "fee"),
        ({"export": "everything"}, "export"),
        ({"breakdown": ["hour"]}, "breakdown"),
    ],
)
def test_bad_values_are_config_errors_naming_their_key(tmp_path: Path, overrides: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        backtest_settings(settings(tmp_path), **overrides)
    assert caught.value.key == key


def test_no_pairs_at_all_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no pairs"):
        backtest_settings(settings(tmp_path, exchange={"name": "sim", "pair_whitelist": []}))


def test_unknown_choices_are_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse("--export", "all")
    assert "invalid choice" in capsys.readouterr().err
