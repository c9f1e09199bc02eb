"""/trades with ftserver's filters, sort, incremental sync and ETag, and the CSV export, over hand-built trades.

Six closed trades (0.1 % fees each way; ratio = close*0.999 / (open*1.001) - 1):

| id | pair     | tag | reason      | opened   | hours | stake | open -> close | ratio    | abs     | closed       |
|----|----------|-----|-------------|----------|-------|-------|---------------|----------|---------|--------------|
| 1  | BTC/USDT | a   | roi         | Feb 1 0h | 2     | 100   | 100 -> 110    | +0.0978  | +9.79   | Feb 1 02:00  |
| 2  | ETH/USDT | b   | stop_loss   | Feb 2 0h | 30    | 200   | 10 -> 9       | -0.1018  | -20.38  | Feb 3 06:00  |
| 3  | BTC/USDT | b   | roi         | Feb 3 0h | 1     | 50    | 100 -> 103    | +0.0279  | +1.40   | Feb 3 01:00  |
| 4  | SOL/USDT | a   | exit_signal | Feb 4 0h | 10    | 100   | 20 -> 19.5    | -0.0270  | -2.70   | Feb 4 10:00  |
| 5  | ETH/USDT | a   | roi         | Feb 5 0h | 3     | 150   | 10 -> 10.5    | +0.0479  | +7.19   | Feb 5 03:00  |
| 6  | BTC/USDT | a   | stop_loss   | Feb 6 0h | 0.5   | 100   | 100 -> 95     | -0.0519  | -5.20   | Feb 6 00:30  |
"""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ftserver.models import Trade
from tests.api.conftest import Server, basic_auth
from tests.api.test_openapi import fetch_document, start_server
from tests.support.trade_history import ten_thousand_trades
from tests.unit.rpc.factories import make_trade

FEB = datetime(2026, 2, 1, tzinfo=UTC)
ROWS = (
    # id, pair, tag, reason, day, hours, stake, open, close
    (1, "BTC/USDT", "a", "roi", 0, 2, 100, 100, 110),
    (2, "ETH/USDT", "b", "stop_loss", 1, 30, 200, 10, 9),
    (3, "BTC/USDT", "b", "roi", 2, 1, 50, 100, 103),
    (4, "SOL/USDT", "a", "exit_signal", 3, 10, 100, 20, 19.5),
    (5, "ETH/USDT", "a", "roi", 4, 3, 150, 10, 10.5),
    (6, "BTC/USDT", "a", "stop_loss", 5, 0.5, 100, 100, 95),
)


def six_trades() -> list[Trade]:
    return [
        make_trade(
            pair,
            open_rate,
            close_rate,
            opened=FEB + timedelta(days=day),
            hours=hours,
            trade_id=trade_id,
            stake=stake,
            tag=tag,
            reason=reason,
        )
        for trade_id, pair, tag, reason, day, hours, stake, open_rate, close_rate in ROWS
    ]


@pytest.fixture
async def history(server: Server) -> Server:
    await server.bot.repo.import_history(six_trades(), [], [], {})
    return server


async def ids(server: Server, **params: Any) -> tuple[list[int], int]:
    page = await server.get("/api/v1/trades", params=params)
    assert page["trades_count"] == len(page["trades"])
    return [trade["trade_id"] for trade in page["trades"]], page["total_trades"]


async def test_freqtrade_parameters_keep_freqtrades_orders(history: Server) -> None:
    assert await ids(history) == ([1, 2, 3, 4, 5, 6], 6)
    assert await ids(history, order_by_id="false") == ([6, 5, 4, 2, 3, 1], 6)  # newest close first
    assert await ids(history, limit=2, offset=1) == ([2, 3], 6)


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("id", "desc", [6, 5, 4, 3, 2, 1]),
        ("pair", "asc", [1, 3, 6, 2, 5, 4]),
        ("open_date", "desc", [6, 5, 4, 3, 2, 1]),
        ("close_date", "asc", [1, 3, 2, 4, 5, 6]),
        ("profit_ratio", "desc", [1, 5, 3, 4, 6, 2]),
        ("profit_abs", "asc", [2, 6, 4, 3, 5, 1]),
        ("stake_amount", "desc", [2, 5, 6, 4, 1, 3]),  # three stakes of 100: ties by id, same direction
        ("duration", "asc", [6, 3, 1, 5, 4, 2]),
    ],
)
async def test_sort_orders_by_the_column_then_by_id(
    history: Server, sort: str, order: str, expected: list[int]
) -> None:
    assert await ids(history, sort=sort, order=order) == (expected, 6)


