"""Trades: open trades, history pages, one trade, deleting, cancelling, reloading, forcing entries and exits."""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.request_parsing import parse_body, parse_query, path_int
from ftserver.api.responses import json_response, streamed_json_response
from ftserver.api.schemas.requests import (
    CustomDataQuerySchema,
    ForceEnterRequestSchema,
    ForceExitRequestSchema,
    TradesQuerySchema,
)

_trades_query = TradesQuerySchema()
_custom_query = CustomDataQuerySchema()
_force_enter = ForceEnterRequestSchema()
_force_exit = ForceExitRequestSchema()


async def list_open_trades(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].status())


async def list_trades(request: web.Request) -> web.StreamResponse:
    query = parse_query(request, _trades_query)
    page = await request.app[keys.RPC].trades(query["limit"], query["offset"], order_by_id=query["order_by_id"])
    return await streamed_json_response(request, page)  # up to ~1.5 MB: sent as the client reads it


async def get_trade(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].trade(path_int(request, "tradeid")))


async def delete_trade(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].delete_trade(path_int(request, "tradeid")))


async def cancel_open_order(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].cancel_open_order(path_int(request, "tradeid")))


async def reload_trade(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].reload_trade(path_int(request, "tradeid")))


async def open_trades_custom_data(request: web.Request) -> web.Response:
    query = parse_query(request, _custom_query)
    rpc = request.app[keys.RPC]
    return json_response(await rpc.open_trades_custom_data(query["key"], query["limit"], query["offset"]))


async def trade_custom_data(request: web.Request) -> web.Response:
    query = parse_query(request, _custom_query)
    return json_response(await request.app[keys.RPC].custom_data(path_int(request, "tradeid"), query["key"]))


async def force_enter(request: web.Request) -> web.Response:
    body = await parse_body(request, _force_enter)
    trade = await request.app[keys.RPC].force_enter(
        body["pair"],
        side=body["side"],
        price=body["price"],
        order_type=body["ordertype"],
        stake_amount=body["stakeamount"],
        enter_tag=body["entry_tag"],
        leverage=body["leverage"],
    )
    return json_response(trade)


async def force_exit(request: web.Request) -> web.Response:
    body = await parse_body(request, _force_exit)
    result = await request.app[keys.RPC].force_exit(
        body["tradeid"], order_type=body["ordertype"], amount=body["amount"], price=body["price"]
    )
    return json_response(result)


def setup_trade_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/v1/status", list_open_trades)
    r.add_get("/api/v1/trades", list_trades)
    r.add_get("/api/v1/trade/{tradeid}", get_trade)
    r.add_delete("/api/v1/trades/{tradeid}", delete_trade)
    r.add_delete("/api/v1/trades/{tradeid}/open-order", cancel_open_order)
    r.add_post("/api/v1/trades/{tradeid}/reload", reload_trade)
    r.add_get("/api/v1/trades/open/custom-data", open_trades_custom_data)
    r.add_get("/api/v1/trades/{tradeid}/custom-data", trade_custom_data)
    for path in ("/api/v1/forceenter", "/api/v1/forcebuy"):
        r.add_post(path, force_enter)
    for path in ("/api/v1/forceexit", "/api/v1/forcesell"):
        r.add_post(path, force_exit)
