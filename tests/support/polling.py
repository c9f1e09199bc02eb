"""Waiting for an effect a test cannot await directly (another task, process or thread makes it)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], Any | Awaitable[Any]], *, within: float = 10.0, every: float = 0.01, what: str = "condition"
) -> Any:
    """Poll ``check`` (plain or async) until it returns something truthy, and return that.

    Fails the test with ``what`` in the message when ``within`` seconds pass first.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if loop.time() >= deadline:
            raise AssertionError(f"{what} not reached within {within:g} s")
        await asyncio.sleep(every)


def wait_until(check: Callable[[], T], *, within: float = 30.0, every: float = 0.3, what: str = "condition") -> T:
    """``eventually`` for synchronous tests (the browser tests drive Playwright's sync API)."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not reached within {within:g} s")
        time.sleep(every)
