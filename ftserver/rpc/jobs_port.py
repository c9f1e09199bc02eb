"""What the webserver mode's job routes need: background jobs, pairlist evaluation, data download, markets.

``research.webserver_jobs.WebserverJobs`` satisfies it. Like research, it needs no bot; its routes reach
it through their own app key, which only the webserver mode sets (trade mode answers 503, as freqtrade).
Every answer is plain data in freqtrade's shapes; request bodies arrive already checked by the API's
schemas, and what only the work side can check (pairlist handlers and their options, blacklist
patterns) raises a marshmallow ``ValidationError`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class JobsPort(Protocol):
    def jobs(self) -> list[dict[str, Any]]: ...

    def job(self, job_id: str) -> dict[str, Any]:
        """One job's status; ``NotFound`` for an unknown id."""
        ...

    def delete_job(self, job_id: str) -> dict[str, Any]:
        """Forget a finished job and return its last status; ``InvalidRequest`` while it runs."""
        ...

    def clear_jobs(self) -> list[dict[str, Any]]:
        """Forget every finished job; the ones still running are returned."""
        ...

    def start_pairlist_evaluation(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``{"status", "job_id"}``; ``InvalidRequest`` while another evaluation runs."""
        ...

    def pairlist_evaluation(self, job_id: str) -> dict[str, Any]:
        """``{"status", "error", "result"}`` of a finished evaluation; ``InvalidRequest`` while it runs."""
        ...

    def start_download(self, body: Mapping[str, Any]) -> dict[str, Any]: ...

    def markets(
        self, exchange: str | None, base: str | None, quote: str | None, include_inactive: bool
    ) -> dict[str, Any]:
        """An exchange's markets (blocking the first time an exchange is asked: call it in a thread)."""
        ...

    def freqai_models(self) -> dict[str, Any]: ...

    def hyperopt_losses(self) -> dict[str, Any]: ...
