"""The webserver mode's backtest routes on a real server, over results stored by ``save_backtest`` in the
test's user_data: history, one strategy's result, notes, market change, wallet, delete; the status
routes; 404/400 cases and names reaching outside the results folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ftserver.api.openapi import build_document, documented_routes
from ftserver.app import create_app
from ftserver.backtest import storage
from ftserver.core.clock import ManualClock
from ftserver.models import RunMode
from tests.support.polling import eventually
from tests.unit.backtest import sample

from .conftest import Server, app_settings, basic_auth
from .test_response_schemas import Checker

MOMENT = datetime(2024, 4, 2, 9, 30, 5, tzinfo=UTC)
STEM = "backtest-result-2024-04-02_09-30-05"
FILE_NOT_FOUND = {"detail": "File not found.", "error": "File not found.", "code": "not_found"}


@dataclass
class Webserver:
    client: TestClient
    results: Path
    answers: list[tuple[str, str, int, Any]]

    async def call(self, method: str, path: str, status: int = 200, *, route: str | None = None, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=basic_auth(), **kwargs)
        body = await response.json()
        assert response.status == status, f"{method} {path}: {response.status} {body}"
        self.answers.append((method, route or path, status, body))
        return body

    def store(self) -> Path:
        """Two strategies in one result; only SampleStrategy has a wallet history."""
        runs = [sample.run(), sample.run(strategy_name="Other", wallet_history=None, run_id="def456")]
        path, _ = storage.save_backtest(
            self.results, runs, candles=sample.candles(), config={"stake_currency": "USDT"}, moment=MOMENT
        )
        return path


@pytest.fixture
async def webserver(aiohttp_client: Any, tmp_path: Path) -> Webserver:
    settings = app_settings(tmp_path)
    app = create_app(settings, runmode=RunMode.WEBSERVER, clock=ManualClock(MOMENT))
    results = settings.user_data_dir / "backtest_results"
    results.mkdir(parents=True)
    return Webserver(await aiohttp_client(app), results, [])


async def test_history_is_empty_before_any_result_is_stored(webserver: Webserver) -> None:
    assert await webserver.call("GET", "/api/v1/backtest/history") == []


async def test_history_lists_each_strategy_of_a_stored_result(webserver: Webserver) -> None:
    webserver.store()
    history = await webserver.call("GET", "/api/v1/backtest/history")
    assert [(h["filename"], h["strategy"], h["run_id"], h["notes"]) for h in history] == [
        (STEM, "SampleStrategy", "abc123", ""),
        (STEM, "Other", "def456", ""),
    ]
    first = history[0]
    assert first["backtest_start_time"] == 1733389200
    # the backtested range in seconds (the strategy's stats carry it in ms): 2024-03-01 00:00 to 03-22 12:00 UTC
    assert (first["backtest_start_ts"], first["backtest_end_ts"]) == (1709251200, 1711108800)
    assert (first["timeframe"], first["timeframe_detail"]) == ("1h", None)


async def test_one_strategy_result_comes_as_a_finished_historic_backtest(webserver: Webserver) -> None:
    webserver.store()
    answer = await webserver.call(
        "GET",
        "/api/v1/backtest/history/result",
        params={"filename": STEM, "strategy": "Other"},
    )
    assert {k: v for k, v in answer.items() if k != "backtest_result"} == {
        "status": "ended",
        "running": False,
        "status_msg": "Historic result",
        "step": "",
        "progress": 1,
        "trade_count": None,  # freqtrade's response model sends its unset fields as null
    }
    result = answer["backtest_result"]
    assert list(result["strategy"]) == ["Other"]
    assert result["strategy"]["Other"]["total_trades"] == 40
    assert result["metadata"]["Other"]["filename"] == STEM
    assert result["metadata"]["Other"]["run_id"] == "def456"
    assert [line["key"] for line in result["strategy_comparison"]] == ["Other"]


async def test_a_result_of_an_unknown_file_or_strategy_is_404_and_a_missing_parameter_400(
    webserver: Webserver,
) -> None:
    webserver.store()
    route = "/api/v1/backtest/history/result"
    missing = await webserver.call("GET", route, 404, params={"filename": "backtest-result-1999", "strategy": "Other"})
    assert missing == FILE_NOT_FOUND
    unknown = await webserver.call("GET", route, 404, params={"filename": STEM, "strategy": "Nope"})
    assert "Nope" in unknown["detail"]
    await webserver.call("GET", route, 400, params={"strategy": "Other"})
    base64 = await webserver.call("GET", route, 400, params={"filename": STEM, "strategy": "Other:Y2xhc3M="})
    assert "base64" in base64["detail"]


async def test_notes_are_set_per_strategy_and_kept(webserver: Webserver) -> None:
    webserver.store()
    path = f"/api/v1/backtest/history/{STEM}"
    lines = await webserver.call(
        "PATCH", path, route="/api/v1/backtest/history/{file}", json={"strategy": "Other", "notes": "fees too low"}
    )
    assert [(line["strategy"], line["notes"]) for line in lines] == [("SampleStrategy", ""), ("Other", "fees too low")]
    history = await webserver.call("GET", "/api/v1/backtest/history")
    assert [h["notes"] for h in history] == ["", "fees too low"]


async def test_notes_for_a_strategy_not_in_the_result_are_400_and_for_an_unknown_file_404(
    webserver: Webserver,
) -> None:
    webserver.store()
    route = "/api/v1/backtest/history/{file}"
    wrong = await webserver.call(
        "PATCH", f"/api/v1/backtest/history/{STEM}", 400, route=route, json={"strategy": "Nope", "notes": "x"}
    )
    assert wrong["detail"] == "Strategy not in metadata."
    missing = await webserver.call(
        "PATCH", "/api/v1/backtest/history/backtest-result-1999", 404, route=route, json={"strategy": "Other"}
    )
    assert missing == FILE_NOT_FOUND
    await webserver.call("PATCH", f"/api/v1/backtest/history/{STEM}", 422, route=route, json={"notes": "x"})


async def test_market_change_is_a_table_with_iso_dates_and_millisecond_stamps(webserver: Webserver) -> None:
    webserver.store()
    table = await webserver.call(
        "GET",
        f"/api/v1/backtest/history/{STEM}/market_change",
        route="/api/v1/backtest/history/{file}/market_change",
    )
    assert table["columns"] == ["date", "mean", "rel_mean", "count", "__date_ts"]
    # hourly candles from 2024-03-01 00:00 up to (not including) 2024-03-22 12:00 UTC: 21 * 24 + 12 rows
    assert table["length"] == len(table["data"]) == 516
    first = table["data"][0]
    assert first[0] == "2024-03-01T00:00:00+00:00"
    assert first[3] == 4  # all four pairs have a candle
    assert first[4] == 1709251200000
    assert table["data"][-1][0] == "2024-03-22T11:00:00+00:00"


async def test_wallet_is_the_stake_value_per_snapshot(webserver: Webserver) -> None:
    webserver.store()
    table = await webserver.call(
        "GET",
        f"/api/v1/backtest/history/{STEM}/SampleStrategy/wallet",
        route="/api/v1/backtest/history/{file}/{strategy}/wallet",
    )
    assert table["columns"] == ["date", "__date_ts", "total_quote"]
    first_trade = sample.trades()[0]
    # the first snapshot holds 50 USDT of the balance as BTC: valued back, the total is the balance
    assert table["data"][0][0] == first_trade.close_date.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert table["data"][0][2] == pytest.approx(sample.STARTING_BALANCE + first_trade.profit_abs)
    assert table["length"] == 40  # one snapshot per closed trade, all at distinct times


async def test_wallet_of_a_strategy_without_one_is_404_and_of_an_unknown_file_400(webserver: Webserver) -> None:
    webserver.store()
    route = "/api/v1/backtest/history/{file}/{strategy}/wallet"
    none = await webserver.call("GET", f"/api/v1/backtest/history/{STEM}/Other/wallet", 404, route=route)
    missing = await webserver.call(
        "GET", "/api/v1/backtest/history/backtest-result-1999/Other/wallet", 400, route=route
    )
    assert none["detail"] == missing["detail"] == "Unable to retrieve wallet history."
    base64 = await webserver.call("GET", f"/api/v1/backtest/history/{STEM}/A:Y2xhc3M=/wallet", 400, route=route)
    assert "base64" in base64["detail"]


async def test_delete_removes_the_result_and_answers_the_history_left(webserver: Webserver) -> None:
    webserver.store()
    older = storage.save_backtest(
        webserver.results,
        [sample.run(run_id="old")],
        candles=sample.candles(),
        config={},
        moment=datetime(2024, 1, 1, tzinfo=UTC),
    )[0]
    route = "/api/v1/backtest/history/{file}"
    left = await webserver.call("DELETE", f"/api/v1/backtest/history/{STEM}", route=route)
    assert [(h["filename"], h["run_id"]) for h in left] == [(older.stem, "old")]
    assert not (webserver.results / f"{STEM}.zip").exists()
    assert not (webserver.results / f"{STEM}.meta.json").exists()
    again = await webserver.call("DELETE", f"/api/v1/backtest/history/{STEM}", 404, route=route)
    assert again == FILE_NOT_FOUND


@pytest.mark.parametrize(
    "name",
    ["..%2Fbacktest-result-2024-04-02_09-30-05", "%2E%2E", ".last_result", "..%5Cbacktest-result-2024-04-02_09-30-05"],
)
async def test_names_reaching_outside_the_results_folder_are_refused(webserver: Webserver, name: str) -> None:
    # A result-looking zip one folder up, in user_data: it must stay out of reach.
    outside = webserver.results.parent / f"{STEM}.zip"
    inside = webserver.store()
    outside.write_bytes(inside.read_bytes())
    response = await webserver.client.delete(f"/api/v1/backtest/history/{name}", headers=basic_auth())
    assert response.status in (400, 404)
    assert (await response.json())["detail"]
    response = await webserver.client.get(f"/api/v1/backtest/history/{name}/market_change", headers=basic_auth())
    assert response.status in (400, 404)
    assert outside.exists() and (webserver.results / ".last_result.json").exists()


async def test_status_routes_answer_as_freqtrade_before_any_backtest(webserver: Webserver) -> None:
    # freqtrade's response model sends its unset fields as null
    idle = {"running": False, "step": "", "progress": 0, "trade_count": None, "backtest_result": None}
    assert await webserver.call("GET", "/api/v1/backtest") == {
        **idle,
        "status": "not_started",
        "status_msg": "Backtest not yet executed",
    }
    assert await webserver.call("DELETE", "/api/v1/backtest") == {
        **idle,
        "status": "reset",
        "status_msg": "Backtest reset",
    }
    assert await webserver.call("GET", "/api/v1/backtest/abort") == {
        **idle,
        "status": "not_running",
        "status_msg": "Backtest ended",
    }


async def test_a_backtest_request_is_checked_before_anything_starts(webserver: Webserver) -> None:
    # the body's shape first, as freqtrade does
    await webserver.call("POST", "/api/v1/backtest", 422, json={"strategy": "SampleStrategy"})
    await webserver.call("POST", "/api/v1/backtest", 422, json={"strategy": "A:Y2xhc3M=", "enable_protections": True})
    unknown = await webserver.call(
        "POST", "/api/v1/backtest", 422, json={"strategy": "NoSuchStrategy", "enable_protections": False}
    )
    assert "NoSuchStrategy" in unknown["detail"]
    bad = await webserver.call(
        "POST",
        "/api/v1/backtest",
        400,
        json={"strategy": "SampleStrategy", "enable_protections": False, "timerange": "20241301-"},
    )
    assert bad["detail"].startswith("timerange:")
    stake = await webserver.call(
        "POST",
        "/api/v1/backtest",
        400,
        json={"strategy": "SampleStrategy", "enable_protections": False, "stake_amount": "all"},
    )
    assert stake["detail"].startswith("stake_amount:")
    # nothing was started by any of them
    assert (await webserver.call("GET", "/api/v1/backtest"))["status"] == "not_started"
    assert await webserver.call("GET", "/api/v1/background") == []


async def test_backtest_routes_are_503_in_trade_mode(server: Server) -> None:
    response = await server.client.get("/api/v1/backtest/history", headers=basic_auth())
    assert response.status == 503
    assert (await response.json())["detail"] == "Bot is not in the correct state."


async def test_every_backtest_answer_matches_its_response_schema(webserver: Webserver) -> None:
    await test_history_lists_each_strategy_of_a_stored_result(webserver)
    await test_one_strategy_result_comes_as_a_finished_historic_backtest(webserver)
    await test_a_result_of_an_unknown_file_or_strategy_is_404_and_a_missing_parameter_400(webserver)
    await test_notes_are_set_per_strategy_and_kept(webserver)
    await test_market_change_is_a_table_with_iso_dates_and_millisecond_stamps(webserver)
    await test_wallet_is_the_stake_value_per_snapshot(webserver)
    await test_wallet_of_a_strategy_without_one_is_404_and_of_an_unknown_file_400(webserver)
    await test_status_routes_answer_as_freqtrade_before_any_backtest(webserver)
    await test_delete_removes_the_result_and_answers_the_history_left(webserver)
    app = webserver.client.app
    checker = Checker(build_document(app), {(api.method, api.path): api.operation for api in documented_routes(app)})
    problems = [p for answer in webserver.answers if answer[2] != 422 for p in checker.problems(*answer)]
    assert problems == []
    backtest_routes = {key for key, operation in checker.operations.items() if operation.tag == "backtest"}
    succeeded = {(method, path) for method, path, status, _ in webserver.answers if status == 200}
    assert backtest_routes - succeeded == {("POST", "/api/v1/backtest")}


@pytest.fixture
async def with_candles(aiohttp_client: Any, tmp_path: Path) -> Webserver:
    """A webserver on the sim market with 3 days of 5m candles of two pairs stored; a cooldown configured."""
    settings = app_settings(
        tmp_path,
        exchange={"name": "sim", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        timeframe="5m",
        protections=[{"method": "CooldownPeriod", "stop_duration_candles": 2}],
    )
    app = create_app(settings, runmode=RunMode.WEBSERVER)
    server = Webserver(await aiohttp_client(app), settings.user_data_dir / "backtest_results", [])
    started = await server.call(
        "POST", "/api/v1/download_data", json={"pairs": ["BTC/USDT", "ETH/USDT"], "timeframes": ["5m"], "days": 3}
    )

    async def downloaded() -> bool:
        job = await server.call("GET", f"/api/v1/background/{started['job_id']}", route="/api/v1/background/{jobid}")
        return bool(job["status"] == "success")

    await eventually(downloaded, what="the candles downloaded", within=60)
    return server


async def _ended(server: Webserver) -> dict[str, Any]:
    async def ended() -> dict[str, Any] | None:
        answer: dict[str, Any] = await server.call("GET", "/api/v1/backtest")
        return answer if not answer["running"] else None

    result: dict[str, Any] = await eventually(ended, what="the backtest ended", within=120)
    return result


async def test_a_backtest_runs_in_a_worker_and_its_result_is_answered_and_stored(with_candles: Webserver) -> None:
    server = with_candles
    body = {"strategy": "SampleStrategy", "enable_protections": False, "stake_amount": 50, "max_open_trades": 2}
    started = await server.call("POST", "/api/v1/backtest", json=body)
    assert (started["status"], started["running"], started["step"]) == ("running", True, "startup")
    # The API keeps answering while the worker process runs.
    assert (await server.call("GET", "/api/v1/ping"))["status"] == "pong"
    refused = await server.call("POST", "/api/v1/backtest", 400, json=body)
    assert refused["detail"] == "Bot Background task already running"
    answer = await _ended(server)
    assert (answer["status"], answer["step"], answer["progress"], answer["status_msg"]) == (
        "ended",
        "finished",
        1.0,
        "Backtest ended",
    )
    stats = answer["backtest_result"]["strategy"]["SampleStrategy"]
    assert stats["total_trades"] == len(stats["trades"]) > 0
    assert stats["stake_amount"] == 50 and stats["max_open_trades"] == 2
    assert all(trade["stake_amount"] <= 50 + 1e-9 for trade in stats["trades"])
    history = await server.call("GET", "/api/v1/backtest/history")
    assert [(h["strategy"], h["filename"]) for h in history] == [
        ("SampleStrategy", answer["backtest_result"]["metadata"]["SampleStrategy"]["filename"])
    ]
    jobs = await server.call("GET", "/api/v1/background")
    assert [(j["job_category"], j["status"]) for j in jobs][-1] == ("backtest", "success")
    reset = await server.call("DELETE", "/api/v1/backtest")
    assert reset["status"] == "reset"
    assert (await server.call("GET", "/api/v1/backtest"))["status"] == "not_started"


async def test_an_aborted_backtest_ends_as_an_error_and_frees_the_slot(with_candles: Webserver) -> None:
    server = with_candles
    body = {"strategy": "SampleStrategy", "enable_protections": False}
    await server.call("POST", "/api/v1/backtest", json=body)
    stopping = await server.call("GET", "/api/v1/backtest/abort")
    assert stopping["status"] == "stopping"
    answer = await _ended(server)
    assert answer["status"] == "error" and answer["status_msg"].startswith("Backtest failed with")
    # The slot is free again: a new backtest starts and ends.
    await server.call("POST", "/api/v1/backtest", json=body)
    assert (await _ended(server))["status"] == "ended"


async def test_protections_lock_pairs_only_when_enabled(with_candles: Webserver) -> None:
    server = with_candles
    results = {}
    for enabled in (False, True):
        await server.call(
            "POST", "/api/v1/backtest", json={"strategy": "SampleStrategy", "enable_protections": enabled}
        )
        answer = await _ended(server)
        assert answer["status"] == "ended"
        results[enabled] = answer["backtest_result"]["strategy"]["SampleStrategy"]
        await server.call("DELETE", "/api/v1/backtest")
    assert results[False]["locks"] == [] and not results[False]["enable_protections"]
    protected = results[True]
    assert protected["enable_protections"]
    # The configured cooldown locks a pair after each of its exits: 2 candles of 5m, rounded up to the
    # start of the next candle, so each lock lasts 15 minutes.
    assert len(protected["locks"]) == len(protected["trades"]) > 0
    assert {lock["reason"] for lock in protected["locks"]} == {"Cooldown period"}
    assert all(lock["lock_end_timestamp"] - lock["lock_timestamp"] == 15 * 60_000 for lock in protected["locks"])
    # No trade of a pair opens while that pair is locked.
    for lock in protected["locks"]:
        assert not any(
            t["pair"] == lock["pair"] and lock["lock_timestamp"] <= t["open_timestamp"] < lock["lock_end_timestamp"]
            for t in protected["trades"]
        )
