"""Giving a strategy's hyperopt parameters their values, as freqtrade does when a bot starts.

A value comes, first found wins, from the parameter file beside the strategy (``MyStrategy.json``, as
freqtrade's hyperopt writes it), from the strategy's ``<space>_params`` dict (``buy_params``, ...), or from
the parameter's default. The file may also carry the ROI table, stoploss and trailing settings; those
replace the strategy's attributes before the config's overrides apply.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rapidjson

from ftserver.errors import StrategyError
from ftserver.strategy.parameters import PREFIX_SPACES, BaseParameter

if TYPE_CHECKING:
    from ftserver.strategy.base import Strategy

log = logging.getLogger(__name__)

# As freqtrade reads and writes parameter files: native numbers, NaN and Infinity allowed.
_NUMBER_MODE = rapidjson.NM_NATIVE | rapidjson.NM_NAN
_TRAILING_KEYS = (
    "trailing_stop",
    "trailing_stop_positive",
    "trailing_stop_positive_offset",
    "trailing_only_offset_is_reached",
)


def parameter_file(strategy_file: Path) -> Path:
    return strategy_file.with_suffix(".json")


def read_parameter_file(strategy_file: Path, strategy_name: str) -> dict[str, Any]:
    """The ``params`` of the strategy's parameter file, or {} when there is none or it is not JSON.

    A file written for another strategy is refused: its values would silently tune the wrong logic.
    """
    path = parameter_file(strategy_file)
    if not path.is_file():
        return {}
    try:
        content = rapidjson.loads(path.read_text(encoding="utf-8"), number_mode=_NUMBER_MODE)
    except (ValueError, UnicodeDecodeError) as exc:
        log.warning(
            "Strategy %s: parameter file %s is not valid JSON (%s); using the defaults", strategy_name, path.name, exc
        )
        return {}
    if not isinstance(content, dict) or content.get("strategy_name") != strategy_name:
        found = content.get("strategy_name") if isinstance(content, dict) else None
        raise StrategyError(
            f"Strategy {strategy_name}: parameter file {path.name} is for strategy {found!r}, not {strategy_name!r}"
        )
    params = content.get("params", {})
    if not isinstance(params, dict):
        raise StrategyError(f"Strategy {strategy_name}: parameter file {path.name}: 'params' must be an object")
    log.info("Strategy %s: parameters loaded from %s", strategy_name, path.name)
    return params


def apply_special_values(strategy: Strategy, params: Mapping[str, Any]) -> None:
    """ROI table, stoploss and trailing settings from a parameter file's ``params``.

    A stored ``max_open_trades`` is not used: in freqtrade it only applies when the config has none, and
    ftserver's config always has one.
    """
    if "roi" in params:
        strategy.minimal_roi = {str(minutes): float(ratio) for minutes, ratio in dict(params["roi"]).items()}
    stoploss = _mapping(params.get("stoploss"))
    if "stoploss" in stoploss:
        strategy.stoploss = stoploss["stoploss"]
    trailing = _mapping(params.get("trailing"))
    for key in _TRAILING_KEYS:
        if key in trailing:
            setattr(strategy, key, trailing[key])


def collect_parameters(strategy: Strategy) -> dict[str, dict[str, BaseParameter]]:
    """The strategy's parameters by space, each one the instance's own copy.

    The class attributes are copied onto the instance so that giving one strategy object its values never
    changes another built from the same class (``reload_config`` builds a new one beside the old).
    """
    spaces: dict[str, dict[str, BaseParameter]] = {}
    for attr_name in dir(type(strategy)):
        if attr_name.startswith("__"):
            continue
        found = getattr(type(strategy), attr_name, None)
        if not isinstance(found, BaseParameter):
            continue
        parameter = copy.copy(found)
        parameter.space_options = dict(found.space_options)
        parameter.name = attr_name
        if not parameter.space:
            parameter.space = next((s for s in PREFIX_SPACES if attr_name.startswith(s + "_")), None)
        if parameter.space is None:
            raise StrategyError(
                f"Strategy {strategy.name}: parameter {attr_name} has no space: name it buy_..., sell_..., "
                "enter_..., exit_... or protection_..., or pass space=..."
            )
        if parameter.space in ("all", "default") or not parameter.space.isidentifier():
            raise StrategyError(
                f"Strategy {strategy.name}: parameter {attr_name}: '{parameter.space}' is not a valid space"
            )
        setattr(strategy, attr_name, parameter)
        spaces.setdefault(parameter.space, {})[attr_name] = parameter
    return spaces


def load_parameter_values(strategy: Strategy, from_file: Mapping[str, Any]) -> None:
    """Give every parameter its value: the file's, else the strategy's ``<space>_params``, else its default."""
    for space, parameters in collect_parameters(strategy).items():
        values = {**_mapping(getattr(strategy, f"{space}_params", None)), **_mapping(from_file.get(space))}
        for name, parameter in parameters.items():
            if name not in values:
                continue
            if parameter.load:
                parameter.value = values[name]
                log.info("Strategy %s: parameter %s = %r", strategy.name, name, parameter.value)
            else:
                log.warning(
                    "Strategy %s: parameter %s has a stored value but load=False; keeping its default %r",
                    strategy.name,
                    name,
                    parameter.value,
                )


def strategy_parameters(strategy: Strategy) -> Iterator[BaseParameter]:
    """The parameters of a loaded strategy (its instance copies) in freqtrade's order.

    That is grouped by space, the spaces in the order their first parameter comes by name, and by name
    within a space.
    """
    spaces: dict[str, list[BaseParameter]] = {}
    for attr_name in sorted(vars(strategy)):
        value = vars(strategy)[attr_name]
        if isinstance(value, BaseParameter):
            spaces.setdefault(value.space or "", []).append(value)
    for parameters in spaces.values():
        yield from parameters


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` as a dict when it is a mapping; {} for anything else (absent, or not an object)."""
    return dict(value) if isinstance(value, Mapping) else {}
