"""Pairs: whitelist, blacklist (read, add, delete) and pair locks."""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, WRONG_MODE, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.request_parsing import parse_body, parse_query, path_int
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests import (
    BlacklistDeleteQuerySchema,
    BlacklistRequestSchema,
    DeleteLockRequestSchema,
    LockRequestSchema,
)
from ftserver.rpc.shapes import pairs

_blacklist_body = BlacklistRequestSchema()
_blacklist_delete = BlacklistDeleteQuerySchema()
_lock_body = LockRequestSchema()
_delete_lock_body = DeleteLockRequestSchema()

routes = RouteTable(API_V1)


@routes.get("/whitelist", op=Operation("pairs", "Pairs being traded", pairs.Whitelist, errors=(WRONG_MODE,)))
async def get_whitelist(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].whitelist())


@routes.get("/pairlists/available", op=Operation("pairs", "Pair list handlers this server knows", pairs.Pairlists))
async def available_pairlists(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].available_pairlists())


@routes.get("/blacklist", op=Operation("pairs", "Blacklisted pairs", pairs.Blacklist, errors=(WRONG_MODE,)))
async def get_blacklist(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].blacklist())


@routes.post(
    "/blacklist",
    op=Operation(
        "pairs",
        "Add pairs or patterns to the blacklist",
        pairs.Blacklist,
        body=BlacklistRequestSchema,
        errors=(WRONG_MODE,),
        role=Role.TRADE,
    ),
)
async def add_blacklist(request: web.Request) -> web.Response:
    body = await parse_body(request, _blacklist_body)
    return json_response(await request.app[keys.RPC].add_blacklist(body["blacklist"]))


@routes.delete(
    "/blacklist",
    op=Operation(
        "pairs",
        "Remove pairs or patterns from the blacklist",
        pairs.Blacklist,
        query=BlacklistDeleteQuerySchema,
        errors=(WRONG_MODE,),
        role=Role.TRADE,
    ),
)
async def delete_blacklist(request: web.Request) -> web.Response:
    pairs = parse_query(request, _blacklist_delete)["pairs_to_delete"]
    return json_response(await request.app[keys.RPC].delete_blacklist(pairs))


@routes.get("/locks", op=Operation("pairs", "Active pair locks", pairs.Locks, errors=(WRONG_MODE,)))
async def list_locks(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].locks())


@routes.post(
    "/locks",
    op=Operation(
        "pairs",
        "Lock pairs until a time",
        pairs.Locks,
        body=LockRequestSchema,
        body_many=True,
        errors=(WRONG_MODE,),
        role=Role.TRADE,
    ),
)
async def add_locks(request: web.Request) -> web.Response:
    locks = await parse_body(request, _lock_body, many=True)
    return json_response(await request.app[keys.RPC].add_locks(locks))


@routes.post(
    "/locks/delete",
    op=Operation(
        "pairs",
        "Delete a lock by id, or every lock of a pair",
        pairs.Locks,
        body=DeleteLockRequestSchema,
        errors=(WRONG_MODE,),
        role=Role.TRADE,
    ),
)
async def delete_lock_by(request: web.Request) -> web.Response:
    body = await parse_body(request, _delete_lock_body)
    return json_response(await request.app[keys.RPC].delete_lock(lock_id=body["lockid"], pair=body["pair"]))


@routes.delete(
    "/locks/{lockid}", op=Operation("pairs", "Delete a lock", pairs.Locks, errors=(WRONG_MODE,), role=Role.TRADE)
)
async def delete_lock(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].delete_lock(lock_id=path_int(request, "lockid")))


def setup_pair_routes(app: web.Application) -> None:
    routes.register(app)
