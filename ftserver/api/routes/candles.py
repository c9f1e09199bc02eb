"""Candles and market data: pair_candles (GET and POST with columns), timeframes, plot_config, markets."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, WRONG_MODE, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.request_parsing import parse_body, parse_query
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests import (
    MarketsQuerySchema,
    PairCandlesQuerySchema,
    PairCandlesRequestSchema,
    PlotConfigQuerySchema,
)
from ftserver.rpc.shapes import candles

_candles_query = PairCandlesQuerySchema()
_candles_body = PairCandlesRequestSchema()
_markets_query = MarketsQuerySchema()
_plot_query = PlotConfigQuerySchema()

routes = RouteTable(API_V1)


@routes.get(
    "/pair_candles",
    op=Operation(
        "candles",
        "The live analyzed candles of a pair; another timeframe than the strategy's: plain market candles",
        candles.PairCandles,
        query=PairCandlesQuerySchema,
        errors=(WRONG_MODE,),
    ),
)
async def get_pair_candles(request: web.Request) -> web.Response:
    q = parse_query(request, _candles_query)
    return json_response(await request.app[keys.RPC].pair_candles(q["pair"], q["timeframe"], q["limit"]))


@routes.post(
    "/pair_candles",
    op=Operation(
        "candles",
        "The live analyzed candles of a pair, only some columns",
        candles.PairCandles,
        body=PairCandlesRequestSchema,
        errors=(WRONG_MODE,),
        role=Role.READ,
        audited=False,
    ),
)
async def post_pair_candles(request: web.Request) -> web.Response:
    body = await parse_body(request, _candles_body)
    rpc = request.app[keys.RPC]
    return json_response(await rpc.pair_candles(body["pair"], body["timeframe"], body["limit"], body["columns"]))


@routes.get(
    "/plot_config",
    op=Operation("candles", "A strategy's plot configuration", candles.PLOT_CONFIG_SCHEMA, query=PlotConfigQuerySchema),
)
async def get_plot_config(request: web.Request) -> web.Response:
    strategy = parse_query(request, _plot_query)["strategy"]
    return json_response(request.app[keys.RPC].plot_config(strategy))


@routes.get(
    "/markets",
    op=Operation("candles", "The exchange's markets", candles.Markets, query=MarketsQuerySchema, errors=(WRONG_MODE,)),
)
async def get_markets(request: web.Request) -> web.Response:
    q = parse_query(request, _markets_query)
    jobs = request.app.get(keys.JOBS)
    if jobs is not None:
        # Webserver mode: no bot; the asked-for (or configured) exchange's markets, loaded in a thread the first time.
        markets = await asyncio.to_thread(
            jobs.markets, q["exchange"] or None, q["base"], q["quote"], q["include_inactive"]
        )
        return json_response(markets)
    return json_response(request.app[keys.RPC].markets(q["base"], q["quote"]))


@routes.get(
    "/timeframes",
    op=Operation("candles", "The exchange's timeframes a chart may ask for", candles.Timeframes, errors=(WRONG_MODE,)),
)
async def get_timeframes(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].timeframes())


def setup_candle_routes(app: web.Application) -> None:
    routes.register(app)
