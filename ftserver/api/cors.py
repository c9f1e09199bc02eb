"""CORS for the configured origins, credentials allowed (FreqUI sends credentialed requests)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp_cors
from aiohttp import web

log = logging.getLogger(__name__)


def normalise_origin(origin: str) -> str:
    return origin.strip().rstrip("/")


def setup_cors(app: web.Application, origins: Sequence[str]) -> None:
    """Call after every route is added: aiohttp-cors decorates the routes that exist."""
    allowed = {}
    for origin in origins:
        if normalise_origin(origin) == "*":
            log.error("CORS origin '*' ignored: credentials cannot be shared with every origin; list origins instead")
            continue
        allowed[normalise_origin(origin)] = aiohttp_cors.ResourceOptions(
            allow_credentials=True,
            expose_headers="*",
            allow_headers="*",
            allow_methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"],
            max_age=3600,
        )
    if not allowed:
        return
    cors = aiohttp_cors.setup(app, defaults=allowed)
    for route in list(app.router.routes()):
        if route.method == "OPTIONS":
            continue
        try:
            cors.add(route)
        except ValueError:
            continue  # another route on the same resource and method was already decorated
