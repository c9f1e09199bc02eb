"""A strategy's per-trade custom data: set in callbacks, stored with the trade, read back after a restart."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from ftserver.models import Order, Trade
from tests.support.strategies import ScriptedStrategy

from .test_callbacks import enter_btc, running


class NotingStrategy(ScriptedStrategy):
    """Counts fills in order_filled and exit checks in custom_exit; exits on the third check."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[Any, ...]] = []

    def order_filled(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> None:
        trade.set_custom_data("fills", trade.get_custom_data("fills", 0) + 1)
        trade.set_custom_data("last_fill", {"side": order.ft_order_side, "amount": order.amount})

    def custom_exit(self, pair: str, trade: Trade, current_time: datetime, **kwargs: Any) -> str | None:  # type: ignore[override]
        checks = trade.get_custom_data("CHECKS", 0) + 1  # keys match ignoring case, as in freqtrade
        trade.set_custom_data("checks", checks)
        self.seen.append((checks, trade.get_custom_data("fills"), trade.get_custom_data("last_fill")))
        return "enough" if checks >= 3 else None


async def test_custom_data_set_in_callbacks_survives_restarts_and_is_read_back(tmp_path: Path) -> None:
    strategy = NotingStrategy()
    async with running(tmp_path, strategy) as (h, _):
        trade = await enter_btc(h)  # the entry fills: fills = 1
        await h.tick()  # checks = 1
        await h.restart()
        await h.tick()  # checks = 2, read back from the database
        await h.restart()
        await h.tick()  # checks = 3: exits; the exit fill makes fills = 2

        entry_fill = {"side": "buy", "amount": 1.0}  # stake 100 at 100
        assert strategy.seen == [(1, 1, entry_fill), (2, 1, entry_fill), (3, 1, entry_fill)]
        stored = {e["key"]: (e["type"], e["value"]) for e in await h.repo.custom_data(trade.id or 0)}
        assert stored == {
            "fills": ("int", 2),
            "last_fill": ("dict", {"side": "sell", "amount": 1.0}),
            "checks": ("int", 3),
        }
        closed = await h.repo.get_trade(trade.id or 0)
        assert closed is not None and closed.exit_reason == "enough"
        assert closed.get_custom_data("checks") == 3
        await h.db.close()  # the restarted one: running() closes the first


async def test_a_value_that_is_not_json_is_refused_with_a_warning_and_the_old_value_stays(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(tmp_path, ScriptedStrategy()) as (h, _):
        trade = await enter_btc(h)
        trade.set_custom_data("note", "kept")
        trade.set_custom_data("note", object())
        await h.tick()
        assert "Could not store custom data 'note'" in caplog.text
        assert [(e["key"], e["value"]) for e in await h.repo.custom_data(trade.id or 0)] == [("note", "kept")]


async def test_deleted_custom_data_is_gone_after_a_restart(tmp_path: Path) -> None:
    async with running(tmp_path, ScriptedStrategy()) as (h, _):
        trade = await enter_btc(h)
        trade.set_custom_data("a", 1.5)
        trade.set_custom_data("b", [1, 2])
        await h.tick()
        [trade] = h.bot.open_trades
        trade.delete_custom_data("A")
        await h.tick()
        await h.restart()
        [trade] = h.bot.open_trades
        assert [(e.cd_key, e.cd_type, e.value) for e in trade.get_all_custom_data()] == [("b", "list", [1, 2])]
        assert trade.get_custom_data("a", "gone") == "gone"
        await h.db.close()
