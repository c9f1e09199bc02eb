"""Load-time report of what a freqtrade strategy uses that ftserver does not do."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from ftserver.app import strategy_for
from ftserver.config import settings_from_dict
from ftserver.errors import StrategyError
from ftserver.strategy.base import Strategy
from ftserver.strategy.loader import builtin_strategy_dir, load_strategy
from ftserver.strategy.support import unsupported_uses


class WithCallbacks(Strategy):
    def custom_stoploss(self, *args: Any, **kwargs: Any) -> float:  # called: not reported
        return -0.05

    def set_freqai_targets(self, *args: Any, **kwargs: Any) -> Any:
        return None

    def plot_annotations(self, *args: Any, **kwargs: Any) -> list[Any]:
        return []


class InheritsCallbacks(WithCallbacks):
    pass


class Shorts(Strategy):
    can_short = True


def test_each_callback_ftserver_does_not_call_is_named_with_what_happens_instead() -> None:
    problems = unsupported_uses(WithCallbacks(), trading_mode="spot")
    assert problems == [
        "Strategy WithCallbacks defines set_freqai_targets(), which ftserver does not call: "
        "FreqAI is not supported: no model is trained and no predictions are made",
        "Strategy WithCallbacks defines plot_annotations(), which ftserver does not call: "
        "chart annotations are not drawn",
    ]
    assert len(unsupported_uses(InheritsCallbacks(), trading_mode="spot")) == 2  # a user base class counts


def test_the_builtin_strategy_uses_nothing_unsupported() -> None:
    assert unsupported_uses(load_strategy("SampleStrategy", [builtin_strategy_dir()]), trading_mode="spot") == []


def test_a_short_strategy_is_refused_on_spot() -> None:
    with pytest.raises(StrategyError, match="can_short = True: short strategies cannot trade spot markets"):
        unsupported_uses(Shorts(), trading_mode="spot")
    assert unsupported_uses(Shorts(), trading_mode="futures") == []


def test_the_bot_warns_at_load_naming_each_method(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "strategies"
    folder.mkdir()
    (folder / "mine.py").write_text(
        "from ftserver.strategy.base import Strategy\n\n\n"
        "class Mine(Strategy):\n"
        "    def set_freqai_targets(self, dataframe, metadata, **kwargs):\n        return dataframe\n",
        encoding="utf-8",
    )
    settings = settings_from_dict(
        {
            "stake_currency": "USDT",
            "stake_amount": 10,
            "strategy": "Mine",
            "strategy_path": str(folder),
            "exchange": {"name": "sim"},
        }
    )
    with caplog.at_level(logging.WARNING):
        strategy_for(settings)
    assert "Strategy Mine defines set_freqai_targets(), which ftserver does not call: FreqAI" in caplog.text