async def test_sort_without_order_is_ascending_and_order_alone_turns_the_default(history: Server) -> None:
    assert (await ids(history, sort="duration"))[0] == [6, 3, 1, 5, 4, 2]
    assert (await ids(history, order="desc"))[0] == [6, 5, 4, 3, 2, 1]
    assert (await ids(history, order_by_id="false", order="asc"))[0] == [1, 3, 2, 4, 5, 6]


async def test_pages_of_a_sort_follow_each_other(history: Server) -> None:
    pages = [await ids(history, sort="profit_ratio", order="desc", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert pages == [([1, 5], 6), ([3, 4], 6), ([6, 2], 6)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"pair": "BTC/USDT"}, [1, 3, 6]),
        ({"enter_tag": "a"}, [1, 4, 5, 6]),
        ({"exit_reason": "roi"}, [1, 3, 5]),
        ({"result": "win"}, [1, 3, 5]),
        ({"result": "loss"}, [2, 4, 6]),
        ({"from": "2026-02-03", "to": "2026-02-05"}, [2, 3, 4]),  # closed Feb 3 01:00, Feb 3 06:00, Feb 4 10:00
        ({"from": "2026-02-05T03:00:00"}, [5, 6]),  # from is inclusive
        ({"from": "2026-02-05T04:00:00+01:00"}, [5, 6]),  # the same moment with an offset
        ({"from": "2026-02-05T03:00:00.001Z"}, [6]),
        ({"to": str(int((FEB + timedelta(hours=2)).timestamp() * 1000))}, []),  # to is exclusive: 1 closed then
        ({"pair": "BTC/USDT", "result": "loss"}, [6]),
        ({"pair": "ETH/USDT", "enter_tag": "a", "exit_reason": "roi"}, [5]),
        ({"pair": "XRP/USDT"}, []),
    ],
)
async def test_filters_narrow_the_page_and_its_total(
    history: Server, params: dict[str, str], expected: list[int]
) -> None:
    assert await ids(history, **params) == (expected, len(expected))


async def test_winners_and_losers_add_up_to_profits_counts(history: Server) -> None:
    profit = await history.get("/api/v1/profit")
    assert (await ids(history, result="win"))[1] == profit["winning_trades"] == 3
    assert (await ids(history, result="loss"))[1] == profit["losing_trades"] == 3


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"sort": "fee"}, "sort"),
        ({"order": "up"}, "order"),
        ({"result": "draw"}, "result"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"updated_since": "soon"}, "updated_since"),
        ({"limit": "501"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"pair": ""}, "pair"),
    ],
)
async def test_a_bad_value_is_a_400_naming_the_parameter(history: Server, params: dict[str, str], named: str) -> None:
    for path in ("/api/v1/trades", "/api/v1/trades/export.csv"):
        if path.endswith("csv") and named in ("limit", "offset"):
            continue
        response = await history.client.get(path, params=params, headers=basic_auth())
        assert response.status == 400, path
        assert f"'{named}'" in (await response.json())["detail"]


async def test_updated_since_lists_trades_written_since_open_ones_included(history: Server) -> None:
    history.clock.advance(minutes=5)
    since = history.clock.now()
    opened = await history.post("/api/v1/forceenter", {"pair": "BTC/USDT"})
    changed = await history.bot.repo.get_trade(5)
    assert changed is not None
    changed.exit_reason = "roi_adjusted"
    await history.bot.repo.save_trade(changed)
    trade_ids, total = await ids(history, updated_since=str(int(since.timestamp() * 1000)))
    assert (trade_ids, total) == ([5, opened["trade_id"]], 2)
    page = await history.get("/api/v1/trades", params={"updated_since": str(int(since.timestamp() * 1000))})
    assert [trade["is_open"] for trade in page["trades"]] == [False, True]
    assert (await ids(history))[1] == 6  # without it: closed trades only, as freqtrade


