"""The bot's money: how much it may stake, and the balances ``/balance`` reports.

``Wallet`` (dry-run) derives everything from the starting wallet and the trades, never storing a
balance: free stake = starting capital + realized profit - stake tied up in open trades, so a
restarted bot knows its balance from the trades table alone. ``ExchangeWallet`` (live) reads the
free stake and every balance from the exchange account instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from ftserver.decide.entry import unlimited_stake
from ftserver.errors import Conflict, InvalidRequest
from ftserver.exchange.base import AssetBalance
from ftserver.models import CurrencyBalance, Trade


class Wallet:
    def __init__(
        self,
        stake_currency: str,
        starting: float | Mapping[str, float],
        *,
        tradable_balance_ratio: float = 0.99,
        available_capital: float | None = None,
    ) -> None:
        self.stake_currency = stake_currency
        if isinstance(starting, Mapping):
            self.starting_balances = {k: float(v) for k, v in starting.items()}
        else:
            self.starting_balances = {stake_currency: float(starting)}
        self.tradable_balance_ratio = tradable_balance_ratio
        self.available_capital = available_capital

    @property
    def starting_balance(self) -> float:
        """The whole stake-currency balance the bot started with (the wallet, not its tradable share)."""
        return self.starting_balances.get(self.stake_currency, 0.0)

    @property
    def starting_capital(self) -> float:
        """Capital the bot trades with, in stake currency: ``available_capital`` when set, else the
        tradable share (``tradable_balance_ratio``) of the starting balance, as freqtrade reports it."""
        if self.available_capital is not None:
            return self.available_capital
        return self.starting_balances.get(self.stake_currency, 0.0) * self.tradable_balance_ratio

    @staticmethod
    def tied_stake(open_trades: Iterable[Trade]) -> float:
        """Stake currency held by open trades, entry fees included: what their filled coins cost plus
        what their entry orders on the book hold."""
        tied = 0.0
        for t in open_trades:
            if not t.orders and not t.amount:
                tied += t.stake_amount * (1 + t.fee_open)
            else:
                tied += t.open_trade_value_for(t.held_amount, t.open_rate) + t.pending_entry_value
        return tied

    def free_stake(self, open_trades: Iterable[Trade], realized_profit: float) -> float:
        return self.starting_balances.get(self.stake_currency, 0.0) + realized_profit - self.tied_stake(open_trades)

    def total_stake(self, open_trades: list[Trade], realized_profit: float) -> float:
        """What the bot trades with now, as freqtrade's total stake amount: ``available_capital`` plus
        the profit of closed trades, else the tradable share of what is free and what open trades hold."""
        if self.available_capital is not None:
            return self.available_capital + realized_profit - sum(t.realized_profit for t in open_trades)
        return (
            self.tied_stake(open_trades) + self.free_stake(open_trades, realized_profit)
        ) * self.tradable_balance_ratio

    def available_stake(self, open_trades: list[Trade], realized_profit: float) -> float:
        """Stake currency a new trade may use: the tradable share of the capital less what open trades
        hold, and never more than is free."""
        tied = self.tied_stake(open_trades)
        free = self.free_stake(open_trades, realized_profit)
        if self.available_capital is not None:
            capital = self.available_capital + realized_profit
        else:
            capital = free + tied
        return min(capital * self.tradable_balance_ratio - tied, free)

    def stake_for_new_trade(
        self,
        stake_amount: float | str,
        open_trades: list[Trade],
        realized_profit: float,
        max_open_trades: int,
        *,
        requested: float | None = None,
    ) -> float:
        """Stake for one more trade: ``requested`` (a force entry's), else the configured fixed amount,
        else an equal share of what is left when "unlimited". Each passes the same balance checks."""
        available = self.available_stake(open_trades, realized_profit)
        if requested is not None:
            stake = float(requested)
        elif stake_amount == "unlimited":
            if max_open_trades >= 0 and len(open_trades) >= max_open_trades:
                raise Conflict("No free trade slot for an unlimited stake")
            stake = unlimited_stake(available, self.tied_stake(open_trades), max_open_trades)
        else:
            stake = float(stake_amount)
        if not math.isfinite(stake) or stake <= 0:
            raise InvalidRequest(f"Stake amount must be a positive number, got {stake}")
        if stake > available + 1e-9:
            shown = f"{stake:.8f}" if stake < 1e15 else f"{stake:.8g}"  # not 300 digits for 1e300
            raise Conflict(
                f"Available balance ({max(available, 0.0):.8f} {self.stake_currency}) is lower than the stake "
                f"({shown} {self.stake_currency})"
            )
        return stake

    def balances(
        self, open_trades: list[Trade], realized_profit: float, rates: Mapping[str, float]
    ) -> list[CurrencyBalance]:
        """freqtrade's dry-run balances: stake in entry orders on the book is ``used`` stake currency,
        only filled amounts are coins (``used`` by exit orders on the book), and a coin's ``est_stake``
        is what selling it at the current rate would bring after the exit fee, as ``/profit`` counts it.
        So the total less the starting capital is the profit of all trades."""
        free = self.free_stake(open_trades, realized_profit)
        used = sum(t.pending_entry_value for t in open_trades)
        result = [CurrencyBalance(self.stake_currency, free, used, free + used, free + used)]
        coins: dict[str, tuple[float, float, float]] = {}  # currency -> (held, in exit orders, est_stake)
        for trade in open_trades:
            amount = trade.held_amount
            if amount <= 0:
                continue
            rate = rates.get(trade.pair)
            value = trade.close_trade_value(rate, amount) if rate else 0.0
            held, selling, estimate = coins.get(trade.base_currency, (0.0, 0.0, 0.0))
            coins[trade.base_currency] = (held + amount, selling + trade.pending_exit_amount, estimate + value)
        for currency, (held, selling, estimate) in coins.items():
            result.append(CurrencyBalance(currency, held - selling, selling, held, estimate))
        return result


class ExchangeWallet(Wallet):
    """Live money: the exchange account's balances, as last read with ``update``."""

    def __init__(
        self, stake_currency: str, *, tradable_balance_ratio: float = 0.99, available_capital: float | None = None
    ) -> None:
        super().__init__(
            stake_currency, 0.0, tradable_balance_ratio=tradable_balance_ratio, available_capital=available_capital
        )
        self.account: dict[str, AssetBalance] = {}
        self._starting = 0.0

    def update(self, account: Mapping[str, AssetBalance], open_trades: Iterable[Trade], realized_profit: float) -> None:
        self.account = dict(account)
        # What the bot started with: today's free stake, less what it earned, plus what it holds in trades.
        self._starting = self.free_stake((), 0.0) - realized_profit + self.tied_stake(open_trades)

    @property
    def starting_balance(self) -> float:
        return self._starting

    @property
    def starting_capital(self) -> float:
        if self.available_capital is not None:
            return self.available_capital
        return self._starting * self.tradable_balance_ratio

    def free_stake(self, open_trades: Iterable[Trade], realized_profit: float) -> float:
        return self.free(self.stake_currency)

    def free(self, currency: str) -> float:
        held = self.account.get(currency)
        return held.free if held else 0.0

    def balances(
        self, open_trades: list[Trade], realized_profit: float, rates: Mapping[str, float]
    ) -> list[CurrencyBalance]:
        traded = {t.base_currency for t in open_trades}
        result = []
        for held in self.account.values():
            if held.currency == self.stake_currency:
                estimate = held.total
            else:
                estimate = held.total * rates.get(f"{held.currency}/{self.stake_currency}", 0.0)
            managed = held.currency == self.stake_currency or held.currency in traded
            result.append(CurrencyBalance(held.currency, held.free, held.used, held.total, estimate, "long", managed))
        return result
