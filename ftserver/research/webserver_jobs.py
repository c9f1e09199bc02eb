"""``WebserverJobs``: the webserver mode's job routes over the job registry (satisfies ``rpc.jobs_port.JobsPort``).

Answers and messages follow freqtrade 2026.9: a second job of a kind is refused with 400 and the
kind's "already running" text, a result asked for before its job finished is a 400, an unknown job a
404 "Job not found.".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ftserver.config import Settings
from ftserver.core.clock import Clock
from ftserver.data.timerange import parse_timerange
from ftserver.errors import InvalidRequest, NotFound
from ftserver.jobs.registry import Job, JobCategory, JobControl, JobRegistry
from ftserver.research.data_download import DownloadRequest, download
from ftserver.research.market_access import MarketCatalog, exchange_settings, markets_for_backtest
from ftserver.research.pairlist_evaluation import PairlistRequest, check_steps, evaluate_pairlists
from ftserver.research.run_requests import requested_run
from ftserver.rpc.candles import market_view
from ftserver.rpc.shapes.candles import Markets
from ftserver.rpc.shapes.jobs import (
    BackgroundJob,
    EvaluatedPairs,
    FreqaiModels,
    HyperoptLosses,
    JobStarted,
    LookaheadAnalysis,
    LookaheadAnalysisResult,
    PairlistEvaluation,
    ProgressTask,
    RecursiveAnalysis,
    RecursiveAnalysisResult,
)

DEFAULT_TIMEFRAMES = ("1m", "5m")  # what freqtrade downloads when a request names no timeframes


Answer = TypeVar("Answer", LookaheadAnalysis, RecursiveAnalysis)


class WebserverJobs:
    def __init__(self, settings: Settings, registry: JobRegistry, clock: Clock) -> None:
        self.settings = settings
        self.registry = registry
        self.clock = clock
        self.catalog = MarketCatalog(settings, clock)

    # ---- /background ---------------------------------------------------------------------------
    def jobs(self) -> list[BackgroundJob]:
        return [_job_status(job) for job in self.registry.jobs()]

    def job(self, job_id: str) -> BackgroundJob:
        return _job_status(self.registry.get(job_id))

    def delete_job(self, job_id: str) -> BackgroundJob:
        return _job_status(self.registry.delete(job_id))

    def clear_jobs(self) -> list[BackgroundJob]:
        return [_job_status(job) for job in self.registry.clear()]

    # ---- /pairlists/evaluate -------------------------------------------------------------------
    def start_pairlist_evaluation(self, body: Mapping[str, Any]) -> JobStarted:
        # FreqUI's blacklist editor leaves an empty entry for a row not filled in: it names no pair.
        blacklist = tuple(pattern for pattern in body["blacklist"] if pattern)
        steps = check_steps(body["pairlists"], blacklist, self.settings)
        request = PairlistRequest(
            steps=tuple((step.method, step.options) for step in steps),
            blacklist=blacklist,
            stake_currency=body["stake_currency"],
            exchange=exchange_settings(self.settings, body.get("exchange")),
        )
        job = self.registry.submit(
            JobCategory.PAIRLIST,
            functools.partial(evaluate_pairlists, self.settings, request, self.clock),
            busy="Pairlist evaluation is already running.",
        )
        return JobStarted(status="Pairlist evaluation started in background.", job_id=job.job_id)

    def pairlist_evaluation(self, job_id: str) -> PairlistEvaluation:
        job = self.registry.get(job_id)
        if job.category is not JobCategory.PAIRLIST:
            raise NotFound("Job not found.")
        if job.active:
            raise InvalidRequest("Job not finished yet.")
        if job.error is not None:
            return PairlistEvaluation(status="failed", error=job.error, result=None)
        return PairlistEvaluation(status="success", error=None, result=EvaluatedPairs(**job.result))

    # ---- /download_data ------------------------------------------------------------------------
    def start_download(self, body: Mapping[str, Any]) -> JobStarted:
        parse_timerange(body.get("timerange"))  # a bad one is refused now, not reported by a failed job
        request = DownloadRequest(
            pairs=tuple(body["pairs"]),
            timeframes=tuple(body.get("timeframes") or DEFAULT_TIMEFRAMES),
            days=body.get("days"),
            timerange=body.get("timerange"),
            erase=bool(body.get("erase")),
            exchange=exchange_settings(self.settings, body.get("exchange")),
        )
        job = self.registry.submit(
            JobCategory.DOWNLOAD_DATA,
            functools.partial(download, self.settings, request, self.clock),
            busy="Data Download is already running.",
            progress_tasks=True,
        )
        return JobStarted(status="Data Download started in background.", job_id=job.job_id)

    # ---- /lookahead_analysis ------------------------------------------------------------------
    def start_lookahead_analysis(self, body: Mapping[str, Any]) -> JobStarted:
        from ftserver.backtest.lookahead import NEEDS_TIMERANGE, lookahead_analysis, lookahead_settings

        if not body.get("timerange"):
            raise InvalidRequest(NEEDS_TIMERANGE)
        if body["targeted_trade_amount"] < body["minimum_trade_amount"]:
            raise InvalidRequest("Targeted trade amount can't be smaller than minimum trade amount.")
        run = requested_run(
            self.settings, body["strategy"], timeframe=body.get("timeframe"), timerange=body["timerange"]
        )
        allow_limit_orders = bool(body["lookahead_allow_limit_orders"])
        lookahead_settings(run, allow_limit_orders=allow_limit_orders)  # refuses a run without a timerange now
        catalog = self.catalog

        def work(control: JobControl) -> dict[str, Any]:
            def report(done: int, total: int, what: str) -> None:
                control.task("0", done, total, what)

            return lookahead_analysis(
                run,
                minimum_trade_amount=body["minimum_trade_amount"],
                targeted_trade_amount=body["targeted_trade_amount"],
                allow_limit_orders=allow_limit_orders,
                markets=markets_for_backtest(catalog, run.pairs),
                progress=report,
                should_stop=lambda: control.cancelled,
            )

        job = self.registry.submit(
            JobCategory.LOOKAHEAD_ANALYSIS, work, busy="Analysis is already running.", progress_tasks=True
        )
        return JobStarted(status="Lookahead analysis started in background.", job_id=job.job_id)

    def lookahead_analysis(self, job_id: str) -> LookaheadAnalysis:
        return self._analysis(job_id, JobCategory.LOOKAHEAD_ANALYSIS, LookaheadAnalysis, LookaheadAnalysisResult)

    # ---- /recursive_analysis ------------------------------------------------------------------
    def start_recursive_analysis(self, body: Mapping[str, Any]) -> JobStarted:
        from ftserver.backtest.analysis import StrategySource
        from ftserver.backtest.recursive import NEEDS_TIMERANGE, RecursiveRequest, recursive_analysis

        if not body.get("timerange"):
            raise InvalidRequest(NEEDS_TIMERANGE)
        run = requested_run(
            self.settings, body["strategy"], timeframe=body.get("timeframe"), timerange=body["timerange"]
        )
        if run.timerange.start is None:
            raise InvalidRequest(NEEDS_TIMERANGE)
        request = RecursiveRequest(
            strategy=StrategySource(run.strategy, run.strategy_paths, run.config),
            datadir=run.datadir,
            data_format=run.data_format,
            pairs=run.pairs,
            timerange=run.timerange,
            timeframe=body.get("timeframe"),
            startup_candles=tuple(body["startup_candle"]) if body.get("startup_candle") else None,
        )

        def work(control: JobControl) -> dict[str, Any]:
            def report(done: int, total: int, what: str) -> None:
                control.task("0", done, total, what)

            return recursive_analysis(request, progress=report, should_stop=lambda: control.cancelled)

        job = self.registry.submit(
            JobCategory.RECURSIVE_ANALYSIS, work, busy="Analysis is already running.", progress_tasks=True
        )
        return JobStarted(status="Recursive analysis started in background.", job_id=job.job_id)

    def recursive_analysis(self, job_id: str) -> RecursiveAnalysis:
        return self._analysis(job_id, JobCategory.RECURSIVE_ANALYSIS, RecursiveAnalysis, RecursiveAnalysisResult)

    def _analysis(
        self, job_id: str, category: JobCategory, answer: Callable[..., Answer], result: Callable[..., Any]
    ) -> Answer:
        """An analysis job's answer in freqtrade's states; ``NotFound`` for a job of another kind."""
        job = self.registry.get(job_id)
        if job.category is not category:
            raise NotFound("Job not found.")
        if job.active:
            return answer(status="running", running=True, status_msg="Analysis running", result=None)
        if job.error is not None:
            return answer(status="error", running=False, status_msg=f"Analysis failed with {job.error}", result=None)
        return answer(status="ended", running=False, status_msg="Analysis ended", result=result(**job.result))

    # ---- reference lists -----------------------------------------------------------------------
    def markets(self, exchange: str | None, base: str | None, quote: str | None, include_inactive: bool) -> Markets:
        exchange_id, markets = self.catalog.markets(exchange)
        selected = {
            symbol: market_view(market)
            for symbol, market in markets.items()
            if (base is None or market.base == base)
            and (quote is None or market.quote == quote)
            and (include_inactive or market.active)
        }
        return Markets(markets=selected, exchange_id=exchange_id)

    @staticmethod
    def freqai_models() -> FreqaiModels:
        return FreqaiModels([])  # FreqAI is not part of this server (yet)

    @staticmethod
    def hyperopt_losses() -> HyperoptLosses:
        return HyperoptLosses([])  # nor is hyperopt


def _job_status(job: Job) -> BackgroundJob:
    """A job as ``/background`` answers: the fields of ``Job.view`` (the WebSocket message's body)."""
    tasks = None
    if job.progress_tasks is not None:
        tasks = {
            key: ProgressTask(progress=t.progress, total=t.total, description=t.description)
            for key, t in job.progress_tasks.items()
        }
    return BackgroundJob(
        job_id=job.job_id,
        job_category=job.category.value,
        status=job.status.value,
        running=job.running,
        progress=job.progress,
        progress_tasks=tasks,
        error=job.error,
    )
