"""Research routes, served in trade and webserver mode: strategies, stored history, exchanges."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.request_parsing import parse_body, parse_query
from ftserver.api.responses import dumps, json_response
from ftserver.api.schemas.requests import (
    AvailablePairsQuerySchema,
    PairHistoryQuerySchema,
    PairHistoryRequestSchema,
)
from ftserver.rpc.research_port import pair_history
from ftserver.rpc.shapes import research as shapes
from ftserver.rpc.shapes.candles import PairCandles

_available_query = AvailablePairsQuerySchema()
_history_query = PairHistoryQuerySchema()
_history_body = PairHistoryRequestSchema()

routes = RouteTable(API_V1)


@routes.get("/strategies", op=Operation("research", "Strategies found", shapes.StrategyList))
async def list_strategies(request: web.Request) -> web.Response:
    return json_response(await asyncio.to_thread(request.app[keys.RESEARCH].strategies))


@routes.get("/strategy/{strategy}", op=Operation("research", "A strategy's source", shapes.Strategy))
async def get_strategy(request: web.Request) -> web.Response:
    name = request.match_info["strategy"]
    return json_response(await asyncio.to_thread(request.app[keys.RESEARCH].strategy, name))


@routes.get(
    "/available_pairs",
    op=Operation("research", "Pairs with stored candles", shapes.AvailablePairs, query=AvailablePairsQuerySchema),
)
async def available_pairs(request: web.Request) -> web.Response:
    q = parse_query(request, _available_query)
    research = request.app[keys.RESEARCH]
    return json_response(
        await asyncio.to_thread(research.available_pairs, q["timeframe"], q["stake_currency"], q["candletype"])
    )


@routes.get("/exchanges", op=Operation("research", "Exchanges", shapes.Exchanges))
async def list_exchanges(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RESEARCH].exchanges())


async def _pair_history(request: web.Request, params: dict[str, Any]) -> web.Response:
    research = request.app[keys.RESEARCH]

    def build() -> bytes:
        # Loading, analyzing and encoding a year of candles is CPU work: all of it off the event loop.
        answer = pair_history(
            research,
            params["pair"],
            params["timeframe"],
            params["timerange"],
            params["strategy"],
            params.get("columns"),
        )
        return dumps(answer)

    return web.Response(body=await asyncio.to_thread(build), content_type="application/json")


@routes.get(
    "/pair_history",
    op=Operation("research", "Stored candles analyzed by a strategy", PairCandles, query=PairHistoryQuerySchema),
)
async def get_pair_history(request: web.Request) -> web.Response:
    return await _pair_history(request, parse_query(request, _history_query))


@routes.post(
    "/pair_history",
    op=Operation(
        "research",
        "Stored candles analyzed by a strategy, only some columns",
        PairCandles,
        body=PairHistoryRequestSchema,
        role=Role.READ,
        audited=False,
    ),
)
async def post_pair_history(request: web.Request) -> web.Response:
    return await _pair_history(request, await parse_body(request, _history_body))


def setup_research_routes(app: web.Application) -> None:
    routes.register(app)
