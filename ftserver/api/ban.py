"""Brute-force guard: failed logins are counted per client address; too many in a window ban it.

freqtrade has no such guard; we add one because the API holds the keys to a trading bot.

A banned address gets 429 with ``Retry-After`` (whole seconds, rounded up) on every request,
public ones such as ``/api/v1/ping`` included, until the ban ends: simplest and safest, since a
client that kept guessing passwords has no business polling either. Only CORS preflights pass, so a
browser UI on another origin can still read the 429 instead of seeing an opaque network error.

The middleware must sit between the error and the auth middlewares (outermost first:
error -> ban -> auth), so a banned client is refused before any credential is looked at. Call
``setup_errors``, then ``setup_ban``, then ``setup_auth``.

Both log lines are stable, so fail2ban can ban at the firewall too. With the default log format
(``%(asctime)s - %(name)s - %(levelname)s - %(message)s``) a filter's ``failregex`` is::

    ^.* - ftserver\\.api\\.ban - WARNING - Failed login from <HOST>$
    ^.* - ftserver\\.api\\.ban - WARNING - Banned <HOST> for \\d+ s after \\d+ failed login attempts$

The address is ``request.remote``: behind a reverse proxy that is the proxy's address, so let the
proxy pass the client address on (aiohttp's forwarded-header handling) or every client shares a ban.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict, deque
from typing import TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler

from ftserver.api.cors import is_preflight
from ftserver.api.responses import error_response
from ftserver.core.clock import Clock

log = logging.getLogger(__name__)

V = TypeVar("V")


def client_ip(request: web.Request) -> str:
    """The address failures are counted against (``unknown`` for peers without one, e.g. unix sockets)."""
    return request.remote or "unknown"


class BanGuard:
    """Counts failed logins per address within ``window`` seconds; ``limit`` of them ban it for ``ban_seconds``.

    At most ``max_tracked`` addresses are remembered in each table (failure counts, bans); past that
    the oldest entry goes, so a flood of addresses cannot exhaust memory.
    """

    def __init__(
        self, *, limit: int, window: float, ban_seconds: float, clock: Clock, max_tracked: int = 10_000
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if window <= 0:
            raise ValueError(f"window must be a positive number of seconds, got {window}")
        if ban_seconds <= 0:
            raise ValueError(f"ban_seconds must be a positive number of seconds, got {ban_seconds}")
        if max_tracked < 1:
            raise ValueError(f"max_tracked must be at least 1, got {max_tracked}")
        self.limit = limit
        self.window = window
        self.ban_seconds = ban_seconds
        self.max_tracked = max_tracked
        self._clock = clock
        # Insertion order is recency order: an address is re-inserted on each failure.
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        # Every ban lasts ban_seconds, so insertion order is also expiry order.
        self._banned_until: OrderedDict[str, float] = OrderedDict()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def retry_after(self, ip: str) -> float | None:
        """Seconds left in ``ip``'s ban, or None when it is not banned."""
        until = self._banned_until.get(ip)
        if until is None:
            return None
        left = until - self._now()
        if left <= 0:
            del self._banned_until[ip]
            return None
        return left

    def record_failure(self, ip: str) -> None:
        now = self._now()
        log.warning("Failed login from %s", ip)
        failures = self._failures.pop(ip, None) or deque()
        failures.append(now)
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if len(failures) >= self.limit:
            self._banned_until.pop(ip, None)
            self._banned_until[ip] = now + self.ban_seconds
            log.warning(
                "Banned %s for %d s after %d failed login attempts", ip, math.ceil(self.ban_seconds), len(failures)
            )
            _trim(self._banned_until, self.max_tracked)
        else:
            self._failures[ip] = failures
            _trim(self._failures, self.max_tracked)

    def record_success(self, ip: str) -> None:
        """A good login clears the address's failure count (not a running ban)."""
        self._failures.pop(ip, None)

    @property
    def tracked(self) -> int:
        """Addresses currently remembered (failure counts plus bans); bounded by ``2 * max_tracked``."""
        return len(self._failures) + len(self._banned_until)


def _trim(table: OrderedDict[str, V], size: int) -> None:
    while len(table) > size:
        table.popitem(last=False)


def setup_ban(app: web.Application, guard: BanGuard) -> None:
    """Install the ban middleware; call after ``setup_errors`` and before ``setup_auth``."""

    @web.middleware
    async def ban_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not is_preflight(request):
            left = guard.retry_after(client_ip(request))
            if left is not None:
                seconds = max(1, math.ceil(left))
                return error_response(
                    429,
                    f"Too many failed login attempts; retry in {seconds} s",
                    "too_many_requests",
                    headers={"Retry-After": str(seconds)},
                )
        return await handler(request)

    app.middlewares.append(ban_middleware)
