"""Webserver mode's job routes on a real server: background jobs, pairlist evaluation, data download, markets.

The exchange is the simulated market on a manual clock; downloads go into the test's user_data. Jobs run
in the registry's worker threads, so tests poll the job's status as FreqUI does.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from aiohttp.test_utils import TestClient

from ftserver.api import keys
from ftserver.api.openapi import build_document, documented_routes
from ftserver.app import create_app
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.jobs.registry import JobCategory, JobControl
from ftserver.models import RunMode
from ftserver.research.webserver_jobs import WebserverJobs
from tests.support.polling import eventually
from tests.support.scripted_market import ScriptedMarket

from .conftest import START, app_settings, basic_auth
from .test_response_schemas import Checker

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)
WHITELIST = ["BTC/USDT", "ETH/USDT", "SOL/USDT", "XRP/USDT", "DOGE/USDT"]
JOB_NOT_FOUND = {"detail": "Job not found.", "error": "Job not found.", "code": "not_found"}


@dataclass
class Webserver:
    client: TestClient
    tmp_path: Path
    answers: list[tuple[str, str, int, Any]]

    @property
    def jobs(self) -> WebserverJobs:
        jobs = self.client.app[keys.JOBS]
        assert isinstance(jobs, WebserverJobs)
        return jobs

    async def call(self, method: str, path: str, status: int = 200, *, route: str | None = None, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=basic_auth(), **kwargs)
        body = await response.json()
        assert response.status == status, f"{method} {path}: {response.status} {body}"
        self.answers.append((method, route or path, status, body))
        return body

    async def finished(self, job_id: str) -> dict[str, Any]:
        async def done() -> dict[str, Any] | None:
            job: dict[str, Any] = await self.call(
                "GET", f"/api/v1/background/{job_id}", route="/api/v1/background/{jobid}"
            )
            return job if job["status"] != "pending" else None

        result: dict[str, Any] = await eventually(done, what=f"job {job_id} finished")
        return result


@pytest.fixture
async def webserver(aiohttp_client: Any, tmp_path: Path) -> Webserver:
    settings = app_settings(tmp_path, exchange={"name": "sim", "pair_whitelist": WHITELIST})
    app = create_app(settings, runmode=RunMode.WEBSERVER, clock=ManualClock(NOW))
    return Webserver(await aiohttp_client(app), tmp_path, [])


class Held:
    """A job's work that waits in its thread until released: it keeps its category busy for the test."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, control: JobControl) -> None:
        while not self.release.wait(0.01):
            control.check()


async def test_a_static_chain_with_a_price_filter_is_evaluated_in_the_background(webserver: Webserver) -> None:
    started = await webserver.call(
        "POST",
        "/api/v1/pairlists/evaluate",
        json={
            "pairlists": [{"method": "StaticPairList"}, {"method": "PriceFilter", "min_price": 1.0}],
            "blacklist": ["SOL/.*", ""],  # FreqUI's editor leaves an empty row: it names nothing
            "stake_currency": "USDT",
        },
    )
    assert started["status"] == "Pairlist evaluation started in background."
    job = await webserver.finished(started["job_id"])
    assert job == {
        "job_id": started["job_id"],
        "job_category": "pairlist",
        "status": "success",
        "running": False,
        "progress": None,
        "progress_tasks": None,
        "error": None,
    }
    # The configured whitelist in its order; XRP (~0.55) and DOGE (~0.12) cost less than 1 USDT, SOL is blacklisted.
    evaluated = await webserver.call(
        "GET", f"/api/v1/pairlists/evaluate/{started['job_id']}", route="/api/v1/pairlists/evaluate/{jobid}"
    )
    assert evaluated == {
        "status": "success",
        "error": None,
        "result": {"method": ["StaticPairList", "PriceFilter"], "length": 2, "whitelist": ["BTC/USDT", "ETH/USDT"]},
    }
    assert [j["job_id"] for j in await webserver.call("GET", "/api/v1/background")] == [started["job_id"]]


