"""``JobRegistry``: the webserver mode's background jobs, their status and progress, one running per category.

A job's work is a plain blocking function run in the registry's own worker threads, so a long download
or evaluation never holds the event loop nor takes the threads the API's ``asyncio.to_thread`` calls
use. The work reports progress through its ``JobControl``; every change is applied on the event loop
(the registry's state has one owner) and published on the bus as a ``background_job`` message.

Status values are freqtrade's: ``pending`` from submission until the work ends (``running`` tells
whether it has started), then ``success`` or ``failed`` with the error text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.errors import FtServerError, InvalidRequest, NotFound

log = logging.getLogger(__name__)


class JobCategory(StrEnum):
    PAIRLIST = "pairlist"
    DOWNLOAD_DATA = "download_data"
    BACKTEST = "backtest"
    LOOKAHEAD_ANALYSIS = "lookahead_analysis"
    RECURSIVE_ANALYSIS = "recursive_analysis"


# Kinds that share one slot: freqtrade runs one backtest or bias analysis at a time, whichever it is.
_SLOT: dict[JobCategory, str] = {
    JobCategory.PAIRLIST: "pairlist",
    JobCategory.DOWNLOAD_DATA: "download_data",
    JobCategory.BACKTEST: "analysis",
    JobCategory.LOOKAHEAD_ANALYSIS: "analysis",
    JobCategory.RECURSIVE_ANALYSIS: "analysis",
}


class JobStatus(StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class JobCancelled(Exception):
    """Raised inside a job's work (by ``JobControl.check``) once the registry asked it to stop."""


@dataclass(frozen=True, slots=True)
class ProgressTask:
    progress: float
    total: float
    description: str


@dataclass(slots=True)
class Job:
    job_id: str
    category: JobCategory
    created_at: datetime
    updated_at: datetime
    status: JobStatus = JobStatus.PENDING
    running: bool = False
    progress: float | None = None
    # None for kinds that report no tasks (freqtrade leaves the key out for them).
    progress_tasks: dict[str, ProgressTask] | None = None
    result: Any = None
    error: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def active(self) -> bool:
        """Submitted and not finished: it holds its category's slot."""
        return self.status is JobStatus.PENDING

    def view(self) -> dict[str, Any]:
        """The ``/background/{jobid}`` answer."""
        tasks = None
        if self.progress_tasks is not None:
            tasks = {
                key: {"progress": t.progress, "total": t.total, "description": t.description}
                for key, t in self.progress_tasks.items()
            }
        return {
            "job_id": self.job_id,
            "job_category": self.category.value,
            "status": self.status.value,
            "running": self.running,
            "progress": self.progress,
            "progress_tasks": tasks,
            "error": self.error,
        }


