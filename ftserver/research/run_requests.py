"""A backtest or bias analysis asked for through the API, as run settings: the request's overrides
over the configuration, checked before any job starts (a bad value is a 400 naming its key, an
unknown strategy a 422 naming it), so a job never fails for what the request already said."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftserver.backtest.options import BacktestSettings, backtest_settings
from ftserver.errors import ConfigError, InvalidRequest

if TYPE_CHECKING:
    from ftserver.config import Settings


def requested_run(settings: Settings, strategy: str, **overrides: Any) -> BacktestSettings:
    from ftserver.strategy.loader import strategy_file  # pandas: loaded when a run is asked for

    try:
        run = backtest_settings(settings, strategy=strategy, **overrides)
    except ConfigError as exc:
        raise InvalidRequest(str(exc)) from None
    strategy_file(run.strategy, run.strategy_paths)
    return run
