"""The brute-force guard: counting, banning, expiry, bounded memory, fail2ban-ready logs, the 429 middleware."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from ftserver.api import ban
from ftserver.api.ban import BanGuard, setup_ban
from ftserver.api.cors import setup_cors
from ftserver.api.errors import setup_errors
from ftserver.api.responses import json_response
from ftserver.core.clock import ManualClock
from ftserver.logs import FORMAT

IP = "192.0.2.7"
OTHER = "198.51.100.9"
ORIGIN = "http://ui.example:3000"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 1, 1, tzinfo=UTC))


def guard_for(clock: ManualClock, **overrides: Any) -> BanGuard:
    options: dict[str, Any] = {"limit": 3, "window": 60.0, "ban_seconds": 120.0, "clock": clock}
    options.update(overrides)
    return BanGuard(**options)


def test_limit_failures_within_the_window_ban_the_address(clock: ManualClock) -> None:
    guard = guard_for(clock)
    guard.record_failure(IP)
    guard.record_failure(IP)
    assert guard.retry_after(IP) is None
    guard.record_failure(IP)
    assert guard.retry_after(IP) == pytest.approx(120.0)
    assert guard.retry_after(OTHER) is None


def test_failures_older_than_the_window_are_forgotten(clock: ManualClock) -> None:
    guard = guard_for(clock)
    guard.record_failure(IP)
    guard.record_failure(IP)
    clock.advance(61)
    guard.record_failure(IP)
    guard.record_failure(IP)
    assert guard.retry_after(IP) is None
    guard.record_failure(IP)
    assert guard.retry_after(IP) is not None


def test_ban_counts_down_and_ends_after_ban_seconds(clock: ManualClock) -> None:
    guard = guard_for(clock)
    for _ in range(3):
        guard.record_failure(IP)
    clock.advance(100)
    assert guard.retry_after(IP) == pytest.approx(20.0)
    clock.advance(20)
    assert guard.retry_after(IP) is None


def test_after_a_ban_the_count_starts_again_from_zero(clock: ManualClock) -> None:
    guard = guard_for(clock, window=1000.0)
    for _ in range(3):
        guard.record_failure(IP)
    clock.advance(121)
    guard.record_failure(IP)
    assert guard.retry_after(IP) is None


def test_success_resets_the_count(clock: ManualClock) -> None:
    guard = guard_for(clock)
    guard.record_failure(IP)
    guard.record_failure(IP)
    guard.record_success(IP)
    guard.record_failure(IP)
    guard.record_failure(IP)
    assert guard.retry_after(IP) is None


def test_memory_stays_bounded_under_a_flood_of_addresses(clock: ManualClock) -> None:
    guard = guard_for(clock, limit=2, max_tracked=10)
    for n in range(1000):
        guard.record_failure(f"10.0.{n // 256}.{n % 256}")
    assert guard.tracked <= 10
    for n in range(1000):
        guard.record_failure(f"10.1.{n // 256}.{n % 256}")
        guard.record_failure(f"10.1.{n // 256}.{n % 256}")
    assert guard.tracked <= 20
    # the newest ban survives eviction, the oldest is gone
    assert guard.retry_after("10.1.3.231") is not None
    assert guard.retry_after("10.1.0.0") is None


def test_recently_failing_addresses_survive_eviction(clock: ManualClock) -> None:
    guard = guard_for(clock, limit=2, max_tracked=2)
    guard.record_failure(IP)
    guard.record_failure("10.0.0.1")
    guard.record_failure("10.0.0.2")  # evicts IP, the oldest
    guard.record_failure("10.0.0.2")
    assert guard.retry_after("10.0.0.2") is not None
    guard.record_failure(IP)
    assert guard.retry_after(IP) is None


@pytest.mark.parametrize(
    "overrides",
    [{"limit": 0}, {"window": 0}, {"ban_seconds": -1}, {"max_tracked": 0}],
)
def test_nonsense_limits_are_refused(clock: ManualClock, overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(overrides))):
        guard_for(clock, **overrides)


def _fail2ban_patterns() -> list[re.Pattern[str]]:
    """The failregex lines the module docstring documents, with fail2ban's <HOST> made a group."""
    lines = [line.strip() for line in (ban.__doc__ or "").splitlines() if line.strip().startswith("^")]
    return [re.compile(line.replace("\\\\", "\\").replace("<HOST>", r"(?P<host>[\w.:]+)")) for line in lines]


def test_log_lines_match_the_documented_fail2ban_filter(clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    guard = guard_for(clock, ban_seconds=90.5)
    formatter = logging.Formatter(FORMAT)
    with caplog.at_level(logging.WARNING, logger="ftserver.api.ban"):
        for _ in range(3):
            guard.record_failure(IP)
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [f"Failed login from {IP}"] * 3 + [f"Banned {IP} for 91 s after 3 failed login attempts"]
    patterns = _fail2ban_patterns()
    assert len(patterns) == 2
    for record in caplog.records:
        line = formatter.format(record)
        matches = [pattern.match(line) for pattern in patterns]
        assert any(m is not None and m.group("host") == IP for m in matches), line


@pytest.fixture
async def banned_client(aiohttp_client: Any, clock: ManualClock) -> Any:
    guard = guard_for(clock)
    app = web.Application()
    setup_errors(app)
    setup_ban(app, guard)

    async def anything(request: web.Request) -> web.Response:
        return json_response({"ok": True})

    app.router.add_get("/api/v1/ping", anything)
    app.router.add_post("/api/v1/token/login", anything)
    setup_cors(app, [ORIGIN])
    client = await aiohttp_client(app)
    for _ in range(3):
        guard.record_failure("127.0.0.1")  # the test client's address
    clock.advance(0.4)
    return client


async def test_banned_client_gets_429_with_retry_after_on_every_route(banned_client: Any) -> None:
    for method, path in (("GET", "/api/v1/ping"), ("POST", "/api/v1/token/login")):
        response = await banned_client.request(method, path)
        assert response.status == 429
        assert response.headers["Retry-After"] == "120"  # 119.6 s left, rounded up
        body = await response.json()
        assert body["detail"] == "Too many failed login attempts; retry in 120 s"
        assert body["code"] == "too_many_requests"


async def test_banned_client_is_served_again_when_the_ban_ends(banned_client: Any, clock: ManualClock) -> None:
    clock.advance(119.5)
    last_second = await banned_client.get("/api/v1/ping")
    assert last_second.status == 429
    assert last_second.headers["Retry-After"] == "1"
    clock.advance(0.2)
    assert (await banned_client.get("/api/v1/ping")).status == 200


async def test_preflight_of_a_banned_client_passes_so_the_ui_can_read_the_429(banned_client: Any) -> None:
    preflight = await banned_client.options(
        "/api/v1/ping", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status == 200
    response = await banned_client.get("/api/v1/ping", headers={"Origin": ORIGIN})
    assert response.status == 429
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
