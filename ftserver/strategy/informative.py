"""Informative pairs: candles of another pair or a slower timeframe merged into a strategy's frame.

Two ways in, as in freqtrade: ``merge_informative_pair`` for strategies that fetch the candles
themselves (``self.dp.get_pair_dataframe``) in ``populate_indicators``, and the ``@informative``
decorator on ``populate_indicators_<tf>`` methods, whose columns the strategy merges before its own
``populate_indicators`` runs.

No look-ahead: candle dates are open times, so a 1h candle opened at 11:00 is only known once it
closed at 12:00. It is merged into the last base candle that closes at that moment (11:55 on 5m):
its merge date is its open date plus the informative timeframe minus the base timeframe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ftserver.data.timeframes import timeframe_to_minutes
from ftserver.errors import StrategyError

# The attribute the decorator leaves on a method; a list, since the decorator can be stacked.
INFORMATIVE_ATTRIBUTE = "_ft_informative"
# The merge key column while an informative frame is merged; a user column may not take the name.
MERGE_KEY = "date_merge"
# Populated informative frames kept per (method, asset, timeframe): beyond that the oldest goes.
_CACHE_SIZE = 500

_CANDLE_COLUMNS = ("date", "open", "high", "low", "close", "volume")

_Populated = tuple[tuple[Any, ...], pd.DataFrame, pd.Series, "Aligned | None"]

Method = TypeVar("Method", bound=Callable[..., Any])
Formatter = str | Callable[..., str]


@dataclass(frozen=True, slots=True)
class InformativeSpec:
    """What one ``@informative(...)`` asked for."""

    timeframe: str
    asset: str = ""
    fmt: Formatter | None = None
    candle_type: str | None = None
    ffill: bool = True
    cache: bool = True


def informative(
    timeframe: str,
    asset: str = "",
    fmt: Formatter | None = None,
    *,
    candle_type: str | None = None,
    ffill: bool = True,
    cache: bool = True,
) -> Callable[[Method], Method]:
    """Mark ``populate_indicators_<tf>(self, dataframe, metadata)`` as computing informative columns.

    ``asset`` names another pair (``"BTC/USDT"``, or a pattern such as ``"{base}/BTC"`` or
    ``"BTC/{stake}"``); empty means the pair being analyzed. Columns are named by ``fmt`` (a format
    string or a callable taking ``column``, ``asset``, ``timeframe``, ``base``, ``quote`` ...):
    ``{column}_{timeframe}`` by default, ``{base}_{quote}_{column}_{timeframe}`` when ``asset`` is given.
    ``cache`` reuses the populated frame while the informative candles are unchanged (turn it off for
    a method whose result depends on more than its candles).
    """
    spec = InformativeSpec(timeframe, asset, fmt, candle_type or None, ffill, cache)

    def mark(method: Method) -> Method:
        specs = getattr(method, INFORMATIVE_ATTRIBUTE, None)
        setattr(method, INFORMATIVE_ATTRIBUTE, [*(specs if isinstance(specs, list) else []), spec])
        return method

    return mark


def informative_methods(cls: type) -> list[tuple[InformativeSpec, Callable[..., Any]]]:
    """The decorated methods of a strategy class with what each asked for, in name order."""
    found: list[tuple[InformativeSpec, Callable[..., Any]]] = []
    for name in dir(cls):
        method = getattr(cls, name, None)
        if callable(method) and isinstance(specs := getattr(method, INFORMATIVE_ATTRIBUTE, None), list):
            found += [(spec, method) for spec in specs if isinstance(spec, InformativeSpec)]
    return found


# ---- merging ---------------------------------------------------------------------------------
def merge_informative_pair(
    dataframe: pd.DataFrame,
    informative: pd.DataFrame,
    timeframe: str,
    timeframe_inf: str,
    ffill: bool = True,
    append_timeframe: bool = True,
    date_column: str = "date",
    suffix: str | None = None,
) -> pd.DataFrame:
    """``dataframe`` with the columns of ``informative`` (a ``timeframe_inf`` frame) merged in.

    Each informative candle lands on the base candle that closes when it closes, and (``ffill``) on
    every base candle after it until the next one closes. Columns get ``_<timeframe_inf>`` appended
    (``append_timeframe``) or ``_<suffix>``; ``date_column`` names the informative frame's date.
    Raises ``ValueError`` when ``timeframe_inf`` is faster than ``timeframe``, or when both
    ``append_timeframe`` and ``suffix`` are given.
    """
    if suffix and append_timeframe:
        raise ValueError("merge_informative_pair: give append_timeframe=True or a suffix, not both")
    prepared = with_merge_key(informative, timeframe, timeframe_inf, date_column=date_column)
    label = f"_{timeframe_inf}" if append_timeframe else (f"_{suffix}" if suffix else "")
    if label:
        prepared.columns = [f"{column}{label}" for column in prepared.columns]
    return merge_on_key(dataframe, prepared, f"{MERGE_KEY}{label}", ffill=ffill)


def with_merge_key(
    informative: pd.DataFrame, timeframe: str, timeframe_inf: str, *, date_column: str = "date"
) -> pd.DataFrame:
    """A copy of ``informative`` plus the ``date_merge`` column: the base candle each row belongs to."""
    keys = merge_keys(informative[date_column], timeframe, timeframe_inf)
    prepared = informative.copy()
    prepared[MERGE_KEY] = keys
    return prepared


def merge_keys(dates: pd.Series, timeframe: str, timeframe_inf: str) -> pd.Series:
    """For informative candle open dates, the open date of the base candle that closes with each."""
    base_minutes, inf_minutes = timeframe_to_minutes(timeframe), timeframe_to_minutes(timeframe_inf)
    if inf_minutes < base_minutes:
        raise ValueError(
            f"Cannot merge {timeframe_inf} candles into a {timeframe} frame: an informative timeframe "
            "must be the same as the strategy's or slower"
        )
    if inf_minutes == base_minutes or dates.empty:
        return dates
    if timeframe_inf == "1M":  # months differ in length: the next month's start is when it closes
        return dates + pd.offsets.MonthBegin(1) - pd.Timedelta(minutes=base_minutes)
    return dates + pd.Timedelta(minutes=inf_minutes - base_minutes)


def merge_on_key(dataframe: pd.DataFrame, prepared: pd.DataFrame, key: str, *, ffill: bool) -> pd.DataFrame:
    """Left-join ``prepared`` on ``dataframe.date == prepared[key]``; the key column is dropped.

    With ``ffill`` each base row without a match carries the newest matched informative row before
    it (a NaN value in that row stays NaN); the first rows, before any match, get the informative
    row just before the first matched one.
    """
    if ffill:
        aligned = Aligned.of(prepared, key)
        fast = aligned.merge_into(dataframe) if aligned is not None else None
        if fast is not None:
            return fast
        merged = pd.merge_ordered(dataframe, prepared, fill_method="ffill", left_on="date", right_on=key, how="left")
        _fill_leading_rows(merged, prepared, key)
    else:
        merged = pd.merge(dataframe, prepared, left_on="date", right_on=key, how="left")
    return merged.drop(columns=key)


def _fill_leading_rows(merged: pd.DataFrame, prepared: pd.DataFrame, key: str) -> None:
    keys = merged[key]
    if len(merged) > 1 and not prepared.empty and keys.isna().iat[0]:
        first = keys.first_valid_index()
        if first:
            earlier = prepared[prepared[key] < keys.at[first]]
            if not earlier.empty:
                merged.iloc[:first] = merged.iloc[:first].fillna(earlier.iloc[-1])


@dataclass(frozen=True, slots=True, eq=False)
class Aligned:
    """An informative frame ready for the ffill merge by row positions.

    A few times faster than ``merge_ordered``, which counts where it runs for every pair on every
    candle; it gives the same frame. Only for sorted, unique merge keys (as candles are).
    """

    columns: pd.DataFrame  # the informative columns, without the key, rows numbered from 0
    keys: np.ndarray  # merge keys, int64 nanoseconds
    tz: Any
    names: frozenset[Any]  # the informative column names, for a cheap clash check

    @classmethod
    def of(cls, prepared: pd.DataFrame, key: str) -> Aligned | None:
        return cls.build(prepared.drop(columns=key), prepared[key])

    @classmethod
    def build(cls, columns: pd.DataFrame, keys: pd.Series) -> Aligned | None:
        """From the informative columns and their merge keys; None unless the keys are sorted and unique."""
        if columns.empty or not columns.columns.is_unique:
            return None
        found = _nanoseconds(keys)
        if found is None or (len(found[0]) > 1 and not bool((np.diff(found[0]) > 0).all())):
            return None
        return cls(columns.reset_index(drop=True), found[0], found[1], frozenset(columns.columns))

    def merge_into(self, dataframe: pd.DataFrame) -> pd.DataFrame | None:
        """``dataframe`` with the informative columns; None where the shortcut does not apply."""
        if dataframe.empty or "date" not in dataframe.columns or not dataframe.columns.is_unique:
            return None
        dates = _nanoseconds(dataframe["date"])
        if dates is None or dates[1] != self.tz or not self.names.isdisjoint(dataframe.columns):
            return None
        date_ns = dates[0]
        if len(date_ns) > 1 and not bool((np.diff(date_ns) > 0).all()):
            return None
        found = np.searchsorted(self.keys, date_ns).clip(max=len(self.keys) - 1)
        matched = np.where(self.keys[found] == date_ns, found, -1)
        rows = np.maximum.accumulate(matched)  # the newest matched informative row so far, -1 before any
        leading = int((rows < 0).sum())
        if 0 < leading < len(rows) and rows[leading] > 0:
            rows[:leading] = rows[leading] - 1  # before the first match: the informative row just before it
        if leading:
            # Rows before the first match are missing in the join: their columns take the types that
            # can hold a missing value (int -> float, bool -> object), even where filled afterwards.
            # A missing row (-1) reindexed in and sliced off gives the same types.
            block = self.columns.reindex(np.append(rows, -1)).iloc[:-1]
        else:
            block = self.columns.take(rows)
        block.index = dataframe.index
        merged = pd.concat([dataframe, block], axis=1)
        index = dataframe.index
        plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
        return merged if plain else merged.reset_index(drop=True)


def _nanoseconds(dates: pd.Series) -> tuple[np.ndarray, Any] | None:
    """(int64 nanoseconds, time zone) of a datetime column; None for any other column."""
    values = dates.array
    if not isinstance(values, pd.arrays.DatetimeArray) or dates.isna().any():
        return None
    return np.asarray(values.as_unit("ns").view("i8")), values.tz


# ---- the @informative step of Strategy.analyze -------------------------------------------------
def pair_formats(market: Mapping[str, Any] | None) -> dict[str, str]:
    """``base``/``BASE``/``quote``/``QUOTE`` of a market, for asset patterns and column names."""
    if not market:
        return {}
    base, quote = str(market["base"]), str(market["quote"])
    return {"base": base.lower(), "BASE": base.upper(), "quote": quote.lower(), "QUOTE": quote.upper()}


def asset_name(pattern: str, stake_currency: str, market: Mapping[str, Any] | None) -> str:
    """An asset pattern (``"{base}/BTC"``, ``"BTC/{stake}"``) filled in for one market, upper case."""
    stake = stake_currency
    try:
        return pattern.format(stake_currency=stake, stake=stake, **pair_formats(market)).upper()
    except (KeyError, IndexError, ValueError) as exc:
        raise StrategyError(f"Informative asset '{pattern}' cannot be formatted: {exc}") from exc


def informative_keys(
    specs: list[InformativeSpec],
    whitelist: list[str],
    market: Callable[[str], Mapping[str, Any] | None],
    stake_currency: str,
    default_candle_type: str = "spot",
) -> list[tuple[str, str, str]]:
    """The (pair, timeframe, candle type) each decorated method needs, for the given whitelist."""
    keys: list[tuple[str, str, str]] = []
    for spec in specs:
        candle_type = spec.candle_type or default_candle_type
        if not spec.asset:
            keys += [(pair, spec.timeframe, candle_type) for pair in whitelist]
        elif "{base}" in spec.asset or "{BASE}" in spec.asset:
            assets = (asset_name(spec.asset, stake_currency, market(pair)) for pair in whitelist)
            keys += [(asset, spec.timeframe, candle_type) for asset in assets]
        else:
            keys.append((asset_name(spec.asset, stake_currency, None), spec.timeframe, candle_type))
    return keys


class InformativeMerger:
    """Runs a strategy's decorated methods on their candles and merges the columns into its frame.

    Keeps each populated informative frame while its candles are unchanged: with an informative of
    one asset (``BTC/USDT`` for every pair) it is populated once per candle, not once per pair.
    """

    def __init__(self, methods: list[tuple[InformativeSpec, Callable[..., Any]]]) -> None:
        self.methods = methods
        # (method, asset, timeframe, candle type) -> (candles fingerprint, renamed columns, their merge
        # keys, both Aligned)
        self._populated: dict[tuple[str, str, str, str | None], _Populated] = {}

    def merge(self, strategy: Any, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        for spec, method in self.methods:
            dataframe = self._merge_one(strategy, dataframe, metadata, spec, method)
        return dataframe

    def _merge_one(
        self,
        strategy: Any,
        dataframe: pd.DataFrame,
        metadata: dict[str, Any],
        spec: InformativeSpec,
        method: Callable[..., Any],
    ) -> pd.DataFrame:
        dp, pair, name = strategy.dp, metadata["pair"], strategy.name
        if dp is None:
            raise StrategyError(f"Strategy {name}: @informative needs the bot's data provider (self.dp)")
        if MERGE_KEY in dataframe.columns:
            raise _reserved(name)
        stake = str(strategy.config.get("stake_currency", ""))
        asset = asset_name(spec.asset, stake, dp.market(pair)) if spec.asset else pair
        market = dp.market(asset)
        if market is None:
            raise StrategyError(f"Strategy {name}: informative market {asset} is not available")
        fmt = spec.fmt or ("{base}_{quote}_{column}_{timeframe}" if spec.asset else "{column}_{timeframe}")
        formatter = fmt if callable(fmt) else fmt.format
        fmt_args = {**pair_formats(market), "asset": asset, "timeframe": spec.timeframe}
        date_column = formatter(column="date", **fmt_args)
        if date_column in dataframe.columns:
            raise StrategyError(
                f"Strategy {name}: informative column {date_column} is already in the frame; "
                "column names must be unique"
            )
        candles = dp.get_pair_dataframe(asset, spec.timeframe, spec.candle_type or "")
        if candles.empty:
            raise StrategyError(
                f"Strategy {name}: no {spec.timeframe} candles of {asset} for its informative columns (yet)"
            )
        key = (method.__qualname__, asset, spec.timeframe, spec.candle_type)
        fingerprint = _fingerprint(candles)
        known = self._populated.get(key) if spec.cache else None
        if known is None or known[0] != fingerprint:
            populated = self._populate(strategy, spec, method, asset, candles)
            keys = merge_keys(populated["date"], strategy.timeframe, spec.timeframe)
            renamed = [formatter(column=column, **fmt_args) for column in populated.columns]
            if MERGE_KEY in renamed:
                raise _reserved(name)
            columns = populated.set_axis(renamed, axis=1)
            known = (fingerprint, columns, keys, Aligned.build(columns, keys) if spec.ffill else None)
            if spec.cache:
                self._populated.pop(key, None)
                if len(self._populated) >= _CACHE_SIZE:
                    del self._populated[next(iter(self._populated))]
                self._populated[key] = known
        _, columns, keys, aligned = known
        merged = aligned.merge_into(dataframe) if aligned is not None else None
        if merged is None:
            merged = merge_on_key(dataframe, columns.assign(**{MERGE_KEY: keys}), MERGE_KEY, ffill=spec.ffill)
        return merged

    @staticmethod
    def _populate(
        strategy: Any, spec: InformativeSpec, method: Callable[..., Any], asset: str, candles: pd.DataFrame
    ) -> pd.DataFrame:
        """The method's frame over ``candles``."""
        populated = method(strategy, candles, {"pair": asset, "timeframe": spec.timeframe})
        if not isinstance(populated, pd.DataFrame):
            raise StrategyError(
                f"Strategy {strategy.name}: {method.__name__} returned {type(populated).__name__}; "
                "it must return the DataFrame"
            )
        if MERGE_KEY in populated.columns:
            raise _reserved(strategy.name)
        return populated


def _fingerprint(candles: pd.DataFrame) -> tuple[Any, ...]:
    """The row count and the newest candle: what changes when the candles do (read cell by cell,
    which costs a third of building the row)."""
    last, values = len(candles) - 1, []
    for column in _CANDLE_COLUMNS:
        position = candles.columns.get_loc(column) if column in candles.columns else None
        values.append(candles.iat[last, position] if isinstance(position, int) else None)
    return (last, *values)


def _reserved(strategy: str) -> StrategyError:
    return StrategyError(f"Strategy {strategy}: the column name '{MERGE_KEY}' is reserved for informative merging")
