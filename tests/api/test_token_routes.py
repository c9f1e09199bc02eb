"""POST /api/v1/token/login and /token/refresh on a toy app: errors -> ban -> auth plus the token routes."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from ftserver.api.auth import setup_auth
from ftserver.api.ban import BanGuard, setup_ban
from ftserver.api.errors import setup_errors
from ftserver.api.principal import Principal
from ftserver.api.responses import json_response
from ftserver.api.routes.tokens import setup_token_routes
from ftserver.api.tokens import TokenService
from ftserver.core.clock import ManualClock

USER, PASSWORD = "freq", "pässwörd"
SECRET = "a-test-secret-that-is-long-enough-0123456789"
LIMIT = 3
LOGIN, REFRESH = "/api/v1/token/login", "/api/v1/token/refresh"


def basic(user: str = USER, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Toy:
    client: TestClient
    clock: ManualClock
    tokens: TokenService
    guard: BanGuard


def build_app(clock: ManualClock, secret: str = SECRET) -> tuple[web.Application, TokenService, BanGuard]:
    tokens = TokenService(secret, clock=clock)
    guard = BanGuard(limit=LIMIT, window=60, ban_seconds=120, clock=clock)
    app = web.Application()
    setup_errors(app)
    setup_ban(app, guard)
    setup_auth(app, username=USER, password=PASSWORD, tokens=tokens, ban=guard)

    async def secret_route(request: web.Request) -> web.Response:
        return json_response({"ok": True})

    app.router.add_get("/api/v1/secret", secret_route)
    setup_token_routes(app, username=USER, password=PASSWORD, tokens=tokens, ban=guard)
    return app, tokens, guard


@pytest.fixture
async def toy(aiohttp_client: Any) -> Toy:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    app, tokens, guard = build_app(clock)
    return Toy(await aiohttp_client(app), clock, tokens, guard)


async def login(toy: Toy) -> dict[str, str]:
    response = await toy.client.post(LOGIN, headers=basic(), json={})  # FreqUI sends an empty JSON body
    assert response.status == 200
    return await response.json()


async def test_login_returns_an_access_and_a_refresh_token_that_verify(toy: Toy) -> None:
    tokens = await login(toy)
    assert set(tokens) == {"access_token", "refresh_token"}
    assert toy.tokens.verify(tokens["access_token"], "access") == Principal(USER, via="jwt")
    assert toy.tokens.verify(tokens["refresh_token"], "refresh") == Principal(USER, via="jwt")


async def test_login_works_without_a_body(toy: Toy) -> None:
    assert (await toy.client.post(LOGIN, headers=basic())).status == 200


async def test_access_token_from_login_opens_protected_routes(toy: Toy) -> None:
    tokens = await login(toy)
    assert (await toy.client.get("/api/v1/secret", headers=bearer(tokens["access_token"]))).status == 200
    assert (await toy.client.get("/api/v1/secret", headers=bearer(tokens["refresh_token"]))).status == 401


@pytest.mark.parametrize(
    "headers",
    [{}, basic(password="wrong"), basic(user="nobody"), {"Authorization": "Basic %%%"}],
)
async def test_login_without_valid_basic_credentials_is_401(toy: Toy, headers: dict[str, str]) -> None:
    response = await toy.client.post(LOGIN, headers=headers, json={})
    assert response.status == 401
    assert (await response.json())["detail"] == "Unauthorized"
    assert "WWW-Authenticate" in response.headers


async def test_login_does_not_take_a_token_instead_of_a_password(toy: Toy) -> None:
    tokens = await login(toy)
    assert (await toy.client.post(LOGIN, headers=bearer(tokens["access_token"]))).status == 401


async def test_repeated_bad_logins_ban_the_client(toy: Toy) -> None:
    for _ in range(LIMIT):
        assert (await toy.client.post(LOGIN, headers=basic(password="guess"))).status == 401
    banned = await toy.client.post(LOGIN, headers=basic())
    assert banned.status == 429
    assert banned.headers["Retry-After"] == "120"


async def test_a_good_login_resets_the_failure_count(toy: Toy) -> None:
    for _ in range(LIMIT - 1):
        await toy.client.post(LOGIN, headers=basic(password="guess"))
    await login(toy)
    for _ in range(LIMIT - 1):
        await toy.client.post(LOGIN, headers=basic(password="guess"))
    await login(toy)


async def test_refresh_returns_a_new_access_token(toy: Toy) -> None:
    tokens = await login(toy)
    toy.clock.advance(minutes=20)  # the first access token has expired by now
    assert (await toy.client.get("/api/v1/secret", headers=bearer(tokens["access_token"]))).status == 401
    response = await toy.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert response.status == 200
    body = await response.json()
    assert set(body) == {"access_token"}
    assert (await toy.client.get("/api/v1/secret", headers=bearer(body["access_token"]))).status == 200


@pytest.mark.parametrize("headers", [{}, basic(), {"Authorization": "Bearer"}, bearer("not-a-token")])
async def test_refresh_without_a_refresh_token_is_401(toy: Toy, headers: dict[str, str]) -> None:
    assert (await toy.client.post(REFRESH, headers=headers)).status == 401


async def test_refresh_with_an_access_token_is_401(toy: Toy) -> None:
    tokens = await login(toy)
    response = await toy.client.post(REFRESH, headers=bearer(tokens["access_token"]))
    assert response.status == 401
    assert "refresh" in (await response.json())["detail"]


async def test_refresh_token_expires_after_30_days(toy: Toy) -> None:
    tokens = await login(toy)
    toy.clock.advance(days=30, seconds=1)
    response = await toy.client.post(REFRESH, headers=bearer(tokens["refresh_token"]))
    assert response.status == 401
    assert "expired" in (await response.json())["detail"]


async def test_forged_refresh_tokens_count_towards_a_ban(toy: Toy) -> None:
    forged = TokenService("another-secret-that-is-long-enough-9876543210", clock=toy.clock).issue(USER, "refresh")
    for _ in range(LIMIT):
        assert (await toy.client.post(REFRESH, headers=bearer(forged))).status == 401
    assert (await toy.client.post(LOGIN, headers=basic())).status == 429


async def test_login_with_an_empty_jwt_secret_names_the_setting(aiohttp_client: Any) -> None:
    app, _, _ = build_app(ManualClock(), secret="")
    client = await aiohttp_client(app)
    response = await client.post(LOGIN, headers=basic())
    assert response.status == 400
    assert "api_server.jwt_secret_key" in (await response.json())["detail"]
