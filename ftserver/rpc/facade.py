"""``Rpc``: the verbs every front end (REST API, WebSocket, CLI client) uses to read and control the bot.

Each verb returns plain data shaped as freqtrade's API returns it, or raises a domain error. Reads go
to the database (what is committed) plus the bot's live prices; every change goes through the bot,
which owns the state and announces it on the bus. In webserver mode there is no bot: trade verbs
raise ``WrongRunMode``.

``Rpc`` is the front; the parts with state of their own live beside it: ``system.SystemInfo``
(version, config, logs, host load, health), ``history.TradeHistory`` (/trades pages and their
rows), ``closed_trades.ClosedTrades`` (the closed trades and their statistics, once per version),
``candles.CandleAnswers`` (pair_candles answers per analysis).
Research (strategies, stored history) needs no bot: its routes use ``research_port`` directly.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, cast, get_args

from ftserver.config import Settings
from ftserver.core.clock import Clock
from ftserver.errors import FtServerError, InvalidRequest, NotFound, WrongRunMode
from ftserver.logs import LogBuffer
from ftserver.models import RunMode, Trade, TradingMode
from ftserver.persistence.trades import TradeRepository
from ftserver.rpc.bot_port import BotPort
from ftserver.rpc.candles import CandleAnswers, analyzed, market_view
from ftserver.rpc.closed_trades import ClosedTrades
from ftserver.rpc.custom_data import custom_data_entry, no_custom_data
from ftserver.rpc.dates import format_date, to_ms
from ftserver.rpc.fiat import fiat_rate, in_fiat
from ftserver.rpc.history import TradeHistory
from ftserver.rpc.path_redaction import without_absolute_paths
from ftserver.rpc.performance import count_summary
from ftserver.rpc.periods import Unit
from ftserver.rpc.profit import DIRECTIONS, summarize, summarize_all
from ftserver.rpc.research_port import ResearchPort
from ftserver.rpc.shapes.candles import Markets, PairCandles, PlotConfig, Timeframes
from ftserver.rpc.shapes.money import (
    Balance,
    Count,
    CurrencyBalance,
    EntryPerformance,
    ExitPerformance,
    HistoricBalance,
    MixTagPerformance,
    PairPerformance,
    Periods,
    Profit,
    ProfitAll,
    Stats,
)
from ftserver.rpc.shapes.pairs import Blacklist, BlacklistError, Locks, PairlistHandler, Pairlists, Whitelist
from ftserver.rpc.shapes.system import Health, Logs, ShowConfig, StatusMsg, SysInfo, Version
from ftserver.rpc.shapes.trades import DeleteTrade, ForceExitResult, OpenTrade, TradeCustomData, TradesPage
from ftserver.rpc.system import SystemInfo
from ftserver.rpc.trade_export import csv_batches
from ftserver.rpc.trade_view import lock_view, open_trade_view
from ftserver.trade_query import TradeQuery

log = logging.getLogger(__name__)

MAX_TIMESCALE = 365 * 3


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

        encoded /trades rows of closed trades (``TradeHistory``), pair_candles answers
        (``CandleAnswers``: one per pair, timeframe, limit and columns asked for), and statistics
        over the closed trades (``ClosedTrades``: one per verb and pair).
        """
        self.settings = settings
        self.research = research
        self.runmode = runmode
        self.clock = clock
        self.system = SystemInfo(settings, runmode=runmode, log_buffer=log_buffer)
        self.history = TradeHistory(history_cache_bytes=history_cache_bytes)
        self.closed = ClosedTrades(statistics_cache_entries=statistics_cache_entries)
        self.candles = CandleAnswers(candle_cache_bytes=candle_cache_bytes)
        self._bot: BotPort | None = None
        self._repo: TradeRepository | None = None

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
    def version(self) -> Version:
        return self.system.version()

    def show_config(self) -> ShowConfig:
        return self.system.show_config(self._bot)

    def logs(self, limit: int | None = None) -> Logs:
        return self.system.logs(limit)

    def sysinfo(self) -> SysInfo:
        return self.system.sysinfo()

    # ---- state -------------------------------------------------------------------------------
    async def start(self) -> StatusMsg:
        return StatusMsg(await self.bot.start())

    async def stop(self) -> StatusMsg:
        return StatusMsg(await self.bot.stop())

    async def pause(self) -> StatusMsg:
        return StatusMsg(await self.bot.pause())

    async def reload_config(self) -> StatusMsg:
        try:
            return StatusMsg(await self.bot.reload_config())
        except FtServerError as exc:
            # Config and strategy errors name files by their absolute path: fine for the log, not for clients.
            log.warning("reload_config refused: %s", exc)
            message = without_absolute_paths(exc.message)
            if message != exc.message:
                exc.message = message
                exc.args = (message,)
            raise

    def health(self) -> Health:
        return self.system.health(self.bot)

    # ---- trades ------------------------------------------------------------------------------
    def _view(self, trade: Trade) -> OpenTrade:
        rate = self.bot.current_rate(trade.pair) if trade.is_open else None
        return open_trade_view(trade, current_rate=rate)

    def status(self) -> list[OpenTrade]:
        return [self._view(t) for t in self.bot.open_trades]

    async def trades(
        self, limit: int, offset: int = 0, order_by_id: bool = True, query: TradeQuery | None = None
    ) -> TradesPage:
        """A /trades page: freqtrade's (``order_by_id``), or filtered and sorted by ``query``."""
        return await self.history.page(self.repo, limit, offset, order_by_id, query)

    def trades_sync_point(self) -> int:
        """Epoch ms to pass as ``updated_since`` next time; read it before the page (see ``sync_point``)."""
        return to_ms(self.repo.sync_point())

    def trades_version(self, query: TradeQuery) -> str:
        """Changes whenever a /trades answer for ``query`` may have (for ETags, without a query)."""
        return self.history.version_tag(self.repo, query)

    def export_trades(self, query: TradeQuery) -> AsyncIterator[list[list[str]]]:
        """The CSV rows of every trade ``query`` matches, a batch at a time (``trade_export.HEADER`` first)."""
        return csv_batches(self.repo, query)

    async def trade(self, trade_id: int) -> OpenTrade:
        trade = await self.repo.get_trade(trade_id)
        if trade is None:
            raise NotFound("Trade not found.")
        return self._view(trade)

    async def delete_trade(self, trade_id: int) -> DeleteTrade:
        cancelled = await self.bot.delete_trade(trade_id)
        return DeleteTrade(
            result="success",
            result_msg=f"Deleted trade {trade_id}. Closed {cancelled} open orders.",
            trade_id=trade_id,
            cancel_order_count=cancelled,
        )

    async def cancel_open_order(self, trade_id: int) -> OpenTrade:
        return self._view(await self.bot.cancel_open_order(trade_id))

    async def reload_trade(self, trade_id: int) -> OpenTrade:
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
    ) -> OpenTrade:
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
    ) -> ForceExitResult:
        if trade_id == "all":
            await self.bot.force_exit(None, order_type=order_type)
            return ForceExitResult("Created exit orders for all open trades.")
        try:
            tid = int(trade_id)
        except (TypeError, ValueError):
            raise InvalidRequest(f"tradeid must be a trade id or 'all', not {trade_id!r}") from None
        await self.bot.force_exit(tid, order_type=order_type, amount=amount, price=price)
        return ForceExitResult(f"Created exit order for trade {tid}.")

    async def custom_data(self, trade_id: int, key: str | None = None) -> list[TradeCustomData]:
        """``[{trade_id, custom_data}]`` as freqtrade answers; 404 when the trade has none (with ``key``)."""
        if await self.repo.get_trade(trade_id) is None:
            raise NotFound(f"No trade found for trade_id: {trade_id}")
        entries = await self.repo.custom_data(trade_id, key)
        if not entries:
            raise NotFound(no_custom_data(key, f"for Trade ID: {trade_id}."))
        return [TradeCustomData(trade_id=trade_id, custom_data=[custom_data_entry(e) for e in entries])]

    async def open_trades_custom_data(self, key: str | None, limit: int, offset: int) -> list[TradeCustomData]:
        """A page (by id) of open trades with custom data; 404 when the page has no open trade or none has data."""
        found = [
            TradeCustomData(trade_id=item["trade_id"], custom_data=[custom_data_entry(e) for e in item["custom_data"]])
            for item in await self.repo.open_trades_custom_data(key, limit, offset)
        ]
        if not found:
            if await self.repo.count_trades(is_open=True) <= offset:
                raise NotFound("No open trades found.")
            raise NotFound(no_custom_data(key, "for any open trades."))
        return found

    # ---- money -------------------------------------------------------------------------------
    def count(self) -> Count:
        return count_summary(self.bot.open_trades, self.settings.max_open_trades)

    def balance(self) -> Balance:
        bot = self.bot
        balances = bot.balances()
        stake = self.settings.stake_currency
        currencies: list[CurrencyBalance] = []
        total = 0.0
        for b in balances:
            total += b.est_stake
            currencies.append(
                CurrencyBalance(
                    currency=b.currency,
                    free=b.free,
                    balance=b.balance,
                    used=b.used,
                    bot_owned=b.balance,
                    est_stake=b.est_stake,
                    est_stake_bot=b.est_stake,
                    stake=stake,
                    side=b.side,
                    is_position=False,
                    position=0.0,
                    is_bot_managed=b.is_bot_managed,
                )
            )
        starting = bot.starting_capital
        ratio = (total / starting - 1) if starting else 0.0
        # As freqtrade: the fiat figures are 0 without a fiat_display_currency.
        to_fiat = fiat_rate(self.settings.fiat_display_currency)
        value, starting_fiat = in_fiat(total, to_fiat), in_fiat(starting, to_fiat)
        fiat_ratio = (value / starting_fiat - 1) if starting_fiat else 0.0
        return Balance(
            currencies=currencies,
            total=total,
            total_bot=total,
            symbol=self.settings.fiat_display_currency,
            value=value,
            value_bot=value,
            stake=stake,
            note="Simulated balances" if self.settings.dry_run else "",
            starting_capital=starting,
            starting_capital_ratio=ratio,
            starting_capital_pct=round(ratio * 100, 2),
            starting_capital_fiat=starting_fiat,
            starting_capital_fiat_ratio=fiat_ratio,
            starting_capital_fiat_pct=round(fiat_ratio * 100, 2),
        )

    async def _closed_trades(self) -> list[Trade]:
        """Closed trades, loaded once per version of the closed trades; do not mutate them."""
        return (await self.closed.snapshot(self.repo)).trades

    async def profit(self) -> Profit:
        bot = self.bot
        closed = await self.closed.profit_parts(self.repo, [None], bot.starting_capital)
        return summarize(
            closed[None],
            bot.open_trades,
            current_rates=bot.current_rates(),
            bot_start=bot.health().bot_start,
            now=self.clock.now(),
            fiat_rate=fiat_rate(self.settings.fiat_display_currency),
        )

    async def profit_all(self) -> ProfitAll:
        bot = self.bot
        spot = TradingMode(self.settings.trading_mode) == TradingMode.SPOT
        directions = [None] if spot else DIRECTIONS
        parts = await self.closed.profit_parts(self.repo, directions, bot.starting_capital)
        return summarize_all(
            parts,
            bot.open_trades,
            spot=spot,
            current_rates=bot.current_rates(),
            bot_start=bot.health().bot_start,
            now=self.clock.now(),
            fiat_rate=fiat_rate(self.settings.fiat_display_currency),
        )

    async def historic_balance(self) -> HistoricBalance:
        """Wallet value in stake currency after every closed trade, for FreqUI's wallet chart.

        FreqUI reads the ``__date_ts`` and ``total_quote`` columns. In dry-run the wallet is the
        starting capital plus realized profit, so the history is derived from the trades.
        """
        bot = self.bot
        balance = bot.starting_balance
        start = bot.health().bot_start
        rows: list[tuple[str, int, float]] = []
        if start is not None:
            rows.append((format_date(start), to_ms(start), balance))
        for trade in sorted(await self._closed_trades(), key=lambda t: (t.close_date or t.open_date, t.id or 0)):
            balance += trade.close_profit_abs or 0.0
            when = trade.close_date or trade.open_date
            rows.append((format_date(when), to_ms(when), balance))
        return HistoricBalance(
            columns=["date", "__date_ts", "total_quote"], data=rows, length=len(rows), capture_start_ts=to_ms(start)
        )

    async def performance(self) -> list[PairPerformance]:
        return await self.closed.performance(self.repo)

    async def entries(self, pair: str | None = None) -> list[EntryPerformance]:
        return await self.closed.entries(self.repo, pair)

    async def exits(self, pair: str | None = None) -> list[ExitPerformance]:
        return await self.closed.exits(self.repo, pair)

    async def mix_tags(self, pair: str | None = None) -> list[MixTagPerformance]:
        return await self.closed.mix_tags(self.repo, pair)

    async def stats(self) -> Stats:
        return await self.closed.stats(self.repo)

    async def timeunit(self, unit: str, timescale: int) -> Periods:
        if not 1 <= timescale <= MAX_TIMESCALE:
            raise InvalidRequest(f"timescale must be between 1 and {MAX_TIMESCALE}")
        if unit not in get_args(Unit):
            raise InvalidRequest(f"unit must be one of {', '.join(get_args(Unit))}, not {unit!r}")
        return await self.closed.timeunit(
            self.repo,
            cast(Unit, unit),
            timescale,
            now=self.clock.now(),
            total_stake=self.bot.total_stake(),
            stake_currency=self.settings.stake_currency,
            fiat_display_currency=self.settings.fiat_display_currency,
        )

    # ---- pairs and locks ---------------------------------------------------------------------
    def available_pairlists(self) -> Pairlists:
        return Pairlists([PairlistHandler(**handler) for handler in self.research.pairlist_handlers()])

    def whitelist(self) -> Whitelist:
        pairs = self.bot.whitelist
        return Whitelist(whitelist=pairs, length=len(pairs), method=self.bot.pairlist_methods)

    def _blacklist_view(self, errors: dict[str, str] | None = None) -> Blacklist:
        bot = self.bot
        expanded, bad = bot.expanded_blacklist()
        entries = bot.blacklist
        # freqtrade's shape, which FreqUI shows: {pattern: {"error_msg": text}}
        return Blacklist(
            blacklist=entries,
            blacklist_expanded=expanded,
            errors={pattern: BlacklistError(message) for pattern, message in {**bad, **(errors or {})}.items()},
            length=len(entries),
            method=self.bot.pairlist_methods,
        )

    def blacklist(self) -> Blacklist:
        return self._blacklist_view()

    async def add_blacklist(self, pairs: Sequence[str]) -> Blacklist:
        errors = await self.bot.add_blacklist(list(pairs))
        return self._blacklist_view(errors)

    async def delete_blacklist(self, pairs: Sequence[str]) -> Blacklist:
        await self.bot.remove_blacklist(list(pairs))
        return self._blacklist_view()

    async def locks(self) -> Locks:
        self._require_trade_mode()
        locks = await self.repo.active_locks(self.clock.now())
        return Locks(lock_count=len(locks), locks=[lock_view(lock) for lock in locks])

    async def add_locks(self, locks: Sequence[dict[str, Any]]) -> Locks:
        for item in locks:
            await self.bot.lock_pair(item["pair"], item["until"], item.get("reason"), item.get("side", "*"))
        return await self.locks()

    async def delete_lock(self, lock_id: int | None = None, pair: str | None = None) -> Locks:
        await self.bot.unlock(lock_id=lock_id, pair=pair)
        return await self.locks()

    # ---- candles -----------------------------------------------------------------------------
    def plot_config(self, strategy: str | None = None) -> PlotConfig:
        if strategy is not None and (self._bot is None or strategy != self._bot.strategy_info().name):
            return self.research.plot_config(strategy)
        if self._bot is None:
            raise InvalidRequest("strategy is required in webserver mode")
        return self.bot.strategy_info().plot_config

    def analyzed(self, pair: str, timeframe: str | None) -> tuple[Any, datetime]:
        return analyzed(self.bot, pair, timeframe)

    async def pair_candles(
        self, pair: str, timeframe: str, limit: int | None = None, columns: Sequence[str] | None = None
    ) -> PairCandles:
        return await self.candles.pair_candles(self.bot, pair, timeframe, limit, columns)

    def timeframes(self) -> Timeframes:
        bot = self.bot
        return Timeframes(
            timeframes=list(bot.market.timeframes), strategy_timeframe=bot.timeframe, exchange_id=bot.market.id
        )

    def markets(self, base: str | None = None, quote: str | None = None) -> Markets:
        markets = self.bot.market.markets
        selected = {
            symbol: market_view(market)
            for symbol, market in markets.items()
            if (base is None or market.base == base) and (quote is None or market.quote == quote)
        }
        return Markets(markets=selected, exchange_id=self.bot.market.id)

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
