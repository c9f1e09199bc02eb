"""``GET|HEAD /api/v1/ping``: liveness, no auth."""

from __future__ import annotations

from aiohttp import web

from ftserver.api.auth import public
from ftserver.api.responses import json_response


@public
async def ping(request: web.Request) -> web.Response:
    return json_response({"status": "pong"})


def setup_ping_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/ping", ping)  # aiohttp answers HEAD for GET routes too
