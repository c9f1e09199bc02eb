"""What the bot tells the front ends about its strategy: plain values, never the strategy object."""

from __future__ import annotations

from .conftest import Harness


async def test_strategy_info_is_plain_values_and_survives_a_failing_version(harness: Harness) -> None:
    def broken_version() -> str:
        raise RuntimeError("no version today")

    harness.strategy.version = broken_version
    harness.strategy.plot_config = {"main_plot": {"sma": {}}}
    info = harness.bot.strategy_info()
    assert info.name == "ScriptedStrategy"
    assert info.version is None
    assert info.plot_config == {"main_plot": {"sma": {}}}
    info.plot_config["main_plot"] = {}  # a copy: the strategy's own is untouched
    assert harness.strategy.plot_config == {"main_plot": {"sma": {}}}
