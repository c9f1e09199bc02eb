"""What the webserver mode's job routes need: background jobs, pairlist evaluation, data download, markets.

``research.webserver_jobs.WebserverJobs`` satisfies it. Like research, it needs no bot; its routes reach
it through their own app key, which only the webserver mode sets (trade mode answers 503, as freqtrade).
Every answer is a wire shape (``rpc.shapes.jobs``, ``rpc.shapes.candles.Markets``); request bodies
arrive already checked by the API's schemas, and what only the work side can check (pairlist
handlers and their options, blacklist patterns) raises a marshmallow ``ValidationError`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ftserver.rpc.shapes.candles import Markets
from ftserver.rpc.shapes.jobs import (
    BackgroundJob,
    FreqaiModels,
    HyperoptLosses,
    JobStarted,
    LookaheadAnalysis,
    PairlistEvaluation,
    RecursiveAnalysis,
)


class JobsPort(Protocol):
    def jobs(self) -> list[BackgroundJob]: ...

    def job(self, job_id: str) -> BackgroundJob:
        """One job's status; ``NotFound`` for an unknown id."""
        ...

    def delete_job(self, job_id: str) -> BackgroundJob:
        """Forget a finished job and return its last status; ``InvalidRequest`` while it runs."""
        ...

    def clear_jobs(self) -> list[BackgroundJob]:
        """Forget every finished job; the ones still running are returned."""
        ...

    def start_pairlist_evaluation(self, body: Mapping[str, Any]) -> JobStarted:
        """``{"status", "job_id"}``; ``InvalidRequest`` while another evaluation runs."""
        ...

    def pairlist_evaluation(self, job_id: str) -> PairlistEvaluation:
        """``{"status", "error", "result"}`` of a finished evaluation; ``InvalidRequest`` while it runs."""
        ...

    def start_download(self, body: Mapping[str, Any]) -> JobStarted: ...

    def markets(self, exchange: str | None, base: str | None, quote: str | None, include_inactive: bool) -> Markets:
        """An exchange's markets (blocking the first time an exchange is asked: call it in a thread)."""
        ...

    def freqai_models(self) -> FreqaiModels: ...

    def hyperopt_losses(self) -> HyperoptLosses: ...

    def start_lookahead_analysis(self, body: Mapping[str, Any]) -> JobStarted:
        """``InvalidRequest`` while a backtest or another analysis runs, or for a bad strategy or timerange."""
        ...

    def lookahead_analysis(self, job_id: str) -> LookaheadAnalysis:
        """The job's state, and its result once ended; ``NotFound`` for a job of another kind."""
        ...

    def start_recursive_analysis(self, body: Mapping[str, Any]) -> JobStarted:
        """``InvalidRequest`` while a backtest or another analysis runs, or for a bad strategy or timerange."""
        ...

    def recursive_analysis(self, job_id: str) -> RecursiveAnalysis:
        """The job's state, and its result once ended; ``NotFound`` for a job of another kind."""
        ...
