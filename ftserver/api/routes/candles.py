"""Candles and market data: pair_candles (GET and POST with columns), plot_config, markets."""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.request_parsing import parse_body, parse_query
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests import (
    MarketsQuerySchema,
    PairCandlesQuerySchema,
    PairCandlesRequestSchema,
    PlotConfigQuerySchema,
)

_candles_query = PairCandlesQuerySchema()
_candles_body = PairCandlesRequestSchema()
_markets_query = MarketsQuerySchema()
_plot_query = PlotConfigQuerySchema()


async def get_pair_candles(request: web.Request) -> web.Response:
    q = parse_query(request, _candles_query)
    return json_response(request.app[keys.RPC].pair_candles(q["pair"], q["timeframe"], q["limit"]))


async def post_pair_candles(request: web.Request) -> web.Response:
    body = await parse_body(request, _candles_body)
    rpc = request.app[keys.RPC]
    return json_response(rpc.pair_candles(body["pair"], body["timeframe"], body["limit"], body["columns"]))


async def get_plot_config(request: web.Request) -> web.Response:
    strategy = parse_query(request, _plot_query)["strategy"]
    return json_response(request.app[keys.RPC].plot_config(strategy))


async def get_markets(request: web.Request) -> web.Response:
    q = parse_query(request, _markets_query)
    return json_response(request.app[keys.RPC].markets(q["base"], q["quote"]))


def setup_candle_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/v1/pair_candles", get_pair_candles)
    r.add_post("/api/v1/pair_candles", post_pair_candles)
    r.add_get("/api/v1/plot_config", get_plot_config)
    r.add_get("/api/v1/markets", get_markets)
