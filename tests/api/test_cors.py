"""CORS on a toy app with the real error, ban and auth middlewares: what a FreqUI on another origin needs."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from ftserver.api.auth import public, setup_auth
from ftserver.api.ban import BanGuard, setup_ban
from ftserver.api.cors import setup_cors
from ftserver.api.errors import setup_errors
from ftserver.api.responses import json_response
from ftserver.api.tokens import TokenService
from ftserver.core.clock import ManualClock

USER, PASSWORD = "freq", "a-password"
ORIGIN = "http://127.0.0.1:3000"
BASIC = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}


def preflight_headers(origin: str = ORIGIN, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization,content-type",
    }


def build_app(origins: Sequence[str]) -> web.Application:
    clock = ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    guard = BanGuard(limit=3, window=60, ban_seconds=120, clock=clock)
    app = web.Application()
    setup_errors(app)
    setup_ban(app)
    setup_auth(
        app,
        username=USER,
        password=PASSWORD,
        tokens=TokenService(
            "a-test-secret-that-is-long-enough-0123456789", username=USER, password=PASSWORD, clock=clock
        ),
        ban=guard,
    )

    async def secret(request: web.Request) -> web.Response:
        return json_response({"ok": True})

    @public
    async def ping(request: web.Request) -> web.Response:
        return json_response({"status": "pong"})

    async def own_options(request: web.Request) -> web.Response:
        return json_response({"own": True})

    app.router.add_get("/api/v1/secret", secret)
    app.router.add_post("/api/v1/secret", secret)
    app.router.add_delete("/api/v1/secret", secret)
    app.router.add_get("/api/v1/ping", ping)
    app.router.add_get("/api/v1/custom", secret)
    app.router.add_route("OPTIONS", "/api/v1/custom", own_options)
    setup_cors(app, origins)
    return app


@pytest.fixture
async def client(aiohttp_client: Any) -> TestClient:
    # Configured with a trailing slash; browsers send the Origin without one.
    return await aiohttp_client(build_app([ORIGIN + "/"]))


async def test_preflight_from_a_configured_origin_needs_no_auth(client: TestClient) -> None:
    response = await client.options("/api/v1/secret", headers=preflight_headers())
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    allowed_headers = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(("path", "method"), [("/api/v1/secret", "DELETE"), ("/api/v1/ping", "GET")])
async def test_preflight_works_for_every_method_and_public_routes(client: TestClient, path: str, method: str) -> None:
    response = await client.options(path, headers=preflight_headers(method=method))
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


async def test_actual_request_carries_the_exact_origin_and_credentials_flag(client: TestClient) -> None:
    response = await client.get("/api/v1/secret", headers={**BASIC, "Origin": ORIGIN})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


async def test_a_401_carries_cors_headers_so_the_ui_can_read_it_and_refresh(client: TestClient) -> None:
    response = await client.get("/api/v1/secret", headers={"Origin": ORIGIN})
    assert response.status == 401
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


async def test_other_origin_gets_no_cors_headers(client: TestClient) -> None:
    response = await client.get("/api/v1/secret", headers={**BASIC, "Origin": "http://evil.example"})
    assert response.status == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = await client.options("/api/v1/secret", headers=preflight_headers("http://evil.example"))
    assert preflight.status == 403
    assert "Access-Control-Allow-Origin" not in preflight.headers


async def test_a_route_with_its_own_options_handler_is_left_alone(client: TestClient) -> None:
    # Its OPTIONS handler is not a CORS preflight, so preflight headers do not skip auth.
    assert (await client.options("/api/v1/custom", headers=preflight_headers(method="GET"))).status == 401
    response = await client.options("/api/v1/custom", headers=BASIC)
    assert await response.json() == {"own": True}


async def test_wildcard_origin_is_refused_with_an_error_log(
    aiohttp_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="ftserver.api.cors"):
        app = build_app(["*", ORIGIN])
    assert any("'*'" in record.getMessage() for record in caplog.records if record.levelno == logging.ERROR)
    client = await aiohttp_client(app)
    evil = await client.get("/api/v1/secret", headers={**BASIC, "Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers
    allowed = await client.get("/api/v1/secret", headers={**BASIC, "Origin": ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN


async def test_without_origins_no_cors_headers_and_preflight_is_not_answered(aiohttp_client: Any) -> None:
    client = await aiohttp_client(build_app([]))
    response = await client.get("/api/v1/secret", headers={**BASIC, "Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = await client.options("/api/v1/secret", headers=preflight_headers())
    assert preflight.status in (401, 405)
    assert "Access-Control-Allow-Origin" not in preflight.headers
