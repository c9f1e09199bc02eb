"""Brute-force guard: failed logins are counted per client address; too many in a window ban it.

A banned address gets 429 with ``Retry-After`` on every request (preflights aside) until the ban
ends. Log lines for fail2ban (filter ``failregex``):

    ^.* - ftserver.api.ban - WARNING - Failed login from <HOST>$
    ^.* - ftserver.api.ban - WARNING - Banned <HOST> for \\d+ s after \\d+ failed login attempts$
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict, deque

from aiohttp import web
from aiohttp.typedefs import Handler

from ftserver.api.responses import error_response
from ftserver.core.clock import Clock

log = logging.getLogger(__name__)


class BanGuard:
    def __init__(
        self, *, limit: int, window: float, ban_seconds: float, clock: Clock, max_tracked: int = 10_000
    ) -> None:
        self.limit = limit
        self.window = window
        self.ban_seconds = ban_seconds
        self.clock = clock
        self.max_tracked = max_tracked
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._banned_until: OrderedDict[str, float] = OrderedDict()

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def retry_after(self, ip: str) -> float | None:
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
        self._failures[ip] = failures
        if len(failures) >= self.limit:
            self._banned_until[ip] = now + self.ban_seconds
            self._failures.pop(ip, None)
            log.warning("Banned %s for %d s after %d failed login attempts", ip, self.ban_seconds, len(failures))
        for table in (self._failures, self._banned_until):
            while len(table) > self.max_tracked:
                table.popitem(last=False)

    def record_success(self, ip: str) -> None:
        self._failures.pop(ip, None)


def setup_ban(app: web.Application, guard: BanGuard) -> None:
    @web.middleware
    async def ban_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "OPTIONS":
            left = guard.retry_after(request.remote or "unknown")
            if left is not None:
                seconds = math.ceil(left)
                return error_response(
                    429,
                    f"Too many failed login attempts; retry in {seconds} s",
                    "too_many_requests",
                    headers={"Retry-After": str(seconds)},
                )
        return await handler(request)

    app.middlewares.append(ban_middleware)