async def test_the_next_updated_since_header_picks_up_exactly_what_changed(history: Server) -> None:
    history.clock.advance(seconds=30)  # after the six were stored (the bound is inclusive)
    first = await history.client.get("/api/v1/trades", headers=basic_auth())
    since = first.headers["X-Next-Updated-Since"]
    assert since == str(int(history.clock.now().timestamp() * 1000))  # nothing in flight: the server's now
    history.clock.advance(seconds=30)
    opened = await history.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    history.clock.advance(seconds=30)
    later = await history.client.get("/api/v1/trades", params={"updated_since": since}, headers=basic_auth())
    assert [trade["trade_id"] for trade in (await later.json())["trades"]] == [opened["trade_id"]]
    # Nothing written since the second answer: the third is empty.
    quiet = {"updated_since": later.headers["X-Next-Updated-Since"]}
    assert await ids(history, **quiet) == ([], 0)


async def test_trades_answers_304_while_no_trade_of_the_answer_changed(history: Server) -> None:
    first = await history.client.get("/api/v1/trades", params={"sort": "pair"}, headers=basic_auth())
    tag = first.headers["ETag"]
    again = await history.client.get(
        "/api/v1/trades", params={"sort": "pair"}, headers={**basic_auth(), "If-None-Match": tag}
    )
    assert (again.status, await again.read(), again.headers["ETag"]) == (304, b"", tag)
    # Another query is another answer.
    other = await history.client.get(
        "/api/v1/trades", params={"sort": "id"}, headers={**basic_auth(), "If-None-Match": tag}
    )
    assert other.status == 200


async def test_an_open_trade_leaves_the_closed_history_tag_but_moves_the_incremental_one(history: Server) -> None:
    closed_tag = (await history.client.get("/api/v1/trades", headers=basic_auth())).headers["ETag"]
    sync = {"updated_since": "0"}
    sync_tag = (await history.client.get("/api/v1/trades", params=sync, headers=basic_auth())).headers["ETag"]
    opened = await history.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    closed = await history.client.get("/api/v1/trades", headers={**basic_auth(), "If-None-Match": closed_tag})
    assert closed.status == 304
    synced = await history.client.get(
        "/api/v1/trades", params=sync, headers={**basic_auth(), "If-None-Match": sync_tag}
    )
    assert synced.status == 200
    assert opened["trade_id"] in [trade["trade_id"] for trade in (await synced.json())["trades"]]
    # Closing it changes the closed history.
    await history.post("/api/v1/forceexit", {"tradeid": str(opened["trade_id"])})
    await history.bot.run_once()
    after = await history.client.get("/api/v1/trades", headers={**basic_auth(), "If-None-Match": closed_tag})
    assert after.status == 200
    assert after.headers["ETag"] != closed_tag
    assert (await after.json())["total_trades"] == 7


async def export(server: Server, **params: str) -> list[dict[str, str]]:
    response = await server.client.get("/api/v1/trades/export.csv", params=params, headers=basic_auth())
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(await response.text())))


async def test_csv_export_holds_every_matching_trade_in_the_asked_order(history: Server) -> None:
    assert [row["id"] for row in await export(history)] == ["1", "2", "3", "4", "5", "6"]
    rows = await export(history, pair="ETH/USDT", sort="profit_abs", order="desc")
    assert [row["id"] for row in rows] == ["5", "2"]
    loss = rows[1]
    assert loss["pair"] == "ETH/USDT"
    assert loss["side"] == "long"
    assert loss["status"] == "closed"
    assert (loss["enter_tag"], loss["exit_reason"]) == ("b", "stop_loss")
    assert loss["open_date_utc"] == "2026-02-02 00:00:00"
    assert loss["close_date_utc"] == "2026-02-03 06:00:00"
    assert loss["duration_s"] == str(30 * 3600)
    assert (float(loss["amount"]), float(loss["stake_amount"])) == (20.0, 200.0)
    assert (float(loss["open_rate"]), float(loss["close_rate"])) == (10.0, 9.0)
    assert float(loss["profit_ratio"]) == pytest.approx(8.991 / 10.01 - 1)
    assert loss["profit_pct"] == "-10.18"
    assert float(loss["profit_abs"]) == pytest.approx(179.82 - 200.2)
    assert (loss["fee_open"], loss["fee_close"]) == ("0.001", "0.001")


