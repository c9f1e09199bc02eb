"""Retrying transient exchange failures with exponential backoff, reporting each retry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from ftserver.errors import ExchangeUnavailable

T = TypeVar("T")


class Transient(Exception):
    """Raised by an adapter's call to say: this failure may go away, try again."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * 2.0**attempt)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    describe: str,
    on_warning: Callable[[str], None] | None = None,
) -> T:
    for attempt in range(policy.attempts):
        try:
            return await call()
        except Transient as exc:
            if attempt == policy.attempts - 1:
                raise ExchangeUnavailable(f"{describe} failed after {policy.attempts} attempts: {exc}") from exc
            delay = policy.delay(attempt)
            if on_warning:
                on_warning(f"{describe} failed ({exc}); retrying in {delay:g} s")
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
