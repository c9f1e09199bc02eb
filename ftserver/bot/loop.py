"""The trading loop: watch the whitelist, analyze closed candles, open and close trades, announce it all.

One ``TradingLoop`` owns every state change of the bot. Each change is committed to the database
before the matching message goes on the bus, so what consumers hear is always already durable.
Control verbs (start/stop/force_enter/...) take the same ``asyncio.Lock`` as a loop iteration, so a
command never interleaves with a half-done iteration.

What to do is decided in ``ftserver.decide`` (exits, stops, ROI, entries, timeouts, position
adjustment, fills, protections), the same code a backtest runs; the loop gathers the inputs from its
parts (``candles.CandleFeed``, ``pricing.Prices``, ``whitelist.WhitelistKeeper``,
``account_sync.AccountSync``, ``locks.PairLocks``) and carries the decisions out: orders (written
down as intents first), the wallet, the database and the announcements.
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
from ftserver.bot import announce
from ftserver.bot.account_sync import AccountSync
from ftserver.bot.candles import CandleFeed
from ftserver.bot.chart_candles import ChartCandles
from ftserver.bot.dataprovider import DataProvider, LiveData
from ftserver.bot.informative_candles import InformativeCandles
from ftserver.bot.locks import PairLocks
from ftserver.bot.order_types import order_type_for, time_in_force_for
from ftserver.bot.orders import apply_update, new_order
from ftserver.bot.pairlist import Pairlist
from ftserver.bot.pairlists.chain import PairlistChain
from ftserver.bot.pricing import Prices
from ftserver.bot.protection_settings import strategy_protections
from ftserver.bot.strategy_locks import StrategyLockBook
from ftserver.bot.wallet import ExchangeWallet, Wallet
from ftserver.bot.whitelist import WhitelistKeeper
from ftserver.config import Settings
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.core.instruments import Instruments
from ftserver.core.messages import MessageType
from ftserver.data.cache import CandleCache
from ftserver.data.history import candle_store_for
from ftserver.data.producer_data import ProducerData
from ftserver.data.timeframes import timeframe_to_minutes, timeframe_to_ms, timeframe_to_seconds
from ftserver.decide import cancels, position, strategy_answers
from ftserver.decide.entry import (
    SIGNAL_EXPIRED,
    clamp_stake,
    entry_expired,
    entry_refusal,
    max_stake,
    min_stake,
    slots_full,
    valid_custom_price,
)
from ftserver.decide.exit_checks import ExitDecision, check_after_fill, check_exits
from ftserver.decide.fills import book_entry_fill, book_exit_fill
from ftserver.decide.locks import is_locked
from ftserver.decide.timeouts import order_timed_out
from ftserver.errors import (
    Conflict,
    ExchangeError,
    ExchangeUnavailable,
    FtServerError,
    InvalidRequest,
    NotFound,
    StorageUnavailable,
    StrategyError,
)
from ftserver.exchange.base import Account, Broker, ExchangeOrder, MarketData, new_client_order_id
from ftserver.exchange.order_rules import check_limits, round_down, round_nearest
from ftserver.models import (
    BotState,
    CurrencyBalance,
    ExitReason,
    Order,
    OrderSide,
    OrderStatus,
    OrderType,
    PairLock,
    RunMode,
    StrategyInfo,
    Trade,
)
from ftserver.persistence.intents import OrderIntent
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy

log = logging.getLogger(__name__)

StrategyFactory = Callable[[Settings], SafeStrategy]
SettingsLoader = Callable[[], Settings]
# Told about reloaded settings after the loop took them (the composition root rebuilds its channels).
ReloadListener = Callable[[Settings], Awaitable[None]]

FORCE_ENTRY_TAG = "force_entry"
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
        self._open: dict[int, Trade] = {}
        self._realized_profit = 0.0
        self._last_process: datetime | None = None
        self._last_heartbeat: datetime | None = None
        self._bot_start: datetime | None = None
        self._startup = clock.now()
        self._wake = asyncio.Event()
        self._closing = False
        # Set while writes fail (announced once when it starts and once when it ends).
        self._storage_failure: str | None = None
        # An order whose placement had no clear answer is still written down: look it up next iteration.
        self._unsettled_intents = False
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

    # ---- read-only views (used by the RPC facade) --------------------------------------------
    @property
    def cache(self) -> CandleCache:
        return self.candles.cache

    @property
    def timeframe(self) -> str:
        return str(self.strategy.strategy.timeframe)

    @property
    def open_trades(self) -> list[Trade]:
        return sorted(self._open.values(), key=lambda t: t.id or 0)

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
        return self._realized_profit

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

    def balances(self) -> list[CurrencyBalance]:
        """The wallet as ``/balance`` reports it, valued at the current rates."""
        return self.wallet.balances(self.open_trades, self._realized_profit, self.prices.rates())

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
            position_adjustment_enable=self._position_adjustment,
            max_entry_position_adjustment=self._max_entry_adjustments,
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
            self._open[trade.id or 0] = trade
        self._realized_profit = sum(t.realized_profit for t in await self.repo.all_trades())
        started = await self.repo.get_value("bot_start_time")
        if started is None:
            first = await self.repo.first_trade_open_date()
            self._bot_start = first or self._startup
            await self.repo.set_value("bot_start_time", self._bot_start.timestamp())
        else:
            self._bot_start = datetime.fromtimestamp(float(started), tz=self._startup.tzinfo)
        await self._reconcile_intents()
        await self._refresh_pairlists()
        self.whitelists.apply()
        await self._refresh_wallet()  # live: a key the exchange refuses stops the start here
        if self._open:
            log.info("Resumed %d open trade(s): %s", len(self._open), ", ".join(t.pair for t in self.open_trades))
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
                    self._storage_failed(exc.reason)
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
                        await self._cancel_order(trade, order, reason=CANCELLED_ON_EXIT)
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
        open_pairs = [t.pair for t in self._open.values()]
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
        if not await self._storage_writable():
            self._last_process = self.clock.now()
            return
        if self._unsettled_intents:
            await self._reconcile_intents()
        for trade in self.open_trades:
            try:
                await self._manage_open_orders(trade)
                if trade.is_open and not trade.has_open_orders and trade.id in self._open:
                    await self._check_exit(trade)
            except StorageUnavailable:
                raise
            except FtServerError as exc:
                log.warning("Trade %s (%s): %s", trade.id, trade.pair, exc)
                self.bus.publish(messages.warning(f"Trade {trade.id} ({trade.pair}): {exc}"))
        if self._position_adjustment:
            await self._adjust_positions()
        if self.state is BotState.RUNNING and entries:
            with contextlib.suppress(ExchangeError):
                await self._refresh_wallet()
            # Locks the strategy took while analysing or in a callback count for these entries.
            await self._enter_new_trades(entries, await self.strategy_locks.sync(self.locks, self.clock.now()))
        self._last_process = self.clock.now()

    async def _storage_writable(self) -> bool:
        """Probe the database with a cheap write; announce when writes start or stop failing."""
        try:
            await self.repo.probe_write()
        except StorageUnavailable as exc:
            self._storage_failed(exc.reason)
            return False
        if self._storage_failure is not None:
            self._storage_failure = None
            log.warning("The trade database can be written again; trading resumes")
            self.bus.publish(messages.warning("The trade database can be written again; trading resumes"))
            await self._reconcile_intents()  # an order placed while the write after it failed
        return True

    # ---- orders written down before they are placed -------------------------------------------
    async def _place_recorded(self, intent: OrderIntent) -> ExchangeOrder:
        """Commit the intent, then place the order under its client order id.

        If the intent cannot be committed, nothing is placed (``StorageUnavailable``). If the order
        is refused, the intent goes; when the answer is lost (``ExchangeUnavailable``) or the call is
        cancelled, it stays for ``_reconcile_intents`` to ask the exchange about.
        """
        await self.repo.add_intent(intent)
        try:
            placed = await self.broker.place_order(
                intent.pair,
                intent.side,
                intent.order_type,
                intent.amount,
                intent.price,
                leverage=intent.leverage,
                client_order_id=intent.client_order_id,
            )
        except ExchangeUnavailable:
            self._unsettled_intents = True
            raise
        except Exception:
            with contextlib.suppress(StorageUnavailable):
                await self.repo.drop_intent(intent)
            raise
        self._wallet_changed()
        return placed

    async def _reconcile_intents(self) -> None:
        """Book the orders that were written down but never recorded as placed, if the exchange has them.

        Found by client order id: booked as the entry or exit it was meant to be. Not found: it was
        never placed, and the intent is dropped. The exchange not answering keeps the intent for the
        next iteration.
        """
        self._unsettled_intents = False
        for intent in await self.repo.pending_intents():
            requested = ExchangeOrder.unfilled(
                "",
                intent.pair,
                intent.side,
                intent.order_type,
                intent.amount,
                intent.price,
                int(intent.created.timestamp() * 1000),
                client_order_id=intent.client_order_id,
            )
            described = f"{intent.side.value} {intent.amount} {intent.pair} (client order id {intent.client_order_id})"
            try:
                found = await self.broker.find_order(requested)
            except ExchangeError as exc:
                log.warning("Could not look up order %s: %s; asking again later", described, exc)
                self.bus.publish(messages.warning(f"Could not look up order {described}: {exc}"))
                self._unsettled_intents = True
                continue
            trade = None if intent.is_entry else (self._open.get(intent.trade_id or 0))
            if found is None or (found.status is OrderStatus.CANCELED and found.filled <= 0):
                log.warning("Order %s was written down but never placed; dropped", described)
                await self.repo.drop_intent(intent)
                continue
            if intent.is_entry:
                await self._book_entry(intent, found)
            elif trade is not None and intent.side == trade.entry_side:
                await self._book_added_entry(trade, intent, found)
            elif trade is not None:
                await self._book_exit(trade, intent, found)
            else:
                log.warning("Order %s belongs to trade %s, which is not open; dropped", described, intent.trade_id)
                await self.repo.drop_intent(intent)
                continue
            text = f"Order {described} was placed but not recorded (stopped in between?); booked it now"
            log.warning("%s", text)
            self.bus.publish(messages.warning(text))

    def _storage_failed(self, reason: str) -> None:
        if self._storage_failure is not None:
            return
        self._storage_failure = reason
        text = (
            f"The trade database cannot be written: {reason}; no orders are placed (entries, exits, "
            "stoplosses) until it can"
        )
        log.error("%s", text)
        self.bus.publish(messages.warning(text))

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
        await self.account_sync.refresh(self.wallet, self.open_trades, self._realized_profit, force=force)

    def _wallet_changed(self) -> None:
        self.account_sync.changed()

    def set_external_whitelist(self, producer: str, pairs: list[str]) -> None:
        """A producer's whitelist (consumer mode). Takes effect at once and is announced on the bus."""
        if self.pairlists.follows_producers:
            self._wake.set()  # the chain is evaluated at the start of the next iteration
        self.whitelists.set_external(producer, pairs)

    async def _refresh_pairlists(self) -> None:
        await self.whitelists.evaluate_chain(
            timeframe=self.timeframe, stoploss=float(self.strategy.strategy.stoploss), open_trade_count=len(self._open)
        )

    # ---- entries -----------------------------------------------------------------------------
    async def _enter_new_trades(self, entries: dict[str, str | None], locks: list[PairLock]) -> None:
        """Open trades for ``entries`` ({pair: enter_tag}, in whitelist order) while slots are free.
        ``locks`` are the active locks, read once before entering (no lock is taken while entering)."""
        open_pairs = {t.pair for t in self._open.values()}
        for pair, tag in entries.items():
            if slots_full(len(self._open), self.settings.max_open_trades):
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
                await self._open_trade(pair, enter_tag=tag, order_type=self._order_type("entry"))
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

    def _order_type(self, purpose: str) -> OrderType:
        return order_type_for(purpose, self.settings, self.strategy.strategy.order_types)

    def _time_in_force(self, purpose: str) -> str:
        return time_in_force_for(purpose, self.settings, self.strategy.strategy.order_time_in_force)

    def _entry_price(self, pair: str) -> float:
        return self.prices.entry_price(pair, self.settings.entry_pricing.price_side)

    def _exit_price(self, pair: str) -> float:
        return self.prices.exit_price(pair, self.settings.exit_pricing.price_side)

    async def _open_trade(
        self,
        pair: str,
        *,
        enter_tag: str | None,
        order_type: OrderType,
        price: float | None = None,
        stake_amount: float | None = None,
        leverage: float = 1.0,
    ) -> Trade:
        market = self.market.markets.get(pair)
        if market is None:
            raise InvalidRequest(f"Pair {pair} is not available on {self.market.id}")
        if market.quote != self.settings.stake_currency:
            raise InvalidRequest(
                f"Pair {pair} does not trade against the stake currency {self.settings.stake_currency}"
            )
        strategy, now, side = self.strategy.strategy, self.clock.now(), "long"
        proposed = price if price is not None else self._entry_price(pair)
        asked = strategy_answers.custom_entry_price(strategy, pair, now, proposed, enter_tag, side)
        rate = valid_custom_price(asked, proposed, self.settings.custom_price_max_distance_ratio)
        if order_type is OrderType.LIMIT:
            # The order goes out at this price on the market's grid: the amount is worked out from
            # that price, so amount x price never comes to more than the stake.
            rate = round_nearest(rate, market.price_precision)
        stake = self._new_trade_stake(stake_amount)
        lowest = min_stake(market, rate, float(strategy.stoploss), leverage, self.settings.amount_reserve_percent)
        available = self.wallet.available_stake(self.open_trades, self._realized_profit)
        highest = min(max_stake(market, rate, leverage), available)
        answer = strategy_answers.custom_stake_amount(
            strategy, pair, now, rate, stake, lowest, highest, leverage, enter_tag, side
        )
        if answer != stake:
            # The strategy's own stake is held within the limits, as freqtrade holds it; a stake it
            # leaves alone (configured or asked for in a force entry) is refused, not changed, when
            # outside them. Either then meets the wallet's checks again: nothing is overspent.
            clamped = clamp_stake(answer, lowest, highest)
            if not clamped:
                raise InvalidRequest(f"Stake amount for {pair} is {answer}, below the minimum or nothing: no trade")
            stake = self._new_trade_stake(clamped)
        amount = stake * leverage / rate
        # Refused here, before an intent is recorded: a computed and a requested stake meet the same limits.
        check_limits(market, round_down(amount, market.amount_precision), rate)
        if not strategy_answers.confirm_trade_entry(
            strategy, pair, order_type.value, amount, rate, self._time_in_force("entry"), now, enter_tag, side
        ):
            raise Conflict(f"Failed to enter position for {pair}: strategy {self.strategy.name} declined it")
        intent = OrderIntent(
            new_client_order_id(),
            pair,
            OrderSide.BUY,
            order_type,
            amount,
            rate if order_type is OrderType.LIMIT else None,
            self.clock.now(),
            tag=enter_tag,
            leverage=leverage,
            rate=rate,
        )
        placed = await self._place_recorded(intent)
        return await self._book_entry(intent, placed)

    def _new_trade_stake(self, requested: float | None) -> float:
        return self.wallet.stake_for_new_trade(
            self.settings.stake_amount,
            self.open_trades,
            self._realized_profit,
            self.settings.max_open_trades,
            requested=requested,
        )

    async def _book_entry(self, intent: OrderIntent, placed: ExchangeOrder) -> Trade:
        """A new trade for a placed entry order, committed with the order (settling its intent)."""
        pair, leverage = intent.pair, intent.leverage
        market = self.market.markets[pair]
        rate = intent.rate or placed.price or placed.average or 0.0
        now = self.clock.now()
        strategy = self.strategy.strategy
        fee = placed.fee_rate if placed.fee_rate is not None else market.taker_fee
        trade = Trade(
            pair=pair,
            exchange=self.market.id,
            strategy=self.strategy.name,
            timeframe=timeframe_to_minutes(self.timeframe),
            open_rate=placed.price or placed.average or rate,
            open_rate_requested=rate,
            open_date=now,
            amount=placed.amount,
            amount_requested=intent.amount,
            stake_amount=placed.amount * (placed.price or placed.average or rate) / leverage,
            fee_open=fee,
            fee_close=fee,
            fee_open_currency=market.quote,
            enter_tag=intent.tag,
            leverage=leverage,
            amount_precision=market.amount_precision,
            price_precision=market.price_precision,
            precision_mode=market.precision_mode,
            max_rate=rate,
            min_rate=rate,
        )
        trade.max_stake_amount = trade.stake_amount
        trade.set_initial_stoploss(float(strategy.stoploss), now)
        order = new_order(0, OrderSide.BUY, placed, None, now)
        trade.orders.append(order)
        try:
            await self.repo.save_trade(trade, settles=intent)
        except StorageUnavailable:
            self._unsettled_intents = True  # placed but not booked: its intent books it later
            raise
        self._open[trade.id or 0] = trade
        self.instruments.trades_opened.add(trade.enter_tag or "Other")  # as /entries names it
        self.bus.publish(
            announce.entry_message(
                MessageType.ENTRY, trade, order, current_rate=self.prices.rate(pair), fiat_currency=self._fiat
            )
        )
        if order.status is OrderStatus.CLOSED:
            await self._on_entry_filled(trade, order, placed.fee_rate)
        return trade

    @property
    def _fiat(self) -> str:
        return self.settings.fiat_display_currency

    async def _on_entry_filled(self, trade: Trade, order: Order, fee_rate: float | None = None) -> None:
        if position.is_added_entry(trade, order):
            if fee_rate is not None:
                trade.fee_open = trade.fee_close = fee_rate
            await self._on_added_entry_filled(trade, order)
            return
        book_entry_fill(trade, order, float(self.strategy.strategy.stoploss), self.clock.now(), fee_rate)
        self._after_fill(trade, order)
        await self.repo.save_trade(trade)
        self.bus.publish(
            announce.entry_message(
                MessageType.ENTRY_FILL,
                trade,
                order,
                current_rate=self.prices.rate(trade.pair),
                fiat_currency=self._fiat,
            )
        )

    # ---- open orders -------------------------------------------------------------------------
    async def _manage_open_orders(self, trade: Trade) -> None:
        for order in trade.open_orders:
            update = await self.broker.refresh_order(order)
            now = self.clock.now()
            changed = apply_update(order, update, now)
            if changed:
                self._wallet_changed()
            if order.status is OrderStatus.CLOSED:
                if order.ft_order_side == trade.entry_side:
                    await self._on_entry_filled(trade, order, update.fee_rate)
                else:
                    await self._on_exit_filled(trade, order, update.fee_rate)
            elif order.status is OrderStatus.OPEN and order_timed_out(
                self.strategy.strategy, trade, order, now, self.settings.unfilledtimeout
            ):
                await self._cancel_order(trade, order, reason="timeout")
            elif changed:
                await self.repo.save_order(order)
            if order.ft_is_open and trade.id in self._open:
                await self._reprice(trade, order, now)

    async def _cancel_order(self, trade: Trade, order: Order, *, reason: str, replacing: bool = False) -> None:
        update = await self.broker.cancel_order(order)
        apply_update(order, update, self.clock.now())
        self._wallet_changed()
        current = self.prices.rate(trade.pair)
        if order.ft_order_side == trade.entry_side:
            outcome = cancels.after_entry_cancel(trade, order, replacing=replacing)
            if outcome is cancels.EntryCancel.DROP_TRADE:
                await self.repo.delete_trade(trade.id or 0)
                self._open.pop(trade.id or 0, None)
            elif outcome is cancels.EntryCancel.AWAIT_REPLACEMENT:
                await self.repo.save_trade(trade)
            else:
                await self._on_entry_filled(trade, order, update.fee_rate)
            self.bus.publish(
                announce.entry_message(
                    MessageType.ENTRY_CANCEL,
                    trade,
                    order,
                    current_rate=current,
                    fiat_currency=self._fiat,
                    reason=reason,
                )
            )
        else:
            if cancels.exit_sold_part(order):
                await self._on_exit_filled(trade, order, update.fee_rate)
                if not trade.is_open:
                    return
            cancels.reopen_after_exit_cancel(trade)
            await self.repo.save_trade(trade)
            self.bus.publish(
                announce.exit_message(
                    MessageType.EXIT_CANCEL, trade, order, current_rate=current, fiat_currency=self._fiat, reason=reason
                )
            )

    # ---- exits -------------------------------------------------------------------------------
    async def _check_exit(self, trade: Trade) -> None:
        rate = self.prices.rate(trade.pair)
        if rate is None:
            return
        trade.adjust_min_max_rates(rate, rate)
        side, _, exit_long, exit_tag = self.candles.signals(trade.pair, self.strategy)
        check = check_exits(
            trade,
            self.strategy.strategy,
            rate,
            self.clock.now(),
            exit_signal=exit_long,
            exit_tag=exit_tag,
            entry_signal=side == "long",
        )
        for decision in check.candidates:
            if await self._place_exit(trade, decision, rate) is not None:
                return
        if check.stop_moved:
            await self.repo.save_trade(trade)

    async def _place_exit(
        self,
        trade: Trade,
        decision: ExitDecision,
        rate: float,
        *,
        order_type: OrderType | None = None,
        amount: float | None = None,
        price: float | None = None,
    ) -> Order | None:
        """Place the exit order for ``decision``; None when the strategy declined it (``confirm_trade_exit``)."""
        if order_type is None:
            order_type = self._order_type("stoploss" if decision.is_stoploss else "exit")
        strategy, now = self.strategy.strategy, self.clock.now()
        partial = amount is not None and amount < trade.amount
        exit_amount = trade.amount if amount is None else min(amount, trade.amount)
        proposed = price if price is not None else (self._exit_price(trade.pair) if not decision.is_stoploss else rate)
        asked = None
        # A price given with a force exit is used as it is; otherwise a limit order asks the strategy.
        if order_type is OrderType.LIMIT and price is None:
            profit = trade.calc_profit_ratio(proposed)
            asked = strategy_answers.custom_exit_price(strategy, trade, now, proposed, profit, decision.reason)
        limit_price = valid_custom_price(asked, proposed, self.settings.custom_price_max_distance_ratio)
        if isinstance(self.wallet, ExchangeWallet):
            exit_amount = await self.account_sync.sellable(
                self.wallet, trade, exit_amount, self.open_trades, self._realized_profit
            )
        if not partial and not strategy_answers.confirm_trade_exit(
            strategy,
            trade,
            order_type.value,
            exit_amount,
            limit_price,
            self._time_in_force("exit"),
            decision.reason,
            now,
        ):
            log.info(
                "Strategy %s declined the %s exit of trade %s (confirm_trade_exit)",
                self.strategy.name,
                decision.reason,
                trade.id,
            )
            return None
        intent = OrderIntent(
            new_client_order_id(),
            trade.pair,
            trade.exit_side,
            order_type,
            exit_amount,
            limit_price if order_type is OrderType.LIMIT else None,
            self.clock.now(),
            trade_id=trade.id,
            tag=decision.reason,
            leverage=trade.leverage,
            rate=limit_price,
        )
        placed = await self._place_recorded(intent)
        return await self._book_exit(trade, intent, placed)

    async def _book_exit(self, trade: Trade, intent: OrderIntent, placed: ExchangeOrder) -> Order:
        """Add a placed exit order to its trade, committed with the trade (settling its intent)."""
        now = self.clock.now()
        order = new_order(trade.id or 0, trade.exit_side, placed, intent.tag, now)
        before = (trade.exit_reason, trade.close_rate_requested, trade.exit_order_status)
        trade.orders.append(order)
        trade.exit_reason = intent.tag
        trade.close_rate_requested = intent.rate
        trade.exit_order_status = order.status.value
        await self._commit_booking(trade, intent, order, restore=lambda: _restore_exit_fields(trade, before))
        self.bus.publish(
            announce.exit_message(
                MessageType.EXIT, trade, order, current_rate=self.prices.rate(trade.pair), fiat_currency=self._fiat
            )
        )
        if order.status is OrderStatus.CLOSED:
            await self._on_exit_filled(trade, order, placed.fee_rate)
        return order

    async def _on_exit_filled(self, trade: Trade, order: Order, fee_rate: float | None = None) -> None:
        profit = book_exit_fill(trade, order, self.clock.now(), fee_rate)
        if not trade.is_open:
            self._open.pop(trade.id or 0, None)
        self._realized_profit += profit
        self._after_fill(trade, order)
        await self.repo.save_trade(trade)
        self.bus.publish(
            announce.exit_message(MessageType.EXIT_FILL, trade, order, current_rate=None, fiat_currency=self._fiat)
        )
        if not trade.is_open:
            for lock in await self.locks.apply_protections(self.settings.protections, trade.pair, self.timeframe):
                self._announce_lock(lock)

    def _after_fill(self, trade: Trade, order: Order) -> None:
        """The strategy hears of the fill (``order_filled``), then its ``custom_stoploss`` may be asked again."""
        strategy, now = self.strategy.strategy, self.clock.now()
        strategy_answers.order_filled(strategy, trade, order, now)
        check_after_fill(trade, strategy, self.prices.rate(trade.pair), now)

    def _announce_lock(self, lock: PairLock) -> None:
        self.bus.publish(
            messages.Message(
                MessageType.PROTECTION_TRIGGER_GLOBAL if lock.pair == "*" else MessageType.PROTECTION_TRIGGER,
                {
                    "id": lock.id,
                    "pair": lock.pair,
                    "lock_time": lock.lock_time,
                    "lock_end_time": lock.lock_end_time,
                    "reason": lock.reason,
                    "side": lock.side,
                    "active": lock.active,
                },
            )
        )

    # ---- position adjustment ------------------------------------------------------------------
    @property
    def _position_adjustment(self) -> bool:
        return position.adjustment_enabled(
            self.settings.position_adjustment_enable, self.strategy.strategy.position_adjustment_enable
        )

    @property
    def _max_entry_adjustments(self) -> int:
        return position.max_entry_adjustments(
            self.settings.max_entry_position_adjustment, self.strategy.strategy.max_entry_position_adjustment
        )

    async def _adjust_positions(self) -> None:
        """Ask the strategy about each open trade holding coins; one trade's failure leaves the others."""
        for trade in self.open_trades:
            if trade.id not in self._open or trade.nr_of_successful_entries == 0:
                continue
            try:
                await self._adjust_position(trade)
            except StorageUnavailable:
                raise
            except FtServerError as exc:
                log.warning("Unable to adjust position of trade for %s: %s", trade.pair, exc)

    async def _adjust_position(self, trade: Trade) -> None:
        pair, now = trade.pair, self.clock.now()
        market = self.market.markets.get(pair)
        if market is None or self.prices.rate(pair) is None:
            return
        entry_rate, exit_rate = self._entry_price(pair), self._exit_price(pair)
        available = self.wallet.available_stake(self.open_trades, self._realized_profit)
        answer = strategy_answers.adjust_trade_position(
            self.strategy.strategy,
            trade,
            now,
            entry_rate=entry_rate,
            exit_rate=exit_rate,
            min_stake=position.min_stake(market, entry_rate, 0.0),
            max_stake=max(0.0, min(market.max_cost or float("inf"), available)),
        )
        stake, tag = position.read_answer(answer)
        decision = position.decide_adjustment(
            trade,
            stake,
            tag,
            market=market,
            exit_rate=exit_rate,
            stoploss=float(self.strategy.strategy.stoploss),
            max_entry_adjustments=self._max_entry_adjustments,
            paused=self.state is not BotState.RUNNING,
        )
        if decision is None or not await self._make_room(trade, decision, entry_rate, exit_rate):
            return
        if isinstance(decision, position.AddEntry):
            await self._add_entry(trade, decision.stake, entry_rate, decision.tag)
        else:
            reason = decision.tag or ExitReason.PARTIAL_EXIT.value
            await self._place_exit(
                trade, ExitDecision(reason, exit_tag=decision.tag), exit_rate, amount=decision.amount
            )

    async def _make_room(
        self, trade: Trade, decision: position.Adjustment, entry_rate: float, exit_rate: float
    ) -> bool:
        """freqtrade's rule for an answer while orders are open: the same order again (side, price and
        amount) keeps the open one; anything else cancels the open orders first. False: place nothing."""
        if not trade.has_open_orders:
            return True
        market = self.market.markets[trade.pair]
        if isinstance(decision, position.AddEntry):
            side, price = trade.entry_side, round_nearest(entry_rate, market.price_precision)
            amount = decision.stake * trade.leverage / price
        else:
            side, price, amount = trade.exit_side, exit_rate, decision.amount
        # Compared on the market's amount grid, as the order on the book was placed.
        amount = round_down(amount, market.amount_precision)
        if any(o.side is side and o.price == price and abs(o.amount - amount) < 1e-12 for o in trade.open_orders):
            log.info("%s: a similar open order is on the book; keeping it", trade.pair)
            return False
        for order in trade.open_orders:
            await self._cancel_order(trade, order, reason=position.REPLACE_REASON, replacing=True)
        return trade.id in self._open and not trade.has_open_orders

    async def _force_add_entry(
        self, trade: Trade, order_type: OrderType, price: float | None, stake: float | None, tag: str | None
    ) -> None:
        """``/forceenter`` on a pair already traded, with position adjustment on: one more entry, as in freqtrade."""
        if trade.has_open_orders:
            ids = ",".join(o.order_id for o in trade.open_orders)
            raise Conflict(f"position for {trade.pair} already open - id: {trade.id} and has open order {ids}")
        if not stake:
            stake = self.wallet.stake_for_new_trade(
                self.settings.stake_amount, self.open_trades, self._realized_profit, self.settings.max_open_trades
            )
        rate = price if price is not None else self._entry_price(trade.pair)
        await self._add_entry(trade, stake, rate, tag or FORCE_ENTRY_TAG, order_type=order_type)

    async def _add_entry(
        self, trade: Trade, stake: float, rate: float, tag: str | None, *, order_type: OrderType | None = None
    ) -> Order:
        """One more entry order for ``trade``, under the same stake and market limits as a new trade."""
        market = self.market.markets[trade.pair]
        order_type = order_type or self._order_type("entry")
        if order_type is OrderType.LIMIT:
            rate = round_nearest(rate, market.price_precision)
        # Live: an order placed earlier in this iteration made the balance stale; read it again first.
        await self._refresh_wallet()
        stake = self.wallet.stake_for_new_trade(
            self.settings.stake_amount,
            self.open_trades,
            self._realized_profit,
            self.settings.max_open_trades,
            requested=stake,
        )
        amount = stake * trade.leverage / rate
        check_limits(market, round_down(amount, market.amount_precision), rate)
        log.info(
            "Position adjust: a new %s order for %s with stake %s at %s", order_type.value, trade.pair, stake, rate
        )
        intent = OrderIntent(
            new_client_order_id(),
            trade.pair,
            trade.entry_side,
            order_type,
            amount,
            rate if order_type is OrderType.LIMIT else None,
            self.clock.now(),
            trade_id=trade.id,
            tag=tag,
            leverage=trade.leverage,
            rate=rate,
        )
        placed = await self._place_recorded(intent)
        return await self._book_added_entry(trade, intent, placed)

    async def _commit_booking(
        self, trade: Trade, intent: OrderIntent, order: Order, restore: Callable[[], None] | None = None
    ) -> None:
        """Commit ``trade`` with its newly appended ``order``, settling ``intent``.

        When the commit fails the order is taken back off the trade (and ``restore`` undoes other
        in-memory changes): the stored intent is how the order gets booked later, exactly once.
        """
        try:
            await self.repo.save_trade(trade, settles=intent)
        except BaseException as exc:
            self._unsettled_intents = self._unsettled_intents or isinstance(exc, StorageUnavailable)
            trade.orders.remove(order)
            if restore is not None:
                restore()
            raise

    async def _book_added_entry(self, trade: Trade, intent: OrderIntent, placed: ExchangeOrder) -> Order:
        """Add a placed entry order to an open trade, committed with the trade (settling its intent)."""
        order = new_order(trade.id or 0, trade.entry_side, placed, intent.tag, self.clock.now())
        trade.orders.append(order)
        await self._commit_booking(trade, intent, order)
        self.bus.publish(
            announce.entry_message(
                MessageType.ENTRY, trade, order, current_rate=self.prices.rate(trade.pair), fiat_currency=self._fiat
            )
        )
        if order.status is OrderStatus.CLOSED:
            await self._on_entry_filled(trade, order, placed.fee_rate)
        return order

    async def _on_added_entry_filled(self, trade: Trade, order: Order) -> None:
        """An added entry is done: amount, average open rate, stake and stop come from all filled orders."""
        realized = trade.realized_profit
        trade.recalc_from_orders(self.clock.now())
        await self.repo.save_trade(trade)
        self._realized_profit += trade.realized_profit - realized  # the same sum, recomputed from the orders
        if order.filled > 0:
            self.bus.publish(
                announce.entry_message(
                    MessageType.ENTRY_FILL,
                    trade,
                    order,
                    current_rate=self.prices.rate(trade.pair),
                    fiat_currency=self._fiat,
                )
            )

    async def _reprice(self, trade: Trade, order: Order, now: datetime) -> None:
        """After a new candle, ask the strategy whether an open order keeps its price (freqtrade's
        ``adjust_order_price``); a new price replaces the order's unfilled part, None cancels it."""
        newest_open = self.candles.newest_candle(trade.pair, self.timeframe)
        if not position.candle_closed_since(order, newest_open, timeframe_to_ms(self.timeframe) // 1000):
            return
        is_entry = order.ft_order_side == trade.entry_side
        if self.prices.rate(trade.pair) is None:
            return
        proposed = self._entry_price(trade.pair) if is_entry else self._exit_price(trade.pair)
        answer = strategy_answers.adjust_order_price(
            self.strategy.strategy, trade, order, now, proposed=proposed, is_entry=is_entry
        )
        decision = position.decide_reprice(order, answer)
        if decision is None:
            return
        remaining = order.amount - order.filled
        await self._cancel_order(trade, order, reason=decision.reason, replacing=decision.price is not None)
        if decision.price is None or order.ft_is_open or trade.id not in self._open:
            return
        try:
            if is_entry:
                stake = remaining * order.safe_price / trade.leverage
                await self._replace_entry(trade, stake, decision.price, order.ft_order_tag)
            else:
                reason = order.ft_order_tag or "order_replaced"
                await self._place_exit(
                    trade,
                    ExitDecision(reason),
                    decision.price,
                    order_type=OrderType.LIMIT,
                    amount=remaining,
                    price=decision.price,
                )
        except StorageUnavailable:
            raise
        except FtServerError as exc:
            log.warning("Could not replace order for trade %s (%s): %s", trade.id, trade.pair, exc)
            if trade.nr_of_successful_entries == 0 and not trade.has_open_orders:
                await self.repo.delete_trade(trade.id or 0)
                self._open.pop(trade.id or 0, None)

    async def _replace_entry(self, trade: Trade, stake: float, price: float, tag: str | None) -> Order:
        """The unfilled part of an entry order placed again at ``price`` (a limit order)."""
        market = self.market.markets[trade.pair]
        price = round_nearest(price, market.price_precision)
        amount = stake * trade.leverage / price
        check_limits(market, round_down(amount, market.amount_precision), price)
        intent = OrderIntent(
            new_client_order_id(),
            trade.pair,
            trade.entry_side,
            OrderType.LIMIT,
            amount,
            price,
            self.clock.now(),
            trade_id=trade.id,
            tag=tag,
            leverage=trade.leverage,
            rate=price,
        )
        placed = await self._place_recorded(intent)
        return await self._book_added_entry(trade, intent, placed)

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
            existing = next((t for t in self._open.values() if t.pair == pair), None)
            if existing is not None and not self._position_adjustment:
                raise Conflict(f"position for {pair} already open - id: {existing.id}")
            await self.prices.refresh([pair])  # act on the price of now, not of the last iteration
            otype = OrderType(order_type) if order_type else self._order_type("force_entry")
            if existing is not None:
                await self._force_add_entry(existing, otype, price, stake_amount, enter_tag)
                return existing
            return await self._open_trade(
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
        trade = self._open.get(trade_id)
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
            await self._cancel_order(trade, order, reason="force_exit")
        if trade.id not in self._open:
            return  # an unfilled entry was cancelled: the trade is gone
        await self.prices.refresh([trade.pair])
        rate = self.prices.rate(trade.pair)
        if rate is None:
            raise ExchangeError(f"No price for {trade.pair} yet")
        otype = OrderType(order_type) if order_type else self._order_type("force_exit")
        if amount is not None and amount <= 0:
            raise InvalidRequest("amount must be positive")
        await self._place_exit(
            trade, ExitDecision(ExitReason.FORCE_EXIT.value), rate, order_type=otype, amount=amount, price=price
        )

    async def delete_trade(self, trade_id: int) -> int:
        """Delete a trade (cancelling its open orders). Returns how many orders were cancelled."""
        async with self._changing():
            trade = self._open.get(trade_id) or await self.repo.get_trade(trade_id)
            if trade is None:
                raise NotFound(f"invalid argument: no trade with id {trade_id}")
            cancelled = 0
            for order in trade.open_orders:
                update = await self.broker.cancel_order(order)
                apply_update(order, update, self.clock.now())
                self._wallet_changed()
                cancelled += 1
            await self.repo.delete_trade(trade_id)
            self._open.pop(trade_id, None)
            self._realized_profit -= trade.realized_profit
            return cancelled

    async def cancel_open_order(self, trade_id: int) -> Trade:
        async with self._changing():
            trade = self._open_trade_or_404(trade_id)
            orders = trade.open_orders
            if not orders:
                raise Conflict(f"No open order for trade_id {trade_id}")
            for order in orders:
                await self._cancel_order(trade, order, reason="cancelled on user request")
            return trade

    async def reload_trade(self, trade_id: int) -> Trade:
        async with self._changing():
            trade = self._open.get(trade_id)
            if trade is None:
                stored = await self.repo.get_trade(trade_id)
                if stored is None:
                    raise NotFound(f"invalid argument: no trade with id {trade_id}")
                return stored
            await self._manage_open_orders(trade)
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
            self._announce_lock(lock)
            return lock

    async def unlock(self, lock_id: int | None = None, pair: str | None = None) -> None:
        async with self._changing():
            if lock_id is not None:
                await self.locks.unlock(lock_id)
            if pair is not None:
                await self.locks.unlock_pair(pair)


def _restore_exit_fields(trade: Trade, before: tuple[str | None, float | None, str | None]) -> None:
    trade.exit_reason, trade.close_rate_requested, trade.exit_order_status = before
