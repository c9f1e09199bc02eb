"""Bot state: start, stop, pause (alias stopentry, stopbuy), reload_config."""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.responses import json_response


async def start_bot(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].start())


async def stop_bot(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].stop())


async def pause_bot(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].pause())


async def reload_config(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].reload_config())


def setup_control_routes(app: web.Application) -> None:
    app.router.add_post("/api/v1/start", start_bot)
    app.router.add_post("/api/v1/stop", stop_bot)
    for path in ("/api/v1/pause", "/api/v1/stopentry", "/api/v1/stopbuy"):
        app.router.add_post(path, pause_bot)
    app.router.add_post("/api/v1/reload_config", reload_config)
