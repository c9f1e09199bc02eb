"""The auth middleware on a toy app: errors -> ban -> auth, a protected route and a public one."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiohttp.typedefs import Handler

from ftserver.api.auth import principal_of, public, setup_auth
from ftserver.api.ban import BanGuard, ban_key, setup_ban
from ftserver.api.errors import setup_errors
from ftserver.api.responses import json_response
from ftserver.api.tokens import TokenService
from ftserver.core.clock import ManualClock

USER, PASSWORD = "ünïcode-user", "pässwörd"
SECRET = "a-test-secret-that-is-long-enough-0123456789"
LIMIT = 3


def basic(user: str = USER, password: str = PASSWORD, encoding: str = "utf-8") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode(encoding)).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Toy:
    client: TestClient
    clock: ManualClock
    tokens: TokenService
    guard: BanGuard

    async def status(self, path: str = "/api/v1/secret", **headers: str) -> int:
        response = await self.client.get(path, headers=headers)
        return response.status


def build_app(clock: ManualClock, *, password: str = PASSWORD) -> tuple[web.Application, TokenService, BanGuard]:
    tokens = TokenService(SECRET, username=USER, password=password, clock=clock)
    guard = BanGuard(limit=LIMIT, window=60, ban_seconds=120, clock=clock)
    app = web.Application()
    setup_errors(app)
    setup_ban(app)
    setup_auth(app, username=USER, password=password, tokens=tokens, ban=guard)

    @web.middleware
    async def inner_wrapper(request: web.Request, handler: Handler) -> web.StreamResponse:
        # Wraps the handler the auth middleware sees, as request logging or compression would.
        return await handler(request)

    app.middlewares.append(inner_wrapper)

    async def whoami(request: web.Request) -> web.Response:
        principal = principal_of(request)
        return json_response({"username": principal.username, "via": principal.via})

    @public
    async def ping(request: web.Request) -> web.Response:
        return json_response({"status": "pong"})

    async def own_options(request: web.Request) -> web.Response:
        return json_response({"options": True})

    app.router.add_get("/api/v1/secret", whoami)
    app.router.add_get("/api/v1/ping", ping)
    app.router.add_route("OPTIONS", "/api/v1/options", own_options)
    return app, tokens, guard


@pytest.fixture
async def toy(aiohttp_client: Any) -> Toy:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    app, tokens, guard = build_app(clock)
    return Toy(await aiohttp_client(app), clock, tokens, guard)


async def test_missing_credentials_are_401_json_with_challenge(toy: Toy) -> None:
    response = await toy.client.get("/api/v1/secret")
    assert response.status == 401
    body = await response.json()
    assert body["detail"] == "Unauthorized"
    assert body["code"] == "unauthorized"
    assert "Basic" in response.headers["WWW-Authenticate"]


async def test_basic_auth_with_right_credentials_names_the_user(toy: Toy) -> None:
    response = await toy.client.get("/api/v1/secret", headers=basic())
    assert response.status == 200
    assert await response.json() == {"username": USER, "via": "basic"}


async def test_latin1_encoded_credentials_are_accepted(toy: Toy) -> None:
    # python-requests (freqtrade-client) encodes Basic credentials as Latin-1.
    assert await toy.status(**basic(encoding="latin-1")) == 200


@pytest.mark.parametrize(
    ("user", "password"),
    [(USER, "wrong"), ("someone", PASSWORD), (USER, ""), (USER, PASSWORD + "x"), ("ü" * 3, "密码")],
)
async def test_wrong_credentials_are_401(toy: Toy, user: str, password: str) -> None:
    assert await toy.status(**basic(user, password)) == 401


@pytest.mark.parametrize(
    "header",
    [
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colon-here").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:\x80").decode(),
        "Basic",
        "Basic    ",
        "Digest abc",
        "Bearer",
        "Bearer not.a.jwt",
        "garbage",
    ],
)
async def test_malformed_authorization_is_401_not_500(toy: Toy, header: str) -> None:
    response = await toy.client.get("/api/v1/secret", headers={"Authorization": header})
    assert response.status == 401
    assert (await response.json())["detail"]


async def test_non_ascii_characters_in_the_header_itself_are_401(toy: Toy) -> None:
    response = await toy.client.get("/api/v1/secret", headers={"Authorization": "Basic ünïcödé=="})
    assert response.status == 401


async def test_empty_configured_password_authenticates_nobody(aiohttp_client: Any) -> None:
    app, _, _ = build_app(ManualClock(), password="")
    client = await aiohttp_client(app)
    for headers in (basic(USER, ""), basic("", ""), basic(USER, PASSWORD)):
        assert (await client.get("/api/v1/secret", headers=headers)).status == 401


async def test_bearer_access_token_names_the_user(toy: Toy) -> None:
    response = await toy.client.get("/api/v1/secret", headers=bearer(toy.tokens.issue(USER, "access")))
    assert response.status == 200
    assert await response.json() == {"username": USER, "via": "jwt"}


async def test_access_token_expires_after_15_minutes(toy: Toy) -> None:
    token = toy.tokens.issue(USER, "access")
    toy.clock.advance(minutes=14)
    assert await toy.status(**bearer(token)) == 200
    toy.clock.advance(minutes=2)
    response = await toy.client.get("/api/v1/secret", headers=bearer(token))
    assert response.status == 401
    assert "expired" in (await response.json())["detail"]


async def test_refresh_token_is_refused_on_a_normal_route(toy: Toy) -> None:
    assert await toy.status(**bearer(toy.tokens.issue(USER, "refresh"))) == 401


async def test_token_signed_with_another_secret_is_401(toy: Toy) -> None:
    forged = TokenService(
        "another-secret-that-is-long-enough-9876543210", username=USER, password=PASSWORD, clock=toy.clock
    ).issue(USER, "access")
    assert await toy.status(**bearer(forged)) == 401


async def test_public_route_needs_nothing_even_behind_another_middleware(toy: Toy) -> None:
    response = await toy.client.get("/api/v1/ping")
    assert response.status == 200
    assert await response.json() == {"status": "pong"}


async def test_preflight_headers_do_not_open_a_route_cors_did_not_add(toy: Toy) -> None:
    headers = {"Origin": "http://ui.example", "Access-Control-Request-Method": "GET"}
    response = await toy.client.options("/api/v1/options", headers=headers)
    assert response.status == 401


async def test_wrong_passwords_are_counted_until_the_client_is_banned(toy: Toy) -> None:
    for _ in range(LIMIT):
        assert await toy.status(**basic(password="guess")) == 401
    assert await toy.status(**basic()) == 429


async def test_forged_tokens_are_counted_as_failures(toy: Toy) -> None:
    for _ in range(LIMIT):
        assert await toy.status(**bearer("eyJhbGciOiJIUzI1NiJ9.e30.forged")) == 401
    assert toy.guard.retry_after(ban_key("127.0.0.1", None)) is not None


async def test_requests_without_credentials_are_not_counted(toy: Toy) -> None:
    for _ in range(LIMIT * 3):
        assert await toy.status() == 401
    assert toy.guard.tracked == 0
    assert await toy.status(**basic()) == 200


async def test_expired_or_refresh_tokens_we_signed_are_not_counted(toy: Toy) -> None:
    # FreqUI fires several requests with its old access token when it expires, then refreshes.
    expired = toy.tokens.issue(USER, "access")
    toy.clock.advance(minutes=16)
    refresh = toy.tokens.issue(USER, "refresh")
    for _ in range(LIMIT * 3):
        assert await toy.status(**bearer(expired)) == 401
        assert await toy.status(**bearer(refresh)) == 401
    assert toy.guard.tracked == 0
    assert await toy.status(**bearer(toy.tokens.issue(USER, "access"))) == 200


async def test_a_successful_request_resets_the_failure_count(toy: Toy) -> None:
    for _ in range(LIMIT - 1):
        await toy.client.get("/api/v1/secret", headers=basic(password="guess"))
    assert await toy.status(**basic()) == 200
    for _ in range(LIMIT - 1):
        await toy.client.get("/api/v1/secret", headers=basic(password="guess"))
    assert await toy.status(**basic()) == 200
