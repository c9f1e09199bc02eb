"""Bot-wide information: version, show_config, logs, sysinfo, health, edge."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ftserver.api import keys
from ftserver.api.request_parsing import parse_query
from ftserver.api.responses import error_response, json_response
from ftserver.api.schemas.requests import LogsQuerySchema

_logs_query = LogsQuerySchema()


async def get_version(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].version())


async def show_config(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].show_config())


async def get_logs(request: web.Request) -> web.Response:
    query = parse_query(request, _logs_query)
    return json_response(request.app[keys.RPC].logs(query["limit"]))


async def get_sysinfo(request: web.Request) -> web.Response:
    # psutil reads /proc; off the event loop so a slow read never stalls other requests.
    return json_response(await asyncio.to_thread(request.app[keys.RPC].sysinfo))


async def get_health(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].health())


EDGE_DISABLED = "Edge is not enabled in this bot (freqtrade removed Edge in 2025)."


async def get_edge(request: web.Request) -> web.Response:
    """Edge is a feature this bot does not have: 503 (unavailable here), not 502 (no upstream failed)."""
    request.app[keys.RPC].health()  # trade mode only, as in freqtrade
    return error_response(503, EDGE_DISABLED, "feature_disabled")


def setup_system_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/version", get_version)
    app.router.add_get("/api/v1/show_config", show_config)
    app.router.add_get("/api/v1/logs", get_logs)
    app.router.add_get("/api/v1/sysinfo", get_sysinfo)
    app.router.add_get("/api/v1/health", get_health)
    app.router.add_get("/api/v1/edge", get_edge)
