"""Live trading: the wallet follows the exchange account. It is read again after an order changed it
(placed, filled, cancelled) or once per refresh interval; a dry run has no account and reads nothing."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ftserver.bot.wallet import ExchangeWallet, Wallet
from ftserver.core import messages
from ftserver.core.bus import MessageBus
from ftserver.core.clock import Clock
from ftserver.errors import ExchangeError
from ftserver.exchange.base import Account
from ftserver.models import Trade

log = logging.getLogger(__name__)


class AccountSync:
    def __init__(self, account: Account | None, bus: MessageBus, clock: Clock, *, refresh: timedelta) -> None:
        self.account = account
        self.bus = bus
        self.clock = clock
        self._refresh = refresh
        self._read: datetime | None = None

    @property
    def stale(self) -> bool:
        """An order changed the account since the last read (live only)."""
        return self.account is not None and self._read is None

    def changed(self) -> None:
        """An order was placed, filled or cancelled: the next read goes to the exchange."""
        self._read = None

    async def refresh(
        self, wallet: Wallet, open_trades: list[Trade], realized_profit: float, *, force: bool = False
    ) -> None:
        """Read the exchange balances when stale or due (``force``: now). A failed read is announced and raised."""
        if self.account is None or not isinstance(wallet, ExchangeWallet):
            return
        now = self.clock.now()
        if not force and self._read is not None and now - self._read < self._refresh:
            return
        try:
            balances = await self.account.fetch_balance()
        except ExchangeError as exc:
            log.warning("Reading the exchange balance failed: %s", exc)
            self.bus.publish(messages.warning(f"Reading the exchange balance failed: {exc}"))
            raise
        wallet.update(balances, open_trades, realized_profit)
        self._read = now

    async def sellable(
        self, wallet: ExchangeWallet, trade: Trade, amount: float, open_trades: list[Trade], realized_profit: float
    ) -> float:
        """What the account really holds, when a little less than the trade says (a fee taken in the
        coin that the order answer did not report). Far less means coins moved elsewhere: refuse."""
        await self.refresh(wallet, open_trades, realized_profit, force=True)  # coins may have moved outside
        held = wallet.free(trade.base_currency)
        if held >= amount:
            return amount
        if held > amount * 0.98:
            log.info("%s: selling the %s %s held instead of %s", trade.pair, held, trade.base_currency, amount)
            if amount >= trade.amount:
                trade.amount = held
            return held
        raise ExchangeError(
            f"Not enough {trade.base_currency} to exit trade {trade.id}: it needs {amount}, the account has {held}"
        )
