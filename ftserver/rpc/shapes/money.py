"""Shapes of the money routes: balance, count, profit, performance, stats, periods and the wallet history."""

from __future__ import annotations

from dataclasses import field
from datetime import date

from ftserver.rpc.shapes import described, shape


@shape
class CurrencyBalance:
    currency: str
    free: float
    balance: float
    used: float
    bot_owned: float
    est_stake: float
    est_stake_bot: float
    stake: str
    side: str
    is_position: bool
    position: float
    is_bot_managed: bool


@shape
class Balance:
    currencies: list[CurrencyBalance]
    total: float
    total_bot: float
    symbol: str
    value: float
    value_bot: float
    stake: str
    note: str
    starting_capital: float
    starting_capital_ratio: float
    starting_capital_pct: float
    starting_capital_fiat: float
    starting_capital_fiat_ratio: float
    starting_capital_fiat_pct: float


@shape
class Count:
    current: int
    max: int = field(metadata=described("-1 for no limit"))
    total_stake: float


@shape
class Profit:
    profit_closed_coin: float
    profit_closed_percent_mean: float
    profit_closed_ratio_mean: float
    profit_closed_percent_sum: float
    profit_closed_ratio_sum: float
    profit_closed_percent: float
    profit_closed_ratio: float
    profit_closed_fiat: float
    profit_all_coin: float
    profit_all_percent_mean: float
    profit_all_ratio_mean: float
    profit_all_percent_sum: float
    profit_all_ratio_sum: float
    profit_all_percent: float
    profit_all_ratio: float
    profit_all_fiat: float
    trade_count: int
    closed_trade_count: int
    first_trade_date: str
    first_trade_humanized: str
    first_trade_timestamp: int
    latest_trade_date: str
    latest_trade_humanized: str
    latest_trade_timestamp: int
    avg_duration: str
    best_pair: str
    best_rate: float
    best_pair_profit_ratio: float
    best_pair_profit_abs: float
    winning_trades: int
    losing_trades: int
    profit_factor: float | None = field(metadata=described("null without a losing trade"))
    winrate: float
    expectancy: float
    expectancy_ratio: float
    sharpe: float
    sortino: float
    sqn: float
    calmar: float
    cagr: float
    max_drawdown: float
    max_drawdown_abs: float
    max_drawdown_start: str
    max_drawdown_start_timestamp: int
    max_drawdown_end: str
    max_drawdown_end_timestamp: int
    current_drawdown: float
    current_drawdown_abs: float
    current_drawdown_high: float
    current_drawdown_start: str
    current_drawdown_start_timestamp: int
    trading_volume: float
    bot_start_timestamp: int
    bot_start_date: str


@shape
class ProfitAll:
    all: Profit
    long: Profit | None = field(metadata=described("null in spot mode"))
    short: Profit | None = field(metadata=described("null in spot mode"))


@shape
class PairPerformance:
    profit_ratio: float
    profit_pct: float
    profit_abs: float
    count: int
    pair: str
    profit: float = field(metadata=described("profit_pct, for old clients"))


@shape
class EntryPerformance:
    profit_ratio: float
    profit_pct: float
    profit_abs: float
    count: int
    enter_tag: str


@shape
class ExitPerformance:
    profit_ratio: float
    profit_pct: float
    profit_abs: float
    count: int
    exit_reason: str


@shape
class MixTagPerformance:
    profit_ratio: float
    profit_pct: float
    profit_abs: float
    count: int
    mix_tag: str


@shape
class OutcomeCount:
    wins: int
    losses: int
    draws: int


@shape
class OutcomeDuration:
    wins: float | None
    draws: float | None
    losses: float | None


@shape
class Stats:
    exit_reasons: dict[str, OutcomeCount]
    durations: OutcomeDuration = field(metadata=described("mean seconds per outcome"))


@shape
class HistoricBalance:
    columns: list[str]
    data: list[tuple[str, int, float]] = field(metadata=described("rows of [date, epoch ms, total in stake currency]"))
    length: int
    capture_start_ts: int | None


@shape
class PeriodProfit:
    date: date
    abs_profit: float
    rel_profit: float
    starting_balance: float
    fiat_value: float
    trade_count: int


@shape
class Periods:
    """``/daily``, ``/weekly`` and ``/monthly``: newest period first."""

    data: list[PeriodProfit]
    fiat_display_currency: str
    stake_currency: str
