"""What happens after a backtest simulated its trades: freqtrade's statistics, its stored result
format under ``user_data/backtest_results/``, and its summary tables.

The engine hands over one :class:`~ftserver.backtest.records.BacktestRun`; ``stats`` turns it into
freqtrade's result dictionary, ``storage`` writes and reads it as freqtrade does, ``tables`` prints it.
"""
