"""The trade desk: how the trading loop's decisions become orders, trades and announcements.

Every order is written down as an intent before it is placed and booked on its trade after
(``place_recorded``, ``reconcile_intents`` for what a crash left between the two); entries open
trades, fills and cancels update them, exits close them, position adjustments add to them or sell
part of them, and each change is committed before its message goes on the bus. What to do is not
decided here: the loop asks ``ftserver.decide`` and hands the answer over. The desk holds the open
trades and the realized profit; the loop reads them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from ftserver.bot import announce
from ftserver.bot.account_sync import AccountSync
from ftserver.bot.candles import CandleFeed
from ftserver.bot.locks import PairLocks
from ftserver.bot.order_types import order_type_for, time_in_force_for
from ftserver.bot.orders import apply_update, new_order
from ftserver.bot.pricing import Prices
from ftserver.bot.wallet import ExchangeWallet, Wallet
from ftserver.config import Settings
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.core.instruments import Instruments
from ftserver.core.messages import MessageType
from ftserver.data.timeframes import timeframe_to_minutes, timeframe_to_ms
from ftserver.decide import cancels, position, strategy_answers
from ftserver.decide.entry import (
    clamp_stake,
    max_stake,
    min_stake,
    valid_custom_price,
)
from ftserver.decide.exit_checks import ExitDecision, check_after_fill, check_exits
from ftserver.decide.fills import book_entry_fill, book_exit_fill
from ftserver.decide.timeouts import order_timed_out
from ftserver.errors import (
    Conflict,
    ExchangeError,
    ExchangeUnavailable,
    FtServerError,
    InvalidRequest,
    StorageUnavailable,
)
from ftserver.exchange.base import Broker, ExchangeOrder, MarketData, new_client_order_id
from ftserver.exchange.order_rules import check_limits, round_down, round_nearest
from ftserver.models import (
    BotState,
    ExitReason,
    Order,
    OrderSide,
    OrderStatus,
    OrderType,
    PairLock,
    Trade,
)
from ftserver.persistence.intents import OrderIntent
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.safe import SafeStrategy

log = logging.getLogger(__name__)

FORCE_ENTRY_TAG = "force_entry"


class TradeDesk:
    def __init__(
        self,
        *,
        market: MarketData,
        broker: Broker,
        repo: TradeRepository,
        bus: MessageBus,
        clock: Clock,
        prices: Prices,
        candles: CandleFeed,
        locks: PairLocks,
        account_sync: AccountSync,
        instruments: Instruments,
        state: Callable[[], BotState],
    ) -> None:
        self.market = market
        self.broker = broker
        self.repo = repo
        self.bus = bus
        self.clock = clock
        self.prices = prices
        self.candles = candles
        self.locks = locks
        self.account_sync = account_sync
        self.instruments = instruments
        self._state = state
        self.open: dict[int, Trade] = {}
        self.realized_profit = 0.0
        # An order whose placement had no clear answer is still written down: look it up next iteration.
        self.unsettled_intents = False
        # Set while writes fail (announced once when it starts and once when it ends).
        self.storage_failure: str | None = None

    def configure(self, settings: Settings, strategy: SafeStrategy, wallet: Wallet) -> None:
        """The settings, strategy and wallet in force (again after ``reload_config``)."""
        self.settings = settings
        self.strategy = strategy
        self.wallet = wallet

    @property
    def open_trades(self) -> list[Trade]:
        return sorted(self.open.values(), key=lambda t: t.id or 0)

    @property
    def timeframe(self) -> str:
        return str(self.strategy.strategy.timeframe)

    @property
    def _fiat(self) -> str:
        return self.settings.fiat_display_currency

    async def refresh_wallet(self, *, force: bool = False) -> None:
        await self.account_sync.refresh(self.wallet, self.open_trades, self.realized_profit, force=force)

    async def storage_writable(self) -> bool:
        """Probe the database with a cheap write; announce when writes start or stop failing."""
        try:
            await self.repo.probe_write()
        except StorageUnavailable as exc:
            self.storage_failed(exc.reason)
            return False
        if self.storage_failure is not None:
            self.storage_failure = None
            log.warning("The trade database can be written again; trading resumes")
            self.bus.publish(messages.warning("The trade database can be written again; trading resumes"))
            await self.reconcile_intents()  # an order placed while the write after it failed
        return True

    # ---- orders written down before they are placed -------------------------------------------
    async def _place_recorded(self, intent: OrderIntent) -> ExchangeOrder:
        """Commit the intent, then place the order under its client order id.

        If the intent cannot be committed, nothing is placed (``StorageUnavailable``). If the order
        is refused, the intent goes; when the answer is lost (``ExchangeUnavailable``) or the call is
        cancelled, it stays for ``reconcile_intents`` to ask the exchange about.
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
            self.unsettled_intents = True
            raise
        except Exception:
            with contextlib.suppress(StorageUnavailable):
                await self.repo.drop_intent(intent)
            raise
        self.account_sync.changed()
        return placed

    async def reconcile_intents(self) -> None:
        """Book the orders that were written down but never recorded as placed, if the exchange has them.

        Found by client order id: booked as the entry or exit it was meant to be. Not found: it was
        never placed, and the intent is dropped. The exchange not answering keeps the intent for the
        next iteration.
        """
        self.unsettled_intents = False
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
                self.unsettled_intents = True
                continue
            trade = None if intent.is_entry else (self.open.get(intent.trade_id or 0))
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

    def storage_failed(self, reason: str) -> None:
        if self.storage_failure is not None:
            return
        self.storage_failure = reason
        text = (
            f"The trade database cannot be written: {reason}; no orders are placed (entries, exits, "
            "stoplosses) until it can"
        )
        log.error("%s", text)
        self.bus.publish(messages.warning(text))

    # ---- entries -----------------------------------------------------------------------------
    def order_type(self, purpose: str) -> OrderType:
        return order_type_for(purpose, self.settings, self.strategy.strategy.order_types)

    def _time_in_force(self, purpose: str) -> str:
        return time_in_force_for(purpose, self.settings, self.strategy.strategy.order_time_in_force)

    def _entry_price(self, pair: str) -> float:
        return self.prices.entry_price(pair, self.settings.entry_pricing.price_side)

    def _exit_price(self, pair: str) -> float:
        return self.prices.exit_price(pair, self.settings.exit_pricing.price_side)

    async def open_trade(
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
        available = self.wallet.available_stake(self.open_trades, self.realized_profit)
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
            self.realized_profit,
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
            self.unsettled_intents = True  # placed but not booked: its intent books it later
            raise
        self.open[trade.id or 0] = trade
        self.instruments.trades_opened.add(trade.enter_tag or "Other")  # as /entries names it
        self.bus.publish(
            announce.entry_message(
                MessageType.ENTRY, trade, order, current_rate=self.prices.rate(pair), fiat_currency=self._fiat
            )
        )
        if order.status is OrderStatus.CLOSED:
            await self._on_entry_filled(trade, order, placed.fee_rate)
        return trade

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
    async def manage_open_orders(self, trade: Trade) -> None:
        for order in trade.open_orders:
            update = await self.broker.refresh_order(order)
            now = self.clock.now()
            changed = apply_update(order, update, now)
            if changed:
                self.account_sync.changed()
            if order.status is OrderStatus.CLOSED:
                if order.ft_order_side == trade.entry_side:
                    await self._on_entry_filled(trade, order, update.fee_rate)
                else:
                    await self._on_exit_filled(trade, order, update.fee_rate)
            elif order.status is OrderStatus.OPEN and order_timed_out(
                self.strategy.strategy, trade, order, now, self.settings.unfilledtimeout
            ):
                await self.cancel_order(trade, order, reason="timeout")
            elif changed:
                await self.repo.save_order(order)
            if order.ft_is_open and trade.id in self.open:
                await self._reprice(trade, order, now)

    async def cancel_order(self, trade: Trade, order: Order, *, reason: str, replacing: bool = False) -> None:
        update = await self.broker.cancel_order(order)
        apply_update(order, update, self.clock.now())
        self.account_sync.changed()
        current = self.prices.rate(trade.pair)
        if order.ft_order_side == trade.entry_side:
            outcome = cancels.after_entry_cancel(trade, order, replacing=replacing)
            if outcome is cancels.EntryCancel.DROP_TRADE:
                await self.repo.delete_trade(trade.id or 0)
                self.open.pop(trade.id or 0, None)
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
    async def check_exit(self, trade: Trade) -> None:
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
            if await self.place_exit(trade, decision, rate) is not None:
                return
        if check.stop_moved:
            await self.repo.save_trade(trade)

    async def place_exit(
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
            order_type = self.order_type("stoploss" if decision.is_stoploss else "exit")
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
                self.wallet, trade, exit_amount, self.open_trades, self.realized_profit
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
            self.open.pop(trade.id or 0, None)
        self.realized_profit += profit
        self._after_fill(trade, order)
        await self.repo.save_trade(trade)
        self.bus.publish(
            announce.exit_message(MessageType.EXIT_FILL, trade, order, current_rate=None, fiat_currency=self._fiat)
        )
        if not trade.is_open:
            for lock in await self.locks.apply_protections(self.settings.protections, trade.pair, self.timeframe):
                self.announce_lock(lock)

    def _after_fill(self, trade: Trade, order: Order) -> None:
        """The strategy hears of the fill (``order_filled``), then its ``custom_stoploss`` may be asked again."""
        strategy, now = self.strategy.strategy, self.clock.now()
        strategy_answers.order_filled(strategy, trade, order, now)
        check_after_fill(trade, strategy, self.prices.rate(trade.pair), now)

    def announce_lock(self, lock: PairLock) -> None:
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
    def position_adjustment(self) -> bool:
        return position.adjustment_enabled(
            self.settings.position_adjustment_enable, self.strategy.strategy.position_adjustment_enable
        )

    @property
    def max_entry_adjustments(self) -> int:
        return position.max_entry_adjustments(
            self.settings.max_entry_position_adjustment, self.strategy.strategy.max_entry_position_adjustment
        )

    async def adjust_positions(self) -> None:
        """Ask the strategy about each open trade holding coins; one trade's failure leaves the others."""
        for trade in self.open_trades:
            if trade.id not in self.open or trade.nr_of_successful_entries == 0:
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
        available = self.wallet.available_stake(self.open_trades, self.realized_profit)
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
            max_entry_adjustments=self.max_entry_adjustments,
            paused=self._state() is not BotState.RUNNING,
        )
        if decision is None or not await self._make_room(trade, decision, entry_rate, exit_rate):
            return
        if isinstance(decision, position.AddEntry):
            await self._add_entry(trade, decision.stake, entry_rate, decision.tag)
        else:
            reason = decision.tag or ExitReason.PARTIAL_EXIT.value
            await self.place_exit(trade, ExitDecision(reason, exit_tag=decision.tag), exit_rate, amount=decision.amount)

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
            await self.cancel_order(trade, order, reason=position.REPLACE_REASON, replacing=True)
        return trade.id in self.open and not trade.has_open_orders

    async def force_add_entry(
        self, trade: Trade, order_type: OrderType, price: float | None, stake: float | None, tag: str | None
    ) -> None:
        """``/forceenter`` on a pair already traded, with position adjustment on: one more entry, as in freqtrade."""
        if trade.has_open_orders:
            ids = ",".join(o.order_id for o in trade.open_orders)
            raise Conflict(f"position for {trade.pair} already open - id: {trade.id} and has open order {ids}")
        if not stake:
            stake = self.wallet.stake_for_new_trade(
                self.settings.stake_amount, self.open_trades, self.realized_profit, self.settings.max_open_trades
            )
        rate = price if price is not None else self._entry_price(trade.pair)
        await self._add_entry(trade, stake, rate, tag or FORCE_ENTRY_TAG, order_type=order_type)

    async def _add_entry(
        self, trade: Trade, stake: float, rate: float, tag: str | None, *, order_type: OrderType | None = None
    ) -> Order:
        """One more entry order for ``trade``, under the same stake and market limits as a new trade."""
        market = self.market.markets[trade.pair]
        order_type = order_type or self.order_type("entry")
        if order_type is OrderType.LIMIT:
            rate = round_nearest(rate, market.price_precision)
        # Live: an order placed earlier in this iteration made the balance stale; read it again first.
        await self.refresh_wallet()
        stake = self.wallet.stake_for_new_trade(
            self.settings.stake_amount,
            self.open_trades,
            self.realized_profit,
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
            self.unsettled_intents = self.unsettled_intents or isinstance(exc, StorageUnavailable)
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
        self.realized_profit += trade.realized_profit - realized  # the same sum, recomputed from the orders
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
        await self.cancel_order(trade, order, reason=decision.reason, replacing=decision.price is not None)
        if decision.price is None or order.ft_is_open or trade.id not in self.open:
            return
        try:
            if is_entry:
                stake = remaining * order.safe_price / trade.leverage
                await self._replace_entry(trade, stake, decision.price, order.ft_order_tag)
            else:
                reason = order.ft_order_tag or "order_replaced"
                await self.place_exit(
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
                self.open.pop(trade.id or 0, None)

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


def _restore_exit_fields(trade: Trade, before: tuple[str | None, float | None, str | None]) -> None:
    trade.exit_reason, trade.close_rate_requested, trade.exit_order_status = before
