"""``Strategy``: the base class user strategies subclass.

Same shape as freqtrade's interface version 3: class attributes for timeframe, ROI table, stoploss
and trailing; three ``populate_*`` methods over a pandas DataFrame that set ``enter_long`` /
``exit_long`` (and ``enter_short`` / ``exit_short``) plus optional ``enter_tag`` / ``exit_tag``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ftserver.errors import StrategyError

SIGNAL_COLUMNS = ("enter_long", "exit_long", "enter_short", "exit_short")
TAG_COLUMNS = ("enter_tag", "exit_tag")


class Strategy:
    INTERFACE_VERSION: ClassVar[int] = 3

    timeframe: str = "5m"
    minimal_roi: dict[str, float] = {"0": 0.1}
    stoploss: float = -0.1
    trailing_stop: bool = False
    trailing_stop_positive: float | None = None
    trailing_stop_positive_offset: float = 0.0
    trailing_only_offset_is_reached: bool = False
    use_custom_stoploss: bool = False
    startup_candle_count: int = 0
    can_short: bool = False
    process_only_new_candles: bool = True
    use_exit_signal: bool = True
    exit_profit_only: bool = False
    exit_profit_offset: float = 0.0
    ignore_roi_if_entry_signal: bool = False
    order_types: dict[str, Any] | None = None
    plot_config: dict[str, Any] = {}
    position_adjustment_enable: bool = False

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config: Mapping[str, Any] = config or {}
        self.dp: Any = None  # set by the bot: access to producer data in consumer mode
        self.minimal_roi = dict(type(self).minimal_roi)
        self._roi_table: list[tuple[float, float]] | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def version(self) -> str | None:
        return None

    # ---- user hooks --------------------------------------------------------------------------
    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    # ---- running -----------------------------------------------------------------------------
    def analyze(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        """Indicators and signals on a copy of ``dataframe``; signal columns always present."""
        if dataframe.empty:
            raise StrategyError(f"Strategy {self.name}: no candles to analyze for {metadata.get('pair')}")
        rows, last_date, last_close = len(dataframe), dataframe["date"].iloc[-1], dataframe["close"].iloc[-1]
        zeros = np.zeros(rows, dtype=np.int64)
        df = dataframe.assign(
            **{column: zeros for column in SIGNAL_COLUMNS},
            **{column: np.full(rows, None, dtype=object) for column in TAG_COLUMNS},
        )
        df = self.populate_indicators(df, metadata)
        df = self.populate_entry_trend(df, metadata)
        df = self.populate_exit_trend(df, metadata)
        if not isinstance(df, pd.DataFrame):
            raise StrategyError(f"Strategy {self.name}: populate_* must return the DataFrame")
        if len(df) != rows or df["date"].iloc[-1] != last_date or df["close"].iloc[-1] != last_close:
            raise StrategyError(
                f"Strategy {self.name} changed the candles of {metadata.get('pair')} (rows, last date or close); "
                "strategies may add columns but must not drop or alter rows"
            )
        # Normalise what user code left behind: signals as 0/1 integers, missing tags as None.
        for column in SIGNAL_COLUMNS:
            values = df[column].to_numpy()
            if values.dtype != np.int64:
                df[column] = np.nan_to_num(values.astype(np.float64)).astype(np.int64)
        for column in TAG_COLUMNS:
            values = df[column].to_numpy(dtype=object)
            missing = pd.isna(values)
            if missing.any() and not all(v is None for v in values[missing]):
                values = values.copy()
                values[missing] = None
                df[column] = values
        return df

    def min_roi_at(self, minutes: float) -> float | None:
        """The ROI threshold of the largest table key not above ``minutes``."""
        if self._roi_table is None or len(self._roi_table) != len(self.minimal_roi):
            self._roi_table = sorted((float(k), float(v)) for k, v in self.minimal_roi.items())
        threshold = None
        for start, value in self._roi_table:
            if start <= minutes:
                threshold = value
            else:
                break
        return threshold

    def entry_signal(self, analyzed: pd.DataFrame) -> tuple[str | None, str | None]:
        """(side, enter_tag) from the newest candle: "long", "short" or None."""
        if analyzed.empty:
            return None, None
        tag = _text_or_none(_last(analyzed, "enter_tag"))
        if _last(analyzed, "enter_long") == 1:
            return "long", tag
        if self.can_short and _last(analyzed, "enter_short") == 1:
            return "short", tag
        return None, None

    def exit_signal(self, analyzed: pd.DataFrame, is_short: bool) -> tuple[bool, str | None]:
        if analyzed.empty:
            return False, None
        signal = _last(analyzed, "exit_short" if is_short else "exit_long") == 1
        return bool(signal), _text_or_none(_last(analyzed, "exit_tag"))


def _last(frame: pd.DataFrame, column: str) -> Any:
    """The newest value of one column (cheaper than building the whole last row)."""
    return frame[column].iat[-1] if column in frame.columns else None


def _text_or_none(value: Any) -> str | None:
    """Tags may come back as NaN (pandas string columns): treat anything but text as no tag."""
    return value if isinstance(value, str) and value else None
