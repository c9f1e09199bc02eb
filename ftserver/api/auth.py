"""Authentication middleware: HTTP Basic, a Bearer JWT access token or a Bearer API token (``fts_...``,
see ``api_tokens.py``) on every non-public route. It says who is calling; ``roles.py`` decides whether
their role may call the route.

Basic credentials are checked against the configured users (``users.py``: ``username``/``password``
as admin, then ``api_server.users``); a password given as an argon2 hash is checked in a worker
thread the first time (``authenticate_password_request``).

Middleware order, outermost first: error -> ban -> auth. The error middleware turns the ``AuthError``
raised here into a JSON 401 with ``WWW-Authenticate`` (and a ban into 429); the ban middleware has
resolved the client address. Install them in that order: ``setup_errors``, ``setup_ban``, ``setup_auth``.

Which requests pass without credentials: handlers marked ``@public`` (ping, the token routes, the UI,
the WebSocket, which checks its own token) and the CORS preflights ``setup_cors`` added. The mark is
read from the matched route's own handler, so other middlewares wrapping the handler do not hide it.

A ``Bearer`` header wins over Basic (there is one Authorization header; its scheme decides). The
ban guard counts credentials that look like guesses, per (address, username): a wrong password on
the username it names, a malformed header or a token we did not sign on the address alone. A request
without credentials is not counted (browsers and ``curl`` probe first), nor is a token we signed that
is merely expired, revoked or of the other type (``SignedTokenRefused``). A banned key's password is
not checked at all; a valid token passes any ban (see ``ban.py``). Only a good password resets its
key's count: a polling UI's token does not, so a guesser cannot hide among its requests.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from ftserver.api.api_tokens import ApiTokens
from ftserver.api.ban import BanGuard, BanKey, ban_key, client_ip, too_many_attempts
from ftserver.api.cors import is_preflight
from ftserver.api.principal import Principal
from ftserver.api.tokens import SignedTokenRefused, TokenService
from ftserver.api.users import UserDirectory
from ftserver.errors import AuthError

__all__ = [
    "PRINCIPAL",
    "authenticate_api_token",
    "authenticate_request",
    "authenticate_user",
    "bearer_token",
    "client_ip",
    "counts_as_failure",
    "guard_attempt",
    "is_public",
    "principal_of",
    "public",
    "setup_auth",
]

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC_ATTR = "ftserver_public"
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal", Principal)
UNAUTHORIZED = "Unauthorized"


def public(handler: F) -> F:
    """Mark a route handler as needing no credentials."""
    setattr(handler, PUBLIC_ATTR, True)
    return handler


def is_public(request: web.Request) -> bool:
    return bool(getattr(request.match_info.handler, PUBLIC_ATTR, False))


def principal_of(request: web.Request) -> Principal:
    """Who made an authenticated request; ``KeyError`` on a public route, which has nobody."""
    return request[PRINCIPAL]


def parse_basic(header: str) -> tuple[str, str]:
    """The (user, password) of a ``Basic`` Authorization header, or ``AuthError("Unauthorized")``."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        raise AuthError(UNAUTHORIZED)
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):  # ValueError: non-ASCII characters in the header
        raise AuthError(UNAUTHORIZED) from None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")  # what python-requests (freqtrade-client) sends for non-ASCII
    given_user, colon, given_password = decoded.partition(":")
    if not colon:
        raise AuthError(UNAUTHORIZED)
    return given_user, given_password


def bearer_token(header: str) -> str | None:
    """The token of a ``Bearer`` Authorization header; None for any other scheme."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def counts_as_failure(error: AuthError) -> bool:
    """Whether a failed authentication looks like a guess the ban guard should count."""
    return not isinstance(error, SignedTokenRefused)


def guard_attempt(ban: BanGuard | None, key: BanKey, check: Callable[[], Principal], *, password: bool) -> Principal:
    """Run ``check`` under the ban guard's rules for ``key``.

    ``password``: the credential is a password, so a ban on ``key`` refuses it unchecked (answering
    it would tell a guesser when it is right) and a success resets the key's count. Otherwise it is a
    token: a valid one passes even a ban; a wrong one from a banned key gets the 429.
    """
    if ban is not None and password:
        left = ban.retry_after(key)
        if left is not None:
            raise too_many_attempts(left)
    try:
        principal = check()
    except AuthError as exc:
        if ban is not None and counts_as_failure(exc):
            left = ban.retry_after(key)
            if left is not None:
                raise too_many_attempts(left) from None
            ban.record_failure(key)
        raise
    if ban is not None and password:
        ban.record_success(key)
    return principal


def _claimed_user(header: str) -> tuple[str | None, bool]:
    """(the username the header claims, whether it carries a password); None when unknown."""
    if bearer_token(header) is not None:
        return None, False
    try:
        user, _ = parse_basic(header)
    except AuthError:
        return None, False
    return user, True


def authenticate_request(request: web.Request, ban: BanGuard | None, check: Callable[[str], Principal]) -> Principal:
    """Run ``check`` on the request's Authorization header, reporting the outcome to the ban guard."""
    header = request.headers.get(hdrs.AUTHORIZATION, "")
    if not header.strip():
        raise AuthError(UNAUTHORIZED)
    user, is_password = _claimed_user(header)
    return guard_attempt(ban, ban_key(client_ip(request), user), lambda: check(header), password=is_password)


