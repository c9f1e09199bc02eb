"""Bot state: start, stop, pause (alias stopentry, stopbuy), reload_config."""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, CONFLICT, WRONG_MODE, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.responses import json_response
from ftserver.rpc.shapes.system import StatusMsg

routes = RouteTable(API_V1)


@routes.post("/start", op=Operation("control", "Start trading", StatusMsg, errors=(WRONG_MODE,), role=Role.ADMIN))
async def start_bot(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].start())


@routes.post("/stop", op=Operation("control", "Stop trading", StatusMsg, errors=(WRONG_MODE,), role=Role.ADMIN))
async def stop_bot(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].stop())


@routes.post(
    "/pause",
    "/stopentry",
    "/stopbuy",
    op=Operation(
        "control", "Stop opening trades; exits continue", StatusMsg, errors=(CONFLICT, WRONG_MODE), role=Role.ADMIN
    ),
)
async def pause_bot(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].pause())


@routes.post(
    "/reload_config",
    op=Operation("control", "Reload the configuration files", StatusMsg, errors=(WRONG_MODE,), role=Role.ADMIN),
)
async def reload_config(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].reload_config())


def setup_control_routes(app: web.Application) -> None:
    routes.register(app)
