"""Authentication middleware: HTTP Basic or a Bearer JWT access token on every non-public route.

A handler marked ``@public`` (ping, token routes, the UI, the WebSocket, which checks its own token)
passes without credentials, as do CORS preflight requests. Failures are counted by the ban guard;
a success clears the count. Credentials are compared in constant time on UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler

from ftserver.api.ban import BanGuard
from ftserver.api.principal import Principal
from ftserver.api.tokens import TokenService
from ftserver.errors import AuthError

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC_ATTR = "ftserver_public"
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal", Principal)


def public(handler: F) -> F:
    setattr(handler, PUBLIC_ATTR, True)
    return handler


def is_public(request: web.Request) -> bool:
    handler = request.match_info.handler
    return bool(getattr(handler, PUBLIC_ATTR, False))


def is_preflight(request: web.Request) -> bool:
    return (
        request.method == "OPTIONS"
        and "Origin" in request.headers
        and ("Access-Control-Request-Method" in request.headers)
    )


def principal_of(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def credentials_match(given_user: str, given_password: str, username: str, password: str) -> bool:
    if not password:
        return False  # an empty configured password authenticates nobody
    user_ok = hmac.compare_digest(given_user.encode("utf-8", "surrogatepass"), username.encode("utf-8"))
    pass_ok = hmac.compare_digest(given_password.encode("utf-8", "surrogatepass"), password.encode("utf-8"))
    return user_ok and pass_ok


def authenticate_basic(header: str, username: str, password: str) -> Principal:
    """The principal named by a ``Basic`` Authorization header, or ``AuthError``."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise AuthError("Unauthorized")
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise AuthError("Unauthorized") from None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")  # what python-requests (freqtrade-client) sends for non-ASCII
    user, sep, given = decoded.partition(":")
    if not sep or not credentials_match(user, given, username, password):
        raise AuthError("Unauthorized")
    return Principal(username=user, via="basic")


def bearer_token(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def client_ip(request: web.Request) -> str:
    return request.remote or "unknown"


def setup_auth(
    app: web.Application, *, username: str, password: str, tokens: TokenService, ban: BanGuard | None
) -> None:
    @web.middleware
    async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_public(request) or is_preflight(request):
            return await handler(request)
        header = request.headers.get("Authorization", "")
        try:
            token = bearer_token(header)
            if token is not None:
                principal = tokens.verify(token, "access")
            else:
                principal = authenticate_basic(header, username, password)
        except AuthError:
            if ban is not None and header:
                ban.record_failure(client_ip(request))
            raise
        if ban is not None:
            ban.record_success(client_ip(request))
        request[PRINCIPAL] = principal
        return await handler(request)

    app.middlewares.append(auth_middleware)
