"""Pairs: whitelist, blacklist (read, add, delete) and pair locks."""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.request_parsing import parse_body, parse_query, path_int
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests import (
    BlacklistDeleteQuerySchema,
    BlacklistRequestSchema,
    DeleteLockRequestSchema,
    LockRequestSchema,
)

_blacklist_body = BlacklistRequestSchema()
_blacklist_delete = BlacklistDeleteQuerySchema()
_lock_body = LockRequestSchema()
_delete_lock_body = DeleteLockRequestSchema()


async def get_whitelist(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].whitelist())


async def get_blacklist(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].blacklist())


async def add_blacklist(request: web.Request) -> web.Response:
    body = await parse_body(request, _blacklist_body)
    return json_response(await request.app[keys.RPC].add_blacklist(body["blacklist"]))


async def delete_blacklist(request: web.Request) -> web.Response:
    pairs = parse_query(request, _blacklist_delete)["pairs_to_delete"]
    return json_response(await request.app[keys.RPC].delete_blacklist(pairs))


async def list_locks(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].locks())


async def add_locks(request: web.Request) -> web.Response:
    locks = await parse_body(request, _lock_body, many=True)
    return json_response(await request.app[keys.RPC].add_locks(locks))


async def delete_lock(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].delete_lock(lock_id=path_int(request, "lockid")))


async def delete_lock_by(request: web.Request) -> web.Response:
    body = await parse_body(request, _delete_lock_body)
    return json_response(await request.app[keys.RPC].delete_lock(lock_id=body["lockid"], pair=body["pair"]))


async def available_pairlists(request: web.Request) -> web.Response:
    """The pairlist handlers this server knows (only the static list)."""
    return json_response(
        {
            "pairlists": [
                {
                    "name": "StaticPairList",
                    "is_pairlist_generator": True,
                    "params": {},
                    "description": "Use pairlist as configured in config",
                    "supports_backtesting": "yes",
                }
            ]
        }
    )


def setup_pair_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/v1/whitelist", get_whitelist)
    r.add_get("/api/v1/pairlists/available", available_pairlists)
    r.add_get("/api/v1/blacklist", get_blacklist)
    r.add_post("/api/v1/blacklist", add_blacklist)
    r.add_delete("/api/v1/blacklist", delete_blacklist)
    r.add_get("/api/v1/locks", list_locks)
    r.add_post("/api/v1/locks", add_locks)
    r.add_post("/api/v1/locks/delete", delete_lock_by)
    r.add_delete("/api/v1/locks/{lockid}", delete_lock)
