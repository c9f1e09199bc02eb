"""``Rpc``: the verbs every front end (REST API, WebSocket, CLI client) uses to read and control the bot.

Each verb returns plain data shaped as freqtrade's API returns it, or raises a domain error. Reads go
to the database (what is committed) plus the bot's live prices; every change goes through the bot,
which owns the state and announces it on the bus. In webserver mode there is no bot: trade verbs
raise ``WrongRunMode``.
"""

from __future__ import annotations

import asyncio
import logging
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psutil

from ftserver import __version__
from ftserver.config import Settings
from ftserver.core.clock import Clock
from ftserver.data.timeframes import is_timeframe, timeframe_to_minutes, timeframe_to_ms
from ftserver.errors import FtServerError, InvalidRequest, NotFound, StorageUnavailable, WrongRunMode
from ftserver.logs import LogBuffer
from ftserver.models import RunMode, Trade, TradingMode
from ftserver.persistence.trades import TradeRepository
from ftserver.rpc.answer_cache import AnswerCache, encode_json
from ftserver.rpc.bot_port import BotPort
from ftserver.rpc.candles_view import analyzed_to_json
from ftserver.rpc.dates import format_date, to_ms
from ftserver.rpc.path_redaction import without_absolute_paths
from ftserver.rpc.performance import (
    count_summary,
    enter_tag_performance,
    exit_reason_performance,
    mix_tag_performance,
    pair_performance,
    trade_stats,
)
from ftserver.rpc.periods import timeunit_profit
from ftserver.rpc.profit import profit_all, profit_summary
from ftserver.rpc.research_port import ResearchPort
from ftserver.rpc.trade_view import lock_to_dict, trade_to_dict, trade_to_history_dict

log = logging.getLogger(__name__)

API_VERSION = 2.5
TRADES_PAGE_MAX = 500
MAX_TIMESCALE = 365 * 3
SETTLE_TIME = timedelta(seconds=10)


def _settled(changed_ms: int, now: datetime) -> bool:
    """Whether every write stamped ``changed_ms`` (a trade's ``updated_at``) must have committed by ``now``.

    What is kept per version of a trade is only kept once its change has settled: ``updated_at``
    is stamped when a write starts, not when it commits, and two writes can share a millisecond,
    so something read between two such writes would be kept for a version it no longer shows.
    ``SETTLE_TIME`` is far longer than any write waits for the write lock.
    """
    return changed_ms <= (to_ms(now - SETTLE_TIME) or 0)


@dataclass(frozen=True, slots=True)
class _ClosedTrades:
    """The closed trades loaded for one ``closed_trades_version``.

    A list loaded before the newest change settled may miss a second write stamped in the same
    millisecond, so it is loaded once more when that change has settled.
    """

    version: tuple[int, int]
    trades: list[Trade]
    settled: bool

    def valid_for(self, version: tuple[int, int], now: datetime) -> bool:
        return version == self.version and (self.settled or not _settled(version[1], now))


def _stake_text(stake: float | str) -> str:
    """freqtrade shows the stake as a string: "unlimited" or the number ("100", "12.5")."""
    if isinstance(stake, str):
        return stake
    return str(int(stake)) if float(stake).is_integer() else str(stake)


