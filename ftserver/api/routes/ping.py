"""``GET|HEAD /api/v1/ping``: liveness, no auth."""

from __future__ import annotations

from aiohttp import web

from ftserver.api.auth import public
from ftserver.api.openapi import API_V1, Operation, RouteTable
from ftserver.api.responses import json_response
from ftserver.api.schemas import responses as rs

routes = RouteTable(API_V1)


@routes.get("/ping", op=Operation("auth", "Liveness check", rs.PingSchema))  # aiohttp answers HEAD too
@public
async def ping(request: web.Request) -> web.Response:
    return json_response({"status": "pong"})


def setup_ping_routes(app: web.Application) -> None:
    routes.register(app)