async def test_a_volume_chain_ranks_the_sim_market_and_the_blacklisted_pair_takes_no_slot(webserver: Webserver) -> None:
    started = await webserver.call(
        "POST",
        "/api/v1/pairlists/evaluate",
        json={
            "pairlists": [
                {"method": "VolumePairList", "number_assets": 5},
                {"method": "OffsetFilter", "offset": 1, "number_assets": 3},
            ],
            "blacklist": ["BTC/USDT"],
            "stake_currency": "USDT",
            "exchange": "sim",
            "trading_mode": "spot",
            "margin_mode": "",
        },
    )
    await webserver.finished(started["job_id"])
    evaluated = await webserver.call(
        "GET", f"/api/v1/pairlists/evaluate/{started['job_id']}", route="/api/v1/pairlists/evaluate/{jobid}"
    )
    tickers = await SimulatedMarket(clock=ManualClock(NOW)).fetch_tickers()
    ranked = sorted((p for p in tickers if p != "BTC/USDT"), key=lambda p: tickers[p].quote_volume or 0, reverse=True)
    assert evaluated["result"]["whitelist"] == ranked[1:4]  # the 2nd to 4th largest volumes of the top 5
    assert evaluated["result"]["method"] == ["VolumePairList", "OffsetFilter"]


async def test_a_second_evaluation_is_refused_while_one_is_active_and_its_result_waits(webserver: Webserver) -> None:
    held = Held()
    job = webserver.jobs.registry.submit(JobCategory.PAIRLIST, held, busy="Pairlist evaluation is already running.")
    body = {"pairlists": [{"method": "StaticPairList"}], "blacklist": [], "stake_currency": "USDT"}
    refused = await webserver.call("POST", "/api/v1/pairlists/evaluate", 400, json=body)
    assert refused["detail"] == "Pairlist evaluation is already running."
    waiting = await webserver.call(
        "GET", f"/api/v1/pairlists/evaluate/{job.job_id}", 400, route="/api/v1/pairlists/evaluate/{jobid}"
    )
    assert waiting["detail"] == "Job not finished yet."
    running = await webserver.call(
        "DELETE", f"/api/v1/background/{job.job_id}", 400, route="/api/v1/background/{jobid}"
    )
    assert running["detail"] == "Job is still running."
    kept = await webserver.call("DELETE", "/api/v1/background/clear")
    assert [(j["job_id"], j["running"]) for j in kept] == [(job.job_id, True)]
    held.release.set()
    await webserver.finished(job.job_id)
    deleted = await webserver.call("DELETE", f"/api/v1/background/{job.job_id}", route="/api/v1/background/{jobid}")
    assert (deleted["job_id"], deleted["status"]) == (job.job_id, "success")
    assert await webserver.call("GET", "/api/v1/background") == []
    # The slot is free again.
    await webserver.call("POST", "/api/v1/pairlists/evaluate", json=body)


