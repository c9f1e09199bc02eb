"""The webserver mode's backtest routes: the run (``/backtest``, ``/backtest/abort``) and the stored
results (``/backtest/history...``), as freqtrade 2026.9 answers them.

Only ``ftserver webserver`` serves them; a trading bot answers 503 "Bot is not in the correct state.".
``POST /backtest`` starts a backtest in a worker process and answers at once; ``GET /backtest`` follows it
and answers the result once ended. Reading and writing result files happens in a worker thread.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, WRONG_MODE, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.request_parsing import parse_body, parse_query
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests_backtest import (
    BacktestHistoryResultQuerySchema,
    BacktestNotesRequestSchema,
    BacktestRequestSchema,
)
from ftserver.errors import WrongRunMode
from ftserver.rpc.backtest_port import BacktestPort
from ftserver.rpc.shapes import backtest as shapes

_start_body = BacktestRequestSchema()
_notes_body = BacktestNotesRequestSchema()
_result_query = BacktestHistoryResultQuerySchema()

TAG = "backtest"
BAD_REQUEST = 400
NOT_FOUND = 404
RUN_STATES = (
    "freqtrade's states: `not_started`, `running` (`step` is the phase: startup, dataload, analyze, backtest; "
    "`progress` its fraction), `error`, `ended` (with `backtest_result`), `reset`, `stopping`, `not_running`."
)

routes = RouteTable(API_V1)


def webserver_backtest(request: web.Request) -> BacktestPort:
    """The backtest side, which only the webserver mode has."""
    backtest = request.app.get(keys.BACKTEST)
    if backtest is None:
        raise WrongRunMode()
    return backtest


@routes.post(
    "/backtest",
    op=Operation(
        TAG,
        "Start a backtest in the background",
        shapes.BacktestStatus,
        body=BacktestRequestSchema,
        errors=(WRONG_MODE,),
        description=RUN_STATES,
        role=Role.ADMIN,
    ),
)
async def start_backtest(request: web.Request) -> web.Response:
    backtest = webserver_backtest(request)
    return json_response(backtest.start(await parse_body(request, _start_body)))


@routes.get(
    "/backtest",
    op=Operation(
        TAG,
        "The backtest's status, and its result once ended",
        shapes.BacktestStatus,
        errors=(WRONG_MODE,),
        description=RUN_STATES,
    ),
)
async def get_backtest(request: web.Request) -> web.Response:
    return json_response(webserver_backtest(request).status())


@routes.delete(
    "/backtest",
    op=Operation(
        TAG,
        "Forget the last backtest",
        shapes.BacktestStatus,
        errors=(WRONG_MODE,),
        description=RUN_STATES,
        role=Role.ADMIN,
    ),
)
async def reset_backtest(request: web.Request) -> web.Response:
    return json_response(webserver_backtest(request).reset())


@routes.get(
    "/backtest/abort",
    op=Operation(
        TAG,
        "Stop the running backtest",
        shapes.BacktestStatus,
        errors=(WRONG_MODE,),
        description=RUN_STATES,
        role=Role.ADMIN,
        audited=True,
    ),
)
async def abort_backtest(request: web.Request) -> web.Response:
    return json_response(webserver_backtest(request).abort())


@routes.get(
    "/backtest/history",
    op=Operation(
        TAG,
        "Stored backtest results: one line per strategy, newest file first",
        shapes.BacktestHistoryEntry,
        many=True,
        errors=(WRONG_MODE,),
    ),
)
async def list_backtest_history(request: web.Request) -> web.Response:
    return json_response(await asyncio.to_thread(webserver_backtest(request).history))


@routes.get(
    "/backtest/history/result",
    op=Operation(
        TAG,
        "One strategy's stored backtest result",
        shapes.BacktestStatus,
        query=BacktestHistoryResultQuerySchema,
        errors=(BAD_REQUEST, NOT_FOUND, WRONG_MODE),
    ),
)
async def get_backtest_history_result(request: web.Request) -> web.Response:
    backtest = webserver_backtest(request)
    query = parse_query(request, _result_query)
    return json_response(await asyncio.to_thread(backtest.history_result, query["filename"], query["strategy"]))


@routes.delete(
    "/backtest/history/{file}",
    op=Operation(
        TAG,
        "Delete a stored backtest result",
        shapes.BacktestHistoryEntry,
        many=True,
        errors=(BAD_REQUEST, NOT_FOUND, WRONG_MODE),
        description="Answers the history that is left.",
        role=Role.ADMIN,
    ),
)
async def delete_backtest_history_entry(request: web.Request) -> web.Response:
    backtest = webserver_backtest(request)
    return json_response(await asyncio.to_thread(backtest.delete_result, request.match_info["file"]))


@routes.patch(
    "/backtest/history/{file}",
    op=Operation(
        TAG,
        "Set a strategy's notes in a stored backtest result",
        shapes.BacktestHistoryEntry,
        many=True,
        body=BacktestNotesRequestSchema,
        errors=(BAD_REQUEST, NOT_FOUND, WRONG_MODE),
        description="Answers that result's history lines; 400 when the strategy is not in it.",
        role=Role.ADMIN,
    ),
)
async def update_backtest_history_entry(request: web.Request) -> web.Response:
    backtest = webserver_backtest(request)
    body = await parse_body(request, _notes_body)
    return json_response(
        await asyncio.to_thread(backtest.set_notes, request.match_info["file"], body["strategy"], body["notes"])
    )


@routes.get(
    "/backtest/history/{file}/market_change",
    op=Operation(
        TAG,
        "The market change over a stored backtest's range",
        shapes.BacktestTable,
        errors=(BAD_REQUEST, NOT_FOUND, WRONG_MODE),
        description="Columns date, mean, rel_mean, count, __date_ts (ms).",
    ),
)
async def get_backtest_market_change(request: web.Request) -> web.Response:
    backtest = webserver_backtest(request)
    return json_response(await asyncio.to_thread(backtest.market_change, request.match_info["file"]))


@routes.get(
    "/backtest/history/{file}/{strategy}/wallet",
    op=Operation(
        TAG,
        "A strategy's wallet value over a stored backtest",
        shapes.WalletHistory,
        errors=(BAD_REQUEST, NOT_FOUND, WRONG_MODE),
        description="Columns date, __date_ts (ms), total_quote. 400 when the file is not a stored zip result, "
        "404 when it holds no wallet for the strategy.",
    ),
)
async def get_backtest_wallet(request: web.Request) -> web.Response:
    backtest = webserver_backtest(request)
    file, strategy = request.match_info["file"], request.match_info["strategy"]
    return json_response(await asyncio.to_thread(backtest.wallet, file, strategy))


def setup_backtest_routes(app: web.Application) -> None:
    routes.register(app)
