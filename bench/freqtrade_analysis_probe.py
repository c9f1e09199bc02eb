"""freqtrade's load + analysis time on the benchmark's candle files; run by ``bench/backtest.py`` with
freqtrade's own Python (it imports freqtrade, so it never runs in ftserver's environment).

The steps are those of freqtrade's backtesting before it simulates: ``load_data`` with the startup
candles, ``advise_all_indicators``, then per pair the entry/exit signals, the startup trimmed, the
signal columns shifted one candle and the rows turned into lists. Prints one JSON line of seconds.

Argument: JSON ``{"strategy", "strategy_path", "datadir", "pairs"}``.
"""

import json
import sys
import time
from pathlib import Path

from numpy import nan

started = time.perf_counter()
from freqtrade.configuration import TimeRange  # noqa: E402
from freqtrade.data import history  # noqa: E402
from freqtrade.data.converter import trim_dataframe  # noqa: E402
from freqtrade.enums import RunMode  # noqa: E402
from freqtrade.resolvers import StrategyResolver  # noqa: E402

COLUMNS = ["date", "open", "high", "low", "close"]
SIGNALS = ["enter_long", "exit_long", "enter_short", "exit_short"]
TAGS = ["enter_tag", "exit_tag"]


def main() -> None:
    spec = json.loads(sys.argv[1])
    imported = time.perf_counter() - started
    datadir = Path(spec["datadir"])
    config = {
        "strategy": spec["strategy"],
        "strategy_path": spec["strategy_path"],
        "timeframe": "5m",
        "stake_currency": "USDT",
        "stake_amount": 100,
        "dry_run": True,
        "max_open_trades": 5,
        "exchange": {"name": "binance", "pair_whitelist": spec["pairs"]},
        "runmode": RunMode.BACKTEST,
        "user_data_dir": datadir.parent,
        "datadir": datadir,
        "candle_type_def": "spot",
        "trading_mode": "spot",
        "margin_mode": "",
    }
    strategy = StrategyResolver.load_strategy(config)
    timerange = TimeRange.parse_timerange(None)
    t_load = time.perf_counter()
    data = history.load_data(
        datadir=datadir,
        pairs=spec["pairs"],
        timeframe="5m",
        timerange=timerange,
        startup_candles=strategy.startup_candle_count,
        fail_without_data=True,
        data_format="feather",
    )
    t_analysis = time.perf_counter()
    analyzed = strategy.advise_all_indicators(data)
    rows = 0
    for pair, frame in analyzed.items():
        frame = strategy.ft_advise_signals(frame, {"pair": pair})
        frame = trim_dataframe(frame, timerange, startup_candles=strategy.startup_candle_count).copy()
        for column in SIGNALS + TAGS:
            empty = None if column in TAGS else 0
            frame[column] = frame[column].replace([nan], [empty]).shift(1) if column in frame.columns else empty
        frame = frame.iloc[1:]
        rows += len(frame[COLUMNS + SIGNALS + TAGS].values.tolist())
    done = time.perf_counter()
    print(json.dumps({"import": imported, "load": t_analysis - t_load, "analysis": done - t_analysis, "rows": rows}))


if __name__ == "__main__":
    main()
