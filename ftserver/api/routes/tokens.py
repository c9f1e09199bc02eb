"""``POST /api/v1/token/login`` (HTTP Basic) and ``POST /api/v1/token/refresh`` (Bearer refresh token).

Both are marked public so the auth middleware lets them through; each checks its own credentials
with the same code as the middleware, so failures reach the ban guard by the same rules. The
request body is ignored (FreqUI sends ``{}`` with the login).
"""

from __future__ import annotations

import jwt
from aiohttp import web

from ftserver.api.auth import UNAUTHORIZED, authenticate_basic, authenticate_request, bearer_token, public
from ftserver.api.ban import BanGuard
from ftserver.api.principal import Principal
from ftserver.api.responses import json_response
from ftserver.api.tokens import TokenService, TokenType
from ftserver.errors import AuthError, ConfigError


def _issue(tokens: TokenService, principal: Principal, token_type: TokenType) -> str:
    try:
        return tokens.issue(principal.username, token_type)
    except jwt.InvalidKeyError as exc:
        # PyJWT refuses an empty HMAC key: name the setting instead of answering a bare 500.
        raise ConfigError(
            "is empty, so no token can be issued; set it to at least 32 random characters",
            key="api_server.jwt_secret_key",
        ) from exc


def setup_token_routes(
    app: web.Application, *, username: str, password: str, tokens: TokenService, ban: BanGuard | None
) -> None:
    def basic(header: str) -> Principal:
        return authenticate_basic(header, username, password)

    def refresh_token(header: str) -> Principal:
        token = bearer_token(header)
        if token is None:
            raise AuthError(UNAUTHORIZED)
        return tokens.verify(token, "refresh")

    @public
    async def login(request: web.Request) -> web.Response:
        principal = authenticate_request(request, ban, basic)
        return json_response(
            {
                "access_token": _issue(tokens, principal, "access"),
                "refresh_token": _issue(tokens, principal, "refresh"),
            }
        )

    @public
    async def refresh(request: web.Request) -> web.Response:
        principal = authenticate_request(request, ban, refresh_token)
        return json_response({"access_token": _issue(tokens, principal, "access")})

    app.router.add_post("/api/v1/token/login", login)
    app.router.add_post("/api/v1/token/refresh", refresh)
