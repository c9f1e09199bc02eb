"""``POST /api/v1/token/login`` (HTTP Basic), ``POST /api/v1/token/refresh`` (Bearer refresh token) and
``POST /api/v1/token/revoke`` (logout: Bearer refresh token, as for a refresh).

Login and refresh answer exactly as freqtrade's do. A revoke answers ``{"status": "Token revoked"}``
and revokes the refresh token's whole family: the refresh token and every access token issued from
it (at login or by a refresh), on REST and on the WebSocket.

All are marked public so the auth middleware lets them through; each checks its own credentials
with the same code as the middleware, so failures reach the ban guard by the same rules. The
request body is ignored (FreqUI sends ``{}`` with the login).
"""

from __future__ import annotations

import asyncio

import jwt
from aiohttp import web

from ftserver.api.auth import (
    UNAUTHORIZED,
    authenticate_password_request,
    authenticate_request,
    authenticate_user,
    bearer_token,
    public,
)
from ftserver.api.ban import BanGuard
from ftserver.api.openapi import API_V1, Operation, RouteTable
from ftserver.api.principal import Principal, Role
from ftserver.api.responses import json_response
from ftserver.api.tokens import TokenService, TokenType
from ftserver.api.users import UserDirectory
from ftserver.errors import AuthError, ConfigError
from ftserver.rpc.shapes.system import AccessAndRefreshToken, AccessToken, StatusMsg


def _issue(tokens: TokenService, principal: Principal, token_type: TokenType, family: str | None) -> str:
    try:
        return tokens.issue(principal.username, token_type, family)
    except jwt.InvalidKeyError as exc:
        # PyJWT refuses an empty HMAC key: name the setting instead of answering a bare 500.
        raise ConfigError(
            "is empty, so no token can be issued; set it to at least 32 random characters",
            key="api_server.jwt_secret_key",
        ) from exc


def setup_token_routes(
    app: web.Application,
    *,
    username: str = "",
    password: str = "",
    tokens: TokenService,
    ban: BanGuard | None,
    users: UserDirectory | None = None,
) -> None:
    """``users``: who may log in (default: ``username`` alone, as admin)."""
    directory = users if users is not None else UserDirectory.single(username, password)
    slow_checks = asyncio.Semaphore(2)  # password hashes checked at once, off the event loop

    def basic(header: str) -> Principal:
        return authenticate_user(header, directory)

    def refresh_token(header: str) -> Principal:
        token = bearer_token(header)
        if token is None:
            raise AuthError(UNAUTHORIZED)
        return tokens.verify(token, "refresh")

    # Declared per app: the handlers close over this app's credentials and token service.
    routes = RouteTable(API_V1)

    @routes.post(
        "/token/login",
        op=Operation(
            "auth",
            "Trade HTTP Basic credentials for an access and a refresh token",
            AccessAndRefreshToken,
            errors=(401, 429),
            role=Role.READ,
        ),
    )
    @public
    async def login(request: web.Request) -> web.Response:
        principal = await authenticate_password_request(request, ban, directory, basic, slow_checks)
        family = tokens.new_family()
        return json_response(
            AccessAndRefreshToken(
                access_token=_issue(tokens, principal, "access", family),
                refresh_token=_issue(tokens, principal, "refresh", family),
            )
        )

    @routes.post(
        "/token/refresh",
        op=Operation(
            "auth",
            "Trade a refresh token (as Bearer) for a new access token",
            AccessToken,
            errors=(401, 429),
            role=Role.READ,
            audited=False,
        ),
    )
    @public
    async def refresh(request: web.Request) -> web.Response:
        principal = authenticate_request(request, ban, refresh_token)
        return json_response(AccessToken(_issue(tokens, principal, "access", principal.token_family)))

    @routes.post(
        "/token/revoke",
        op=Operation(
            "auth",
            "Log out: revoke a refresh token (as Bearer) and every access token issued from it",
            StatusMsg,
            errors=(401, 429),
            role=Role.READ,
        ),
    )
    @public
    async def revoke(request: web.Request) -> web.Response:
        principal = authenticate_request(request, ban, refresh_token)
        if principal.token_family is not None:
            tokens.revoke_family(principal.token_family)
        return json_response(StatusMsg("Token revoked"))

    routes.register(app)
