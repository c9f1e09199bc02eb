"""Money: balance, count, profit, performance by pair and tag, stats, and daily/weekly/monthly breakdowns."""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.request_parsing import parse_query
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests import PairFilterQuerySchema, TimescaleQuerySchema

_pair_query = PairFilterQuerySchema()
_timescale_query = TimescaleQuerySchema()

# freqtrade's default number of periods per unit
_DEFAULT_TIMESCALE = {"days": 7, "weeks": 4, "months": 3}


async def get_balance(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].balance())


async def get_count(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].count())


async def get_profit(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].profit())


async def get_profit_all(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].profit_all())


async def get_historic_balance(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].historic_balance())


async def get_performance(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].performance())


async def get_entries(request: web.Request) -> web.Response:
    pair = parse_query(request, _pair_query)["pair"]
    return json_response(await request.app[keys.RPC].entries(pair))


async def get_exits(request: web.Request) -> web.Response:
    pair = parse_query(request, _pair_query)["pair"]
    return json_response(await request.app[keys.RPC].exits(pair))


async def get_mix_tags(request: web.Request) -> web.Response:
    pair = parse_query(request, _pair_query)["pair"]
    return json_response(await request.app[keys.RPC].mix_tags(pair))


async def get_stats(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].stats())


def _timeunit_handler(unit: str):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        timescale = parse_query(request, _timescale_query)["timescale"] or _DEFAULT_TIMESCALE[unit]
        return json_response(await request.app[keys.RPC].timeunit(unit, timescale))

    handler.__name__ = f"get_{unit}"
    return handler


def setup_profit_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/v1/balance", get_balance)
    r.add_get("/api/v1/count", get_count)
    r.add_get("/api/v1/profit", get_profit)
    r.add_get("/api/v1/profit_all", get_profit_all)
    r.add_get("/api/v1/performance", get_performance)
    r.add_get("/api/v1/historic_balance", get_historic_balance)
    r.add_get("/api/v1/entries", get_entries)
    r.add_get("/api/v1/exits", get_exits)
    r.add_get("/api/v1/mix_tags", get_mix_tags)
    r.add_get("/api/v1/stats", get_stats)
    r.add_get("/api/v1/daily", _timeunit_handler("days"))
    r.add_get("/api/v1/weekly", _timeunit_handler("weeks"))
    r.add_get("/api/v1/monthly", _timeunit_handler("months"))
