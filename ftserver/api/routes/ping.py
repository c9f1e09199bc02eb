"""``GET|HEAD /api/v1/ping``: liveness, no auth."""

from __future__ import annotations

from aiohttp import web

from ftserver.api.auth import public
from ftserver.api.openapi import API_V1, Operation, RouteTable
from ftserver.api.responses import json_response
from ftserver.rpc.shapes.system import StatusMsg

routes = RouteTable(API_V1)


@routes.get("/ping", op=Operation("auth", "Liveness check", StatusMsg))  # aiohttp answers HEAD too
@public
async def ping(request: web.Request) -> web.Response:
    return json_response(StatusMsg("pong"))


def setup_ping_routes(app: web.Application) -> None:
    routes.register(app)