async def test_csv_export_streams_a_history_larger_than_one_batch(history: Server) -> None:
    more = [
        make_trade("XRP/USDT", 1.0, 1.01, opened=FEB + timedelta(minutes=n), trade_id=100 + n, stake=10)
        for n in range(1200)  # more than two batches of 500
    ]
    await history.bot.repo.import_history(more, [], [], {})
    rows = await export(history, pair="XRP/USDT", sort="id", order="desc")
    assert len(rows) == 1200
    assert (rows[0]["id"], rows[-1]["id"]) == ("1299", "100")
    assert len({row["id"] for row in rows}) == 1200


async def test_csv_cells_a_spreadsheet_would_run_as_formulas_stay_text(history: Server) -> None:
    trade = make_trade("BTC/USDT", 100, 90, opened=FEB, trade_id=50, tag="@cmd", reason='=HYPERLINK("x")')
    await history.bot.repo.import_history([trade], [], [], {})
    (row,) = await export(history, enter_tag="@cmd")
    assert (row["enter_tag"], row["exit_reason"]) == ("'@cmd", '\'=HYPERLINK("x")')
    assert row["profit_abs"].startswith("-")  # numbers keep their sign


async def test_the_export_is_documented_as_csv_for_the_read_role(aiohttp_client: Any, tmp_path: Path) -> None:
    spec = await fetch_document(await start_server(aiohttp_client, tmp_path, enable_openapi=True))
    export_doc = spec["paths"]["/api/v1/trades/export.csv"]["get"]
    assert export_doc["x-role"] == "read"
    assert list(export_doc["responses"]["200"]["content"]) == ["text/csv"]
    assert "sort" in {param["name"] for param in export_doc["parameters"]}


# ---- 10,000 trades ---------------------------------------------------------------------------------
async def test_ten_thousand_trades_page_sort_and_filter_in_the_database(server: Server) -> None:
    await server.bot.repo.import_history(ten_thousand_trades(), [], [], {})
    assert (await ids(server, limit=1))[1] == 10_000
    assert (await ids(server, pair="BTC/USDT", limit=1))[1] == 2500
    assert (await ids(server, result="win", limit=1))[1] == 6000
    assert (await ids(server, result="loss", exit_reason="stop_loss", limit=1))[1] == 4000
    assert (await ids(server, pair="BTC/USDT", result="loss", limit=1))[1] == 1000  # n % 4 == 0 and n % 100 < 40
    # The best ratio, 0.059, is every n ending in 99; ties newest id first.
    best, _ = await ids(server, sort="profit_ratio", order="desc", limit=50)
    assert best == [9999 - 100 * k for k in range(50)]

    # The whole history in pages of 500 by duration: each trade once, durations never going down.
    seen: list[int] = []
    durations: list[int] = []
    slowest = 0.0
    for offset in range(0, 10_000, 500):
        started = time.perf_counter()
        page = await server.get("/api/v1/trades", params={"sort": "duration", "limit": 500, "offset": offset})
        slowest = max(slowest, time.perf_counter() - started)
        assert page["trades_count"] == 500
        seen += [trade["trade_id"] for trade in page["trades"]]
        durations += [trade["trade_duration_s"] for trade in page["trades"]]
    assert sorted(seen) == list(range(1, 10_001))
    assert durations == sorted(durations)
    assert durations[0] == 3600
    assert durations[-1] == 24 * 3600
    assert (await ids(server, sort="duration", offset=10_000))[0] == []
    # A page answers well under a second even here (2 shared cores, first load of each row).
    assert slowest < 1.5, f"slowest page of 500 took {slowest * 1000:.0f} ms"
