"""The background-job registry: status transitions, one active job per category, progress on the bus."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ftserver.core.bus import MessageBus
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.errors import InvalidRequest, NotFound
from ftserver.jobs.registry import JobCategory, JobControl, JobRegistry, JobStatus
from tests.support.polling import eventually

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def bus() -> AsyncIterator[MessageBus]:
    bus = MessageBus()
    yield bus
    await bus.close()


@pytest.fixture
async def registry(bus: MessageBus) -> AsyncIterator[JobRegistry]:
    registry = JobRegistry(clock=ManualClock(NOW), bus=bus, max_kept=3)
    yield registry
    await registry.close()


class Gate:
    """Work that waits in its thread until the test opens the gate, then returns or raises."""

    def __init__(self, result: Any = "done", error: Exception | None = None) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.result = result
        self.error = error

    def __call__(self, control: JobControl) -> Any:
        self.started.set()
        control.task("0", 1, 2, "half way")
        control.progress(0.5)
        while not self.release.wait(0.01):
            control.check()
        if self.error is not None:
            raise self.error
        return self.result


async def test_a_job_goes_from_pending_to_running_to_success_and_each_step_is_published(
    registry: JobRegistry, bus: MessageBus
) -> None:
    sub = bus.subscribe([MessageType.BACKGROUND_JOB])
    gate = Gate(result={"whitelist": ["BTC/USDT"]})
    job = registry.submit(JobCategory.PAIRLIST, gate, busy="busy")
    assert (job.status, job.running) == (JobStatus.PENDING, False)
    await eventually(lambda: job.running and job.progress == 0.5, what="job started and reported")
    assert job.view()["progress_tasks"] == {"0": {"progress": 1, "total": 2, "description": "half way"}}
    gate.release.set()
    await eventually(lambda: not job.active, what="job finished")
    assert job.view() == {
        "job_id": job.job_id,
        "job_category": "pairlist",
        "status": "success",
        "running": False,
        "progress": 0.5,
        "progress_tasks": {"0": {"progress": 1, "total": 2, "description": "half way"}},
        "error": None,
    }
    assert job.result == {"whitelist": ["BTC/USDT"]}
    seen = []
    while sub.pending:
        message = await sub.get()
        seen.append((message.data["status"], message.data["running"]))
    # submitted, started, two progress reports (task, fraction), finished
    assert seen == [("pending", False), ("pending", True), ("pending", True), ("pending", True), ("success", False)]


async def test_a_second_job_of_a_category_is_refused_while_the_first_is_active(registry: JobRegistry) -> None:
    gate = Gate()
    registry.submit(JobCategory.PAIRLIST, gate, busy="Pairlist evaluation is already running.")
    with pytest.raises(InvalidRequest, match=r"Pairlist evaluation is already running\."):
        registry.submit(JobCategory.PAIRLIST, Gate(), busy="Pairlist evaluation is already running.")
    other = registry.submit(JobCategory.DOWNLOAD_DATA, lambda control: None, busy="busy")  # another category runs
    await eventually(lambda: other.status is JobStatus.SUCCESS, what="download finished")
    gate.release.set()
    await eventually(lambda: registry.running(JobCategory.PAIRLIST) is None, what="pairlist finished")
    registry.submit(JobCategory.PAIRLIST, lambda control: None, busy="busy")  # the slot is free again


async def test_a_failing_job_keeps_its_error_text(registry: JobRegistry) -> None:
    gate = Gate(error=ValueError("no such market"))
    gate.release.set()
    job = registry.submit(JobCategory.DOWNLOAD_DATA, gate, busy="busy")
    await eventually(lambda: not job.active, what="job finished")
    assert (job.status, job.running, job.error) == (JobStatus.FAILED, False, "no such market")


async def test_unknown_jobs_are_not_found_and_active_ones_cannot_be_deleted(registry: JobRegistry) -> None:
    with pytest.raises(NotFound, match=r"Job not found\."):
        registry.get("nope")
    with pytest.raises(NotFound):
        registry.delete("nope")
    gate = Gate()
    job = registry.submit(JobCategory.PAIRLIST, gate, busy="busy")
    with pytest.raises(InvalidRequest, match=r"Job is still running\."):
        registry.delete(job.job_id)
    done = registry.submit(JobCategory.DOWNLOAD_DATA, lambda control: 1, busy="busy")
    await eventually(lambda: not done.active, what="download finished")
    # clear forgets the finished job and answers with the ones still active
    assert registry.clear() == [job]
    gate.release.set()
    await eventually(lambda: not job.active, what="pairlist finished")
    assert registry.delete(job.job_id) is job
    assert registry.jobs() == []


async def test_only_max_kept_jobs_are_kept_and_the_oldest_finished_go_first(registry: JobRegistry) -> None:
    ids = []
    for _ in range(4):
        job = registry.submit(JobCategory.PAIRLIST, lambda control: None, busy="busy")
        ids.append(job.job_id)
        await eventually(lambda job=job: not job.active, what="job finished")
    assert [j.job_id for j in registry.jobs()] == ids[1:]


async def test_close_stops_a_job_that_checks_between_steps(bus: MessageBus) -> None:
    registry = JobRegistry(clock=ManualClock(NOW), bus=bus)
    gate = Gate()
    job = registry.submit(JobCategory.DOWNLOAD_DATA, gate, busy="busy")
    await eventually(lambda: gate.started.is_set(), what="job started")
    await registry.close()
    assert (job.status, job.running, job.error) == (JobStatus.FAILED, False, "Job was stopped.")
    with pytest.raises(InvalidRequest, match="shutting down"):
        registry.submit(JobCategory.PAIRLIST, Gate(), busy="busy")


async def test_backtests_and_analyses_share_one_slot(registry: JobRegistry) -> None:
    gate = Gate()
    registry.submit(JobCategory.BACKTEST, gate, busy="busy")
    for category in (JobCategory.LOOKAHEAD_ANALYSIS, JobCategory.RECURSIVE_ANALYSIS, JobCategory.BACKTEST):
        with pytest.raises(InvalidRequest, match="Analysis is already running"):
            registry.submit(category, Gate(), busy="Analysis is already running.")
    gate.release.set()


async def test_stop_ends_a_job_at_its_next_check(registry: JobRegistry) -> None:
    gate = Gate()
    job = registry.submit(JobCategory.BACKTEST, gate, busy="busy")
    await eventually(lambda: gate.started.is_set(), what="job started")
    assert registry.stop(job.job_id) is job
    await eventually(lambda: not job.active, what="job stopped")
    assert (job.status, job.error) == (JobStatus.FAILED, "Job was stopped.")
