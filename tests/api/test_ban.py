"""The brute-force guard: counting per (address, username), banning, expiry, bounded memory, fail2ban-ready logs,
bans kept across restarts, client addresses behind trusted proxies."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, make_mocked_request

from ftserver.api import ban
from ftserver.api.ban import BanGuard, BanKey, ClientAddresses, ban_key
from ftserver.api.state_store import MemoryStore
from ftserver.app import create_app
from ftserver.core.clock import ManualClock
from ftserver.errors import ConfigError
from ftserver.logs import FORMAT
from ftserver.models import RunMode
from tests.api.conftest import PASSWORD, USER, app_settings, basic_auth

IP = "192.0.2.7"
OTHER = "198.51.100.9"
ORIGIN = "http://ui.example:3000"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 1, 1, tzinfo=UTC))


def k(address: str, user: str | None = "freq") -> BanKey:
    return ban_key(address, user)


def guard_for(clock: ManualClock, **overrides: Any) -> BanGuard:
    options: dict[str, Any] = {"limit": 3, "window": 60.0, "ban_seconds": 120.0, "clock": clock}
    options.update(overrides)
    return BanGuard(**options)


def test_limit_failures_within_the_window_ban_the_address(clock: ManualClock) -> None:
    guard = guard_for(clock)
    guard.record_failure(k(IP))
    guard.record_failure(k(IP))
    assert guard.retry_after(k(IP)) is None
    guard.record_failure(k(IP))
    assert guard.retry_after(k(IP)) == pytest.approx(120.0)
    assert guard.retry_after(k(OTHER)) is None


def test_failures_older_than_the_window_are_forgotten(clock: ManualClock) -> None:
    guard = guard_for(clock)
    guard.record_failure(k(IP))
    guard.record_failure(k(IP))
    clock.advance(61)
    guard.record_failure(k(IP))
    guard.record_failure(k(IP))
    assert guard.retry_after(k(IP)) is None
    guard.record_failure(k(IP))
    assert guard.retry_after(k(IP)) is not None


def test_ban_counts_down_and_ends_after_ban_seconds(clock: ManualClock) -> None:
    guard = guard_for(clock)
    for _ in range(3):
        guard.record_failure(k(IP))
    clock.advance(100)
    assert guard.retry_after(k(IP)) == pytest.approx(20.0)
    clock.advance(20)
    assert guard.retry_after(k(IP)) is None


def test_after_a_ban_the_count_starts_again_from_zero(clock: ManualClock) -> None:
    guard = guard_for(clock, window=1000.0)
    for _ in range(3):
        guard.record_failure(k(IP))
    clock.advance(121)
    guard.record_failure(k(IP))
    assert guard.retry_after(k(IP)) is None


def test_success_resets_the_count(clock: ManualClock) -> None:
    guard = guard_for(clock)
    guard.record_failure(k(IP))
    guard.record_failure(k(IP))
    guard.record_success(k(IP))
    guard.record_failure(k(IP))
    guard.record_failure(k(IP))
    assert guard.retry_after(k(IP)) is None


def test_memory_stays_bounded_under_a_flood_of_addresses(clock: ManualClock) -> None:
    guard = guard_for(clock, limit=2, max_tracked=10)
    for n in range(1000):
        guard.record_failure(k(f"10.0.{n // 256}.{n % 256}"))
    assert guard.tracked <= 10
    for n in range(1000):
        guard.record_failure(k(f"10.1.{n // 256}.{n % 256}"))
        guard.record_failure(k(f"10.1.{n // 256}.{n % 256}"))
    assert guard.tracked <= 20
    # the newest ban survives eviction, the oldest is gone
    assert guard.retry_after(k("10.1.3.231")) is not None
    assert guard.retry_after(k("10.1.0.0")) is None


def test_recently_failing_addresses_survive_eviction(clock: ManualClock) -> None:
    guard = guard_for(clock, limit=2, max_tracked=2)
    guard.record_failure(k(IP))
    guard.record_failure(k("10.0.0.1"))
    guard.record_failure(k("10.0.0.2"))  # evicts IP, the oldest
    guard.record_failure(k("10.0.0.2"))
    assert guard.retry_after(k("10.0.0.2")) is not None
    guard.record_failure(k(IP))
    assert guard.retry_after(k(IP)) is None


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
            guard.record_failure(k(IP))
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [f"Failed login from {IP}"] * 3 + [f"Banned {IP} for 91 s after 3 failed login attempts"]
    patterns = _fail2ban_patterns()
    assert len(patterns) == 2
    for record in caplog.records:
        line = _cut_date(formatter.format(record))
        matches = [pattern.match(line) for pattern in patterns]
        assert any(m is not None and m.group("host") == IP for m in matches), line


def _cut_date(line: str) -> str:
    """What fail2ban matches its failregex against: the line with its leading date cut out."""
    date = re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", line)
    assert date is not None, line
    return line[date.end() :]


def test_the_fail2ban_filter_ignores_client_text_quoted_at_the_end_of_another_line() -> None:
    quoted = "2026-03-02 12:00:30,000 - ftserver.api.ws.endpoint - INFO - Invalid message type: x"
    for forged in (
        f"{quoted} - ftserver.api.ban - WARNING - Failed login from 203.0.113.9",
        f"{quoted} - ftserver.api.ban - WARNING - Banned 203.0.113.9 for 600 s after 10 failed login attempts",
    ):
        assert not any(pattern.match(_cut_date(forged)) for pattern in _fail2ban_patterns()), forged


# ---- the whole server ------------------------------------------------------------------------
LOGIN = "/api/v1/token/login"
WS_TOKEN = "ws-test-token"  # the conftest settings' ws_token
FORGED = "eyJhbGciOiJIUzI1NiJ9.e30.forged"
LIMIT = 10  # the default auth_fail_limit


def app_on(tmp_path: Path, clock: ManualClock, **api: Any) -> web.Application:
    """The API alone (webserver mode) on ``tmp_path``'s settings: two of them are a restart."""
    settings = app_settings(tmp_path)
    if api:
        settings = app_settings(tmp_path, api_server={**settings.as_dict()["api_server"], **api})
    return create_app(settings, runmode=RunMode.WEBSERVER, clock=clock)