async def test_unknown_job_ids_are_404_with_a_json_detail(webserver: Webserver) -> None:
    for method, path, route in (
        ("GET", "/api/v1/background/nope", "/api/v1/background/{jobid}"),
        ("DELETE", "/api/v1/background/nope", "/api/v1/background/{jobid}"),
        ("GET", "/api/v1/pairlists/evaluate/nope", "/api/v1/pairlists/evaluate/{jobid}"),
    ):
        assert await webserver.call(method, path, 404, route=route) == JOB_NOT_FOUND


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"blacklist": [], "stake_currency": "USDT"}, "pairlists"),
        ({"pairlists": [], "blacklist": [], "stake_currency": "USDT"}, "pairlists"),
        ({"pairlists": [{"method": "StaticPairList"}], "stake_currency": "USDT"}, "blacklist"),
        ({"pairlists": [{"method": "StaticPairList"}], "blacklist": []}, "stake_currency"),
        ({"pairlists": [{"method": "Nope"}], "blacklist": [], "stake_currency": "USDT"}, "pairlists: 0: method"),
        ({"pairlists": [{"method": "AgeFilter"}], "blacklist": [], "stake_currency": "USDT"}, "pairlists: 0: method"),
        (
            {
                "pairlists": [{"method": "StaticPairList"}, {"method": "VolumePairList", "number_assets": "five"}],
                "blacklist": [],
                "stake_currency": "USDT",
            },
            "pairlists: 1: number_assets",
        ),
        (
            {"pairlists": [{"method": "StaticPairList"}], "blacklist": ["BAD["], "stake_currency": "USDT"},
            "blacklist: 0",
        ),
        (
            {
                "pairlists": [{"method": "StaticPairList"}],
                "blacklist": [],
                "stake_currency": "USDT",
                "trading_mode": "futures",
            },
            "trading_mode",
        ),
    ],
)
async def test_a_bad_evaluation_body_is_422_naming_the_field(webserver: Webserver, body: Any, named: str) -> None:
    refused = await webserver.call("POST", "/api/v1/pairlists/evaluate", 422, json=body)
    assert refused["detail"].startswith(named), refused["detail"]
    assert webserver.jobs.registry.jobs() == []


async def test_download_data_stores_candles_and_reports_its_progress_tasks(webserver: Webserver) -> None:
    started = await webserver.call(
        "POST",
        "/api/v1/download_data",
        json={"pairs": ["BTC/USDT", "ETH/.*", "NOPE/USDT"], "timeframes": ["1h"], "days": 2},
    )
    assert started["status"] == "Data Download started in background."
    job = await webserver.finished(started["job_id"])
    assert (job["job_category"], job["status"], job["error"]) == ("download_data", "success", None)
    assert job["progress_tasks"] == {
        "0": {"progress": 1, "total": 1, "description": "Timeframe"},
        "1": {"progress": 3, "total": 3, "description": "Downloading data..."},
    }
    datadir = webserver.tmp_path / "user_data" / "data" / "sim"
    btc = pd.read_feather(datadir / "BTC_USDT-1h.feather")
    # Two days back from 2026-03-02 12:00:30: the first whole hour is 02-28 13:00, the last closed one 03-02 11:00.
    assert len(btc) == 11 + 24 + 12
    assert btc["date"].iloc[0] == pd.Timestamp("2026-02-28 13:00", tz="UTC")
    assert btc["date"].iloc[-1] == pd.Timestamp("2026-03-02 11:00", tz="UTC")
    assert webserver.jobs.registry.get(started["job_id"]).result == {
        "added": {"BTC/USDT": {"1h": 47}, "ETH/USDT": {"1h": 47}},
        "skipped": ["NOPE/USDT"],
    }
    # The research routes see what was downloaded.
    available = await webserver.call("GET", "/api/v1/available_pairs", params={"timeframe": "1h"})
    assert available["pairs"] == ["BTC/USDT", "ETH/USDT"]


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        ({"timeframes": ["5m"]}, 422, "pairs"),
        ({"pairs": ["BTC/USDT"], "days": 2, "timerange": "20260301-"}, 422, "timerange"),
        ({"pairs": ["BTC/USDT"], "download_trades": True}, 422, "download_trades"),
        ({"pairs": ["BTC/USDT"], "prepend_data": True}, 422, "prepend_data"),
        ({"pairs": ["BTC/USDT"], "timeframes": ["5 minutes"]}, 422, "timeframes"),
        ({"pairs": ["BTC/USDT"], "candle_types": ["futures"]}, 422, "candle_types"),
        ({"pairs": ["BTC/USDT"], "timerange": "last week"}, 400, "Invalid timerange"),
    ],
)
async def test_a_bad_download_body_is_refused_naming_the_field(
    webserver: Webserver, body: Any, status: int, named: str
) -> None:
    refused = await webserver.call("POST", "/api/v1/download_data", status, json=body)
    assert refused["detail"].startswith(named), refused["detail"]


