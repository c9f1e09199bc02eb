"""The webserver mode's job routes: background jobs, pairlist evaluation, data download, FreqAI and hyperopt lists.

Only ``ftserver webserver`` serves them, as freqtrade does; a trading bot answers 503 "Bot is not in
the correct state.". ``/background/clear`` is declared before ``/background/{jobid}``, so the router
matches it first.
"""

from __future__ import annotations

from aiohttp import web

from ftserver.api import keys
from ftserver.api.openapi import API_V1, WRONG_MODE, Operation, RouteTable
from ftserver.api.principal import Role
from ftserver.api.request_parsing import parse_body
from ftserver.api.responses import json_response
from ftserver.api.schemas.requests_backtest import LookaheadAnalysisRequestSchema, RecursiveAnalysisRequestSchema
from ftserver.api.schemas.requests_jobs import DownloadDataRequestSchema, PairlistsEvaluateRequestSchema
from ftserver.errors import WrongRunMode
from ftserver.rpc.jobs_port import JobsPort
from ftserver.rpc.shapes import jobs as shapes

_evaluate_body = PairlistsEvaluateRequestSchema()
_download_body = DownloadDataRequestSchema()
_recursive_body = RecursiveAnalysisRequestSchema()
_lookahead_body = LookaheadAnalysisRequestSchema()

TAG = "webserver"
NOT_FOUND = 404
BAD_REQUEST = 400

routes = RouteTable(API_V1)


def webserver_jobs(request: web.Request) -> JobsPort:
    """The jobs side, which only the webserver mode has."""
    jobs = request.app.get(keys.JOBS)
    if jobs is None:
        raise WrongRunMode()
    return jobs


@routes.get(
    "/background",
    op=Operation(TAG, "Background jobs", shapes.BackgroundJob, many=True, errors=(WRONG_MODE,)),
)
async def list_background_jobs(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).jobs())


@routes.delete(
    "/background/clear",
    op=Operation(
        TAG,
        "Forget every finished background job",
        shapes.BackgroundJob,
        many=True,
        errors=(WRONG_MODE,),
        description="Answers with the jobs still running, which are kept.",
        role=Role.ADMIN,
    ),
)
async def clear_background_jobs(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).clear_jobs())


@routes.get(
    "/background/{jobid}",
    op=Operation(TAG, "A background job's status", shapes.BackgroundJob, errors=(NOT_FOUND, WRONG_MODE)),
)
async def get_background_job(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).job(request.match_info["jobid"]))


@routes.delete(
    "/background/{jobid}",
    op=Operation(
        TAG,
        "Forget a finished background job",
        shapes.BackgroundJob,
        errors=(BAD_REQUEST, NOT_FOUND, WRONG_MODE),
        description="400 while the job still runs.",
        role=Role.ADMIN,
    ),
)
async def delete_background_job(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).delete_job(request.match_info["jobid"]))


@routes.post(
    "/pairlists/evaluate",
    op=Operation(
        TAG,
        "Evaluate a pairlist chain against the exchange's market, in the background",
        shapes.JobStarted,
        body=PairlistsEvaluateRequestSchema,
        errors=(BAD_REQUEST, WRONG_MODE),
        description="400 while another evaluation runs.",
        role=Role.ADMIN,
    ),
)
async def evaluate_pairlists(request: web.Request) -> web.Response:
    jobs = webserver_jobs(request)
    return json_response(jobs.start_pairlist_evaluation(await parse_body(request, _evaluate_body)))


@routes.get(
    "/pairlists/evaluate/{jobid}",
    op=Operation(
        TAG,
        "A pairlist evaluation's whitelist",
        shapes.PairlistEvaluation,
        errors=(BAD_REQUEST, NOT_FOUND, WRONG_MODE),
        description="400 until the evaluation has finished.",
    ),
)
async def get_pairlist_evaluation(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).pairlist_evaluation(request.match_info["jobid"]))


@routes.post(
    "/download_data",
    op=Operation(
        TAG,
        "Download candles into the data directory, in the background",
        shapes.JobStarted,
        body=DownloadDataRequestSchema,
        errors=(BAD_REQUEST, WRONG_MODE),
        description="400 while another download runs.",
        role=Role.ADMIN,
    ),
)
async def download_data(request: web.Request) -> web.Response:
    jobs = webserver_jobs(request)
    return json_response(jobs.start_download(await parse_body(request, _download_body)))


@routes.get("/freqaimodels", op=Operation(TAG, "FreqAI models", shapes.FreqaiModels, errors=(WRONG_MODE,)))
async def list_freqai_models(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).freqai_models())


@routes.get("/hyperoptloss", op=Operation(TAG, "Hyperopt loss functions", shapes.HyperoptLosses, errors=(WRONG_MODE,)))
async def list_hyperopt_losses(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).hyperopt_losses())


def setup_job_routes(app: web.Application) -> None:
    routes.register(app)


@routes.post(
    "/lookahead_analysis",
    op=Operation(
        TAG,
        "Check whether the strategy's signals or indicators use candles it could not have seen, in the background",
        shapes.JobStarted,
        body=LookaheadAnalysisRequestSchema,
        errors=(BAD_REQUEST, WRONG_MODE),
        description="400 while a backtest or another analysis runs, without a timerange, or when the targeted"
        " trade amount is below the minimum.",
        role=Role.ADMIN,
    ),
)
async def start_lookahead_analysis(request: web.Request) -> web.Response:
    jobs = webserver_jobs(request)
    return json_response(jobs.start_lookahead_analysis(await parse_body(request, _lookahead_body)))


@routes.get(
    "/lookahead_analysis/{jobid}",
    op=Operation(
        TAG,
        "A lookahead analysis's state, and its result once ended",
        shapes.LookaheadAnalysis,
        errors=(NOT_FOUND, WRONG_MODE),
    ),
)
async def get_lookahead_analysis(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).lookahead_analysis(request.match_info["jobid"]))


@routes.post(
    "/recursive_analysis",
    op=Operation(
        TAG,
        "Check whether indicators depend on the number of startup candles, in the background",
        shapes.JobStarted,
        body=RecursiveAnalysisRequestSchema,
        errors=(BAD_REQUEST, WRONG_MODE),
        description="400 while a backtest or another analysis runs, or without a timerange.",
        role=Role.ADMIN,
    ),
)
async def start_recursive_analysis(request: web.Request) -> web.Response:
    jobs = webserver_jobs(request)
    return json_response(jobs.start_recursive_analysis(await parse_body(request, _recursive_body)))


@routes.get(
    "/recursive_analysis/{jobid}",
    op=Operation(
        TAG,
        "A recursive analysis's state, and its result once ended",
        shapes.RecursiveAnalysis,
        errors=(NOT_FOUND, WRONG_MODE),
    ),
)
async def get_recursive_analysis(request: web.Request) -> web.Response:
    return json_response(webserver_jobs(request).recursive_analysis(request.match_info["jobid"]))
