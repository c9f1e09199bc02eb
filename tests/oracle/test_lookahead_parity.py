"""The lookahead check against freqtrade's: ``freqtrade lookahead-analysis`` 2026.9 and ftserver's
check, on the same stored candles, markets and strategy file, give the same verdict, the same
numbers of checked, biased entry and biased exit signals, and the same biased columns.

freqtrade runs as its own process from its own environment (``FTSERVER_FREQTRADE``); without it
both cases are skipped.
"""

from __future__ import annotations

import asyncio
import csv
import json
from pathlib import Path
from typing import Any

import pytest

from ftserver.backtest.lookahead import lookahead_analysis
from ftserver.backtest.options import backtest_settings
from ftserver.config import settings_from_dict
from ftserver.core.clock import SystemClock
from ftserver.research.market_access import MarketCatalog, markets_for_backtest
from tests.oracle.parity import binance_stub
from tests.oracle.test_backtest_parity import DAYS, FREQTRADE, _config, _store_candles

MINIMUM, TARGETED = 5, 12

pytestmark = pytest.mark.skipif(FREQTRADE is None, reason="freqtrade is not installed (set FTSERVER_FREQTRADE)")


async def _freqtrade(config_file: Path, root: Path, strategy: str, timerange: str) -> dict[str, Any]:
    exported = root / "lookahead.csv"
    process = await asyncio.create_subprocess_exec(
        str(FREQTRADE), "lookahead-analysis", "-c", str(config_file), "--strategy", strategy,
        "--timerange", timerange, "--minimum-trade-amount", str(MINIMUM), "--targeted-trade-amount", str(TARGETED),
        "--lookahead-analysis-exportfilename", str(exported),
        cwd=root, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=900)
    assert process.returncode == 0, output.decode(errors="replace")[-3000:]
    assert exported.is_file(), output.decode(errors="replace")[-3000:]
    with exported.open() as file:
        (row,) = list(csv.DictReader(file))
    return {
        "has_bias": row["has_bias"] == "True",
        "total_signals": int(row["total_signals"]),
        "biased_entry_signals": int(row["biased_entry_signals"]),
        "biased_exit_signals": int(row["biased_exit_signals"]),
        "biased_indicators": sorted(filter(None, row["biased_indicators"].split(","))),
    }


def _ours(config: dict[str, Any], strategy: str, timerange: str) -> dict[str, Any]:
    settings = settings_from_dict(config)
    run = backtest_settings(settings, strategy=strategy, timerange=timerange, export="none")
    markets = markets_for_backtest(MarketCatalog(settings, SystemClock()), run.pairs)
    answer = lookahead_analysis(run, minimum_trade_amount=MINIMUM, targeted_trade_amount=TARGETED, markets=markets)
    answer.pop("strategy")
    answer["biased_indicators"] = sorted(answer["biased_indicators"])
    return answer


@pytest.mark.parametrize("strategy", ["RoiStoplossOnly", "PeeksAhead"])
async def test_the_same_verdict_as_freqtrades_lookahead_analysis(strategy: str, tmp_path: Path) -> None:
    async with binance_stub(DAYS * 288 + 400, "5m") as (stub_url, stub):
        config = _config(stub_url, tmp_path, strategy)
        _store_candles(stub, Path(config["datadir"]), None)
        (tmp_path / "user_data").mkdir(exist_ok=True)
        config_file = tmp_path / "config.json"
        config_file.write_text(json.dumps(config))
        # The last 10 of the stored days (the first ones give the startup candles).
        first = int(stub.market.candles("BTC/USDT", "5m", limit=10 * 288)[0][0]) // 1000
        timerange = f"{first}-"
        theirs = await _freqtrade(config_file, tmp_path, strategy, timerange)
        ours = await asyncio.to_thread(_ours, config, strategy, timerange)
    print(f"{strategy}: freqtrade {theirs}, ftserver {ours}")
    assert theirs["total_signals"] == TARGETED
    assert ours == theirs
    assert theirs["has_bias"] is (strategy == "PeeksAhead")