class Rpc:
    def __init__(
        self,
        settings: Settings,
        *,
        runmode: RunMode,
        clock: Clock,
        log_buffer: LogBuffer,
        research: ResearchPort,
        history_cache_bytes: int = 16 * 2**20,
        candle_cache_bytes: int = 16 * 2**20,
        statistics_cache_entries: int = 256,
    ) -> None:
        """The ``*_cache_*`` arguments bound what polling answers may keep (see ``AnswerCache``):

        encoded /trades rows of closed trades (~3 kB each, so 16 MB holds ~5,000), pair_candles
        answers (one per pair, timeframe, limit and columns asked for), and statistics over the
        closed trades (one per verb and pair).
        """
        self.settings = settings
        self.research = research
        self.runmode = runmode
        self.clock = clock
        self.log_buffer = log_buffer
        self._bot: BotPort | None = None
        self._repo: TradeRepository | None = None
        # Closed trades for the statistics verbs, reloaded only when a closed trade changed.
        self._closed: _ClosedTrades | None = None
        self._closed_lock = asyncio.Lock()
        self._closed_results: AnswerCache[tuple[str, str | None], Any] = AnswerCache(statistics_cache_entries)
        # By trade id, for the trade's updated_at: a closed trade's row changes only with the trade.
        self._history_rows: AnswerCache[int, Any] = AnswerCache(history_cache_bytes)
        self._history_lock = asyncio.Lock()
        # By (pair, timeframe, limit, columns), for the frame's analysis time.
        self._candle_answers: AnswerCache[tuple[Any, ...], dict[str, Any]] = AnswerCache(candle_cache_bytes)

    def attach(self, bot: BotPort, repo: TradeRepository) -> None:
        self._bot = bot
        self._repo = repo

    def detach(self) -> None:
        self._bot = None
        self._repo = None

    @property
    def bot(self) -> BotPort:
        if self._bot is None:
            raise WrongRunMode()
        return self._bot

    @property
    def repo(self) -> TradeRepository:
        if self._repo is None:
            raise WrongRunMode()
        return self._repo

    @property
    def trading(self) -> bool:
        return self._bot is not None

    def _require_trade_mode(self) -> None:
        if self._bot is None:
            raise WrongRunMode()

    # ---- any mode ----------------------------------------------------------------------------
    def version(self) -> dict[str, str]:
        return {"version": __version__}

    def show_config(self) -> dict[str, Any]:
        s = self.settings
        # Sections as in the config file, keys unknown to ftserver included, as freqtrade shows them.
        shown = s.as_dict()
        bot = self._bot
        strategy = bot.strategy.strategy if bot else None
        timeframe = bot.timeframe if bot else s.timeframe
        max_open = s.max_open_trades
        stake_amount = s.stake_amount
        return {
            "version": __version__,
            "strategy_version": strategy.version() if strategy else None,
            "api_version": API_VERSION,
            "dry_run": s.dry_run,
            "trading_mode": s.trading_mode,
            "margin_mode": s.margin_mode,
            "short_allowed": bool(strategy and strategy.can_short and s.trading_mode != "spot"),
            "stake_currency": s.stake_currency,
            "stake_amount": _stake_text(stake_amount),
            "available_capital": s.available_capital,
            "stake_currency_decimals": 3,
            "max_open_trades": float(max_open) if max_open >= 0 else -1,
            "minimal_roi": dict(strategy.minimal_roi) if strategy else shown["minimal_roi"],
            "stoploss": strategy.stoploss if strategy else s.stoploss,
            "stoploss_on_exchange": s.order_types.stoploss_on_exchange,
            "trailing_stop": bool(strategy.trailing_stop) if strategy else bool(s.trailing_stop),
            "trailing_stop_positive": strategy.trailing_stop_positive if strategy else None,
            "trailing_stop_positive_offset": strategy.trailing_stop_positive_offset if strategy else 0.0,
            "trailing_only_offset_is_reached": bool(strategy.trailing_only_offset_is_reached) if strategy else False,
            "unfilledtimeout": shown["unfilledtimeout"],
            "order_types": shown["order_types"],
            "use_custom_stoploss": bool(strategy.use_custom_stoploss) if strategy else False,
            "timeframe": timeframe,
            "timeframe_ms": timeframe_to_ms(timeframe) if timeframe else 0,
            "timeframe_min": timeframe_to_minutes(timeframe) if timeframe else 0,
            "exchange": s.exchange.name,
            "demo_trading": False,
            "strategy": bot.strategy.name if bot else s.strategy,
            "force_entry_enable": s.force_entry_enable,
            "exit_pricing": shown["exit_pricing"],
            "entry_pricing": shown["entry_pricing"],
            "bot_name": s.bot_name,
            "state": bot.state.value if bot else "running",
            "runmode": self.runmode.value,
            "position_adjustment_enable": s.position_adjustment_enable,
            "max_entry_position_adjustment": s.max_entry_position_adjustment,
        }

    def logs(self, limit: int | None = None) -> dict[str, Any]:
        entries = self.log_buffer.entries(limit)
        return {"log_count": len(entries), "logs": [list(e) for e in entries]}

    def sysinfo(self) -> dict[str, Any]:
        per_cpu = psutil.cpu_percent(interval=None, percpu=True)
        load = psutil.getloadavg() if hasattr(psutil, "getloadavg") else (0.0, 0.0, 0.0)
        return {
            "cpu_pct": per_cpu,
            "cpu_load": [{"cpu": i, "pct": pct} for i, pct in enumerate(per_cpu)],
            "cpu_load_avg": {"1m": load[0], "5m": load[1], "15m": load[2]},
            "cpu_count": psutil.cpu_count() or len(per_cpu),
            "cpu_avg": sum(per_cpu) / len(per_cpu) if per_cpu else 0.0,
            "ram_pct": psutil.virtual_memory().percent,
            "platform": platform.platform(),
        }

    # ---- state -------------------------------------------------------------------------------
    async def start(self) -> dict[str, str]:
        return {"status": await self.bot.start()}

    async def stop(self) -> dict[str, str]:
        return {"status": await self.bot.stop()}

    async def pause(self) -> dict[str, str]:
        return {"status": await self.bot.pause()}

    async def reload_config(self) -> dict[str, str]:
        try:
            return {"status": await self.bot.reload_config()}
        except FtServerError as exc:
            # Config and strategy errors name files by their absolute path: fine for the log, not for clients.
            log.warning("reload_config refused: %s", exc)
            message = without_absolute_paths(exc.message)
            if message != exc.message:
                exc.message = message
                exc.args = (message,)
            raise

    def health(self) -> dict[str, Any]:
        """freqtrade's /health, or ``StorageUnavailable`` (503) while trades cannot be recorded:
        a monitor that checks the status code sees the bot is not healthy."""
        health = self.bot.health()
        if health.storage_failure is not None:
            raise StorageUnavailable(health.storage_failure)

        def iso(dt: datetime | None) -> str | None:
            return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if dt else None

        def ts(dt: datetime | None) -> int | None:
            return int(dt.timestamp()) if dt else None

        return {
            "last_process": iso(health.last_process),
            "last_process_ts": ts(health.last_process),
            "bot_start": iso(health.bot_start),
            "bot_start_ts": ts(health.bot_start),
            "bot_startup": iso(health.bot_startup),
            "bot_startup_ts": ts(health.bot_startup),
        }

    # ---- trades ------------------------------------------------------------------------------
    def _view(self, trade: Trade) -> dict[str, Any]:
        rate = self.bot.current_rate(trade.pair) if trade.is_open else None
        return trade_to_dict(trade, current_rate=rate)

    def status(self) -> list[dict[str, Any]]:
        return [self._view(t) for t in self.bot.open_trades]

    async def trades(self, limit: int, offset: int = 0, order_by_id: bool = True) -> dict[str, Any]:
        if not 1 <= limit <= TRADES_PAGE_MAX:
            raise InvalidRequest(f"limit must be between 1 and {TRADES_PAGE_MAX}")
        if offset < 0:
            raise InvalidRequest("offset must not be negative")
        # Ids and versions first: only open trades and closed ones not seen in this version are
        # loaded (with their orders); the other rows come from the cache already encoded.
        versions, total = await self.repo.trades_page_versions(limit, offset, order_by_id=order_by_id)
        rows: dict[int, Any] = {}
        self._cached_history_rows(versions, rows)
        if len(rows) < len(versions):
            # One loader at a time: 50 clients asking for a page nobody has asked for yet would
            # otherwise each load and encode the same 500 trades at once.
            async with self._history_lock:
                self._cached_history_rows(versions, rows)  # what another request loaded meanwhile
                missing = [trade_id for trade_id, _, _ in versions if trade_id not in rows]
                for trade in await self.repo.trades_by_ids(missing):
                    rows[trade.id or 0] = self._history_row(trade)
        page = [rows[trade_id] for trade_id, _, _ in versions if trade_id in rows]  # a deleted one is left out
        return {"trades": page, "trades_count": len(page), "offset": offset, "total_trades": total}

    def _cached_history_rows(self, versions: Sequence[tuple[int, int | None, bool]], rows: dict[int, Any]) -> None:
        """Add the cached rows of the closed trades in ``versions`` to ``rows``."""
        for trade_id, updated_at, is_open in versions:
            if not is_open and trade_id not in rows:
                row = self._history_rows.get(trade_id, updated_at)
                if row is not None:
                    rows[trade_id] = row

    def _history_row(self, trade: Trade) -> Any:
        """A /trades row; a closed trade's is kept encoded, since it only changes with the trade.

        Rows of open trades (the ones being written) and of trades whose last write has not
        settled yet (see ``_settled``) are built again every time.
        """
        row = trade_to_history_dict(trade)
        changed = to_ms(trade.updated_at)
        if trade.is_open or trade.id is None or (changed is not None and not _settled(changed, self.clock.now())):
            return row
        encoded, size = encode_json(row)
        return self._history_rows.put(trade.id, changed, encoded, size)

    async def trade(self, trade_id: int) -> dict[str, Any]:
        trade = await self.repo.get_trade(trade_id)
        if trade is None:
            raise NotFound("Trade not found.")
        return self._view(trade)

    async def delete_trade(self, trade_id: int) -> dict[str, Any]:
        cancelled = await self.bot.delete_trade(trade_id)
        return {
            "result": "success",
            "result_msg": f"Deleted trade {trade_id}. Closed {cancelled} open orders.",
            "trade_id": trade_id,
            "cancel_order_count": cancelled,
        }

    async def cancel_open_order(self, trade_id: int) -> dict[str, Any]:
        return self._view(await self.bot.cancel_open_order(trade_id))

    async def reload_trade(self, trade_id: int) -> dict[str, Any]:
        return self._view(await self.bot.reload_trade(trade_id))

    async def force_enter(
        self,
        pair: str,
        *,
        side: str = "long",
        price: float | None = None,
        order_type: str | None = None,
        stake_amount: float | None = None,
        enter_tag: str | None = None,
        leverage: float | None = None,
    ) -> dict[str, Any]:
        trade = await self.bot.force_enter(
            pair,
            side=side,
            price=price,
            order_type=order_type,
            stake_amount=stake_amount,
            enter_tag=enter_tag,
            leverage=leverage,
        )
        return self._view(trade)

    async def force_exit(
        self,
        trade_id: int | str,
        *,
        order_type: str | None = None,
        amount: float | None = None,
        price: float | None = None,
    ) -> dict[str, str]:
        if trade_id == "all":
            await self.bot.force_exit(None, order_type=order_type)
            return {"result": "Created exit orders for all open trades."}
        try:
            tid = int(trade_id)
        except (TypeError, ValueError):
            raise InvalidRequest(f"tradeid must be a trade id or 'all', not {trade_id!r}") from None
        await self.bot.force_exit(tid, order_type=order_type, amount=amount, price=price)
        return {"result": f"Created exit order for trade {tid}."}

    async def custom_data(self, trade_id: int, key: str | None = None) -> list[dict[str, Any]]:
        if await self.repo.get_trade(trade_id) is None:
            raise NotFound("Trade not found.")
        return await self.repo.custom_data(trade_id, key)

    async def open_trades_custom_data(self, key: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
        return await self.repo.open_trades_custom_data(key, limit, offset)

    # ---- money -------------------------------------------------------------------------------
    def count(self) -> dict[str, Any]:
        return count_summary(self.bot.open_trades, self.settings.max_open_trades)

    def balance(self) -> dict[str, Any]:
        bot = self.bot
        rates = bot.current_rates()
        balances = bot.wallet.balances(bot.open_trades, bot.realized_profit, rates)
        stake = bot.wallet.stake_currency
        currencies = []
        total = 0.0
        for b in balances:
            total += b.est_stake
            currencies.append(
                {
                    "currency": b.currency,
                    "free": b.free,
                    "balance": b.balance,
                    "used": b.used,
                    "bot_owned": b.balance,
                    "est_stake": b.est_stake,
                    "est_stake_bot": b.est_stake,
                    "stake": stake,
                    "side": b.side,
                    "is_position": False,
                    "position": 0.0,
                    "is_bot_managed": b.is_bot_managed,
                }
            )
        starting = bot.wallet.starting_capital
        ratio = (total / starting - 1) if starting else 0.0
        fiat = self.settings.fiat_display_currency or stake
        return {
            "currencies": currencies,
            "total": total,
            "total_bot": total,
            "symbol": fiat,
            "value": total,
            "value_bot": total,
            "stake": stake,
            "note": "Simulated balances" if self.settings.dry_run else "",
            "starting_capital": starting,
            "starting_capital_ratio": ratio,
            "starting_capital_pct": round(ratio * 100, 2),
            "starting_capital_fiat": starting,
            "starting_capital_fiat_ratio": ratio,
            "starting_capital_fiat_pct": round(ratio * 100, 2),
        }

    async def _closed_trades(self, pair: str | None = None) -> list[Trade]:
        """Closed trades (of ``pair``), kept while ``closed_trades_version`` stays the same.

        FreqUI and scripts ask for profit/performance/stats every few seconds while trades close
        only now and then: one cheap version query replaces reloading 10,000 rows per request.
        The list is shared: callers must not mutate the trades.
        """
        closed = (await self._closed_snapshot())[1]
        return closed if pair is None else [t for t in closed if t.pair == pair]

    async def _closed_snapshot(self) -> tuple[tuple[int, int], list[Trade]]:
        repo = self.repo
        now = self.clock.now()
        version = await repo.closed_trades_version()
        cached = self._closed
        if cached is not None and cached.valid_for(version, now):
            return cached.version, cached.trades
        async with self._closed_lock:  # one reload, however many requests noticed the change
            cached = self._closed
            if cached is None or not cached.valid_for(version, now):
                cached = _ClosedTrades(version, await repo.closed_trades(), settled=_settled(version[1], now))
                self._closed = cached
                self._closed_results.clear()  # computed from the list just replaced
            return cached.version, cached.trades

    async def _closed_result(self, name: str, pair: str | None, compute: Any) -> Any:
        """A statistic over closed trades only, computed once per list of closed trades."""
        version, closed = await self._closed_snapshot()
        result = self._closed_results.get((name, pair), version)
        if result is None:
            trades = closed if pair is None else [t for t in closed if t.pair == pair]
            result = self._closed_results.put((name, pair), version, compute(trades))
        return result

    async def _all_trades(self, pair: str | None = None) -> list[Trade]:
        closed = await self._closed_trades(pair)
        open_trades = [t for t in self.bot.open_trades if pair is None or t.pair == pair]
        return [*closed, *open_trades]

    async def profit(self) -> dict[str, Any]:
        bot = self.bot
        return profit_summary(
            await self._all_trades(),
            current_rates=bot.current_rates(),
            starting_balance=bot.wallet.starting_capital,
            bot_start=bot.health().bot_start,
            now=self.clock.now(),
        )

    async def profit_all(self) -> dict[str, Any]:
        bot = self.bot
        return profit_all(
            await self._all_trades(),
            trading_mode=TradingMode(self.settings.trading_mode),
            current_rates=bot.current_rates(),
            starting_balance=bot.wallet.starting_capital,
            bot_start=bot.health().bot_start,
            now=self.clock.now(),
        )

    async def historic_balance(self) -> dict[str, Any]:
        """Wallet value in stake currency after every closed trade, for FreqUI's wallet chart.

        FreqUI reads the ``__date_ts`` and ``total_quote`` columns. In dry-run the wallet is the
        starting capital plus realized profit, so the history is derived from the trades.
        """
        bot = self.bot
        balance = bot.wallet.starting_capital
        start = bot.health().bot_start
        rows: list[list[Any]] = []
        if start is not None:
            rows.append([format_date(start), to_ms(start), balance])
        for trade in sorted(await self._closed_trades(), key=lambda t: (t.close_date or t.open_date, t.id or 0)):
            balance += trade.close_profit_abs or 0.0
            when = trade.close_date or trade.open_date
            rows.append([format_date(when), to_ms(when), balance])
        return {
            "columns": ["date", "__date_ts", "total_quote"],
            "data": rows,
            "length": len(rows),
            "capture_start_ts": to_ms(start),
        }

    async def performance(self) -> list[dict[str, Any]]:
        self._require_trade_mode()
        return await self._closed_result("performance", None, pair_performance)

    async def entries(self, pair: str | None = None) -> list[dict[str, Any]]:
        self._require_trade_mode()
        return await self._closed_result("entries", pair, lambda trades: enter_tag_performance(trades, pair))

    async def exits(self, pair: str | None = None) -> list[dict[str, Any]]:
        self._require_trade_mode()
        return await self._closed_result("exits", pair, lambda trades: exit_reason_performance(trades, pair))

    async def mix_tags(self, pair: str | None = None) -> list[dict[str, Any]]:
        self._require_trade_mode()
        return await self._closed_result("mix_tags", pair, lambda trades: mix_tag_performance(trades, pair))

    async def stats(self) -> dict[str, Any]:
        self._require_trade_mode()
        return await self._closed_result("stats", None, trade_stats)

    async def timeunit(self, unit: str, timescale: int) -> dict[str, Any]:
        if not 1 <= timescale <= MAX_TIMESCALE:
            raise InvalidRequest(f"timescale must be between 1 and {MAX_TIMESCALE}")
        bot = self.bot
        return timeunit_profit(
            await self._closed_trades(),
            unit=unit,  # type: ignore[arg-type]
            timescale=timescale,
            now=self.clock.now(),
            starting_balance=bot.wallet.starting_capital,
            stake_currency=self.settings.stake_currency,
            fiat_display_currency=self.settings.fiat_display_currency,
        )

    # ---- pairs and locks ---------------------------------------------------------------------
    def whitelist(self) -> dict[str, Any]:
        pairs = self.bot.whitelist
        return {"whitelist": pairs, "length": len(pairs), "method": ["StaticPairList"]}

    def _blacklist_view(self, errors: dict[str, str] | None = None) -> dict[str, Any]:
        bot = self.bot
        expanded, bad = bot.pairlist.expanded_blacklist(bot.market.markets.keys())
        # freqtrade's shape, which FreqUI shows: {pattern: {"error_msg": text}}
        return {
            "blacklist": list(bot.pairlist.blacklist),
            "blacklist_expanded": expanded,
            "errors": {pattern: {"error_msg": message} for pattern, message in {**bad, **(errors or {})}.items()},
            "length": len(bot.pairlist.blacklist),
            "method": ["StaticPairList"],
        }

    def blacklist(self) -> dict[str, Any]:
        return self._blacklist_view()

    async def add_blacklist(self, pairs: Sequence[str]) -> dict[str, Any]:
        errors = await self.bot.add_blacklist(list(pairs))
        return self._blacklist_view(errors)

    async def delete_blacklist(self, pairs: Sequence[str]) -> dict[str, Any]:
        await self.bot.remove_blacklist(list(pairs))
        return self._blacklist_view()

    async def locks(self) -> dict[str, Any]:
        self._require_trade_mode()
        locks = await self.repo.active_locks(self.clock.now())
        return {"lock_count": len(locks), "locks": [lock_to_dict(lock) for lock in locks]}

    async def add_locks(self, locks: Sequence[dict[str, Any]]) -> dict[str, Any]:
        for item in locks:
            await self.bot.lock_pair(item["pair"], item["until"], item.get("reason"), item.get("side", "*"))
        return await self.locks()

    async def delete_lock(self, lock_id: int | None = None, pair: str | None = None) -> dict[str, Any]:
        await self.bot.unlock(lock_id=lock_id, pair=pair)
        return await self.locks()

    # ---- candles -----------------------------------------------------------------------------
    def plot_config(self, strategy: str | None = None) -> dict[str, Any]:
        if strategy is not None and (self._bot is None or strategy != self._bot.strategy.name):
            return self.research.plot_config(strategy)
        if self._bot is None:
            raise InvalidRequest("strategy is required in webserver mode")
        return dict(getattr(self.bot.strategy.strategy, "plot_config", None) or {})

    # ---- research (any mode) -----------------------------------------------------------------
    def strategies(self) -> dict[str, Any]:
        return self.research.strategies()

    def strategy(self, name: str) -> dict[str, Any]:
        return self.research.strategy(name)

    def available_pairs(
        self, timeframe: str | None, stake_currency: str | None, candle_type: str | None
    ) -> dict[str, Any]:
        return self.research.available_pairs(timeframe, stake_currency, candle_type)

    def exchanges(self) -> dict[str, Any]:
        return self.research.exchanges()

    def pair_history(
        self,
        pair: str,
        timeframe: str,
        timerange: str | None,
        strategy: str,
        columns: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Blocking (loads files, runs the strategy, builds the answer): call it in a worker thread."""
        if not is_timeframe(timeframe):
            raise InvalidRequest(f"Invalid timeframe '{timeframe}'")
        name, df, analyzed_at = self.research.analyze_history(pair, timeframe, timerange, strategy)
        return analyzed_to_json(
            strategy=name, pair=pair, timeframe=timeframe, df=df, last_analyzed=analyzed_at, columns=columns
        )

    def analyzed(self, pair: str, timeframe: str | None) -> tuple[Any, datetime]:
        bot = self.bot
        timeframe = timeframe or bot.timeframe
        result = bot.analyzed(pair, timeframe)
        if result is None:
            raise NotFound(
                f"No analyzed data for {pair} {timeframe}: the pair is not in the whitelist or has no candles yet"
            )
        return result

    def pair_candles(
        self, pair: str, timeframe: str, limit: int | None = None, columns: Sequence[str] | None = None
    ) -> dict[str, Any]:
        if not is_timeframe(timeframe):
            raise InvalidRequest(f"Invalid timeframe '{timeframe}'")
        df, analyzed_at = self.analyzed(pair, timeframe)
        # Charts poll this every few seconds; the answer only changes when the pair is analyzed again.
        key = (pair, timeframe, limit, tuple(columns or ()))
        cached = self._candle_answers.get(key, analyzed_at)
        if cached is not None:
            return cached
        answer = analyzed_to_json(
            strategy=self.bot.strategy.name,
            pair=pair,
            timeframe=timeframe,
            df=df.tail(limit) if limit else df,
            last_analyzed=analyzed_at,
            columns=columns,
        )
        return self._candle_answers.put(key, analyzed_at, answer, encode_json(answer)[1])

    def markets(self, base: str | None = None, quote: str | None = None) -> dict[str, Any]:
        markets = self.bot.market.markets
        selected = {
            symbol: market.to_dict()
            for symbol, market in markets.items()
            if (base is None or market.base == base) and (quote is None or market.quote == quote)
        }
        return {"markets": selected, "exchange_id": self.bot.market.id}

    # ---- WebSocket data source ----------------------------------------------------------------
    def ws_whitelist(self) -> list[str]:
        return self.bot.whitelist

    def ws_analyzed_frames(
        self, limit: int | None, pair: str | None
    ) -> list[tuple[tuple[str, str, str], Any, datetime]]:
        bot = self.bot
        pairs = [pair] if pair else bot.whitelist
        frames = []
        for p in pairs:
            result = bot.analyzed(p, bot.timeframe)
            if result is None:
                continue
            df, analyzed_at = result
            frames.append(((p, bot.timeframe, "spot"), df.tail(limit) if limit else df, analyzed_at))
        return frames