@pytest.fixture
async def client(aiohttp_client: Any, tmp_path: Path, clock: ManualClock) -> TestClient:
    return await aiohttp_client(app_on(tmp_path, clock))


async def _status(client: TestClient, headers: dict[str, str], path: str = "/api/v1/version") -> int:
    return (await client.get(path, headers=headers)).status


async def test_wrong_passwords_for_another_username_do_not_lock_out_the_real_user(client: TestClient) -> None:
    for _ in range(LIMIT):
        assert await _status(client, basic_auth("admin", "guess")) == 401
    assert await _status(client, basic_auth("admin", "guess")) == 429
    assert await _status(client, basic_auth()) == 200  # same address, other username


async def test_forged_tokens_from_a_shared_address_do_not_lock_out_a_password_login(client: TestClient) -> None:
    for _ in range(LIMIT):
        assert await _status(client, {"Authorization": f"Bearer {FORGED}"}) == 401
    assert await _status(client, {"Authorization": f"Bearer {FORGED}"}) == 429
    assert await _status(client, basic_auth()) == 200


async def test_a_banned_username_passes_with_a_valid_token_but_not_with_its_password(client: TestClient) -> None:
    tokens = await (await client.post(LOGIN, headers=basic_auth())).json()
    for _ in range(LIMIT):
        assert await _status(client, basic_auth(USER, "guess")) == 401
    # The right password is not even checked while banned: a guesser must not learn it guessed right.
    refused = await client.get("/api/v1/version", headers=basic_auth())
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "600"
    assert await _status(client, {"Authorization": f"Bearer {tokens['access_token']}"}) == 200
    refreshed = await client.post(
        "/api/v1/token/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert refreshed.status == 200


async def test_public_routes_stay_open_from_a_banned_address(client: TestClient) -> None:
    for _ in range(LIMIT):
        await client.get("/api/v1/version", headers=basic_auth(USER, "guess"))
    assert await _status(client, basic_auth()) == 429
    assert await _status(client, {}, "/api/v1/ping") == 200


async def test_a_polling_ui_does_not_reset_a_guessers_count(client: TestClient) -> None:
    tokens = await (await client.post(LOGIN, headers=basic_auth())).json()
    ui = {"Authorization": f"Bearer {tokens['access_token']}"}
    for _ in range(LIMIT):
        assert await _status(client, ui) == 200
        await client.get("/api/v1/version", headers=basic_auth(USER, "guess"))
    assert await _status(client, basic_auth(USER, "guess")) == 429


async def test_bans_survive_a_restart(aiohttp_client: Any, tmp_path: Path, clock: ManualClock) -> None:
    first = await aiohttp_client(app_on(tmp_path, clock))
    for _ in range(LIMIT):
        await first.get("/api/v1/version", headers=basic_auth(USER, "guess"))
    await first.close()
    stored = (tmp_path / "user_data" / "api_bans.json").read_text()
    assert USER not in stored  # usernames are kept as hashes
    restarted = await aiohttp_client(app_on(tmp_path, clock))
    assert await _status(restarted, basic_auth()) == 429
    clock.advance(600)
    assert await _status(restarted, basic_auth()) == 200
    assert json.loads((tmp_path / "user_data" / "api_bans.json").read_text()) == {"bans": []}


async def test_ban_file_is_written_only_when_a_ban_starts_or_ends(client: TestClient, tmp_path: Path) -> None:
    stored = tmp_path / "user_data" / "api_bans.json"
    for _ in range(LIMIT - 1):
        await client.get("/api/v1/version", headers=basic_auth(USER, "guess"))
    assert not stored.exists()
    await client.get("/api/v1/version", headers=basic_auth(USER, "guess"))
    assert len(json.loads(stored.read_text())["bans"]) == 1


async def test_a_trusted_proxys_forwarded_for_separates_its_clients(
    aiohttp_client: Any, tmp_path: Path, clock: ManualClock
) -> None:
    client = await aiohttp_client(app_on(tmp_path, clock, trusted_proxies=["127.0.0.0/8"]))

    def via_proxy(chain: str, user: str = USER, password: str = PASSWORD) -> dict[str, str]:
        return {**basic_auth(user, password), "X-Forwarded-For": chain}

    for _ in range(LIMIT):
        assert await _status(client, via_proxy("203.0.113.5", password="guess")) == 401
    assert await _status(client, via_proxy("203.0.113.5")) == 429
    assert await _status(client, via_proxy("203.0.113.6")) == 200  # another client behind the same proxy
    # What the client wrote left of the proxy's entry does not change who it is.
    assert await _status(client, via_proxy("198.51.100.1, 203.0.113.5")) == 429
    assert await _status(client, via_proxy("203.0.113.5, 127.0.0.1")) == 429  # a second trusted hop


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(client: TestClient) -> None:
    for n in range(LIMIT):
        headers = {**basic_auth(USER, "guess"), "X-Forwarded-For": f"203.0.113.{n}", "Forwarded": f"for=203.0.113.{n}"}
        await client.get("/api/v1/version", headers=headers)
    assert await _status(client, {**basic_auth(), "X-Forwarded-For": "203.0.113.99"}) == 429


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        ("10.0.0.2", {"X-Forwarded-For": "203.0.113.5"}, "203.0.113.5"),
        ("10.0.0.2", {"X-Forwarded-For": "1.1.1.1, 203.0.113.5, 10.0.0.3"}, "203.0.113.5"),
        ("10.0.0.2", {"X-Forwarded-For": "10.0.0.4, 10.0.0.3"}, "10.0.0.4"),  # only proxies: the left-most
        ("10.0.0.2", {"X-Forwarded-For": "garbage"}, "10.0.0.2"),
        ("10.0.0.2", {"Forwarded": 'for=1.1.1.1, for="[2001:db8::1]:4711"'}, "2001:db8::1"),
        ("10.0.0.2", {"Forwarded": "for=203.0.113.7:8080;proto=https"}, "203.0.113.7"),
        ("10.0.0.2", {}, "10.0.0.2"),
        ("192.0.2.1", {"X-Forwarded-For": "203.0.113.5"}, "192.0.2.1"),  # not a trusted proxy
    ],
)
def test_client_address_is_the_right_most_untrusted_forwarded_hop(
    peer: str, headers: dict[str, str], expected: str
) -> None:
    request = make_mocked_request("GET", "/", headers=headers)
    request = request.clone(remote=peer)
    assert ClientAddresses(["10.0.0.0/8"]).resolve(request) == expected


def test_trusted_proxies_must_be_addresses_or_networks(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        app_settings(tmp_path, api_server={"trusted_proxies": ["proxy.lan"]})
    assert info.value.key is not None and "trusted_proxies" in info.value.key


def test_the_ban_table_and_its_store_stay_bounded(clock: ManualClock) -> None:
    store = MemoryStore()
    guard = guard_for(clock, limit=1, max_tracked=5, store=store)
    for n in range(50):
        guard.record_failure(k(f"10.0.0.{n}"))
    assert len(store.data["bans"]) == 5
    assert (
        len(BanGuard(limit=1, window=60, ban_seconds=120, clock=clock, max_tracked=3, store=store)._banned_until) == 3
    )
