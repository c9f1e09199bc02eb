"""A history written by freqtrade 2026.9 (``tests/fixtures/freqtrade/tradesv3.dryrun.sqlite``), imported
with ``import-db``: ftserver's REST answers over it equal the answers freqtrade gave over the same
file (``history_answers/``, recorded by ``record_answers.py``), field by field.

The server's clock stands at the instant the answers were recorded, so the day, week and month
windows and the locks "active now" are the same ones; both bots were given ``available_capital``
1000, so relative figures divide by the same starting balance. Fields left out, and why:

- ``EXCLUDED``: open trades valued at the current rate (``/profit``'s ``profit_all_*`` but the fiat one):
  freqtrade priced them off its market, ftserver off the test's; ``*_humanized`` texts and
  ``bot_start_*`` depend on the wall clock and on when each bot started, not on the history.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ftserver.app import create_app
from ftserver.core.clock import ManualClock
from ftserver.db_commands import import_freqtrade
from ftserver.exchange.paper import PaperBroker
from tests.api.conftest import app_settings, basic_auth
from tests.support.scripted_market import ScriptedMarket

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freqtrade"
HISTORY = FIXTURES / "tradesv3.dryrun.sqlite"
ANSWERS = FIXTURES / "history_answers"
META = json.loads((ANSWERS / "meta.json").read_text())
PAIRS = {"BTC/USDT": 60000.0, "ETH/USDT": 3000.0, "SOL/USDT": 150.0, "XRP/USDT": 0.55, "ADA/USDT": 0.45}
REL_TOL, ABS_TOL = 1e-9, 1e-9


def recorded(name: str) -> Any:
    return json.loads((ANSWERS / f"{name}.json").read_text())


def differences(expected: Any, actual: Any, path: str = "", skip: frozenset[str] = frozenset()) -> list[str]:
    """Every place where ``actual`` differs from ``expected`` (numbers to a relative 1e-9)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual)):
            if key in skip:
                continue
            if key not in actual:
                found.append(f"{path}.{key}: missing (freqtrade: {expected[key]!r})")
            elif key not in expected:
                found.append(f"{path}.{key}: not in freqtrade's answer (ftserver: {actual[key]!r})")
            else:
                found += differences(expected[key], actual[key], f"{path}.{key}", skip)
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: {len(actual)} items, freqtrade has {len(expected)}"]
        found = []
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            found += differences(a, b, f"{path}[{index}]", skip)
        return found
    if isinstance(expected, bool) or isinstance(actual, bool) or expected is None or actual is None:
        return [] if expected == actual else [f"{path}: ftserver {actual!r}, freqtrade {expected!r}"]
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        same = math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL)
        return [] if same else [f"{path}: ftserver {actual!r}, freqtrade {expected!r}"]
    return [] if expected == actual else [f"{path}: ftserver {actual!r}, freqtrade {expected!r}"]


@pytest.fixture
async def imported(aiohttp_client: Any, tmp_path: Path) -> Any:
    db_file = tmp_path / "imported.sqlite"
    await import_freqtrade(f"sqlite:///{HISTORY}", f"sqlite:///{db_file}")
    clock = ManualClock(datetime.fromtimestamp(META["recorded_at"], UTC))
    market = ScriptedMarket(clock, PAIRS)
    settings = app_settings(
        tmp_path,
        db_url=f"sqlite:///{db_file}",
        initial_state="stopped",
        available_capital=1000,
        timeframe="5m",
        exchange={"name": "scripted", "pair_whitelist": list(PAIRS)},
    )
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    return await aiohttp_client(app)


async def answer(client: Any, path: str, **params: Any) -> Any:
    response = await client.get(f"/api/v1/{path}", params=params, headers=basic_auth())
    return response.status, await response.json()


# Depend on when and against which market each bot answered, not on the history.
EXCLUDED: dict[str, frozenset[str]] = {
    "profit": frozenset(
        {
            # open trades valued at the current rate of each bot's market
            "profit_all_coin",
            "profit_all_percent",
            "profit_all_percent_mean",
            "profit_all_percent_sum",
            "profit_all_ratio",
            "profit_all_ratio_mean",
            "profit_all_ratio_sum",
            # wall clock and each bot's own start
            "first_trade_humanized",
            "latest_trade_humanized",
            "bot_start_date",
            "bot_start_timestamp",
        }
    ),
}
CUSTOM_DATA_TRADES = [t for t in META["custom_data_trades"] if t != 3]