async def test_a_second_download_is_refused_while_one_is_active(webserver: Webserver) -> None:
    held = Held()
    webserver.jobs.registry.submit(JobCategory.DOWNLOAD_DATA, held, busy="Data Download is already running.")
    refused = await webserver.call("POST", "/api/v1/download_data", 400, json={"pairs": ["BTC/USDT"]})
    assert refused["detail"] == "Data Download is already running."
    held.release.set()


async def test_markets_in_webserver_mode_come_from_the_configured_exchange_loaded_once(webserver: Webserver) -> None:
    everything = await webserver.call("GET", "/api/v1/markets")
    assert everything["exchange_id"] == "sim"
    assert set(WHITELIST) <= set(everything["markets"])
    btc = await webserver.call("GET", "/api/v1/markets", params={"base": "BTC", "exchange": "sim"})
    assert list(btc["markets"]) == ["BTC/USDT"]
    assert btc["markets"]["BTC/USDT"]["quote"] == "USDT"
    assert webserver.jobs.catalog.loads == 1
    clock = webserver.jobs.clock
    assert isinstance(clock, ManualClock)
    clock.advance(minutes=60)  # exchange.markets_refresh_interval: the list is loaded again
    await webserver.call("GET", "/api/v1/markets", params={"quote": "USDT"})
    assert webserver.jobs.catalog.loads == 2
    unknown = await webserver.call("GET", "/api/v1/markets", 400, params={"exchange": "no-such-exchange"})
    assert "no-such-exchange" in unknown["detail"]


async def test_freqai_models_and_hyperopt_losses_are_empty_lists(webserver: Webserver) -> None:
    assert await webserver.call("GET", "/api/v1/freqaimodels") == {"freqaimodels": []}
    assert await webserver.call("GET", "/api/v1/hyperoptloss") == {"loss_functions": []}


async def test_job_progress_reaches_a_websocket_subscriber(webserver: Webserver) -> None:
    ws = await webserver.client.ws_connect("/api/v1/message/ws", params={"token": "ws-test-token"})
    try:
        await ws.send_json({"type": "subscribe", "data": ["background_job"]})
        await eventually(lambda: webserver.client.app[keys.WS_HUB].connections, what="subscribed")
        await webserver.call("POST", "/api/v1/download_data", json={"pairs": ["BTC/USDT"], "timeframes": ["1h"]})
        seen = []
        while not seen or seen[-1][0] == "pending":
            message = await ws.receive_json(timeout=10)
            assert message["type"] == "background_job"
            seen.append((message["status"], message["running"]))
        assert seen[0] == ("pending", False)
        assert ("pending", True) in seen
        assert seen[-1] == ("success", False)
    finally:
        await ws.close()


