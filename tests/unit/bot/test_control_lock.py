"""Every control verb waits for a running iteration: none changes the bot halfway through one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from ftserver.bot.loop import TradingLoop

from .conftest import START, Harness

Verb = Callable[[TradingLoop], Awaitable[object]]

VERBS: dict[str, Verb] = {
    "lock_pair": lambda bot: bot.lock_pair("BTC/USDT", START + timedelta(hours=1), "manual", "*"),
    "unlock": lambda bot: bot.unlock(pair="BTC/USDT"),
    "add_blacklist": lambda bot: bot.add_blacklist(["ETH/USDT"]),
    "force_enter": lambda bot: bot.force_enter("ETH/USDT"),
}


@pytest.mark.parametrize("name", VERBS)
async def test_control_verb_waits_for_the_iteration_holding_the_lock(harness: Harness, name: str) -> None:
    await VERBS["lock_pair"](harness.bot)  # something for unlock to remove
    async with harness.bot.lock:  # what a loop iteration holds
        verb = asyncio.ensure_future(VERBS[name](harness.bot))
        # Long enough for the database round trips of a verb that does not wait (a slower machine
        # only makes the verb less likely to finish, never makes a waiting verb look done).
        await asyncio.sleep(0.2)
        assert not verb.done(), f"{name} changed the bot while an iteration held its lock"
    await asyncio.wait_for(verb, 5)


async def test_taking_and_releasing_a_lock_each_write_one_log_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ftserver.bot.locks"):
        lock = await harness.bot.lock_pair("BTC/USDT", START + timedelta(hours=1), "manual", "*")
        await harness.bot.unlock(pair="BTC/USDT")
    lines = [r.getMessage() for r in caplog.records if r.name == "ftserver.bot.locks"]
    until = (START + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert lines == [
        f"Locked BTC/USDT (* side) until {until}: manual (lock #{lock.id})",
        f"Unlocked BTC/USDT (lock #{lock.id})",
    ]
