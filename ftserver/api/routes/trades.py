"""Trades: open trades, history pages, one trade, deleting, cancelling, reloading, forcing entries and exits."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web

from ftserver.api import keys
from ftserver.api.etag import not_modified, tag_headers, version_tag
from ftserver.api.openapi import API_V1, CONFLICT, WRONG_MODE, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.request_parsing import parse_body, parse_query, path_int
from ftserver.api.responses import json_response, streamed_json_response
from ftserver.api.schemas.requests import (
    CustomDataQuerySchema,
    ForceEnterRequestSchema,
    ForceExitRequestSchema,
    TradesExportQuerySchema,
    TradesQuerySchema,
)
from ftserver.rpc.shapes import trades as shapes
from ftserver.rpc.trade_export import HEADER as EXPORT_HEADER
from ftserver.trade_query import TradeQuery

# The updated_since of the next incremental sync (epoch ms), on every /trades answer.
NEXT_UPDATED_SINCE = "X-Next-Updated-Since"

_trades_query = TradesQuerySchema()
_export_query = TradesExportQuerySchema()
_custom_query = CustomDataQuerySchema()
_force_enter = ForceEnterRequestSchema()
_force_exit = ForceExitRequestSchema()

routes = RouteTable(API_V1)


@routes.get(
    "/status",
    op=Operation("trades", "Open trades with current profit", shapes.OpenTrade, many=True, errors=(WRONG_MODE,)),
)
async def list_open_trades(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].status())


def _trade_query(query: dict[str, Any]) -> TradeQuery:
    """What freqtrade's ``order_by_id`` and ftserver's filter and sort parameters ask for."""
    base = TradeQuery.freqtrade(order_by_id=query["order_by_id"])
    return TradeQuery(
        sort=query["sort"] or base.sort,
        descending=(query["order"] == "desc") if query["order"] else (base.descending and not query["sort"]),
        pair=query["pair"],
        enter_tag=query["enter_tag"],
        exit_reason=query["exit_reason"],
        closed_from=query["closed_from"],
        closed_to=query["closed_to"],
        result=query["result"],
        updated_since=query["updated_since"],
    )


@routes.get(
    "/trades",
    op=Operation(
        "trades",
        "A page of closed trades, filtered and sorted",
        shapes.TradesPage,
        query=TradesQuerySchema,
        description=(
            "freqtrade's parameters (limit, offset, order_by_id) answer as freqtrade does. ftserver's"
            " filters and sort apply in the database; total_trades counts the trades they match."
            " With updated_since, trades written since then, open ones included; the"
            f" {NEXT_UPDATED_SINCE} header says what to pass as updated_since next time so that no"
            " write is missed. Carries an ETag: If-None-Match with it answers 304 while no trade of"
            " the answer changed."
        ),
    ),
)
async def list_trades(request: web.Request) -> web.StreamResponse:
    query = parse_query(request, _trades_query)
    trade_query = _trade_query(query)
    rpc = request.app[keys.RPC]
    # Both read before the page: a write landing meanwhile makes the next request's tag differ,
    # and is stamped at or after the sync point.
    sync_point = rpc.trades_sync_point()
    tag = version_tag(rpc.trades_version(trade_query), request)
    unchanged = not_modified(request, tag)
    if unchanged is not None:
        return unchanged
    page = await rpc.trades(query["limit"], query["offset"], query=trade_query)
    # Up to ~1.5 MB: sent as the client reads it.
    headers = {**tag_headers(tag), NEXT_UPDATED_SINCE: str(sync_point)}
    return await streamed_json_response(request, page, headers=headers)


@routes.get(
    "/trades/export.csv",
    op=Operation(
        "trades",
        "Every trade matching the filters, as CSV",
        {"type": "string"},
        media_type="text/csv",
        query=TradesExportQuerySchema,
        description=(
            "ftserver extension. The same filters and sort as /trades, without paging: the whole"
            " history streamed as CSV (a header row, then one row per trade; dates in UTC)."
        ),
    ),
)
async def export_trades(request: web.Request) -> web.StreamResponse:
    trade_query = _trade_query(parse_query(request, _export_query))
    batches = request.app[keys.RPC].export_trades(trade_query)
    response = web.StreamResponse(
        headers={"Content-Disposition": 'attachment; filename="trades.csv"', "Cache-Control": "no-store"}
    )
    response.content_type = "text/csv"
    response.charset = "utf-8"
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow(EXPORT_HEADER)
    try:
        async for rows in batches:
            writer.writerows(rows)
            await response.write(buffer.getvalue().encode())  # waits while the client is behind
            buffer.seek(0)
            buffer.truncate()
        await response.write_eof(buffer.getvalue().encode())
    except ConnectionResetError:
        pass  # the client went away mid-export
    return response


@routes.get("/trade/{tradeid}", op=Operation("trades", "One trade", shapes.OpenTrade))
async def get_trade(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].trade(path_int(request, "tradeid")))


@routes.delete(
    "/trades/{tradeid}",
    op=Operation(
        "trades",
        "Delete a trade, cancelling its open orders",
        shapes.DeleteTrade,
        errors=(WRONG_MODE,),
        role=Role.TRADE,
    ),
)
async def delete_trade(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].delete_trade(path_int(request, "tradeid")))


@routes.delete(
    "/trades/{tradeid}/open-order",
    op=Operation(
        "trades", "Cancel a trade's open order", shapes.OpenTrade, errors=(CONFLICT, WRONG_MODE), role=Role.TRADE
    ),
)
async def cancel_open_order(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].cancel_open_order(path_int(request, "tradeid")))


@routes.post(
    "/trades/{tradeid}/reload",
    op=Operation(
        "trades", "Reload a trade's orders from the exchange", shapes.OpenTrade, errors=(WRONG_MODE,), role=Role.TRADE
    ),
)
async def reload_trade(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].reload_trade(path_int(request, "tradeid")))


@routes.get(
    "/trades/open/custom-data",
    op=Operation(
        "trades",
        "Custom data of the open trades",
        shapes.TradeCustomData,
        many=True,
        query=CustomDataQuerySchema,
    ),
)
async def open_trades_custom_data(request: web.Request) -> web.Response:
    query = parse_query(request, _custom_query)
    rpc = request.app[keys.RPC]
    return json_response(await rpc.open_trades_custom_data(query["key"], query["limit"], query["offset"]))


@routes.get(
    "/trades/{tradeid}/custom-data",
    op=Operation("trades", "Custom data of one trade", shapes.TradeCustomData, many=True, query=CustomDataQuerySchema),
)
async def trade_custom_data(request: web.Request) -> web.Response:
    query = parse_query(request, _custom_query)
    return json_response(await request.app[keys.RPC].custom_data(path_int(request, "tradeid"), query["key"]))


@routes.post(
    "/forceenter",
    "/forcebuy",
    op=Operation(
        "trades",
        "Open a trade now",
        shapes.OpenTrade,
        body=ForceEnterRequestSchema,
        errors=(CONFLICT, WRONG_MODE),
        description="Needs `force_entry_enable`. 409 when the pair is locked, already open or no slot is free.",
        role=Role.TRADE,
    ),
)
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


@routes.post(
    "/forceexit",
    "/forcesell",
    op=Operation(
        "trades",
        "Exit one trade, or all with tradeid 'all'",
        shapes.ForceExitResult,
        body=ForceExitRequestSchema,
        errors=(CONFLICT, WRONG_MODE),
        role=Role.TRADE,
    ),
)
async def force_exit(request: web.Request) -> web.Response:
    body = await parse_body(request, _force_exit)
    result = await request.app[keys.RPC].force_exit(
        body["tradeid"], order_type=body["ordertype"], amount=body["amount"], price=body["price"]
    )
    return json_response(result)


def setup_trade_routes(app: web.Application) -> None:
    routes.register(app)