async def test_trade_mode_answers_503_on_the_webserver_routes(aiohttp_client: Any, tmp_path: Path) -> None:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0})
    app = create_app(app_settings(tmp_path), market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client = await aiohttp_client(app)
    for method, path in (
        ("GET", "/api/v1/background"),
        ("GET", "/api/v1/background/x"),
        ("DELETE", "/api/v1/background/clear"),
        ("POST", "/api/v1/pairlists/evaluate"),
        ("POST", "/api/v1/download_data"),
        ("GET", "/api/v1/freqaimodels"),
        ("GET", "/api/v1/hyperoptloss"),
    ):
        response = await client.request(method, path, headers=basic_auth(), json={})
        assert response.status == 503, path
        assert (await response.json())["detail"] == "Bot is not in the correct state."


async def test_every_webserver_answer_matches_its_response_schema(webserver: Webserver) -> None:
    await test_a_static_chain_with_a_price_filter_is_evaluated_in_the_background(webserver)
    await test_download_data_stores_candles_and_reports_its_progress_tasks(webserver)
    await test_markets_in_webserver_mode_come_from_the_configured_exchange_loaded_once(webserver)
    await test_freqai_models_and_hyperopt_losses_are_empty_lists(webserver)
    await test_unknown_job_ids_are_404_with_a_json_detail(webserver)

    # A failed evaluation's answer: the error text and no result.
    def fails(control: JobControl) -> None:
        raise ValueError("exchange went away")

    failed = webserver.jobs.registry.submit(JobCategory.PAIRLIST, fails, busy="busy")
    await webserver.finished(failed.job_id)
    answer = await webserver.call(
        "GET", f"/api/v1/pairlists/evaluate/{failed.job_id}", route="/api/v1/pairlists/evaluate/{jobid}"
    )
    assert answer == {"status": "failed", "error": "exchange went away", "result": None}
    await test_a_second_evaluation_is_refused_while_one_is_active_and_its_result_waits(webserver)
    download = await webserver.call(
        "POST", "/api/v1/download_data", json={"pairs": ["BTC/USDT"], "timeframes": ["5m"], "days": 2}
    )
    await webserver.finished(download["job_id"])
    body = {"strategy": "SampleStrategy", "timeframe": "5m", "timerange": "20260301-20260302", "startup_candle": [50]}
    assert await _analysed_recursively(webserver, body)
    body = {"strategy": "SampleStrategy", "timeframe": "5m", "timerange": "20260301-20260302",
            "minimum_trade_amount": 1, "targeted_trade_amount": 2}  # fmt: skip
    started = await webserver.call("POST", "/api/v1/lookahead_analysis", json=body)
    await webserver.finished(started["job_id"])
    answer = await webserver.call(
        "GET", f"/api/v1/lookahead_analysis/{started['job_id']}", route="/api/v1/lookahead_analysis/{jobid}"
    )
    assert answer["status"] == "ended", answer
    await webserver.call("DELETE", "/api/v1/background/clear")
    app = webserver.client.app
    checker = Checker(build_document(app), {(api.method, api.path): api.operation for api in documented_routes(app)})
    problems = [p for answer in webserver.answers for p in checker.problems(*answer)]
    assert problems == []
    webserver_routes = {key for key, operation in checker.operations.items() if operation.tag == "webserver"}
    succeeded = {(method, path) for method, path, status, _ in webserver.answers if status == 200}
    assert webserver_routes - succeeded == set()


async def test_a_second_download_resumes_and_erase_starts_over(webserver: Webserver) -> None:
    body = {"pairs": ["BTC/USDT"], "timeframes": ["1h"], "days": 2}
    first = await webserver.call("POST", "/api/v1/download_data", json=body)
    await webserver.finished(first["job_id"])
    again = await webserver.call("POST", "/api/v1/download_data", json=body)
    await webserver.finished(again["job_id"])
    # Nothing closed since the first download (the clock stands still): nothing new to store.
    assert webserver.jobs.registry.get(again["job_id"]).result["added"] == {"BTC/USDT": {"1h": 0}}
    erased = await webserver.call("POST", "/api/v1/download_data", json={**body, "days": 1, "erase": True})
    await webserver.finished(erased["job_id"])
    # The file was removed first: one day back from 12:00:30 is 03-01 13:00 to 03-02 11:00, 23 candles.
    assert webserver.jobs.registry.get(erased["job_id"]).result["added"] == {"BTC/USDT": {"1h": 23}}
    stored = pd.read_feather(webserver.tmp_path / "user_data" / "data" / "sim" / "BTC_USDT-1h.feather")
    assert len(stored) == 23


ROLLING_ONLY = '''
from ftserver.strategy.base import Strategy


class RollingOnly(Strategy):
    """Indicators over a fixed window only: the newest values cannot depend on older history."""

    timeframe = "5m"
    startup_candle_count = 20

    def populate_indicators(self, dataframe, metadata):
        dataframe["sma"] = dataframe["close"].rolling(20).mean()
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe["enter_long"] = 0
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        dataframe["exit_long"] = 0
        return dataframe
'''


async def _analysed_recursively(webserver: Webserver, body: dict[str, Any]) -> dict[str, Any]:
    started = await webserver.call("POST", "/api/v1/recursive_analysis", json=body)
    assert started["status"] == "Recursive analysis started in background."
    job = await webserver.finished(started["job_id"])
    assert job["job_category"] == "recursive_analysis" and job["error"] is None, job
    answer: dict[str, Any] = await webserver.call(
        "GET", f"/api/v1/recursive_analysis/{started['job_id']}", route="/api/v1/recursive_analysis/{jobid}"
    )
    assert (answer["status"], answer["running"], answer["status_msg"]) == ("ended", False, "Analysis ended")
    return answer["result"]


async def test_recursive_analysis_reports_indicators_that_depend_on_older_history(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    strategies = tmp_path / "strategies"
    strategies.mkdir()
    (strategies / "rolling_only.py").write_text(ROLLING_ONLY)
    settings = app_settings(
        tmp_path,
        exchange={"name": "sim", "pair_whitelist": ["BTC/USDT"]},
        strategy_path=str(strategies),
        timeframe="5m",
    )
    webserver = Webserver(
        await aiohttp_client(create_app(settings, runmode=RunMode.WEBSERVER, clock=ManualClock(NOW))), tmp_path, []
    )
    download = await webserver.call(
        "POST", "/api/v1/download_data", json={"pairs": ["BTC/USDT"], "timeframes": ["5m"], "days": 8}
    )
    await webserver.finished(download["job_id"])
    timerange = "20260228-20260302"

    # SampleStrategy's EMAs and RSI carry every earlier candle: the fewer candles before the newest one,
    # the further their newest values are from the run over the whole timerange.
    result = await _analysed_recursively(
        webserver, {"strategy": "SampleStrategy", "timerange": timerange, "startup_candle": [600, 45]}
    )
    assert result["strategy"] == "SampleStrategy"
    assert result["strategy_scc"] == 30
    assert result["startup_candles"] == [30, 45, 600]  # ascending, with the strategy's own count added
    assert {"ema_fast", "ema_slow", "rsi"} <= set(result["results"])
    assert not {"date", "open", "high", "low", "close", "volume"} & set(result["results"])
    for indicator in ("ema_slow", "rsi"):
        by_startup = result["results"][indicator]
        assert abs(by_startup["30"]) > abs(by_startup["45"]) > abs(by_startup.get("600", 0.0)), by_startup

    # A fixed-window average: the first count tried already matches the full run, so the check stops there.
    result = await _analysed_recursively(webserver, {"strategy": "RollingOnly", "timerange": timerange})
    assert result["results"] == {}
    assert result["startup_candles"] == [20, 199, 399, 499, 999, 1999]


async def test_recursive_analysis_needs_a_timerange_a_known_strategy_and_a_free_slot(webserver: Webserver) -> None:
    refused = await webserver.call("POST", "/api/v1/recursive_analysis", 400, json={"strategy": "SampleStrategy"})
    assert refused["detail"].startswith("Please set a timerange.")
    unknown = await webserver.call(
        "POST", "/api/v1/recursive_analysis", 422, json={"strategy": "Nope", "timerange": "20260201-"}
    )
    assert "Nope" in unknown["detail"]
    await webserver.call("POST", "/api/v1/recursive_analysis", 422, json={"strategy": "S", "startup_candle": [0]})
    await webserver.call(
        "GET", "/api/v1/recursive_analysis/no-such-job", 404, route="/api/v1/recursive_analysis/{jobid}"
    )
    held = Held()
    webserver.jobs.registry.submit(JobCategory.BACKTEST, held, busy="busy")
    try:
        busy = await webserver.call(
            "POST", "/api/v1/recursive_analysis", 400, json={"strategy": "SampleStrategy", "timerange": "20260201-"}
        )
        assert busy["detail"] == "Analysis is already running."
    finally:
        held.release.set()


PEEKS_AHEAD = '''
from ftserver.strategy.base import Strategy


class PeeksAhead(Strategy):
    """Enters when the close three candles later is higher: it reads the future."""

    timeframe = "5m"
    startup_candle_count = 20
    minimal_roi = {"0": 0.004}
    stoploss = -0.01

    def populate_indicators(self, dataframe, metadata):
        dataframe["later_close"] = dataframe["close"].shift(-3)
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        dataframe.loc[dataframe["later_close"] > dataframe["close"] * 1.003, "enter_long"] = 1
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        dataframe["exit_long"] = 0
        return dataframe
'''


async def test_lookahead_analysis_flags_a_strategy_that_reads_later_candles(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    strategies = tmp_path / "strategies"
    strategies.mkdir()
    (strategies / "peeks_ahead.py").write_text(PEEKS_AHEAD)
    (strategies / "rolling_only.py").write_text(ROLLING_ONLY)
    settings = app_settings(
        tmp_path,
        exchange={"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        strategy_path=str(strategies),
        timeframe="5m",
    )
    webserver = Webserver(
        await aiohttp_client(create_app(settings, runmode=RunMode.WEBSERVER, clock=ManualClock(NOW))), tmp_path, []
    )
    download = await webserver.call(
        "POST", "/api/v1/download_data", json={"pairs": ["BTC/USDT", "ETH/USDT"], "timeframes": ["5m"], "days": 8}
    )
    await webserver.finished(download["job_id"])
    body = {"strategy": "PeeksAhead", "timerange": "20260226-20260302", "minimum_trade_amount": 4,
            "targeted_trade_amount": 6}  # fmt: skip
    started = await webserver.call("POST", "/api/v1/lookahead_analysis", json=body)
    assert started["status"] == "Lookahead analysis started in background."
    busy = await webserver.call("POST", "/api/v1/lookahead_analysis", 400, json=body)
    assert busy["detail"] == "Analysis is already running."
    job = await webserver.finished(started["job_id"])
    assert job["job_category"] == "lookahead_analysis" and job["error"] is None, job
    answer = await webserver.call(
        "GET", f"/api/v1/lookahead_analysis/{started['job_id']}", route="/api/v1/lookahead_analysis/{jobid}"
    )
    assert (answer["status"], answer["running"], answer["status_msg"]) == ("ended", False, "Analysis ended")
    result = answer["result"]
    assert (result["strategy"], result["has_bias"], result["total_signals"]) == ("PeeksAhead", True, 6)
    assert result["biased_entry_signals"] > 0 and "later_close" in result["biased_indicators"]
    # A strategy that only looks back: nothing found. It never trades, so nothing is checked either.
    body["strategy"] = "RollingOnly"
    started = await webserver.call("POST", "/api/v1/lookahead_analysis", json=body)
    await webserver.finished(started["job_id"])
    answer = await webserver.call(
        "GET", f"/api/v1/lookahead_analysis/{started['job_id']}", route="/api/v1/lookahead_analysis/{jobid}"
    )
    assert answer["result"]["has_bias"] is False and answer["result"]["biased_indicators"] == []


async def test_lookahead_analysis_refuses_bad_requests_with_a_reason(webserver: Webserver) -> None:
    refused = await webserver.call("POST", "/api/v1/lookahead_analysis", 400, json={"strategy": "SampleStrategy"})
    assert refused["detail"].startswith("Please set a timerange.")
    smaller = await webserver.call(
        "POST",
        "/api/v1/lookahead_analysis",
        400,
        json={"strategy": "SampleStrategy", "timerange": "20260201-", "minimum_trade_amount": 10,
              "targeted_trade_amount": 5},
    )  # fmt: skip
    assert smaller["detail"] == "Targeted trade amount can't be smaller than minimum trade amount."
    unknown = await webserver.call(
        "POST", "/api/v1/lookahead_analysis", 422, json={"strategy": "Nope", "timerange": "20260201-"}
    )
    assert "Nope" in unknown["detail"]
    await webserver.call(
        "GET", "/api/v1/lookahead_analysis/no-such-job", 404, route="/api/v1/lookahead_analysis/{jobid}"
    )
