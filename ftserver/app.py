"""The composition root: the only place that picks concrete classes and wires them together.

Resources open in ``cleanup_ctx`` order — notification channels (each its own bus subscriber, so
they hear the loop's start-up), then database, market and broker, bus, trading loop — and close in
reverse, so a shutdown stops the loop before the bus, the bus before the database, and the channels
deliver what the loop said last.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web

from ftserver.api import keys
from ftserver.api.setup import setup_api
from ftserver.bot.loop import TradingLoop
from ftserver.config import Settings
from ftserver.consumer.client import ExternalMessageConsumer
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock, SystemClock
from ftserver.core.instruments import Instruments
from ftserver.core.startup_heap import freeze_startup_heap
from ftserver.data.cache import CandleCache
from ftserver.data.producer_data import ProducerData
from ftserver.exchange.base import Account, Broker, MarketData
from ftserver.exchange.factory import create_live_broker, create_market
from ftserver.exchange.measured import MeasuredAccount, MeasuredBroker, MeasuredMarket
from ftserver.exchange.paper import PaperBroker
from ftserver.jobs.registry import JobRegistry
from ftserver.logs import LogBuffer
from ftserver.models import RunMode
from ftserver.notify.notifications import Notifications
from ftserver.persistence.access import AccessRepository
from ftserver.persistence.db import Database
from ftserver.persistence.state_file import JsonStateFile
from ftserver.persistence.trades import TradeRepository
from ftserver.research.history import Research
from ftserver.research.webserver_backtest import WebserverBacktest
from ftserver.research.webserver_jobs import WebserverJobs
from ftserver.rpc.facade import Rpc
from ftserver.strategy.loader import builtin_strategy_dir, load_strategy
from ftserver.strategy.safe import SafeStrategy
from ftserver.strategy.support import unsupported_uses
from ftserver.telegram.front import TelegramFront

log = logging.getLogger(__name__)

BOT: web.AppKey[TradingLoop] = web.AppKey("bot", TradingLoop)
CONSUMER: web.AppKey[ExternalMessageConsumer] = web.AppKey("consumer", ExternalMessageConsumer)
NOTIFICATIONS: web.AppKey[Notifications] = web.AppKey("notifications", Notifications)
TELEGRAM: web.AppKey[TelegramFront] = web.AppKey("telegram", TelegramFront)


def strategy_for(settings: Settings) -> SafeStrategy:
    """Load the configured strategy from the user's strategy_path, then the built-in ones.

    The trading loop gives each one it runs (at start and on each reload_config) its ``self.dp``.
    """
    paths = [settings.strategy_path, builtin_strategy_dir()]
    strategy = load_strategy(settings.strategy, paths, settings.as_dict())
    for problem in unsupported_uses(strategy, trading_mode=settings.trading_mode):
        log.warning("%s", problem)
    return SafeStrategy(strategy)


def create_app(
    settings: Settings,
    *,
    runmode: RunMode | None = None,
    market: MarketData | None = None,
    broker: Broker | None = None,
    clock: Clock | None = None,
    log_buffer: LogBuffer | None = None,
    settings_loader: Callable[[], Settings] | None = None,
) -> web.Application:
    """Build the whole server. ``market``/``broker``/``clock`` may be injected (tests, benchmarks)."""
    clock = clock or SystemClock()
    runmode = runmode or (RunMode.DRY_RUN if settings.dry_run else RunMode.LIVE)
    app = web.Application(client_max_size=settings.api_server.max_request_body)
    bus = MessageBus()
    app[keys.SETTINGS] = settings
    app[keys.BUS] = bus
    instruments = Instruments()
    app[keys.INSTRUMENTS] = instruments
    if log_buffer is None:  # an empty buffer is falsy (it has a length): test for None
        log_buffer = LogBuffer(settings.internals.log_buffer_size)
    app[keys.LOG_BUFFER] = log_buffer
    research = Research(settings)
    app[keys.RESEARCH] = research
    rpc = Rpc(settings, runmode=runmode, clock=clock, log_buffer=app[keys.LOG_BUFFER], research=research)
    app[keys.RPC] = rpc
    access = AccessRepository(settings.db_url, clock, pool_size=settings.db_pool_size)

    async def access_records(app: web.Application) -> AsyncIterator[None]:
        await access.open()  # API tokens and the audit log, in both run modes
        yield
        await access.close()

    setup_api(
        app,
        settings,
        clock=clock,
        ban_store=JsonStateFile(settings.user_data_dir / "api_bans.json"),
        revocation_store=JsonStateFile(settings.user_data_dir / "api_revoked_tokens.json"),
        access=access,
    )

    if runmode is RunMode.WEBSERVER:
        registry = JobRegistry(clock=clock, bus=bus)
        jobs = WebserverJobs(settings, registry, clock)
        app[keys.JOBS] = jobs
        app[keys.BACKTEST] = WebserverBacktest(settings, registry, jobs.catalog)

        async def background_jobs(app: web.Application) -> AsyncIterator[None]:
            yield
            await registry.close()  # running jobs are asked to stop and awaited

        app.cleanup_ctx.append(background_jobs)
        app.cleanup_ctx.append(access_records)
        return app

    async def notifications(app: web.Application) -> AsyncIterator[None]:
        # Opened before the trading loop so its start-up messages are heard, closed after it.
        async with aiohttp.ClientSession() as session:
            channels = Notifications(settings, bus, session, clock=clock)
            app[NOTIFICATIONS] = channels
            await channels.start()
            telegram = (
                TelegramFront(settings, bus, rpc, clock=clock, audit=access) if settings.telegram.enabled else None
            )
            if telegram is not None:
                app[TELEGRAM] = telegram
                await telegram.start()
            try:
                yield
            finally:
                if telegram is not None:
                    await telegram.close()
                await channels.close()

    async def trading(app: web.Application) -> AsyncIterator[None]:
        # What producers sent, for the life of the process, empty unless a consumer fills it: a
        # reloaded strategy's self.dp reads what the consumer received before the reload.
        producer_data = ProducerData()
        strategy = strategy_for(settings)  # user code fails here, before anything is opened
        app[NOTIFICATIONS].describe_strategy(strategy.name, str(strategy.strategy.timeframe))
        active_market = market or create_market(
            settings.exchange, clock=clock, fee=settings.fee, on_warning=_warn_on(bus)
        )
        account: Account | None = None
        if broker is not None:
            active_broker = broker
        elif runmode is RunMode.LIVE:
            live = create_live_broker(active_market, on_warning=_warn_on(bus))
            active_broker, account = live, live
        else:
            active_broker = PaperBroker(active_market, clock=clock, fee=settings.fee)
        db: Database | None = None
        try:
            db = await Database.open(
                settings.db_url, pool_size=settings.db_pool_size, write_timings=instruments.db_writes
            )
            repo = TradeRepository(db, clock)
            bot = TradingLoop(
                settings,
                # Every exchange call the bot makes is timed and its failures counted, by method, here.
                market=MeasuredMarket(active_market, instruments),
                broker=MeasuredBroker(active_broker, instruments),
                repo=repo,
                strategy=strategy,
                bus=bus,
                clock=clock,
                cache=CandleCache(),
                settings_loader=settings_loader,
                strategy_factory=strategy_for,
                account=MeasuredAccount(account, instruments) if account is not None else None,
                producer_data=producer_data,
                on_reload=app[NOTIFICATIONS].reconfigure if NOTIFICATIONS in app else None,
                instruments=instruments,
            )
            await bot.startup()
            consumer_config = settings.external_message_consumer
            if consumer_config.enabled:
                consumer = ExternalMessageConsumer(
                    consumer_config, producer_data, on_whitelist=bot.set_external_whitelist
                )
                await consumer.start()
                app[CONSUMER] = consumer
            rpc.attach(bot, repo)
            app[BOT] = bot
            freeze_startup_heap()  # before the first iteration, which allocates the most
            task = asyncio.get_running_loop().create_task(bot.run(), name="trading-loop")
            yield
            await bot.close()
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                log.warning("Trading loop did not stop within 10 s; cancelled")
            if settings.cancel_open_orders_on_exit:
                log.info("Cancelled %d open order(s) on exit", await bot.cancel_all_open_orders())
        finally:
            if CONSUMER in app:
                await app[CONSUMER].close()
            rpc.detach()
            await bus.close()
            with contextlib.suppress(Exception):
                await active_broker.close()
            if market is None:
                await active_market.close()
            if db is not None:
                await db.close()

    app.cleanup_ctx.append(notifications)
    app.cleanup_ctx.append(trading)
    # Opened last: a start-up that fails before (an unknown strategy) leaves no connection open to
    # hold the process, since a failed start-up never runs the cleanup of what it had opened.
    app.cleanup_ctx.append(access_records)
    return app


def _warn_on(bus: MessageBus) -> Callable[[str], None]:
    def warn(text: str) -> None:
        bus.publish(messages.warning(text))

    return warn
