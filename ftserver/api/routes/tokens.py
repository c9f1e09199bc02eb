"""``POST /api/v1/token/login`` (HTTP Basic) and ``POST /api/v1/token/refresh`` (Bearer refresh token)."""

from __future__ import annotations

from aiohttp import web

from ftserver.api.auth import authenticate_basic, bearer_token, client_ip, public
from ftserver.api.ban import BanGuard
from ftserver.api.responses import json_response
from ftserver.api.tokens import TokenService
from ftserver.errors import AuthError


def setup_token_routes(
    app: web.Application, *, username: str, password: str, tokens: TokenService, ban: BanGuard | None
) -> None:
    @public
    async def login(request: web.Request) -> web.Response:
        try:
            principal = authenticate_basic(request.headers.get("Authorization", ""), username, password)
        except AuthError:
            if ban is not None:
                ban.record_failure(client_ip(request))
            raise
        if ban is not None:
            ban.record_success(client_ip(request))
        return json_response(
            {
                "access_token": tokens.issue(principal.username, "access"),
                "refresh_token": tokens.issue(principal.username, "refresh"),
            }
        )

    @public
    async def refresh(request: web.Request) -> web.Response:
        token = bearer_token(request.headers.get("Authorization", ""))
        try:
            if token is None:
                raise AuthError("Unauthorized")
            principal = tokens.verify(token, "refresh")
        except AuthError:
            if ban is not None:
                ban.record_failure(client_ip(request))
            raise
        return json_response({"access_token": tokens.issue(principal.username, "access")})

    app.router.add_post("/api/v1/token/login", login)
    app.router.add_post("/api/v1/token/refresh", refresh)