def authenticate_user(header: str, users: UserDirectory) -> Principal:
    """The principal a ``Basic`` Authorization header names among ``users``, or ``AuthError``."""
    given_user, given_password = parse_basic(header)
    return users.authenticate(given_user, given_password)


# Password hashes checked at once in worker threads: each argon2 check takes tens of MiB.
_SLOW_CHECKS = 2


async def authenticate_password_request(
    request: web.Request,
    ban: BanGuard | None,
    users: UserDirectory,
    check: Callable[[str], Principal],
    slow_checks: asyncio.Semaphore,
) -> Principal:
    """``authenticate_request``, with a password hash checked in a worker thread, not on the event loop.

    Only a Basic header whose password would run the hash goes to a thread (a right password is
    remembered after its first check), and never for a banned key: a ban refuses it unchecked.
    """
    header = request.headers.get(hdrs.AUTHORIZATION, "")
    user, is_password = _claimed_user(header)
    if not is_password or user is None:
        return authenticate_request(request, ban, check)
    key = ban_key(client_ip(request), user)
    given_user, given_password = parse_basic(header)
    if (ban is not None and ban.retry_after(key) is not None) or not users.is_slow(given_user, given_password):
        return authenticate_request(request, ban, check)
    async with slow_checks:
        try:
            principal = await asyncio.to_thread(users.authenticate, given_user, given_password)
        except AuthError as exc:
            failure = exc

            def outcome() -> Principal:
                raise failure

        else:

            def outcome() -> Principal:
                return principal

    return guard_attempt(ban, key, outcome, password=True)


async def authenticate_api_token(peer: str, ban: BanGuard | None, api_tokens: ApiTokens, token: str) -> Principal:
    """The principal of an API token, under the ban guard's rules for tokens (key: the address alone)."""
    try:
        principal = await api_tokens.verify(token)
    except AuthError as exc:
        failure = exc

        def check() -> Principal:
            raise failure

    else:

        def check() -> Principal:
            return principal

    return guard_attempt(ban, ban_key(peer, None), check, password=False)


def setup_auth(
    app: web.Application,
    *,
    username: str = "",
    password: str = "",
    tokens: TokenService,
    ban: BanGuard | None,
    users: UserDirectory | None = None,
    api_tokens: ApiTokens | None = None,
) -> None:
    """Install the auth middleware; call after ``setup_errors`` and ``setup_ban``.

    ``users``: who may log in (default: ``username`` alone, as admin); ``api_tokens``: the long-lived
    API tokens a ``Bearer fts_...`` header is checked against (none accepted without it).
    """
    directory = users if users is not None else UserDirectory.single(username, password)
    slow_checks = asyncio.Semaphore(_SLOW_CHECKS)

    def basic_or_bearer(header: str) -> Principal:
        token = bearer_token(header)
        if token is not None:
            return tokens.verify(token, "access")
        return authenticate_user(header, directory)

    @web.middleware
    async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_public(request) or is_preflight(request):
            return await handler(request)
        token = bearer_token(request.headers.get(hdrs.AUTHORIZATION, ""))
        if api_tokens is not None and token is not None and api_tokens.recognises(token):
            request[PRINCIPAL] = await authenticate_api_token(client_ip(request), ban, api_tokens, token)
        else:
            request[PRINCIPAL] = await authenticate_password_request(
                request, ban, directory, basic_or_bearer, slow_checks
            )
        return await handler(request)

    app.middlewares.append(auth_middleware)
