"""Auth, ban guard, CORS and token routes on a toy app with only those layers."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from ftserver.api.auth import public, setup_auth
from ftserver.api.ban import BanGuard, setup_ban
from ftserver.api.cors import setup_cors
from ftserver.api.errors import setup_errors
from ftserver.api.responses import json_response
from ftserver.api.routes.tokens import setup_token_routes
from ftserver.api.security import check_listen_security
from ftserver.api.tokens import TokenService
from ftserver.core.clock import ManualClock
from ftserver.errors import ConfigError

USER, PASSWORD = "ünïcode-user", "pässwörd"
ORIGIN = "http://ui.example:3000"


def basic(user: str = USER, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Toy:
    def __init__(self, client: Any, clock: ManualClock, tokens: TokenService) -> None:
        self.client = client
        self.clock = clock
        self.tokens = tokens


@pytest.fixture
async def toy(aiohttp_client: Any) -> Toy:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    tokens = TokenService("x" * 40, clock=clock)
    guard = BanGuard(limit=3, window=60, ban_seconds=120, clock=clock)
    app = web.Application()
    setup_errors(app)
    setup_ban(app, guard)
    setup_auth(app, username=USER, password=PASSWORD, tokens=tokens, ban=guard)

    async def secret(request: web.Request) -> web.Response:
        return json_response({"ok": True})

    @public
    async def open_door(request: web.Request) -> web.Response:
        return json_response({"open": True})

    app.router.add_get("/api/v1/secret", secret)
    app.router.add_post("/api/v1/secret", secret)
    app.router.add_get("/api/v1/open", open_door)
    setup_token_routes(app, username=USER, password=PASSWORD, tokens=tokens, ban=guard)
    setup_cors(app, [ORIGIN + "/"])
    return Toy(await aiohttp_client(app), clock, tokens)


async def test_missing_credentials_are_401_json_with_challenge(toy: Toy) -> None:
    response = await toy.client.get("/api/v1/secret")
    assert response.status == 401
    assert (await response.json())["detail"] == "Unauthorized"
    assert "Basic" in response.headers["WWW-Authenticate"]


async def test_basic_auth_with_non_ascii_credentials(toy: Toy) -> None:
    assert (await toy.client.get("/api/v1/secret", headers=basic())).status == 200
    assert (await toy.client.get("/api/v1/secret", headers=basic(password="wrong"))).status == 401


@pytest.mark.parametrize(
    "header", ["Basic !!!notbase64", "Basic " + base64.b64encode(b"\xff\xfe:x").decode(), "Digest abc", "Basic"]
)
async def test_malformed_authorization_is_401_not_500(toy: Toy, header: str) -> None:
    assert (await toy.client.get("/api/v1/secret", headers={"Authorization": header})).status == 401


async def test_public_route_needs_nothing(toy: Toy) -> None:
    assert (await toy.client.get("/api/v1/open")).status == 200


async def test_login_returns_tokens_that_work_and_refresh(toy: Toy) -> None:
    response = await toy.client.post("/api/v1/token/login", headers=basic(), json={})
    assert response.status == 200
    tokens = await response.json()
    assert set(tokens) == {"access_token", "refresh_token"}
    assert (await toy.client.get("/api/v1/secret", headers=bearer(tokens["access_token"]))).status == 200
    # a refresh token is not an access token
    assert (await toy.client.get("/api/v1/secret", headers=bearer(tokens["refresh_token"]))).status == 401
    refreshed = await toy.client.post("/api/v1/token/refresh", headers=bearer(tokens["refresh_token"]))
    assert refreshed.status == 200
    assert set(await refreshed.json()) == {"access_token"}
    assert (await toy.client.post("/api/v1/token/refresh", headers=bearer(tokens["access_token"]))).status == 401


async def test_access_token_expires_after_15_minutes(toy: Toy) -> None:
    token = toy.tokens.issue(USER, "access")
    toy.clock.advance(minutes=14)
    assert (await toy.client.get("/api/v1/secret", headers=bearer(token))).status == 200
    toy.clock.advance(minutes=2)
    assert (await toy.client.get("/api/v1/secret", headers=bearer(token))).status == 401


async def test_login_with_bad_credentials_is_401(toy: Toy) -> None:
    assert (await toy.client.post("/api/v1/token/login", headers=basic(password="no"))).status == 401


async def test_repeated_failures_ban_the_client_until_the_ban_ends(toy: Toy) -> None:
    for _ in range(3):
        assert (await toy.client.get("/api/v1/secret", headers=basic(password="guess"))).status == 401
    banned = await toy.client.get("/api/v1/secret", headers=basic())
    assert banned.status == 429
    assert int(banned.headers["Retry-After"]) == 120
    assert "retry in" in (await banned.json())["detail"]
    toy.clock.advance(seconds=121)
    assert (await toy.client.get("/api/v1/secret", headers=basic())).status == 200


async def test_success_resets_the_failure_count(toy: Toy) -> None:
    for _ in range(2):
        await toy.client.get("/api/v1/secret", headers=basic(password="guess"))
    await toy.client.get("/api/v1/secret", headers=basic())
    for _ in range(2):
        await toy.client.get("/api/v1/secret", headers=basic(password="guess"))
    assert (await toy.client.get("/api/v1/secret", headers=basic())).status == 200


async def test_preflight_from_allowed_origin_needs_no_auth(toy: Toy) -> None:
    response = await toy.client.options(
        "/api/v1/secret",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    actual = await toy.client.get("/api/v1/secret", headers={**basic(), "Origin": ORIGIN})
    assert actual.headers["Access-Control-Allow-Origin"] == ORIGIN


async def test_other_origin_gets_no_cors_headers(toy: Toy) -> None:
    response = await toy.client.get("/api/v1/secret", headers={**basic(), "Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_security_check_refuses_weak_settings_beyond_loopback() -> None:
    weak = {"listen_ip_address": "0.0.0.0", "password": "", "jwt_secret_key": "x" * 40}
    with pytest.raises(ConfigError) as info:
        check_listen_security(weak)
    assert info.value.key == "api_server.password"
    short = {"listen_ip_address": "192.0.2.1", "password": "p", "jwt_secret_key": "short"}
    with pytest.raises(ConfigError) as info:
        check_listen_security(short)
    assert info.value.key == "api_server.jwt_secret_key"
    example = {"listen_ip_address": "0.0.0.0", "password": "p", "jwt_secret_key": "somethingRandomSomethingRandom123"}
    with pytest.raises(ConfigError):
        check_listen_security(example)


def test_security_check_only_warns_on_loopback() -> None:
    warnings = check_listen_security({"listen_ip_address": "127.0.0.1", "password": "", "jwt_secret_key": "short"})
    assert any("password" in w for w in warnings)
    assert any("jwt_secret_key" in w for w in warnings)
    strong = {"listen_ip_address": "0.0.0.0", "password": "p" * 20, "jwt_secret_key": "k" * 40, "ws_token": "t" * 30}
    assert check_listen_security(strong) == []


def test_ban_guard_memory_is_bounded() -> None:
    guard = BanGuard(
        limit=5, window=60, ban_seconds=60, clock=ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), max_tracked=10
    )
    for n in range(100):
        guard.record_failure(f"10.0.0.{n}")
    assert len(guard._failures) == 10
    assert guard.retry_after("10.0.0.1") is None
