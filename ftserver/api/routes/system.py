"""Bot-wide information: version, show_config, logs, sysinfo, health, edge."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, WRONG_MODE, Operation, RouteTable
from ftserver.api.request_parsing import parse_query
from ftserver.api.responses import error_response, json_response
from ftserver.api.schemas.requests import LogsQuerySchema
from ftserver.rpc.shapes import system

_logs_query = LogsQuerySchema()

routes = RouteTable(API_V1)


@routes.get("/version", op=Operation("system", "Server version", system.Version))
async def get_version(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].version())


@routes.get(
    "/show_config",
    op=Operation("system", "Effective configuration (a whitelist of keys, no secrets)", system.ShowConfig),
)
async def show_config(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].show_config())


@routes.get("/logs", op=Operation("system", "Recent log records", system.Logs, query=LogsQuerySchema))
async def get_logs(request: web.Request) -> web.Response:
    query = parse_query(request, _logs_query)
    return json_response(request.app[keys.RPC].logs(query["limit"]))


@routes.get("/sysinfo", op=Operation("system", "CPU and memory use", system.SysInfo))
async def get_sysinfo(request: web.Request) -> web.Response:
    # psutil reads /proc; off the event loop so a slow read never stalls other requests.
    return json_response(await asyncio.to_thread(request.app[keys.RPC].sysinfo))


@routes.get(
    "/health",
    op=Operation("system", "When the bot last iterated and started", system.Health, errors=(WRONG_MODE,)),
)
async def get_health(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].health())


EDGE_DISABLED = "Edge is not enabled in this bot (freqtrade removed Edge in 2025)."


@routes.get(
    "/edge",
    op=Operation(
        "system",
        "Edge positioning (not enabled)",
        None,
        status=None,
        errors=(WRONG_MODE,),
        description=(
            "Edge was removed from freqtrade in 2025 and this bot has none: always 503 with code"
            f" `feature_disabled` and detail '{EDGE_DISABLED}'"
        ),
    ),
)
async def get_edge(request: web.Request) -> web.Response:
    """Edge is a feature this bot does not have: 503 (unavailable here), not 502 (no upstream failed)."""
    request.app[keys.RPC].health()  # trade mode only, as in freqtrade
    return error_response(503, EDGE_DISABLED, "feature_disabled")


def setup_system_routes(app: web.Application) -> None:
    routes.register(app)