def compared(name: str, expected: Any, actual: Any, skip: frozenset[str] = frozenset()) -> list[str]:
    return differences(expected, actual, name, EXCLUDED.get(name, frozenset()) | skip)


async def test_imported_closed_trades_answer_as_freqtrade_did(imported: Any) -> None:
    pages = recorded("trades")
    assert sum(len(page["trades"]) for page in pages) == 300
    for page_number, page in enumerate(pages):
        status, body = await answer(imported, "trades", limit=500, offset=page_number * 500)
        assert status == 200
        assert compared("trades", page, body) == []


@pytest.mark.parametrize("name", ["profit", "performance", "entries", "exits", "stats", "locks"])
async def test_imported_history_statistics_answer_as_freqtrade_did(imported: Any, name: str) -> None:
    status, body = await answer(imported, name)
    assert status == 200
    assert compared(name, recorded(name), body) == []


@pytest.mark.parametrize("name", ["daily", "weekly", "monthly"])
async def test_imported_history_per_period_answers_as_freqtrade_did(imported: Any, name: str) -> None:
    status, body = await answer(imported, name, timescale=META["windows"][name])
    assert status == 200
    assert compared(name, recorded(name), body) == []


@pytest.mark.parametrize("trade_id", CUSTOM_DATA_TRADES)
async def test_imported_custom_data_answers_as_freqtrade_did(imported: Any, trade_id: int) -> None:
    """The same body, ``[{trade_id, custom_data: [...]}]``, with the datetimes naive as freqtrade writes
    them; ftserver stores them to the millisecond, freqtrade to the microsecond."""
    expected = recorded(f"custom_data_{trade_id}")
    status, body = await answer(imported, f"trades/{trade_id}/custom-data")
    assert status == 200
    assert compared("custom_data", expected, body, skip=frozenset({"created_at", "updated_at"})) == []
    for mine, theirs in zip(body[0]["custom_data"], expected[0]["custom_data"], strict=True):
        for field in ("created_at", "updated_at"):
            if theirs[field] is None:
                assert mine[field] is None
                continue
            ours, recorded_at = datetime.fromisoformat(mine[field]), datetime.fromisoformat(theirs[field])
            assert ours.tzinfo is None
            assert abs((ours - recorded_at).total_seconds()) < 0.001


async def test_custom_data_of_a_trade_without_any_is_freqtrades_404(imported: Any) -> None:
    status, body = await answer(imported, "trades/3/custom-data")
    assert (status, body["detail"]) == (404, recorded("custom_data_3")["detail"])


async def test_open_trades_custom_data_and_its_404s_are_freqtrades(imported: Any) -> None:
    status, body = await answer(imported, "trades/open/custom-data")
    assert status == 200
    (expected,) = recorded("custom_data_301")
    (open_301,) = [item for item in body if item["trade_id"] == 301]
    assert [(e["key"], e["value"]) for e in open_301["custom_data"]] == [
        (e["key"], e["value"]) for e in expected["custom_data"]
    ]
    status, body = await answer(imported, "trades/open/custom-data", key="no_such_key")
    assert (status, body["detail"]) == (404, "No custom-data with key 'no_such_key' found for any open trades.")
    status, body = await answer(imported, "trades/open/custom-data", offset=1000)
    assert (status, body["detail"]) == (404, "No open trades found.")
    status, body = await answer(imported, "trades/3/custom-data", key="entry_note")
    assert (status, body["detail"]) == (404, "No custom-data with key 'entry_note' found for Trade ID: 3.")
    status, body = await answer(imported, "trades/9999/custom-data")
    assert (status, body["detail"]) == (404, "No trade found for trade_id: 9999")


async def test_balance_fiat_figures_are_zero_without_a_fiat_display_currency(imported: Any) -> None:
    """freqtrade's /balance over this history without fiat_display_currency: symbol "", and value,
    value_bot and the starting_capital_fiat figures 0 (the stake figures as usual)."""
    status, body = await answer(imported, "balance")
    assert status == 200
    assert body["symbol"] == ""
    fiat = ("value", "value_bot", "starting_capital_fiat", "starting_capital_fiat_ratio", "starting_capital_fiat_pct")
    assert [body[name] for name in fiat] == [0.0] * 5
    assert body["starting_capital"] == 1000
    assert body["starting_capital_ratio"] == pytest.approx(body["total"] / 1000 - 1)