class JobControl:
    """What a job's work (in a worker thread) holds: progress reports and the stop request.

    Reports are handed to the event loop, which owns the job; they never wait for it.
    """

    def __init__(self, registry: JobRegistry, job: Job, loop: asyncio.AbstractEventLoop) -> None:
        self._registry = registry
        self._job = job
        self._loop = loop

    @property
    def cancelled(self) -> bool:
        return self._job.cancel.is_set()

    def check(self) -> None:
        """Raise ``JobCancelled`` when the job was asked to stop: call it between steps."""
        if self._job.cancel.is_set():
            raise JobCancelled

    def progress(self, fraction: float) -> None:
        self._post(lambda job: setattr(job, "progress", fraction))

    def task(self, key: str, progress: float, total: float, description: str) -> None:
        """Set one of the job's ``progress_tasks`` (freqtrade keys them by a small number as text)."""

        def apply(job: Job) -> None:
            if job.progress_tasks is None:
                job.progress_tasks = {}
            job.progress_tasks[key] = ProgressTask(progress, total, description)

        self._post(apply)

    def _post(self, change: Callable[[Job], None]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed under a job that was still reporting
            self._loop.call_soon_threadsafe(self._registry.apply, self._job, change)


Work = Callable[[JobControl], Any]


class JobRegistry:
    """Every job of this process, newest last; finished ones beyond ``max_kept`` are forgotten oldest first."""

    def __init__(self, *, clock: Clock, bus: MessageBus | None = None, max_kept: int = 100) -> None:
        if max_kept < 1:
            raise ValueError("max_kept must be at least 1")
        self.clock = clock
        self.bus = bus
        self.max_kept = max_kept
        self._jobs: dict[str, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # One thread per slot is enough: a slot runs one job at a time.
        self._executor = ThreadPoolExecutor(max_workers=len(set(_SLOT.values())), thread_name_prefix="ftserver-job")
        self._closed = False

    # ---- reading -------------------------------------------------------------------------------
    def jobs(self) -> list[Job]:
        return list(self._jobs.values())

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise NotFound("Job not found.")
        return job

    def running(self, category: JobCategory) -> Job | None:
        """The active job holding ``category``'s slot (backtests and analyses share one), if any."""
        slot = _SLOT[category]
        return next((j for j in self._jobs.values() if _SLOT[j.category] == slot and j.active), None)

    # ---- changing ------------------------------------------------------------------------------
    def submit(self, category: JobCategory, work: Work, *, busy: str, progress_tasks: bool = False) -> Job:
        """Start ``work`` as a new job of ``category``; ``InvalidRequest(busy)`` while its slot is taken.

        Must be called on the event loop.
        """
        if self._closed:
            raise InvalidRequest("The server is shutting down.")
        if self.running(category) is not None:
            raise InvalidRequest(busy)
        now = self.clock.now()
        job = Job(
            job_id=str(uuid.uuid4()),
            category=category,
            created_at=now,
            updated_at=now,
            progress_tasks={} if progress_tasks else None,
        )
        self._jobs[job.job_id] = job
        self._forget_old()
        self._publish(job)
        task = asyncio.get_running_loop().create_task(self._run(job, work), name=f"job-{category.value}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    def stop(self, job_id: str) -> Job:
        """Ask an active job to stop (its work sees it at its next ``JobControl.check``)."""
        job = self.get(job_id)
        if job.active:
            job.cancel.set()
        return job

    def delete(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.active:
            raise InvalidRequest("Job is still running.")
        del self._jobs[job_id]
        return job

    def clear(self) -> list[Job]:
        """Forget every finished job; the ones still active are returned."""
        for job_id in [j.job_id for j in self._jobs.values() if not j.active]:
            del self._jobs[job_id]
        return self.jobs()

    def apply(self, job: Job, change: Callable[[Job], None]) -> None:
        """Apply a progress report (on the event loop) and announce it."""
        if not job.active:
            return  # a late report after the end changes nothing
        change(job)
        job.updated_at = self.clock.now()
        self._publish(job)

    async def close(self) -> None:
        """Ask every active job to stop, wait for them, release the worker threads."""
        self._closed = True
        for job in self._jobs.values():
            job.cancel.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._executor.shutdown(wait=False)

    # ---- running -------------------------------------------------------------------------------
    async def _run(self, job: Job, work: Work) -> None:
        loop = asyncio.get_running_loop()
        control = JobControl(self, job, loop)
        job.running = True
        job.updated_at = self.clock.now()
        self._publish(job)
        try:
            job.result = await loop.run_in_executor(self._executor, work, control)
            job.status = JobStatus.SUCCESS
        except JobCancelled:
            job.error = "Job was stopped."
            job.status = JobStatus.FAILED
        except FtServerError as exc:
            log.warning("%s job %s failed: %s", job.category.value, job.job_id, exc.message)
            job.error = exc.message
            job.status = JobStatus.FAILED
        except Exception as exc:
            log.exception("%s job %s failed", job.category.value, job.job_id)
            job.error = str(exc) or type(exc).__name__
            job.status = JobStatus.FAILED
        finally:
            job.running = False
            job.updated_at = self.clock.now()
            if job.status is JobStatus.PENDING:  # cancelled from outside (shutdown of the loop)
                job.status = JobStatus.FAILED
                job.error = job.error or "Job was stopped."
            self._publish(job)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if not j.active]
        excess = len(self._jobs) - self.max_kept
        for job in finished[: max(0, excess)]:
            del self._jobs[job.job_id]

    def _publish(self, job: Job) -> None:
        if self.bus is not None:
            self.bus.publish(messages.background_job(job.view()))
