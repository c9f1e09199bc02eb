"""The trading loop: watch the whitelist, analyze closed candles, open and close trades, announce it all.

One ``TradingLoop`` owns every state change of the bot. Each change is committed to the database
before the matching message goes on the bus, so what consumers hear is always already durable.
Control verbs (start/stop/force_enter/...) take the same ``asyncio.Lock`` as a loop iteration, so a
command never interleaves with a half-done iteration.

The loop orchestrates; each part does one job. What to do is decided in ``ftserver.decide`` (exits,
stops, ROI, entries, timeouts, position adjustment, fills, protections), the same code a backtest
runs. The loop gathers the inputs from its parts (``candles.CandleFeed``, ``pricing.Prices``,
``whitelist.WhitelistKeeper``, ``account_sync.AccountSync``, ``locks.PairLocks``) and hands the
decisions to ``trade_desk.TradeDesk``, which turns them into orders (written down as intents first),
trades, wallet changes and announcements, and holds the open trades.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from ftserver import __version__
from ftserver.bot.account_sync import AccountSync
from ftserver.bot.candles import CandleFeed
from ftserver.bot.chart_candles import ChartCandles
from ftserver.bot.dataprovider import DataProvider, LiveData
from ftserver.bot.informative_candles import InformativeCandles
from ftserver.bot.locks import PairLocks
from ftserver.bot.orders import apply_update
from ftserver.bot.pairlist import Pairlist
from ftserver.bot.pairlists.chain import PairlistChain
from ftserver.bot.pricing import Prices
from ftserver.bot.protection_settings import strategy_protections
from ftserver.bot.strategy_locks import StrategyLockBook
from ftserver.bot.trade_desk import FORCE_ENTRY_TAG, TradeDesk
from ftserver.bot.wallet import ExchangeWallet, Wallet
from ftserver.bot.whitelist import WhitelistKeeper
from ftserver.config import Settings
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.core.instruments import Instruments
from ftserver.data.cache import CandleCache
from ftserver.data.history import candle_store_for
from ftserver.data.producer_data import ProducerData
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.decide import strategy_answers
from ftserver.decide.entry import (
    SIGNAL_EXPIRED,
    entry_expired,
    entry_refusal,
    slots_full,
)
from ftserver.decide.exit_checks import ExitDecision
from ftserver.decide.locks import is_locked
from ftserver.errors import (
    Conflict,
    ExchangeError,
    FtServerError,
    InvalidRequest,
    NotFound,
    StorageUnavailable,
    StrategyError,
)
from ftserver.exchange.base import Account, Broker, MarketData
from ftserver.models import (
    BotState,
    CurrencyBalance,
    ExitReason,
    OrderType,
    PairLock,
    RunMode,
    StrategyInfo,
    Trade,
)
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy

log = logging.getLogger(__name__)

StrategyFactory = Callable[[Settings], SafeStrategy]
SettingsLoader = Callable[[], Settings]
# Told about reloaded settings after the loop took them (the composition root rebuilds its channels).
ReloadListener = Callable[[Settings], Awaitable[None]]

CANCELLED_ON_EXIT = "cancelled (all unfilled and partially filled open orders cancelled)"


@dataclass(frozen=True, slots=True)
class Health:
    last_process: datetime | None
    bot_start: datetime | None
    bot_startup: datetime
    # Why the trade database cannot be written, while it cannot; /health is red meanwhile.
    storage_failure: str | None = None


class TradingLoop:
    def __init__(
        self,
        settings: Settings,
        *,
        market: MarketData,
        broker: Broker,
        repo: TradeRepository,
        strategy: SafeStrategy,
        bus: MessageBus,
        clock: Clock,
        cache: CandleCache | None = None,
        settings_loader: SettingsLoader | None = None,
        strategy_factory: StrategyFactory | None = None,
        fetch_concurrency: int = 16,
        account: Account | None = None,
        wallet_refresh_secs: float = 60.0,
        producer_data: ProducerData | None = None,
        on_reload: ReloadListener | None = None,
        instruments: Instruments | None = None,
    ) -> None:
        self.market = market
        self.instruments = instruments or Instruments()
        self._on_reload = on_reload
        self.broker = broker
        # Live trading: the wallet is read from the exchange account (dry-run derives it from trades).
        self.account = account
        self.account_sync = AccountSync(account, bus, clock, refresh=timedelta(seconds=wallet_refresh_secs))
        self.repo = repo
        self.bus = bus
        self.clock = clock
        self.candles = CandleFeed(market, bus, clock, cache or CandleCache(), fetch_concurrency=fetch_concurrency)
        self.prices = Prices(market)
        self.charts = ChartCandles(market, clock)
        self.lock = asyncio.Lock()
        self.locks = PairLocks(repo, clock)
        self.strategy_locks = StrategyLockBook(clock.now)
        self._settings_loader = settings_loader
        self._strategy_factory = strategy_factory
        self.desk = TradeDesk(
            market=market,
            broker=broker,
            repo=repo,
            bus=bus,
            clock=clock,
            prices=self.prices,
            candles=self.candles,
            locks=self.locks,
            account_sync=self.account_sync,
            instruments=self.instruments,
            state=lambda: self.state,
        )
        self._last_process: datetime | None = None
        self._last_heartbeat: datetime | None = None
        self._bot_start: datetime | None = None
        self._startup = clock.now()
        self._wake = asyncio.Event()
        self._closing = False
        # Consumer mode: what producers sent, read by the strategy through self.dp.
        self._producer_data = producer_data or ProducerData()
        self.whitelists = WhitelistKeeper(settings, market, repo, bus, clock)
        self._configure(settings, strategy)
        self.state = BotState(settings.initial_state)

    def _configure(self, settings: Settings, strategy: SafeStrategy) -> None:
        self.settings = settings
        self.strategy = strategy
        # Every strategy instance (the first and each reloaded one) gets a data provider as self.dp.
        self.dataprovider = DataProvider(
            runmode=RunMode.DRY_RUN if settings.dry_run else RunMode.LIVE,
            timeframe=str(strategy.strategy.timeframe),
            live=LiveData(
                cache=lambda: self.candles.cache,
                market=self.market,
                whitelist=lambda: self.whitelists.current,
                tickers=self.prices.ticker,
                bus=self.bus,
                clock=self.clock,
            ),
            producer_data=self._producer_data,
            history=candle_store_for(settings),
        )
        strategy.strategy.dp = self.dataprovider
        strategy.strategy.pair_locks = self.strategy_locks
        self._informative = InformativeCandles(strategy, self.market, self.bus)
        self.whitelists.configure(settings)
        self.locks.strategy_protections = strategy_protections(strategy.strategy, strategy.name)
        ratio, capital = settings.tradable_balance_ratio, settings.available_capital
        if self.account is not None:
            self.wallet: Wallet = ExchangeWallet(
                settings.stake_currency, tradable_balance_ratio=ratio, available_capital=capital
            )
            self.account_sync.changed()
        else:
            self.wallet = Wallet(
                settings.stake_currency,
                settings.dry_run_wallet,
                tradable_balance_ratio=ratio,
                available_capital=capital,
            )
        self.desk.configure(settings, strategy, self.wallet)

    # ---- read-only views (used by the RPC facade) --------------------------------------------
    @property
    def cache(self) -> CandleCache:
        return self.candles.cache

    @property
    def timeframe(self) -> str:
        return str(self.strategy.strategy.timeframe)

    @property
    def open_trades(self) -> list[Trade]:
        return sorted(self.desk.open.values(), key=lambda t: t.id or 0)

    @property
    def whitelist(self) -> list[str]:
        return list(self.whitelists.current)

    @property
    def pairlist(self) -> Pairlist:
        """The configured pairs and the blacklist."""
        return self.whitelists.pairlist

    @property
    def pairlists(self) -> PairlistChain:
        return self.whitelists.chain

    @property
    def pairlist_methods(self) -> list[str]:
        return self.pairlists.names

    @property
    def realized_profit(self) -> float:
        return self.desk.realized_profit

    def current_rate(self, pair: str) -> float | None:
        return self.prices.rate(pair)

    def current_rates(self) -> dict[str, float]:
        return self.prices.rates()

    def health(self) -> Health:
        return Health(self._last_process, self._bot_start, self._startup, self.repo.write_failure)

    @property
    def starting_capital(self) -> float:
        """The tradable share of the starting balance (or ``available_capital``), as freqtrade reports it."""
        return self.wallet.starting_capital

    @property
    def starting_balance(self) -> float:
        """The whole balance the bot started with: where its wallet history begins."""
        return self.wallet.starting_balance

    def total_stake(self) -> float:
        """What the bot trades with now (freqtrade's total stake amount): where ``/daily`` counts back from."""
        return self.wallet.total_stake(self.open_trades, self.desk.realized_profit)

    def balances(self) -> list[CurrencyBalance]:
        """The wallet as ``/balance`` reports it, valued at the current rates."""
        return self.wallet.balances(self.open_trades, self.desk.realized_profit, self.prices.rates())

    @property
    def blacklist(self) -> list[str]:
        return list(self.pairlist.blacklist)

    def expanded_blacklist(self) -> tuple[list[str], dict[str, str]]:
        """The listed pairs the blacklist matches, and the entries that are not valid patterns."""
        return self.pairlist.expanded_blacklist(self.market.markets.keys())

    def strategy_info(self) -> StrategyInfo:
        strategy = self.strategy.strategy
        try:
            version = strategy.version()  # user code
        except Exception as exc:
            log.warning("Strategy %s: version() failed: %s", self.strategy.name, exc)
            version = None
        return StrategyInfo(
            name=self.strategy.name,
            version=version,
            timeframe=self.timeframe,
            minimal_roi=dict(strategy.minimal_roi),
            stoploss=float(strategy.stoploss),
            trailing_stop=bool(strategy.trailing_stop),
            trailing_stop_positive=strategy.trailing_stop_positive,
            trailing_stop_positive_offset=float(strategy.trailing_stop_positive_offset or 0.0),
            trailing_only_offset_is_reached=bool(strategy.trailing_only_offset_is_reached),
            use_custom_stoploss=bool(strategy.use_custom_stoploss),
            can_short=bool(strategy.can_short),
            plot_config=dict(getattr(strategy, "plot_config", None) or {}),
            position_adjustment_enable=self.desk.position_adjustment,
            max_entry_position_adjustment=self.desk.max_entry_adjustments,
        )

    def analyzed(self, pair: str, timeframe: str | None = None) -> tuple[pd.DataFrame, datetime] | None:
        return self.cache.analyzed(pair, timeframe or self.timeframe)

    async def market_candles(self, pair: str, timeframe: str, limit: int) -> tuple[pd.DataFrame, datetime]:
        """Plain closed candles of any timeframe the exchange offers, for charts (kept briefly)."""
        return await self.charts.candles(pair, timeframe, limit)

    # ---- lifecycle ---------------------------------------------------------------------------
    async def startup(self) -> None:
        """Load markets, start the strategy and resume every open trade (and its open orders) from the database."""
        await self.market.load_markets()
        self._start_strategy()
        for trade in await self.repo.open_trades():
            self.desk.open[trade.id or 0] = trade
        self.desk.realized_profit = sum(t.realized_profit for t in await self.repo.all_trades())
        started = await self.repo.get_value("bot_start_time")
        if started is None:
            first = await self.repo.first_trade_open_date()
            self._bot_start = first or self._startup
            await self.repo.set_value("bot_start_time", self._bot_start.timestamp())
        else:
            self._bot_start = datetime.fromtimestamp(float(started), tz=self._startup.tzinfo)
        await self.desk.reconcile_intents()
        await self._refresh_pairlists()
        self.whitelists.apply()
        await self._refresh_wallet()  # live: a key the exchange refuses stops the start here
        if self.desk.open:
            log.info("Resumed %d open trade(s): %s", len(self.desk.open), ", ".join(t.pair for t in self.open_trades))
        self.bus.publish(
            messages.startup(
                f"ftserver {__version__} started: exchange {self.market.id}, strategy {self.strategy.name}, "
                f"timeframe {self.timeframe}, {'dry-run' if self.settings.dry_run else 'LIVE'}, "
                f"state {self.state.value}"
            )
        )

    def _start_strategy(self) -> None:
        """The strategy's ``bot_start``, once per loaded strategy; if it fails the bot does not run it
        (freqtrade does not start either)."""
        if not strategy_answers.bot_start(self.strategy.strategy):
            raise StrategyError(f"Strategy {self.strategy.name}: bot_start() failed (see the log); not starting it")

    async def run(self) -> None:
        """Iterate until ``close``. A failing iteration is logged and announced; the loop carries on."""
        throttle = self.settings.internals.process_throttle_secs
        while not self._closing:
            # Cleared before the iteration, so a wake-up (command, close) during it is not lost.
            self._wake.clear()
            started = self.clock.now()
            if self.state in (BotState.RUNNING, BotState.PAUSED):
                try:
                    await self.run_once()
                except StorageUnavailable as exc:
                    self.desk.storage_failed(exc.reason)
                except Exception as exc:
                    log.exception("Trading loop iteration failed")
                    self.bus.publish(messages.exception(f"Trading loop iteration failed: {exc}"))
            self._heartbeat()
            elapsed = (self.clock.now() - started).total_seconds()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, throttle - elapsed))

    async def close(self) -> None:
        self._closing = True
        self._wake.set()

    async def cancel_all_open_orders(self) -> int:
        """Cancel every open order (``cancel_open_orders_on_exit``, after the loop stopped).

        An entry that never filled takes its trade with it, as a timeout would. Returns how many
        orders were cancelled; one the exchange refuses to cancel is logged and the others still go.
        """
        cancelled = 0
        async with self._changing():
            for trade in self.open_trades:
                for order in trade.open_orders:
                    try:
                        await self.desk.cancel_order(trade, order, reason=CANCELLED_ON_EXIT)
                    except FtServerError as exc:
                        log.warning("Cancelling order %s of trade %s failed: %s", order.order_id, trade.id, exc)
                    else:
                        cancelled += 1
        return cancelled

    def _heartbeat(self) -> None:
        interval = self.settings.internals.heartbeat_interval
        now = self.clock.now()
        if interval and (self._last_heartbeat is None or (now - self._last_heartbeat).total_seconds() >= interval):
            self._last_heartbeat = now
            log.info("Bot heartbeat. PID=%d, version=%s, state=%s", os.getpid(), __version__, self.state.value)

    # ---- one iteration -----------------------------------------------------------------------
    async def run_once(self) -> None:
        async with self._changing():
            # Wall time, not the bot's clock: how long the work took, whatever time it is in the market.
            started = time.perf_counter()
            try:
                await self.strategy_locks.sync(self.locks, self.clock.now())
                strategy_answers.bot_loop_start(self.strategy.strategy, self.clock.now())
                try:
                    await self._process()
                finally:
                    # Custom data set in callbacks that did not save their trade (custom_exit,
                    # custom_stoploss without a change): stored before the next iteration reads it.
                    for trade in self.open_trades:
                        await self.repo.save_custom_data(trade)
            finally:
                self.instruments.loop_iterations.observe(time.perf_counter() - started)

    async def _process(self) -> None:
        await self._refresh_pairlists()
        self.whitelists.apply()
        with contextlib.suppress(ExchangeError):  # announced by _refresh_wallet; the last balances stay
            await self._refresh_wallet()
        open_pairs = [t.pair for t in self.desk.open.values()]
        pairs = list(dict.fromkeys([*self.whitelists.current, *open_pairs]))
        await self.candles.refresh(pairs, self.strategy, self._informative.keys())
        # Entry signals of the newest candles (long only: shorting needs futures, not traded here).
        entries: dict[str, str | None] = {}
        if self.state is BotState.RUNNING:
            for pair in self.whitelists.current:
                side, tag, _, _ = self.candles.signals(pair, self.strategy)
                if side == "long":
                    entries[pair] = tag
        # Prices only where one is needed: open trades and pairs about to be entered.
        await self.prices.refresh(list(dict.fromkeys([*open_pairs, *entries])))
        # An order placed but not recorded is a position nobody watches: while the database cannot
        # be written, no order is placed, cancelled or followed (exits and stoplosses included).
        if not await self.desk.storage_writable():
            self._last_process = self.clock.now()
            return
        if self.desk.unsettled_intents:
            await self.desk.reconcile_intents()
        for trade in self.open_trades:
            try:
                await self.desk.manage_open_orders(trade)
                if trade.is_open and not trade.has_open_orders and trade.id in self.desk.open:
                    await self.desk.check_exit(trade)
            except StorageUnavailable:
                raise
            except FtServerError as exc:
                log.warning("Trade %s (%s): %s", trade.id, trade.pair, exc)
                self.bus.publish(messages.warning(f"Trade {trade.id} ({trade.pair}): {exc}"))
        if self.desk.position_adjustment:
            await self.desk.adjust_positions()
        if self.state is BotState.RUNNING and entries:
            with contextlib.suppress(ExchangeError):
                await self._refresh_wallet()
            # Locks the strategy took while analysing or in a callback count for these entries.
            await self._enter_new_trades(entries, await self.strategy_locks.sync(self.locks, self.clock.now()))
        self._last_process = self.clock.now()

    @contextlib.asynccontextmanager
    async def _changing(self) -> AsyncIterator[None]:
        """The bot's lock, held for every change. After the change, a live wallet that an order
        made stale is read again, so ``/balance`` shows the exchange as it is now."""
        async with self.lock:
            try:
                yield
            finally:
                if self.account_sync.stale:
                    with contextlib.suppress(ExchangeError):
                        await self._refresh_wallet()

    async def _refresh_wallet(self, *, force: bool = False) -> None:
        await self.desk.refresh_wallet(force=force)

    def _wallet_changed(self) -> None:
        self.account_sync.changed()

    def set_external_whitelist(self, producer: str, pairs: list[str]) -> None:
        """A producer's whitelist (consumer mode). Takes effect at once and is announced on the bus."""
        if self.pairlists.follows_producers:
            self._wake.set()  # the chain is evaluated at the start of the next iteration
        self.whitelists.set_external(producer, pairs)

    async def _refresh_pairlists(self) -> None:
        await self.whitelists.evaluate_chain(
            timeframe=self.timeframe,
            stoploss=float(self.strategy.strategy.stoploss),
            open_trade_count=len(self.desk.open),
        )

    # ---- entries -----------------------------------------------------------------------------
    async def _enter_new_trades(self, entries: dict[str, str | None], locks: list[PairLock]) -> None:
        """Open trades for ``entries`` ({pair: enter_tag}, in whitelist order) while slots are free.
        ``locks`` are the active locks, read once before entering (no lock is taken while entering)."""
        open_pairs = {t.pair for t in self.desk.open.values()}
        for pair, tag in entries.items():
            if slots_full(len(self.desk.open), self.settings.max_open_trades):
                return
            refused = entry_refusal(
                pair,
                open_pairs=open_pairs,
                locked=is_locked(locks, pair, "long", self.clock.now()),
                expired=self._signal_expired(pair),
            )
            if refused is not None:
                # Only the expired signal is news: an open or locked pair is the usual case.
                level = logging.INFO if refused is SIGNAL_EXPIRED else logging.DEBUG
                log.log(level, "Not entering %s: %s", pair, refused)
                continue
            try:
                await self.desk.open_trade(pair, enter_tag=tag, order_type=self.desk.order_type("entry"))
            except (Conflict, InvalidRequest, ExchangeError) as exc:
                log.info("Not entering %s: %s", pair, exc)

    def _signal_expired(self, pair: str) -> bool:
        """An entry signal older than the strategy's ``ignore_buying_expired_candle_after`` opens nothing."""
        strategy = self.strategy.strategy
        if not strategy.ignore_buying_expired_candle_after:
            return False
        # The signal's candle: the newest analyzed one.
        candle = self.candles.newest_candle(pair, self.timeframe)
        if candle is None:
            return False
        return entry_expired(
            candle,
            self.clock.now(),
            timeframe_to_seconds(self.timeframe),
            int(strategy.ignore_buying_expired_candle_after),
        )

    # ---- control verbs (called by the RPC facade) --------------------------------------------
    async def start(self) -> str:
        async with self._changing():
            if self.state is BotState.RUNNING:
                return "already running"
            self.state = BotState.RUNNING
        self._wake.set()
        self.bus.publish(messages.status("running"))
        return "starting trader ..."

    async def stop(self) -> str:
        async with self._changing():
            if self.state is BotState.STOPPED:
                return "already stopped"
            self.state = BotState.STOPPED
        self.bus.publish(messages.status("stopped"))
        return "stopping trader ..."

    async def pause(self) -> str:
        async with self._changing():
            self.state = BotState.PAUSED
        self.bus.publish(messages.status("paused, no more entries will occur from now"))
        return "paused, no more entries will occur from now. Run /start to enable entries."

    async def reload_config(self) -> str:
        if self._settings_loader is None or self._strategy_factory is None:
            raise Conflict("This bot was not started from config files; nothing to reload")
        async with self._changing():
            previous = self.state
            self.state = BotState.RELOAD_CONFIG
            try:
                settings = await asyncio.to_thread(self._settings_loader)
                self._check_reloadable(settings)
                strategy = self._strategy_factory(settings)
            except FtServerError:
                self.state = previous
                raise
            if strategy.strategy.timeframe != self.strategy.strategy.timeframe:
                self.candles.reset()
            self._configure(settings, strategy)
            await self._refresh_pairlists()
            self.whitelists.apply()
            try:
                self._start_strategy()  # a reloaded strategy is a new one: its bot_start runs too
            except StrategyError:
                self.state = BotState.STOPPED
                raise
            self.state = previous if previous is not BotState.RELOAD_CONFIG else BotState(settings.initial_state)
            if self._on_reload is not None:
                try:
                    await self._on_reload(settings)
                except Exception:
                    log.exception("Applying the reloaded config outside the trading loop failed")
        self.bus.publish(messages.status("config reloaded"))
        self._wake.set()
        return "Reloading config ..."

    def _check_reloadable(self, settings: Settings) -> None:
        """Money and exchange stay as started: switching dry-run/live or exchange in place is refused."""
        for key, before, after in (
            ("dry_run", self.settings.dry_run, settings.dry_run),
            ("exchange.name", self.settings.exchange.name, settings.exchange.name),
            ("stake_currency", self.settings.stake_currency, settings.stake_currency),
        ):
            if before != after:
                raise Conflict(f"{key} changed ({before} -> {after}): restart ftserver to apply it")

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
    ) -> Trade:
        if not self.settings.force_entry_enable:
            raise Conflict("Force_entry not enabled.")
        if side != "long":
            raise InvalidRequest("Short entries need futures trading, which this bot does not trade")
        async with self._changing():
            if self.state is not BotState.RUNNING:
                raise Conflict("trader is not running")
            existing = next((t for t in self.desk.open.values() if t.pair == pair), None)
            if existing is not None and not self.desk.position_adjustment:
                raise Conflict(f"position for {pair} already open - id: {existing.id}")
            await self.prices.refresh([pair])  # act on the price of now, not of the last iteration
            otype = OrderType(order_type) if order_type else self.desk.order_type("force_entry")
            if existing is not None:
                await self.desk.force_add_entry(existing, otype, price, stake_amount, enter_tag)
                return existing
            return await self.desk.open_trade(
                pair,
                enter_tag=enter_tag or FORCE_ENTRY_TAG,
                order_type=otype,
                price=price,
                stake_amount=stake_amount,
                leverage=self._spot_leverage(leverage),
            )

    @staticmethod
    def _spot_leverage(requested: float | None) -> float:
        """Spot has no leverage: like freqtrade, use 1.0 whatever was asked, and say so in the log."""
        if requested is not None and requested != 1.0:
            log.warning("Leverage %s ignored: spot trades use leverage 1.0", requested)
        return 1.0

    def _open_trade_or_404(self, trade_id: int) -> Trade:
        trade = self.desk.open.get(trade_id)
        if trade is None:
            raise NotFound(f"invalid argument: no open trade with id {trade_id}")
        return trade

    async def force_exit(
        self,
        trade_id: int | None,
        *,
        order_type: str | None = None,
        amount: float | None = None,
        price: float | None = None,
    ) -> list[Trade]:
        """Exit one open trade (``trade_id``) or all of them (``None``)."""
        async with self._changing():
            trades = self.open_trades if trade_id is None else [self._open_trade_or_404(trade_id)]
            for trade in trades:
                await self._force_exit_one(trade, order_type, amount, price)
            return trades

    async def _force_exit_one(
        self, trade: Trade, order_type: str | None, amount: float | None, price: float | None
    ) -> None:
        for order in trade.open_orders:
            await self.desk.cancel_order(trade, order, reason="force_exit")
        if trade.id not in self.desk.open:
            return  # an unfilled entry was cancelled: the trade is gone
        await self.prices.refresh([trade.pair])
        rate = self.prices.rate(trade.pair)
        if rate is None:
            raise ExchangeError(f"No price for {trade.pair} yet")
        otype = OrderType(order_type) if order_type else self.desk.order_type("force_exit")
        if amount is not None and amount <= 0:
            raise InvalidRequest("amount must be positive")
        await self.desk.place_exit(
            trade, ExitDecision(ExitReason.FORCE_EXIT.value), rate, order_type=otype, amount=amount, price=price
        )

    async def delete_trade(self, trade_id: int) -> int:
        """Delete a trade (cancelling its open orders). Returns how many orders were cancelled."""
        async with self._changing():
            trade = self.desk.open.get(trade_id) or await self.repo.get_trade(trade_id)
            if trade is None:
                raise NotFound(f"invalid argument: no trade with id {trade_id}")
            cancelled = 0
            for order in trade.open_orders:
                update = await self.broker.cancel_order(order)
                apply_update(order, update, self.clock.now())
                self._wallet_changed()
                cancelled += 1
            await self.repo.delete_trade(trade_id)
            self.desk.open.pop(trade_id, None)
            self.desk.realized_profit -= trade.realized_profit
            return cancelled

    async def cancel_open_order(self, trade_id: int) -> Trade:
        async with self._changing():
            trade = self._open_trade_or_404(trade_id)
            orders = trade.open_orders
            if not orders:
                raise Conflict(f"No open order for trade_id {trade_id}")
            for order in orders:
                await self.desk.cancel_order(trade, order, reason="cancelled on user request")
            return trade

    async def reload_trade(self, trade_id: int) -> Trade:
        async with self._changing():
            trade = self.desk.open.get(trade_id)
            if trade is None:
                stored = await self.repo.get_trade(trade_id)
                if stored is None:
                    raise NotFound(f"invalid argument: no trade with id {trade_id}")
                return stored
            await self.desk.manage_open_orders(trade)
            return trade

    # ---- pair lists and locks ----------------------------------------------------------------
    async def add_blacklist(self, pairs: list[str]) -> dict[str, str]:
        async with self._changing():
            errors = self.pairlist.add_to_blacklist(pairs)
            self.whitelists.apply()
            return errors

    async def remove_blacklist(self, pairs: list[str]) -> None:
        async with self._changing():
            self.pairlist.remove_from_blacklist(pairs)
            self.whitelists.apply()

    async def lock_pair(self, pair: str, until: datetime, reason: str | None, side: str) -> PairLock:
        async with self._changing():
            lock = await self.locks.lock(pair, until, reason, side)
            self.desk.announce_lock(lock)
            return lock

    async def unlock(self, lock_id: int | None = None, pair: str | None = None) -> None:
        async with self._changing():
            if lock_id is not None:
                await self.locks.unlock(lock_id)
            if pair is not None:
                await self.locks.unlock_pair(pair)
