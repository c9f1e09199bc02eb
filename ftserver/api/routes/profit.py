"""Money: balance, count, profit, performance by pair and tag, stats, and daily/weekly/monthly breakdowns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, WRONG_MODE, Operation, RouteTable
from ftserver.api.request_parsing import parse_query
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests import PairFilterQuerySchema, TimescaleQuerySchema
from ftserver.rpc.shapes import money

_pair_query = PairFilterQuerySchema()
_timescale_query = TimescaleQuerySchema()

# freqtrade's default number of periods per unit
_DEFAULT_TIMESCALE = {"days": 7, "weeks": 4, "months": 3}

routes = RouteTable(API_V1)


@routes.get("/balance", op=Operation("money", "Wallet balances", money.Balance, errors=(WRONG_MODE,)))
async def get_balance(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].balance())


@routes.get("/count", op=Operation("money", "Open trades and the limit", money.Count, errors=(WRONG_MODE,)))
async def get_count(request: web.Request) -> web.Response:
    return json_response(request.app[keys.RPC].count())


@routes.get("/profit", op=Operation("money", "Profit summary", money.Profit, errors=(WRONG_MODE,)))
async def get_profit(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].profit())


@routes.get(
    "/profit_all",
    op=Operation("money", "Profit summary overall, long and short", money.ProfitAll, errors=(WRONG_MODE,)),
)
async def get_profit_all(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].profit_all())


@routes.get(
    "/performance",
    op=Operation("money", "Closed profit per pair", money.PairPerformance, many=True, errors=(WRONG_MODE,)),
)
async def get_performance(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].performance())


@routes.get(
    "/historic_balance",
    op=Operation("money", "Wallet value after every closed trade", money.HistoricBalance, errors=(WRONG_MODE,)),
)
async def get_historic_balance(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].historic_balance())


@routes.get(
    "/entries",
    op=Operation(
        "money",
        "Closed profit per entry tag",
        money.EntryPerformance,
        many=True,
        query=PairFilterQuerySchema,
        errors=(WRONG_MODE,),
    ),
)
async def get_entries(request: web.Request) -> web.Response:
    pair = parse_query(request, _pair_query)["pair"]
    return json_response(await request.app[keys.RPC].entries(pair))


@routes.get(
    "/exits",
    op=Operation(
        "money",
        "Closed profit per exit reason",
        money.ExitPerformance,
        many=True,
        query=PairFilterQuerySchema,
        errors=(WRONG_MODE,),
    ),
)
async def get_exits(request: web.Request) -> web.Response:
    pair = parse_query(request, _pair_query)["pair"]
    return json_response(await request.app[keys.RPC].exits(pair))


@routes.get(
    "/mix_tags",
    op=Operation(
        "money",
        "Closed profit per entry tag and exit reason",
        money.MixTagPerformance,
        many=True,
        query=PairFilterQuerySchema,
        errors=(WRONG_MODE,),
    ),
)
async def get_mix_tags(request: web.Request) -> web.Response:
    pair = parse_query(request, _pair_query)["pair"]
    return json_response(await request.app[keys.RPC].mix_tags(pair))


@routes.get(
    "/stats",
    op=Operation("money", "Wins, losses and durations per exit reason", money.Stats, errors=(WRONG_MODE,)),
)
async def get_stats(request: web.Request) -> web.Response:
    return json_response(await request.app[keys.RPC].stats())


def _timeunit_handler(unit: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        timescale = parse_query(request, _timescale_query)["timescale"] or _DEFAULT_TIMESCALE[unit]
        return json_response(await request.app[keys.RPC].timeunit(unit, timescale))

    handler.__name__ = f"get_{unit}"
    return handler


def _per(period: str) -> Operation:
    return Operation(
        "money", f"Closed profit per {period}", money.Periods, query=TimescaleQuerySchema, errors=(WRONG_MODE,)
    )


get_daily = routes.get("/daily", op=_per("day"))(_timeunit_handler("days"))
get_weekly = routes.get("/weekly", op=_per("week"))(_timeunit_handler("weeks"))
get_monthly = routes.get("/monthly", op=_per("month"))(_timeunit_handler("months"))


def setup_profit_routes(app: web.Application) -> None:
    routes.register(app)
