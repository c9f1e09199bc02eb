"""``Research``: strategies on disk and stored candle history analyzed by a chosen strategy.

Serves ``/strategies``, ``/strategy/{name}``, ``/available_pairs``, ``/pair_history`` and
``/exchanges`` in both run modes. Analysis is synchronous CPU work: callers run it in a thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ftserver.bot.dataprovider import DataProvider
from ftserver.bot.pairlists.registry import available as available_pairlists
from ftserver.config import Settings
from ftserver.data.history import candle_store_for
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.data.timerange import parse_timerange
from ftserver.errors import FtServerError, NotFound, StrategyError
from ftserver.models import RunMode
from ftserver.rpc.shapes.research import (
    AvailablePairs,
    Exchange,
    Exchanges,
    Strategy,
    StrategyList,
    TradeMode,
)
from ftserver.strategy.loader import builtin_strategy_dir, list_strategies, load_strategy, strategy_file
from ftserver.strategy.parameter_values import strategy_parameters
from ftserver.strategy.safe import SafeStrategy


class Research:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.paths = [settings.strategy_path, builtin_strategy_dir()]
        self.store = candle_store_for(settings)
        # Folders whose absolute names must not reach a client, longest first so nested ones match first.
        roots = {settings.user_data_dir, settings.strategy_path, builtin_strategy_dir(), self.store.datadir}
        absolute = {str(p) for r in roots for p in (Path(r), Path(r).resolve()) if p.is_absolute()}
        self._roots = sorted(absolute, key=len, reverse=True)

    def shown(self, path: Path) -> str:
        """``path`` as a client may see it: relative to user_data_dir when inside it, else its name."""
        for base in (self.settings.user_data_dir, Path(self.settings.user_data_dir).resolve()):
            if path.is_relative_to(base):
                return str(path.relative_to(base))
        return path.name

    def _redacted(self, text: str) -> str:
        for root in self._roots:
            text = text.replace(root + "/", "").replace(root, ".")
        return text

    @contextmanager
    def _no_server_paths(self) -> Iterator[None]:
        """Errors leave without the server's absolute paths (user code may put them in its messages)."""
        try:
            yield
        except FtServerError as exc:
            message = self._redacted(exc.message)
            if message != exc.message:
                exc.message = message
                exc.args = (message,)
            raise

    def strategies(self) -> StrategyList:
        return StrategyList(list_strategies(self.paths))

    def strategy(self, name: str) -> Strategy:
        try:
            path = strategy_file(name, self.paths)
        except StrategyError:
            raise NotFound(f"Strategy '{name}' not found") from None
        with self._no_server_paths():
            strategy = load_strategy(name, self.paths)
        return Strategy(
            strategy=name,
            code=path.read_text(encoding="utf-8"),
            timeframe=strategy.timeframe,
            params=[parameter.describe() for parameter in strategy_parameters(strategy)],
        )

    def plot_config(self, name: str) -> dict[str, Any]:
        with self._no_server_paths():
            return dict(load_strategy(name, self.paths).plot_config or {})

    def available_pairs(
        self, timeframe: str | None, stake_currency: str | None, candle_type: str | None
    ) -> AvailablePairs:
        with self._no_server_paths():
            found = self.store.available_pairs(timeframe or None, stake_currency or None, candle_type or None)
        pairs = sorted({pair for pair, _, _ in found})
        return AvailablePairs(length=len(pairs), pairs=pairs, pair_interval=[(pair, tf) for pair, tf, _ in found])

    def analyze_history(
        self, pair: str, timeframe: str, timerange: str | None, strategy_name: str
    ) -> tuple[str, pd.DataFrame, datetime]:
        """Load stored candles of ``pair`` and run ``strategy_name`` over them (blocking: call in a thread)."""
        with self._no_server_paths():
            timeframe_to_seconds(timeframe)
            span = parse_timerange(timerange)
            config = {"timeframe": timeframe, "stake_currency": self.settings.stake_currency}  # for {stake}
            loaded = load_strategy(strategy_name, self.paths, config)
            # Informative candles come from the stored files, as the analyzed pair's do.
            loaded.dp = DataProvider(runmode=RunMode.WEBSERVER, timeframe=timeframe, history=self.store)
            strategy = SafeStrategy(loaded)
            df = self.store.load(pair, timeframe, timerange=span)
            if df.empty:
                raise NotFound(
                    f"No stored candles for {pair} {timeframe}"
                    + (f" in {timerange}" if timerange else "")
                    + f" in {self.shown(self.store.datadir)} (download them with `ftserver download-data`)"
                )
            return strategy.name, strategy.analyze_sync(df, pair), datetime.now(UTC)

    @staticmethod
    def pairlist_handlers() -> list[dict[str, Any]]:
        return available_pairlists()

    @staticmethod
    def exchanges() -> Exchanges:
        import ccxt  # only for its list of exchange ids: not worth ~65 MB in every process

        modes = [TradeMode(trading_mode="spot", margin_mode="")]
        names = ["sim", *ccxt.exchanges]
        return Exchanges(
            [
                Exchange(
                    name=name,
                    classname=name,
                    valid=True,
                    supported=name == "sim",
                    comment="offline simulated market" if name == "sim" else "",
                    dex=False,
                    is_alias=False,
                    alias_for=None,
                    trade_modes=modes,
                )
                for name in names
            ]
        )
