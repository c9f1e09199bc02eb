"""CORS for the configured origins, with credentials (FreqUI on another origin sends credentialed requests).

Each allowed origin gets back its exact value in ``Access-Control-Allow-Origin`` plus
``Access-Control-Allow-Credentials: true``; any requested header (``authorization``, ``content-type``)
is allowed. ``*`` is refused: browsers reject a wildcard on credentialed requests, and allowing
every origin with credentials would let any web page drive the bot with a logged-in user's browser.

Origins are compared without trailing slashes: a configured ``http://127.0.0.1:3000/`` matches the
``Origin: http://127.0.0.1:3000`` a browser sends.

The preflight routes aiohttp-cors adds are remembered under ``PREFLIGHT_ROUTES`` so the ban and auth
middlewares can let exactly those through, and not some other OPTIONS handler that merely receives
preflight-looking headers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp_cors
from aiohttp import hdrs, web

log = logging.getLogger(__name__)

PREFLIGHT_ROUTES: web.AppKey[frozenset[web.AbstractRoute]] = web.AppKey("cors_preflight_routes", frozenset)
ALLOWED_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")


def normalise_origin(origin: str) -> str:
    return origin.strip().rstrip("/")


def is_preflight(request: web.Request) -> bool:
    """A CORS preflight aimed at a preflight route ``setup_cors`` added."""
    if request.method != hdrs.METH_OPTIONS:
        return False
    if hdrs.ORIGIN not in request.headers or hdrs.ACCESS_CONTROL_REQUEST_METHOD not in request.headers:
        return False
    return request.match_info.route in request.app.get(PREFLIGHT_ROUTES, frozenset())


def _handles_own_options(resource: web.AbstractResource) -> bool:
    return any(route.method in (hdrs.METH_OPTIONS, hdrs.METH_ANY) for route in resource)


def setup_cors(app: web.Application, origins: Sequence[str]) -> None:
    """Enable CORS on every route that exists now: call after all routes are added."""
    allowed: dict[str, aiohttp_cors.ResourceOptions] = {}
    for origin in origins:
        normalised = normalise_origin(origin)
        if normalised == "*":
            log.error(
                "CORS origin '*' ignored: browsers refuse it on credentialed requests, and it would let any web "
                "page use a logged-in browser against the bot; list the UI's origins instead"
            )
            continue
        if not normalised:
            continue
        allowed[normalised] = aiohttp_cors.ResourceOptions(
            allow_credentials=True,
            expose_headers="*",
            allow_headers="*",
            allow_methods=list(ALLOWED_METHODS),
            max_age=3600,
        )
    if not allowed:
        return
    cors = aiohttp_cors.setup(app, defaults=allowed)
    own_options = {resource for resource in app.router.resources() if _handles_own_options(resource)}
    for resource in own_options:
        log.debug("CORS not added to %s: it has its own OPTIONS handler", resource)
    options_before = {route for route in app.router.routes() if route.method == hdrs.METH_OPTIONS}
    for route in list(app.router.routes()):
        if route.resource is not None and route.resource not in own_options:
            cors.add(route)
    app[PREFLIGHT_ROUTES] = frozenset(
        route for route in app.router.routes() if route.method == hdrs.METH_OPTIONS and route not in options_before
    )
