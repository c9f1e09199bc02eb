"""Differential check against freqtrade: the same strategy on the same candles gives the same
indicator columns, signals and tags in both bots' ``pair_candles``.

Runs only where freqtrade is installed (``FTSERVER_FREQTRADE=/path/to/freqtrade`` or ``freqtrade``
on PATH, in its own environment); elsewhere every case is skipped. A case takes 5 to 15 s, the
one that waits for the next one-minute candle up to 80 s.
Run with ``-s`` to see the per-pair summary:

    FTSERVER_FREQTRADE=/path/to/freqtrade .venv/bin/pytest tests/oracle -s
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from tests.oracle import probe_strategy
from tests.oracle.parity import Case, PairReport, freqtrade_executable, freqtrade_templates, run_case

FREQTRADE = freqtrade_executable()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freqtrade" / "strategies"
# Fewer candles than either bot asks for at start-up, so both begin at the listing. A larger
# FTSERVER_PARITY_HISTORY shows what each bot's own start-up fetch gives.
HISTORY_CANDLES = int(os.environ.get("FTSERVER_PARITY_HISTORY", "280"))

pytestmark = [
    pytest.mark.skipif(
        FREQTRADE is None,
        reason=f"FTSERVER_FREQTRADE={os.environ['FTSERVER_FREQTRADE']} is not an executable"
        if os.environ.get("FTSERVER_FREQTRADE")
        else "freqtrade is not installed (set FTSERVER_FREQTRADE to its executable)",
    ),
    pytest.mark.timeout(600),
]

# Strategies written for freqtrade, loaded unchanged by both bots: (file, class, timeframe).
FREQTRADE_STRATEGIES = [
    ("InformativeSample.py", "InformativeSample", "5m"),
    ("CustomStoplossWithPSAR.py", "CustomStoplossWithPSAR", "1h"),
    ("Bandtastic.py", "Bandtastic", "15m"),
    ("Strategy001_custom_exit.py", "Strategy001_custom_exit", "5m"),
]


def _needs_freqtrade_imports() -> None:
    if importlib.util.find_spec("ftserver.compat") is None:
        pytest.skip("ftserver cannot load strategies that import freqtrade yet (no ftserver.compat)")


def _report(reports: list[PairReport]) -> str:
    lines = []
    for report in reports:
        lines.append(report.line())
        lines.extend(report.details())
    return "\n".join(lines)


async def _check(case: Case, tmp_path: Path) -> None:
    assert FREQTRADE is not None
    reports = await run_case(case, FREQTRADE, tmp_path, history_candles=HISTORY_CANDLES, within=240)
    summary = _report(reports)
    print("\n" + summary)
    for report in reports:
        assert report.rows_compared > 0, summary
        assert not report.only_freqtrade, summary
        assert not report.mismatches, summary
        assert not report.summary_mismatches, summary


async def test_probe_strategy_written_for_each_bot_analyzes_identically(tmp_path: Path) -> None:
    case = Case(
        "ParityProbe", "5m", probe_strategy.source(for_freqtrade=True), probe_strategy.source(False), "probe.py"
    )
    await _check(case, tmp_path)


async def test_freqtrade_sample_strategy_analyzes_identically(tmp_path: Path) -> None:
    _needs_freqtrade_imports()
    assert FREQTRADE is not None
    text = (freqtrade_templates(FREQTRADE) / "sample_strategy.py").read_text()
    await _check(Case("SampleStrategy", "5m", text, text, "sample_strategy.py"), tmp_path)


async def test_freqtrade_sample_strategy_with_a_parameter_file_analyzes_identically(tmp_path: Path) -> None:
    # Thresholds that make signals on the simulated candles differ from the defaults' (30 / 70), and a
    # stored ROI table: both bots must load them from sample_strategy.json, as hyperopt writes it.
    _needs_freqtrade_imports()
    assert FREQTRADE is not None
    text = (freqtrade_templates(FREQTRADE) / "sample_strategy.py").read_text()
    stored = {
        "strategy_name": "SampleStrategy",
        "params": {
            "buy": {"buy_rsi": 45},
            "sell": {"sell_rsi": 55, "short_rsi": 60},
            "roi": {"0": 0.03, "20": 0.01},
            "stoploss": {"stoploss": -0.05},
        },
        "ft_stratparam_v": 1,
        "export_time": "2026-11-01 10:00:00.000000+00:00",
    }
    case = Case("SampleStrategy", "5m", text, text, "sample_strategy.py", parameter_file=json.dumps(stored))
    await _check(case, tmp_path)


async def test_probe_strategy_with_an_informative_timeframe_analyzes_identically(tmp_path: Path) -> None:
    case = Case("ParityProbeInformative", "5m", probe_strategy.source(True), probe_strategy.source(False), "probe.py")
    await _check(case, tmp_path)


async def test_probe_strategy_stays_identical_as_new_candles_close(tmp_path: Path) -> None:
    # One-minute candles: the start-up analysis, then one incremental update, compared each time.
    case = Case("ParityProbe", "1m", probe_strategy.source(True, "1m"), probe_strategy.source(False, "1m"), "probe.py")
    assert FREQTRADE is not None
    reports = await run_case(case, FREQTRADE, tmp_path, history_candles=HISTORY_CANDLES, within=240, rounds=2)
    summary = _report(reports)
    print("\n" + summary)
    assert len(reports) == 6
    assert [r.rows_compared for r in reports[3:6]] == [r.rows_compared + 1 for r in reports[:3]], summary
    for report in reports:
        assert not report.only_freqtrade, summary
        assert not report.mismatches, summary
        assert not report.summary_mismatches, summary


async def test_a_strategy_that_differs_between_the_bots_is_caught(tmp_path: Path) -> None:
    # The check's own control: a 15-candle RSI in ftserver against freqtrade's 14-candle one.
    changed = probe_strategy.source(False).replace(
        "ta.RSI(dataframe, timeperiod=14)", "ta.RSI(dataframe, timeperiod=15)"
    )
    case = Case("ParityProbe", "5m", probe_strategy.source(True), changed, "probe.py")
    assert FREQTRADE is not None
    reports = await run_case(case, FREQTRADE, tmp_path, history_candles=HISTORY_CANDLES, within=240)
    for report in reports:
        columns = {column for _, column, _, _ in report.mismatches}
        assert "rsi" in columns and "ema_fast" not in columns and "macdhist" not in columns


@pytest.mark.parametrize(("file_name", "strategy", "timeframe"), FREQTRADE_STRATEGIES)
async def test_freqtrade_strategy_analyzes_identically(
    file_name: str, strategy: str, timeframe: str, tmp_path: Path
) -> None:
    _needs_freqtrade_imports()
    path = FIXTURES / file_name
    if not path.exists():
        pytest.skip(f"{file_name} is not among the stored freqtrade strategies")
    text = path.read_text()
    await _check(Case(strategy, timeframe, text, text, file_name), tmp_path)
