"""``Strategy``: the base class user strategies subclass.

Same shape as freqtrade's interface version 3: class attributes for timeframe, ROI table, stoploss
and trailing; three ``populate_*`` methods over a pandas DataFrame that set ``enter_long`` /
``exit_long`` (and ``enter_short`` / ``exit_short``) plus optional ``enter_tag`` / ``exit_tag``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ftserver.data.timeframes import timeframe_to_minutes, timeframe_to_next_date
from ftserver.errors import StrategyError
from ftserver.strategy.informative import InformativeMerger, informative_keys, informative_methods
from ftserver.strategy.pair_locks import MemoryPairLocks

if TYPE_CHECKING:
    from ftserver.models import Order, Trade

SIGNAL_COLUMNS = ("enter_long", "exit_long", "enter_short", "exit_short")
TAG_COLUMNS = ("enter_tag", "exit_tag")
# Column labels built once: inferring an Index's dtype from strings costs more than the frame itself.
_SIGNAL_INDEX = pd.Index(SIGNAL_COLUMNS)
_TAG_INDEX = pd.Index(TAG_COLUMNS)


class Strategy:
    INTERFACE_VERSION: ClassVar[int] = 3

    timeframe: str = "5m"
    minimal_roi: dict[str, float] = {}  # as freqtrade: no ROI exits unless the strategy or config sets a table
    stoploss: float = -0.1
    trailing_stop: bool = False
    trailing_stop_positive: float | None = None
    trailing_stop_positive_offset: float = 0.0
    trailing_only_offset_is_reached: bool = False
    use_custom_stoploss: bool = False
    use_custom_roi: bool = False
    startup_candle_count: int = 0
    can_short: bool = False
    process_only_new_candles: bool = True
    use_exit_signal: bool = True
    exit_profit_only: bool = False
    exit_profit_offset: float = 0.0
    ignore_roi_if_entry_signal: bool = False
    order_types: dict[str, Any] | None = None
    order_time_in_force: dict[str, Any] | None = None
    # Seconds after its candle closed that an entry signal still opens a trade (0: no limit).
    ignore_buying_expired_candle_after: int = 0
    plot_config: dict[str, Any] = {}
    position_adjustment_enable: bool = False
    max_entry_position_adjustment: int = -1

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config: Mapping[str, Any] = config or {}
        self.dp: Any = None  # the bot's DataProvider, set by the bot (freqtrade's self.dp)
        # What lock_pair / is_pair_locked work on: the live bot replaces it with its own book.
        self.pair_locks: MemoryPairLocks = MemoryPairLocks()
        # Instance copies: config overrides and user code must not edit the class-wide tables.
        self.minimal_roi = dict(type(self).minimal_roi)
        # freqtrade strategies write plot_config as a class dict or as a property; only a dict is copied.
        if not isinstance(getattr(type(self), "plot_config", None), property):
            self.plot_config = dict(type(self).plot_config)
        self._roi_source: dict[str, float] | None = None
        self._roi_table: list[tuple[float, float]] = []
        # Version-2 column names to map, as freqtrade maps them, for a strategy that only has the
        # version-2 method of a step (it sets buy/buy_tag or sell instead of enter_long/exit_long).
        cls = type(self)
        self._v2_columns: dict[str, str] = {}
        if cls.populate_entry_trend is Strategy.populate_entry_trend:
            self._v2_columns.update(buy="enter_long", buy_tag="enter_tag")
        if cls.populate_exit_trend is Strategy.populate_exit_trend:
            self._v2_columns.update(sell="exit_long")
        methods = informative_methods(cls)
        for spec, _ in methods:
            if timeframe_to_minutes(spec.timeframe) < timeframe_to_minutes(self.timeframe):
                raise StrategyError(
                    f"Strategy {self.name}: informative timeframe {spec.timeframe} is faster than the strategy's "
                    f"{self.timeframe}; it must be the same or slower"
                )
        self._informative = InformativeMerger(methods) if methods else None

    @property
    def name(self) -> str:
        return type(self).__name__

    def version(self) -> str | None:
        return None

    # ---- user hooks --------------------------------------------------------------------------
    # ---- pair locks (freqtrade's strategy helpers) ---------------------------------------------
    def lock_pair(self, pair: str, until: datetime, reason: str | None = None, side: str = "*") -> None:
        """Block entries on ``pair`` until the candle after ``until`` starts ("*" locks every pair)."""
        self.pair_locks.lock_pair(pair, timeframe_to_next_date(self.timeframe, until), reason, side)

    def unlock_pair(self, pair: str) -> None:
        self.pair_locks.unlock_pair(pair)

    def unlock_reason(self, reason: str) -> None:
        self.pair_locks.unlock_reason(reason)

    def is_pair_locked(self, pair: str, *, candle_date: datetime | None = None, side: str = "*") -> bool:
        """Locked now, or (with ``candle_date``) when the candle after ``candle_date`` starts, as freqtrade
        checks a signal's candle so a lock cannot end between the candle's close and the entry."""
        at = None if candle_date is None else timeframe_to_next_date(self.timeframe, candle_date)
        return self.pair_locks.is_pair_locked(pair, at, side)

    def informative_pairs(self) -> list[tuple[str, ...]]:
        """Extra (pair, timeframe[, candle_type]) candles the bot fetches for ``self.dp`` to return."""
        return []

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    def populate_entry_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        # Interface version 2 called this populate_buy_trend: a strategy that only has that runs it here.
        return self.populate_buy_trend(dataframe, metadata)

    def populate_exit_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return self.populate_sell_trend(dataframe, metadata)

    def populate_buy_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        """Interface version 2's entry method, setting ``buy`` (and ``buy_tag``); kept for old strategies."""
        return dataframe

    def populate_sell_trend(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        """Interface version 2's exit method, setting ``sell``; kept for old strategies."""
        return dataframe

    # ---- freqtrade callbacks -------------------------------------------------------------------
    # Defaults with freqtrade's names, keyword arguments and answers: the bot calls each one (through
    # ``ftserver.strategy.callbacks.call_callback``) whether or not a strategy overrides it.
    def bot_start(self, **kwargs: Any) -> None:
        """Once, after the strategy is loaded and before the first iteration."""

    def bot_loop_start(self, current_time: datetime, **kwargs: Any) -> None:
        """At the start of every iteration."""

    def custom_stoploss(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        current_rate: float,
        current_profit: float,
        after_fill: bool,
        **kwargs: Any,
    ) -> float | None:
        """The stop as a ratio below ``current_rate`` (only with ``use_custom_stoploss``); None keeps it."""
        return self.stoploss

    def custom_roi(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        trade_duration: int,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float | None:
        """A ROI threshold (only with ``use_custom_roi``); the lower of it and ``minimal_roi`` applies."""
        return None

    def custom_exit(
        self, pair: str, trade: Trade, current_time: datetime, current_rate: float, current_profit: float, **kwargs: Any
    ) -> str | bool | None:
        """A text (the exit reason) or True exits the trade; None or False keeps it."""
        return self.custom_sell(pair, trade, current_time, current_rate, current_profit, **kwargs)

    def custom_sell(
        self, pair: str, trade: Trade, current_time: datetime, current_rate: float, current_profit: float, **kwargs: Any
    ) -> str | bool | None:
        """Interface version 2's name of ``custom_exit``, kept for old strategies."""
        return None

    def confirm_trade_entry(
        self,
        pair: str,
        order_type: str,
        amount: float,
        rate: float,
        time_in_force: str,
        current_time: datetime,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> bool:
        """False: no entry order is placed."""
        return True

    def confirm_trade_exit(
        self,
        pair: str,
        trade: Trade,
        order_type: str,
        amount: float,
        rate: float,
        time_in_force: str,
        exit_reason: str,
        current_time: datetime,
        **kwargs: Any,
    ) -> bool:
        """False: no exit order is placed, the trade stays open."""
        return True

    def custom_stake_amount(
        self,
        pair: str,
        current_time: datetime,
        current_rate: float,
        proposed_stake: float,
        min_stake: float | None,
        max_stake: float,
        leverage: float,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float:
        """The stake of a new trade, between ``min_stake`` and ``max_stake``; 0 or None: no trade."""
        return proposed_stake

    def custom_entry_price(
        self,
        pair: str,
        trade: Trade | None,
        current_time: datetime,
        proposed_rate: float,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float:
        return proposed_rate

    def custom_exit_price(
        self,
        pair: str,
        trade: Trade,
        current_time: datetime,
        proposed_rate: float,
        current_profit: float,
        exit_tag: str | None,
        **kwargs: Any,
    ) -> float:
        return proposed_rate

    def check_entry_timeout(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> bool:
        """True cancels the open entry order, as a timeout does."""
        return self.check_buy_timeout(pair=pair, trade=trade, order=order, current_time=current_time)

    def check_buy_timeout(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> bool:
        """Interface version 2's name of ``check_entry_timeout``."""
        return False

    def check_exit_timeout(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> bool:
        """True cancels the open exit order, as a timeout does."""
        return self.check_sell_timeout(pair=pair, trade=trade, order=order, current_time=current_time)

    def check_sell_timeout(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> bool:
        """Interface version 2's name of ``check_exit_timeout``."""
        return False

    def order_filled(self, pair: str, trade: Trade, order: Order, current_time: datetime, **kwargs: Any) -> None:
        """After each fill, entry or exit."""

    def leverage(
        self,
        pair: str,
        current_time: datetime,
        current_rate: float,
        proposed_leverage: float,
        max_leverage: float,
        entry_tag: str | None,
        side: str,
        **kwargs: Any,
    ) -> float:
        """Asked in futures mode only; spot trades use leverage 1."""
        return 1.0

    # ---- running -----------------------------------------------------------------------------
    def gather_informative_pairs(self) -> list[tuple[str, str, str]]:
        """Every (pair, timeframe, candle_type) the strategy reads besides its own candles.

        ``informative_pairs()`` (pairs of 2 or 3, the candle type defaulting to spot) plus what the
        ``@informative`` methods need for the whitelist ``self.dp`` reports.
        """
        keys = []
        for item in self.informative_pairs():
            if (
                not isinstance(item, tuple | list)
                or len(item) not in (2, 3)
                or not all(isinstance(v, str) for v in item)
            ):
                raise StrategyError(
                    f"Strategy {self.name}: informative_pairs() must list (pair, timeframe[, candle_type]), "
                    f"not {item!r}"
                )
            keys.append((item[0], item[1], item[2] if len(item) == 3 and item[2] else "spot"))
        if self._informative is not None and self.dp is not None:
            specs = [spec for spec, _ in self._informative.methods]
            stake = str(self.config.get("stake_currency", ""))
            keys += informative_keys(specs, self.dp.current_whitelist(), self.dp.market, stake)
        return list(dict.fromkeys(keys))

    def analyze(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        """Indicators and signals on a copy of ``dataframe``; signal and tag columns always present.

        Signals come back as 0/1 integers (anything but 1, NaN included, is 0) and tags as text or
        None in object columns. Raises ``StrategyError`` when the strategy dropped or altered rows.
        """
        pair = metadata.get("pair")
        if dataframe.empty:
            raise StrategyError(f"Strategy {self.name}: no candles to analyze for {pair}")
        rows, last_date, last_close = len(dataframe), _newest(dataframe, "date"), _newest(dataframe, "close")
        df = _with_blank_signals(dataframe)
        # User code runs with the labels as plain Python strings, the object dtype pandas used before
        # version 3: with pandas 3's Arrow-backed labels each column a strategy adds costs twice as
        # much, and each lookup a third more. The labels get the usual dtype back before returning.
        relabel = type(df.columns) is pd.Index and df.columns.dtype != object
        if relabel:
            df.columns = df.columns.astype(object)
        zeros = np.zeros(rows, dtype=np.int64)
        if self._informative is not None:
            # @informative methods first, as freqtrade runs them: their columns are there for
            # populate_indicators. Merging brings the usual label dtype back: plain strings again.
            df = self._informative.merge(self, df, metadata)
            if type(df.columns) is pd.Index and df.columns.dtype != object:
                df.columns, relabel = df.columns.astype(object), True
        for step in (self.populate_indicators, self.populate_entry_trend, self.populate_exit_trend):
            df = step(df, metadata)
            if not isinstance(df, pd.DataFrame):
                raise StrategyError(
                    f"Strategy {self.name}: {step.__name__} returned {type(df).__name__} for {pair}; "
                    "it must return the DataFrame"
                )
        renamed = {old: new for old, new in self._v2_columns.items() if old in df.columns}
        if renamed:
            df = df.drop(columns=[new for new in renamed.values() if new in df.columns]).rename(columns=renamed)
        if (
            len(df) != rows
            or "date" not in df.columns
            or "close" not in df.columns
            or _newest(df, "date") != last_date
            or _newest(df, "close") != last_close
        ):
            raise StrategyError(
                f"Strategy {self.name} changed the candles of {pair} ({rows} rows up to {last_date} in, "
                f"{len(df)} rows out, or the last date or close differ); "
                "strategies may add columns but must not drop or alter rows"
            )
        # Columns are only rewritten when user code left them in another shape: each rewrite costs
        # about as much as an indicator, and this runs for every pair on every candle.
        for column in SIGNAL_COLUMNS:
            values = df[column].to_numpy() if column in df.columns else zeros
            signal = _as_signal(values)
            if signal is not values or column not in df.columns:
                df[column] = signal
        for column in TAG_COLUMNS:
            if column not in df.columns:
                df[column] = np.full(rows, None, dtype=object)
            elif not _is_clean_tags(df[column]):
                df[column] = _as_tags(df[column])
        if relabel and type(df.columns) is pd.Index:
            df.columns = pd.Index(df.columns.tolist(), name=df.columns.name)  # the dtype pandas infers
        return df

    def min_roi_at(self, minutes: float) -> float | None:
        """The ROI threshold of the largest table key not above ``minutes`` (None before the first key)."""
        return self.min_roi_step(minutes)[1]

    def roi_table(self) -> list[tuple[float, float]]:
        """``minimal_roi`` as (minutes, threshold) steps in ascending order of minutes."""
        if self._roi_source != self.minimal_roi:
            # Cached by content: the loader and tests replace or edit ``minimal_roi`` after __init__
            # (a dict comparison runs in C: this is asked for every candle of a backtest).
            self._roi_table = _roi_table(self.name, self.minimal_roi)
            self._roi_source = dict(self.minimal_roi)
        return self._roi_table

    def min_roi_step(self, minutes: float) -> tuple[float | None, float | None]:
        """(the largest table key not above ``minutes``, its ROI threshold); (None, None) before the first."""
        step: tuple[float | None, float | None] = (None, None)
        for start, value in self.roi_table():
            if start <= minutes:
                step = (start, value)
            else:
                break
        return step

    def entry_signal(self, analyzed: pd.DataFrame) -> tuple[str | None, str | None]:
        """(side, enter_tag) from the newest candle: side is "long", "short" or None.

        As in freqtrade, an entry is refused when the same candle also says to exit that side or
        to enter the other one; shorts count only when ``can_short``.
        """
        if analyzed.empty:
            return None, None
        enter_long = _last(analyzed, "enter_long") == 1
        enter_short = self.can_short and _last(analyzed, "enter_short") == 1
        side = None
        if enter_long and not enter_short and _last(analyzed, "exit_long") != 1:
            side = "long"
        elif enter_short and not enter_long and _last(analyzed, "exit_short") != 1:
            side = "short"
        return side, _text_or_none(_last(analyzed, "enter_tag")) if side else None

    def exit_signal(self, analyzed: pd.DataFrame, is_short: bool) -> tuple[bool, str | None]:
        """(exit?, exit_tag) for a trade on the given side from the newest candle.

        As in freqtrade, an exit signal on a candle that also says to enter the same side is ignored.
        """
        if analyzed.empty:
            return False, None
        exit_now = _last(analyzed, "exit_short" if is_short else "exit_long") == 1
        entering = _last(analyzed, "enter_short" if is_short else "enter_long") == 1
        if not exit_now or entering:
            return False, None
        return True, _text_or_none(_last(analyzed, "exit_tag"))

    # ---- position adjustment callbacks (freqtrade's names and arguments; the defaults change nothing) --
    def adjust_trade_position(self, trade: Any, current_time: datetime, current_rate: float, **kwargs: Any) -> Any:
        """A stake to add (positive) or take out (negative) of an open trade, optionally with an order
        tag as ``(stake, tag)``; None leaves the trade as it is. Called only with position adjustment on."""
        return None

    def adjust_order_price(
        self,
        trade: Any,
        order: Any,
        pair: str,
        current_time: datetime,
        proposed_rate: float,
        current_order_rate: float,
        entry_tag: str | None,
        side: str,
        is_entry: bool,
        **kwargs: Any,
    ) -> float | None:
        """The price an open limit order should have after a new candle: ``current_order_rate`` keeps
        it, another price replaces it, None cancels it. Asks ``adjust_entry_price`` or ``adjust_exit_price``."""
        method = self.adjust_entry_price if is_entry else self.adjust_exit_price
        return method(
            trade=trade,
            order=order,
            pair=pair,
            current_time=current_time,
            proposed_rate=proposed_rate,
            current_order_rate=current_order_rate,
            entry_tag=entry_tag,
            side=side,
            **kwargs,
        )

    def adjust_entry_price(self, current_order_rate: float, **kwargs: Any) -> float | None:
        return current_order_rate

    def adjust_exit_price(self, current_order_rate: float, **kwargs: Any) -> float | None:
        return current_order_rate


def _newest(frame: pd.DataFrame, column: str) -> Any:
    """``frame[column].iloc[-1]`` without building the Series where the label is unique."""
    position = frame.columns.get_loc(column)
    return frame.iat[-1, position] if isinstance(position, int) else frame[column].iloc[-1]


def _with_blank_signals(dataframe: pd.DataFrame) -> pd.DataFrame:
    """``dataframe`` plus signal columns of 0 and tag columns of None, replacing any already there.

    Pre-filled so that user code can set signals with .loc on some rows only, as in freqtrade. Built
    as one 2-D block per dtype and a single concat: this runs for every pair on every new candle,
    and per-column inserts (or a drop when there is nothing to drop) cost several times more.
    """
    rows, index = len(dataframe), dataframe.index
    stale = [column for column in (*SIGNAL_COLUMNS, *TAG_COLUMNS) if column in dataframe.columns]
    signals = pd.DataFrame(np.zeros((rows, len(SIGNAL_COLUMNS)), dtype=np.int64), index=index, columns=_SIGNAL_INDEX)
    tags = pd.DataFrame(np.full((rows, len(TAG_COLUMNS)), None, dtype=object), index=index, columns=_TAG_INDEX)
    return pd.concat([dataframe.drop(columns=stale) if stale else dataframe, signals, tags], axis=1)


def _roi_table(strategy: str, minimal_roi: Mapping[str, float]) -> list[tuple[float, float]]:
    try:
        return sorted((float(minutes), float(ratio)) for minutes, ratio in minimal_roi.items())
    except (TypeError, ValueError) as exc:
        raise StrategyError(
            f"Strategy {strategy}: minimal_roi must map minutes to profit ratios, e.g. {{'0': 0.05}}; "
            f"got {dict(minimal_roi)!r}"
        ) from exc


def _as_signal(values: np.ndarray) -> np.ndarray:
    """0/1 int64: only a 1 (or True) is a signal, as freqtrade compares ``== 1``; NaN and None are 0."""
    if values.dtype == np.int64 and bool(((values == 0) | (values == 1)).all()):
        return values
    if values.dtype == object:
        values = np.where(pd.isna(values), 0, values)  # pd.NA == 1 is NA, which has no truth value
    return np.asarray(values == 1, dtype=np.bool_).astype(np.int64)


def _is_clean_tags(column: pd.Series) -> bool:
    """An object column whose missing values are all None already."""
    if column.dtype != object:
        return False
    values = column.to_numpy()
    missing = values[pd.isna(values)]
    # list.count compares by identity first, in C: far cheaper than a generator over every row.
    nones: int = missing.tolist().count(None)
    return nones == len(missing)


def _as_tags(column: pd.Series) -> pd.Series:
    """An object column of text or None: pandas 3 stores text as a NaN-filled ``str`` column otherwise."""
    values = column.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = None
    return pd.Series(values, index=column.index, dtype=object)


def _last(frame: pd.DataFrame, column: str) -> Any:
    """The newest value of one column (cheaper than building the whole last row)."""
    return frame[column].iat[-1] if column in frame.columns else None


def _text_or_none(value: Any) -> str | None:
    """Tags may come back as NaN (pandas string columns): treat anything but text as no tag."""
    return value if isinstance(value, str) and value else None
