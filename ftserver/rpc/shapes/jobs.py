"""Shapes of the webserver mode's job routes: background jobs, pairlist evaluation, data download,
and the FreqAI model and hyperopt loss lists."""

from __future__ import annotations

from dataclasses import field

from ftserver.rpc.shapes import choices, described, shape

JOB_CATEGORIES = ["pairlist", "download_data", "backtest", "lookahead_analysis", "recursive_analysis"]


@shape
class ProgressTask:
    progress: float
    total: float
    description: str


@shape
class BackgroundJob:
    """A job's status; also what the ``background_job`` WebSocket message carries (``Job.view``)."""

    job_id: str
    job_category: str = field(metadata=choices(JOB_CATEGORIES))
    status: str = field(
        metadata=choices(
            ["pending", "success", "failed"], "pending until the work ends (running tells whether it started)"
        )
    )
    running: bool
    progress: float | None
    progress_tasks: dict[str, ProgressTask] | None = field(
        metadata=described("the job's progress bars by task id; null for kinds that have none")
    )
    error: str | None


@shape
class JobStarted:
    status: str
    job_id: str


@shape
class EvaluatedPairs:
    """The whitelist a pairlist chain produced, in freqtrade's key order for this answer."""

    method: list[str]
    length: int
    whitelist: list[str]


@shape
class PairlistEvaluation:
    status: str = field(metadata=choices(["success", "failed"]))
    error: str | None
    result: EvaluatedPairs | None


@shape
class FreqaiModels:
    freqaimodels: list[str]


@shape
class HyperoptLoss:
    name: str
    description: str


@shape
class HyperoptLosses:
    loss_functions: list[HyperoptLoss]


@shape
class LookaheadAnalysisResult:
    strategy: str
    has_bias: bool
    total_signals: int = field(metadata=described("trades checked (force exits are skipped)"))
    biased_entry_signals: int = field(metadata=described("checked entries not made without the later candles"))
    biased_exit_signals: int = field(metadata=described("checked exits not made without the later candles"))
    biased_indicators: list[str] = field(
        metadata=described("columns whose values change when the later candles are cut off")
    )


@shape
class LookaheadAnalysis:
    status: str = field(metadata=choices(["running", "error", "ended"]))
    running: bool
    status_msg: str
    result: LookaheadAnalysisResult | None


@shape
class RecursiveAnalysisResult:
    strategy: str
    startup_candles: list[int] = field(metadata=described("the startup candle counts tried, ascending"))
    strategy_scc: int | None = field(metadata=described("the strategy's own startup_candle_count"))
    results: dict[str, dict[str, float | None]] = field(
        metadata=described(
            "per indicator whose newest value changed, by startup count: the relative difference to the"
            " run over the whole timerange (null where it has no meaning)"
        )
    )


@shape
class RecursiveAnalysis:
    status: str = field(metadata=choices(["running", "error", "ended"]))
    running: bool
    status_msg: str
    result: RecursiveAnalysisResult | None
