"""HTTP delivery for the webhook-style channels: one POST, retried with backoff, never logging the URL.

The URL of a webhook often carries its credential (Discord's and most chat services' do), and
aiohttp's exceptions print the URL they failed on: so only the kind of failure is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from ftserver.core.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int  # extra attempts after the first
    delay: float  # seconds before the first retry; doubled for each further one
    max_delay: float = 60.0

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt`` (1 = the first retry)."""
        wait: float = self.delay * 2.0 ** (attempt - 1)
        return min(wait, self.max_delay)


class HttpDelivery:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        name: str,
        timeout: float,
        retry: RetryPolicy,
        clock: Clock,
    ) -> None:
        self._session = session
        self._url = url
        self._name = name
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._retry = retry
        self._clock = clock

    async def post(self, what: str, **request: Any) -> bool:
        """POST ``request`` (aiohttp's ``json=``/``data=``/``headers=``); True once an attempt gets a 2xx/3xx."""
        attempts = self._retry.retries + 1
        for attempt in range(attempts):
            if attempt:
                await self._clock.sleep(self._retry.delay_before(attempt))
            problem = await self._attempt(request)
            if problem is None:
                return True
            log.warning(
                "%s: could not deliver %s (attempt %d of %d): %s", self._name, what, attempt + 1, attempts, problem
            )
        return False

    async def _attempt(self, request: dict[str, Any]) -> str | None:
        try:
            async with self._session.post(self._url, timeout=self._timeout, allow_redirects=False, **request) as answer:
                if answer.status < 400:
                    return None
                return f"HTTP {answer.status}"
        except TimeoutError:
            return f"no answer within {self._timeout.total:g} s"
        except aiohttp.ClientError as exc:
            return type(exc).__name__
