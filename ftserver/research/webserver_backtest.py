"""``WebserverBacktest``: the webserver mode's backtest routes (satisfies ``rpc.backtest_port.BacktestPort``).

Stored results are read and changed through ``backtest.storage`` in ``user_data/backtest_results``,
with freqtrade 2026.9's answers: an unknown result file is a 404 "File not found.", a wallet asked of
a result that is not a zip in the folder a 400 "Unable to retrieve wallet history." (a 404 when the zip
has no wallet for that strategy).

A backtest runs as a job of the registry (one backtest or bias analysis at a time: a second is a 400
"Bot Background task already running"), in a spawned worker process (``backtest.runner``), so the
API keeps answering while it runs; the job's progress goes onto the bus as ``background_job``
messages. ``GET /backtest`` answers freqtrade's states: ``not_started``, ``running`` (with the phase as
``step`` and its fraction as ``progress``), ``error``, and ``ended`` with the result; the finished
result is also stored in the results folder, so ``/backtest/history`` lists it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson
import pandas as pd

from ftserver.backtest import storage
from ftserver.backtest.options import BacktestSettings
from ftserver.errors import InvalidRequest, NotFound
from ftserver.jobs.registry import Job, JobCategory, JobControl, JobRegistry, JobStatus
from ftserver.research.market_access import MarketCatalog, markets_for_backtest
from ftserver.research.run_requests import requested_run
from ftserver.rpc.shapes.backtest import BacktestHistoryEntry, BacktestStatus, BacktestTable, WalletHistory

if TYPE_CHECKING:
    from ftserver.backtest.runner import EncodedBacktest
    from ftserver.config import Settings

RESULTS_FOLDER = "backtest_results"
BUSY = "Bot Background task already running"
NO_WALLET = "Unable to retrieve wallet history."


def _table(frame: pd.DataFrame) -> dict[str, Any]:
    """``{columns, data, length}`` with dates as ISO 8601 text, as freqtrade's JSON encoder writes them."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00"
        elif pd.api.types.is_datetime64_dtype(values.dtype):
            frame[column] = values.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return storage.frame_table(frame)


def _status(
    status: str,
    status_msg: str,
    *,
    running: bool = False,
    step: str = "",
    progress: float = 0,
    trade_count: float | None = None,
    backtest_result: dict[str, Any] | orjson.Fragment | None = None,
) -> BacktestStatus:
    return BacktestStatus(
        status=status,
        running=running,
        status_msg=status_msg,
        step=step,
        progress=float(progress),  # freqtrade's model writes 0.0 and 1.0
        trade_count=trade_count,
        backtest_result=backtest_result,
    )


def _history(entries: list[dict[str, Any]]) -> list[BacktestHistoryEntry]:
    return [BacktestHistoryEntry(**entry) for entry in entries]


class WebserverBacktest:
    def __init__(self, settings: Settings, registry: JobRegistry, catalog: MarketCatalog) -> None:
        self.settings = settings
        self.registry = registry
        self.catalog = catalog
        self.directory = settings.user_data_dir / RESULTS_FOLDER
        self._job: Job | None = None  # the last backtest's job, until reset

    # ---- the run --------------------------------------------------------------------------------
    def start(self, body: Mapping[str, Any]) -> BacktestStatus:
        if self.registry.running(JobCategory.BACKTEST) is not None:
            raise InvalidRequest(BUSY)
        run = self._settings(body)
        work = functools.partial(_work, run, self.catalog)
        self._job = self.registry.submit(JobCategory.BACKTEST, work, busy=BUSY)
        return _status("running", "Backtest started", running=True, step="startup")

    def _settings(self, body: Mapping[str, Any]) -> BacktestSettings:
        """The run's settings from the request; a bad value is a 400 naming it."""
        return requested_run(
            self.settings,
            body["strategy"],
            timeframe=body.get("timeframe"),
            timeframe_detail=body.get("timeframe_detail"),
            timerange=body.get("timerange"),
            max_open_trades=body.get("max_open_trades"),
            stake_amount=body.get("stake_amount"),
            dry_run_wallet=body.get("dry_run_wallet") or None,
            enable_protections=bool(body.get("enable_protections")),
            export="trades",
        )

    def status(self) -> BacktestStatus:
        job = self._job
        if job is None:
            return _status("not_started", "Backtest not yet executed")
        if job.active:
            step, done = "startup", 0.0
            if job.progress_tasks:
                task = job.progress_tasks.get(PROGRESS_KEY)
                if task is not None and task.total:
                    step, done = task.description, max(0.0, min(task.progress / task.total, 1.0))
            return _status("running", "Backtest running", running=True, step=step, progress=done)
        if job.status is JobStatus.FAILED:
            return _status("error", f"Backtest failed with {job.error}")
        finished: EncodedBacktest = job.result
        return _status(
            "ended",
            "Backtest ended",
            step="finished",
            progress=1,
            trade_count=finished.trades,
            backtest_result=orjson.Fragment(finished.result),
        )

    def reset(self) -> BacktestStatus:
        if self._job is not None and self._job.active:
            return _status("running", "Backtest running", running=True)
        self._job = None
        return _status("reset", "Backtest reset")

    def abort(self) -> BacktestStatus:
        if self._job is None or not self._job.active:
            return _status("not_running", "Backtest ended")
        self.registry.stop(self._job.job_id)
        return _status("stopping", "Backtest ended")

    # ---- stored results -------------------------------------------------------------------------
    def history(self) -> list[BacktestHistoryEntry]:
        return _history(storage.list_results(self.directory))

    def history_result(self, filename: str, strategy: str) -> BacktestStatus:
        result = storage.load_strategy_result(self.directory, filename, strategy)
        return _status("ended", "Historic result", progress=1, backtest_result=result)

    def delete_result(self, filename: str) -> list[BacktestHistoryEntry]:
        return _history(storage.delete_result(self.directory, filename))

    def set_notes(self, filename: str, strategy: str, notes: str) -> list[BacktestHistoryEntry]:
        return _history(storage.set_notes(self.directory, filename, strategy, notes))

    def market_change(self, filename: str) -> BacktestTable:
        return BacktestTable(**_table(storage.load_market_change(self.directory, filename)))

    def wallet(self, filename: str, strategy: str) -> WalletHistory:
        if ":" in strategy:
            raise InvalidRequest("base64 encoded strategies are not allowed.")
        try:
            path = storage.find_result(self.directory, filename)
        except NotFound:
            raise InvalidRequest(NO_WALLET) from None
        if path.suffix != ".zip":
            raise InvalidRequest(NO_WALLET)
        try:
            frame = storage.load_wallet(self.directory, filename, strategy)
        except NotFound:
            raise NotFound(NO_WALLET) from None
        return WalletHistory(**_table(frame), capture_start_ts=None)


PROGRESS_KEY = "0"  # the one progress task of a backtest job (freqtrade numbers its tasks)


def _work(run: BacktestSettings, catalog: MarketCatalog, control: JobControl) -> EncodedBacktest:
    """The job: the backtest in a worker process, its phase and fraction reported as the job's task."""
    from ftserver.backtest.runner import encoded_in_worker

    markets = markets_for_backtest(catalog, run.pairs)

    def report(phase: str, fraction: float) -> None:
        control.progress(fraction)
        control.task(PROGRESS_KEY, fraction * 100, 100, phase)

    return encoded_in_worker(run, progress=report, should_stop=lambda: control.cancelled, markets=markets)
