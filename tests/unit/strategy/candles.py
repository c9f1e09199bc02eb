"""Synthetic candles for strategy tests: a seeded random walk, one row a minute."""

from __future__ import annotations

import numpy as np
import pandas as pd


def random_walk(rows: int = 500, seed: int = 7, step: float = 0.004) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, step, rows)))
    open_ = np.concatenate((close[:1], close[:-1]))
    return pd.DataFrame(
        {
            "date": pd.date_range("2026-01-01", periods=rows, freq="1min", tz="UTC"),
            "open": open_,
            "high": np.maximum(open_, close) * 1.001,
            "low": np.minimum(open_, close) * 0.999,
            "close": close,
            "volume": rng.uniform(1, 10, rows),
        }
    )
