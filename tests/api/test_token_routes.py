"""POST /api/v1/token/login, /token/refresh and /token/revoke on a toy app (errors -> ban -> auth plus the token
routes), and token revocation in the whole server."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from ftserver.api.auth import setup_auth
from ftserver.api.ban import BanGuard, setup_ban
from ftserver.api.errors import setup_errors
from ftserver.api.principal import Principal
from ftserver.api.responses import json_response
from ftserver.api.routes.tokens import setup_token_routes
from ftserver.api.tokens import TokenRevocations, TokenService
from ftserver.app import create_app
from ftserver.core.clock import ManualClock
from ftserver.models import RunMode
from tests.api.conftest import PASSWORD as APP_PASSWORD
from tests.api.conftest import USER as APP_USER
from tests.api.conftest import app_settings, basic_auth

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
    tokens = TokenService(secret, username=USER, password=PASSWORD, clock=clock)
    guard = BanGuard(limit=LIMIT, window=60, ban_seconds=120, clock=clock)
    app = web.Application()
    setup_errors(app)
    setup_ban(app)
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
    access = toy.tokens.verify(tokens["access_token"], "access")
    refresh = toy.tokens.verify(tokens["refresh_token"], "refresh")
    assert access == Principal(USER, via="jwt", token_family=refresh.token_family)
    assert refresh.username == USER


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
    forged = TokenService(
        "another-secret-that-is-long-enough-9876543210", username=USER, password=PASSWORD, clock=toy.clock
    ).issue(USER, "refresh")
    for _ in range(LIMIT):
        assert (await toy.client.post(REFRESH, headers=bearer(forged))).status == 401
    assert (await toy.client.post(REFRESH, headers=bearer(forged))).status == 429
    # The ban is on (address, no username): the right password, from the same address, still logs in.
    await login(toy)


async def test_login_with_an_empty_jwt_secret_names_the_setting(aiohttp_client: Any) -> None:
    app, _, _ = build_app(ManualClock(), secret="")
    client = await aiohttp_client(app)
    response = await client.post(LOGIN, headers=basic())
    assert response.status == 400
    assert "api_server.jwt_secret_key" in (await response.json())["detail"]


# ---- binding to the credentials, logout (the whole server, restarted on the same data folder) ----
REVOKE = "/api/v1/token/revoke"
WS = "/api/v1/message/ws"
APP_SECRET = "a-test-secret-that-is-long-enough-0123456789"  # the conftest settings' jwt_secret_key


def server_app(tmp_path: Path, clock: ManualClock, **api: Any) -> web.Application:
    settings = app_settings(tmp_path)
    if api:
        settings = app_settings(tmp_path, api_server={**settings.as_dict()["api_server"], **api})
    return create_app(settings, runmode=RunMode.WEBSERVER, clock=clock)


async def server_login(client: TestClient, user: str = APP_USER, password: str = APP_PASSWORD) -> dict[str, str]:
    response = await client.post(LOGIN, headers=basic_auth(user, password), json={})
    assert response.status == 200
    return await response.json()


async def ws_status(client: TestClient, token: str) -> int:
    try:
        ws = await client.ws_connect(WS, params={"token": token})
    except aiohttp.WSServerHandshakeError as exc:
        return exc.status
    await ws.close()
    return 101


@pytest.mark.parametrize("change", [{"password": "another-long-password"}, {"username": "someone"}])
async def test_changing_the_username_or_password_revokes_every_token(
    aiohttp_client: Any, tmp_path: Path, change: dict[str, str]
) -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    before = await aiohttp_client(server_app(tmp_path, clock))
    tokens = await server_login(before)
    await before.close()
    after = await aiohttp_client(server_app(tmp_path, clock, **change))
    access = await after.get("/api/v1/version", headers=bearer(tokens["access_token"]))
    assert access.status == 401
    assert "revoked" in (await access.json())["detail"]
    assert (await after.post(REFRESH, headers=bearer(tokens["refresh_token"]))).status == 401
    assert await ws_status(after, tokens["access_token"]) == 403
    # Stale tokens prove a past login, not a guess: a UI retrying with them is not banned.
    for _ in range(20):
        await after.get("/api/v1/version", headers=bearer(tokens["access_token"]))
    user = change.get("username", APP_USER)
    assert (await after.post(LOGIN, headers=basic_auth(user, change.get("password", APP_PASSWORD)))).status == 200


async def test_a_token_naming_another_user_is_refused(aiohttp_client: Any, tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    client = await aiohttp_client(server_app(tmp_path, clock))
    now = int(clock.now().timestamp())
    # Signed with the right secret, as freqtrade would issue it, for a user that is not ours.
    claims = {"identity": {"u": "anyone-else"}, "iat": now, "exp": now + 900, "type": "access"}
    forged = jwt.encode(claims, APP_SECRET, algorithm="HS256")
    assert (await client.get("/api/v1/version", headers=bearer(forged))).status == 401
    assert await ws_status(client, forged) == 403


async def test_revoke_logs_out_the_refresh_token_and_every_access_token_from_it(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    client = await aiohttp_client(server_app(tmp_path, clock))
    tokens = await server_login(client)
    other = await server_login(client)  # another browser: not logged out
    refreshed = await (await client.post(REFRESH, headers=bearer(tokens["refresh_token"]))).json()
    assert await ws_status(client, refreshed["access_token"]) == 101

    response = await client.post(REVOKE, headers=bearer(tokens["refresh_token"]))
    assert response.status == 200
    assert await response.json() == {"status": "Token revoked"}

    for access in (tokens["access_token"], refreshed["access_token"]):
        assert (await client.get("/api/v1/version", headers=bearer(access))).status == 401
        assert await ws_status(client, access) == 403
    assert (await client.post(REFRESH, headers=bearer(tokens["refresh_token"]))).status == 401
    assert (await client.post(REVOKE, headers=bearer(tokens["refresh_token"]))).status == 401
    assert (await client.get("/api/v1/version", headers=bearer(other["access_token"]))).status == 200
    assert (await client.post(REFRESH, headers=bearer(other["refresh_token"]))).status == 200

    # Kept across a restart, and forgotten once the family's tokens would have expired anyway.
    await client.close()
    restarted = await aiohttp_client(server_app(tmp_path, clock))
    assert (await restarted.post(REFRESH, headers=bearer(tokens["refresh_token"]))).status == 401
    stored = tmp_path / "user_data" / "api_revoked_tokens.json"
    assert len(json.loads(stored.read_text())["revoked"]) == 1
    clock.advance(days=31)
    await server_login(restarted)
    await restarted.post(REVOKE, headers=bearer((await server_login(restarted))["refresh_token"]))
    assert len(json.loads(stored.read_text())["revoked"]) == 1


@pytest.mark.parametrize("headers", [{}, basic(), bearer("not-a-token")])
async def test_revoke_without_a_refresh_token_is_401(toy: Toy, headers: dict[str, str]) -> None:
    assert (await toy.client.post(REVOKE, headers=headers)).status == 401


async def test_revoke_with_an_access_token_is_401(toy: Toy) -> None:
    tokens = await login(toy)
    assert (await toy.client.post(REVOKE, headers=bearer(tokens["access_token"]))).status == 401
    assert (await toy.client.get("/api/v1/secret", headers=bearer(tokens["access_token"]))).status == 200


def test_revocation_list_stays_bounded_and_drops_the_soonest_expiring() -> None:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    revocations = TokenRevocations(clock=clock, max_entries=3)
    for n in range(5):
        revocations.revoke(f"family-{n}", until=clock.now().timestamp() + 100 + n)
    assert len(revocations) == 3
    assert not revocations.is_revoked("family-0")
    assert revocations.is_revoked("family-4")


def test_tokens_carry_a_fingerprint_not_the_password() -> None:
    tokens = TokenService(SECRET, username=USER, password=PASSWORD, clock=ManualClock())
    claims = jwt.decode(tokens.issue(USER, "access"), SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert PASSWORD not in json.dumps(claims, ensure_ascii=False)
    assert claims["fp"] != TokenService(SECRET, username=USER, password="other", clock=ManualClock())._fingerprint
