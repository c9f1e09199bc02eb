"""Loading a strategy gives its parameters their values: parameter file, then ``<space>_params``, then default."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from ftserver.errors import StrategyError
from ftserver.strategy.loader import load_strategy
from ftserver.strategy.parameter_values import strategy_parameters

SOURCE = """
from freqtrade.strategy import BooleanParameter, DecimalParameter, IStrategy, IntParameter

class Tuned(IStrategy):
    minimal_roi = {"0": 0.1}
    stoploss = -0.2
    buy_rsi = IntParameter(10, 40, default=30)
    buy_window = IntParameter(5, 50, default=20)
    buy_step = DecimalParameter(0.1, 0.9, default=0.5, decimals=1)
    sell_rsi = IntParameter(60, 90, default=70)
    fixed = IntParameter(1, 9, default=3, space="sell", load=False)
    protection_on = BooleanParameter(default=False)
    buy_params = {"buy_rsi": 25, "buy_window": 12}
"""


def write(folder: Path, params: object | None = None, source: str = SOURCE) -> Path:
    (folder / "tuned.py").write_text(source, encoding="utf-8")
    if params is not None:
        (folder / "tuned.json").write_text(json.dumps(params), encoding="utf-8")
    return folder


def stored(params: dict[str, object], name: str = "Tuned") -> dict[str, object]:
    return {"strategy_name": name, "params": params, "ft_stratparam_v": 1, "export_time": "2026-11-01 10:00:00+00:00"}


def values(strategy: object) -> dict[str, object]:
    return {p.name: p.value for p in strategy_parameters(strategy)}  # type: ignore[arg-type]


def test_without_a_file_buy_params_win_over_the_defaults(tmp_path: Path) -> None:
    strategy = load_strategy("Tuned", [write(tmp_path)])
    assert values(strategy) == {
        "buy_rsi": 25,
        "buy_step": 0.5,
        "buy_window": 12,
        "fixed": 3,
        "protection_on": False,
        "sell_rsi": 70,
    }
    assert strategy.buy_rsi.value == 25  # type: ignore[attr-defined]


def test_the_parameter_file_wins_over_buy_params_and_sets_roi_stoploss_and_trailing(tmp_path: Path) -> None:
    params = {
        "buy": {"buy_rsi": 18, "buy_step": 0.34},
        "sell": {"sell_rsi": 81, "fixed": 7},
        "protection": {"protection_on": True},
        "roi": {"0": 0.2, "40": 0.05},
        "stoploss": {"stoploss": -0.07},
        "trailing": {"trailing_stop": True, "trailing_stop_positive": 0.01, "trailing_stop_positive_offset": 0.02},
    }
    strategy = load_strategy("Tuned", [write(tmp_path, stored(params))])
    assert values(strategy) == {
        "buy_rsi": 18,  # the file's, not buy_params' 25
        "buy_step": 0.3,  # rounded to the parameter's one decimal
        "buy_window": 12,  # not in the file: buy_params
        "fixed": 3,  # load=False keeps the default
        "protection_on": True,
        "sell_rsi": 81,
    }
    assert strategy.minimal_roi == {"0": 0.2, "40": 0.05}
    assert strategy.stoploss == -0.07
    assert strategy.trailing_stop is True
    assert strategy.trailing_stop_positive == 0.01
    assert strategy.trailing_stop_positive_offset == 0.02


def test_the_config_overrides_the_parameter_files_stoploss(tmp_path: Path) -> None:
    folder = write(tmp_path, stored({"stoploss": {"stoploss": -0.07}}))
    strategy = load_strategy("Tuned", [folder], {"stoploss": -0.03})
    assert strategy.stoploss == -0.03


def test_a_value_kept_from_loading_is_logged_when_load_is_off(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    load_strategy("Tuned", [write(tmp_path, stored({"sell": {"fixed": 7}}))])
    assert "parameter fixed has a stored value but load=False" in caplog.text


def test_a_parameter_file_of_another_strategy_is_refused_naming_the_file(tmp_path: Path) -> None:
    folder = write(tmp_path, stored({"buy": {"buy_rsi": 18}}, name="Other"))
    with pytest.raises(StrategyError, match=r"tuned\.json is for strategy 'Other', not 'Tuned'"):
        load_strategy("Tuned", [folder])


def test_a_parameter_file_that_is_not_json_is_warned_and_the_values_come_from_the_strategy(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "tuned.json").write_text("{not json", encoding="utf-8")
    strategy = load_strategy("Tuned", [write(tmp_path)])
    assert values(strategy)["buy_rsi"] == 25
    assert "tuned.json is not valid JSON" in caplog.text


def test_two_strategies_of_one_class_keep_their_own_values(tmp_path: Path) -> None:
    first = load_strategy("Tuned", [write(tmp_path, stored({"buy": {"buy_rsi": 18}}))])
    (tmp_path / "tuned.json").unlink()
    second = load_strategy("Tuned", [tmp_path])
    assert first.buy_rsi.value == 18  # type: ignore[attr-defined]
    assert second.buy_rsi.value == 25  # type: ignore[attr-defined]
    assert type(second).buy_rsi.value == 30  # type: ignore[attr-defined]  # the class keeps the default


def test_a_parameter_without_a_space_is_refused_naming_it(tmp_path: Path) -> None:
    source = SOURCE + "    window = IntParameter(1, 9, default=3)\n"
    with pytest.raises(StrategyError, match="parameter window has no space"):
        load_strategy("Tuned", [write(tmp_path, source=source)])


def test_all_is_not_a_space(tmp_path: Path) -> None:
    source = SOURCE + "    window = IntParameter(1, 9, default=3, space='all')\n"
    with pytest.raises(StrategyError, match="'all' is not a valid space"):
        load_strategy("Tuned", [write(tmp_path, source=source)])


def test_parameters_are_listed_by_space_then_name_as_freqtrade_lists_them(tmp_path: Path) -> None:
    strategy = load_strategy("Tuned", [write(tmp_path)])
    listed = [(p.space, p.name) for p in strategy_parameters(strategy)]
    assert listed == [
        ("buy", "buy_rsi"),
        ("buy", "buy_step"),
        ("buy", "buy_window"),
        ("sell", "fixed"),
        ("sell", "sell_rsi"),
        ("protection", "protection_on"),
    ]
