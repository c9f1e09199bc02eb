"""The differential check's comparison itself (always runs; needs no freqtrade)."""

from __future__ import annotations

import math
from typing import Any

from tests.oracle.parity import compare, freqtrade_executable

COLUMNS = ["date", "open", "rsi", "enter_long", "enter_tag", "exit_long", "exit_tag", "__date_ts"]


def answer(*rows: list[Any], columns: list[str] = COLUMNS) -> dict[str, Any]:
    return {"columns": columns, "data": [list(r) for r in rows]}


def row(ts: int, rsi: Any, enter: Any = None, tag: Any = "", exit_: Any = None, exit_tag: Any = "") -> list[Any]:
    return [f"t{ts}", 100.0, rsi, enter, tag, exit_, exit_tag, ts]


def test_equal_within_a_billionth_and_nan_equal_to_none_is_no_mismatch() -> None:
    ft = answer(row(1, None), row(2, 50.0), row(3, 70.0, 1.0, "a"))
    fts = answer(row(1, math.nan), row(2, 50.0 * (1 + 5e-10)), row(3, 70.0, 1, "a"))
    report = compare("S", "BTC/USDT", ft, fts)
    assert report.rows_compared == 3
    assert report.mismatches == []


def test_a_difference_above_a_billionth_and_a_different_tag_are_mismatches() -> None:
    ft = answer(row(1, 50.0), row(2, 60.0, 1.0, "a"))
    fts = answer(row(1, 50.0 * (1 + 2e-9)), row(2, 60.0, 1.0, "b"))
    report = compare("S", "BTC/USDT", ft, fts)
    assert [(ts, column) for ts, column, _, _ in report.mismatches] == [(1, "rsi"), (2, "enter_tag")]


def test_no_signal_written_as_none_or_zero_is_the_same_but_counted() -> None:
    ft = answer(row(1, 50.0, None, ""), row(2, 50.0, None, ""))
    fts = answer(row(1, 50.0, 0, None), row(2, 50.0, 0, None))
    report = compare("S", "BTC/USDT", ft, fts)
    assert report.mismatches == []
    assert report.spelling[("enter_long", "None", "0")] == 2
    assert report.spelling[("enter_tag", "''", "None")] == 2


def test_only_rows_both_bots_have_are_compared_and_extra_columns_are_listed() -> None:
    ft = answer(row(1, 50.0), row(2, 51.0), row(3, 52.0))
    fts = answer([*row(2, 51.0), 0], [*row(3, 99.0), 0], columns=[*COLUMNS, "enter_short"])
    report = compare("S", "BTC/USDT", ft, fts)
    assert (report.freqtrade_rows, report.ftserver_rows, report.rows_compared) == (3, 2, 2)
    assert report.only_ftserver == ["enter_short"] and report.only_freqtrade == []
    assert [(ts, column) for ts, column, _, _ in report.mismatches] == [(3, "rsi")]


def test_answer_fields_that_differ_are_listed() -> None:
    ft = {**answer(row(1, 50.0)), "length": 1, "enter_long_signals": 2, "data_stop_ts": 1}
    fts = {**answer(row(1, 50.0)), "length": 1, "enter_long_signals": 3, "data_stop_ts": 1}
    report = compare("S", "BTC/USDT", ft, fts)
    assert report.summary_mismatches == [("enter_long_signals", 2, 3)]


def test_freqtrade_is_found_through_the_environment_variable_only_when_executable(
    monkeypatch: Any, tmp_path: Any
) -> None:
    missing = tmp_path / "freqtrade"
    monkeypatch.setenv("FTSERVER_FREQTRADE", str(missing))
    assert freqtrade_executable() is None
    missing.write_text("#!/bin/sh\n")
    missing.chmod(0o755)
    assert freqtrade_executable() == str(missing)
