"""The ``/profit`` and ``/profit_all`` bodies: closed and overall profit, win rate, risk ratios, drawdown.

Conventions, from freqtrade's answers (2026.9):

- "closed" counts closed trades; "all" adds open trades valued at their current rate (an open trade
  without a known rate, or whose entry has not filled, is left out rather than turning sums into NaN).
- A closed trade with a profit ratio >= 0 is a winning trade, below 0 a losing one.
- ``profit_factor`` is null when there is no losing trade (freqtrade divides by zero into infinity,
  which its JSON encoder writes as null); ``expectancy_ratio`` is 100.0 when there is no loss.
- ``profit_*_fiat`` are the coin figures times ``fiat_rate`` (``fiat.fiat_rate``: 0 without a
  ``fiat_display_currency``, as freqtrade).
- ``first_trade`` / ``latest_trade`` are the open dates of the lowest and highest trade id.
- ``trading_volume`` sums the cost of every closed (filled, with a fill date) order of every trade,
  open or closed (``order_sums.traded_volume``); a trade without stored orders adds nothing.
- ``best_pair`` is /performance's first row: the pair with the largest summed profit among those
  with a filled entry order, its ratio being that profit over their entry cost.
- No trades: numbers are 0 / 0.0, dates "" and timestamps 0 (freqtrade's empty-database answer), except
  ``profit_factor`` (null) and ``expectancy_ratio`` (100.0) as above.

Risk ratios as freqtrade 2026.9 computes them for /profit, over closed trades rather than days:
each closed trade returns its profit over the starting balance, and the mean return per day is the
summed return over the days from the first to the latest trade's open date (trade-id order, open
trades included; whole days, at least 1). Sharpe = that mean / the population std of the returns *
sqrt(365); Sortino divides by the population std of the losing trades' returns instead; Calmar =
the mean return per day in percent / ``max_drawdown`` * sqrt(365). A ratio whose divisor is 0 or
undefined (one trade, no loss, no drawdown) is -100.0, freqtrade's mark for "not optimal"; with no
closed trade, or first and latest trade opened at the same instant, all three are 0.0. CAGR =
(final / starting balance) ** (365 / those days) - 1, the final balance being the starting balance
plus the closed profit. SQN = sqrt(n) * mean / std of closed trade profits (sample std), 4 decimals;
-100.0 for one trade or no spread, 0.0 for none (freqtrade's).

Drawdown is measured on the closed-trade balance (starting balance + cumulative closed profit) in
close order, the starting balance being the first peak. ``max_drawdown`` is the relative drop at the
largest absolute drop; ``current_drawdown_high`` is the peak's cumulative profit (not balance).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from ftserver.models import Trade, TradingMode, round8
from ftserver.rpc import order_sums
from ftserver.rpc.dates import format_date, format_duration, humanize_ago, to_ms
from ftserver.rpc.fiat import in_fiat
from ftserver.rpc.order_sums import EntryCost, TradedVolume
from ftserver.rpc.shapes.money import Profit, ProfitAll

Direction = Literal["long", "short"]

_DAYS_PER_YEAR = 365
_MAX_CAGR_EXPONENT = 709.0
_NOT_OPTIMAL = -100.0
_MIN_STD = 1e-12  # below this, a "spread" is float noise of identical returns


def _id_key(trade: Trade) -> tuple[bool, int, datetime]:
    """Trade-id order; trades not stored yet (no id) after the stored ones, by open date."""
    return (trade.id is None, trade.id or 0, trade.open_date)


def _close_key(trade: Trade) -> datetime:
    return trade.close_date or trade.open_date


def _open_profit(trade: Trade, rates: Mapping[str, float]) -> tuple[float, float] | None:
    """(abs including realized partial exits, ratio of the open position) at the current rate."""
    rate = rates.get(trade.pair)
    amount = trade.held_amount  # an entry order still on the book counts with what it filled
    if rate is None or amount <= 0:
        return None
    return round8(trade.calc_profit(rate, amount) + trade.realized_profit), trade.calc_profit_ratio(rate, amount)


def _drawdown(closed: Sequence[Trade], starting_balance: float) -> dict[str, Any]:
    """Max and current drawdown over ``closed`` (sorted by close date)."""
    balance = peak = starting_balance
    peak_date: datetime | None = closed[0].open_date if closed else None
    max_abs = max_rel = 0.0
    max_start: datetime | None = None
    max_end: datetime | None = None
    for trade in closed:
        balance += trade.close_profit_abs or 0.0
        if balance > peak:
            peak, peak_date = balance, trade.close_date
            continue
        drop = peak - balance
        if drop > max_abs:
            max_abs = drop
            max_rel = drop / peak if peak > 0 else 0.0
            max_start, max_end = peak_date, trade.close_date
    current_abs = peak - balance
    return {
        "max_drawdown": max_rel,
        "max_drawdown_abs": max_abs,
        "max_drawdown_start": format_date(max_start) or "",
        "max_drawdown_start_timestamp": to_ms(max_start) or 0,
        "max_drawdown_end": format_date(max_end) or "",
        "max_drawdown_end_timestamp": to_ms(max_end) or 0,
        "current_drawdown": current_abs / peak if peak > 0 else 0.0,
        "current_drawdown_abs": current_abs,
        "current_drawdown_high": peak - starting_balance if closed else 0.0,
        "current_drawdown_start": format_date(peak_date) or "",
        "current_drawdown_start_timestamp": to_ms(peak_date) or 0,
    }


def _population_std(values: Sequence[float]) -> float | None:
    """Population standard deviation; None for no values (numpy's NaN)."""
    if not values:
        return None
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _annualized(mean_per_day: float, divisor: float | None) -> float:
    if divisor is None or divisor < _MIN_STD:  # undefined, or 0 give or take float noise
        return _NOT_OPTIMAL
    return mean_per_day / divisor * math.sqrt(_DAYS_PER_YEAR)


def _cagr(starting_balance: float, final_balance: float, days: int) -> float:
    if final_balance < 0 or starting_balance <= 0:
        return 0.0
    exponent = math.log(final_balance / starting_balance) * _DAYS_PER_YEAR / days if final_balance else -math.inf
    # exp() overflows past ~709: freqtrade answers 0 for a growth too large to represent.
    return 0.0 if exponent > _MAX_CAGR_EXPONENT else math.expm1(exponent)


def _sqn(profits: Sequence[float]) -> float:
    count = len(profits)
    if not count:
        return 0.0
    if count == 1:  # no sample std
        return _NOT_OPTIMAL
    mean = sum(profits) / count
    std = math.sqrt(sum((p - mean) ** 2 for p in profits) / (count - 1))
    return round(math.sqrt(count) * mean / std, 4) if std > _MIN_STD else _NOT_OPTIMAL


def _expectancy(profits: Sequence[float]) -> tuple[float, float]:
    """(expectancy in stake currency per trade, expectancy ratio) over closed trade profits."""
    if not profits:
        return 0.0, 100.0
    wins = [p for p in profits if p > 0]
    losses = [p for p in profits if p < 0]
    average_win = sum(wins) / len(wins) if wins else 0.0
    average_loss = -sum(losses) / len(losses) if losses else 0.0
    win_rate = len(wins) / len(profits)
    loss_rate = len(losses) / len(profits)
    expectancy = win_rate * average_win - loss_rate * average_loss
    if average_loss > 0:
        return expectancy, (1 + average_win / average_loss) * win_rate - 1
    return expectancy, 100.0


class ClosedProfit:
    """What ``/profit`` says about closed trades, for one starting balance: computed once per set.

    FreqUI polls /profit every few seconds while trades close now and then: keeping this per
    version of the closed trades leaves a request only the open trades to value (``summarize``),
    and the risk ratios their window (which open trades may widen) to divide by.
    """

    def __init__(
        self,
        closed: Sequence[Trade],
        starting_balance: float,
        *,
        entry_cost: EntryCost = order_sums.entry_cost,
        traded_volume: TradedVolume = order_sums.traded_volume,
    ) -> None:
        """``closed``: trades that are not open, in the order their sums are taken (the product's:
        close date, then id); what their orders add up to comes from ``entry_cost`` and
        ``traded_volume`` (by default from the orders loaded with them)."""
        self.starting_balance = starting_balance
        closed_abs: list[float] = []
        closed_ratio: list[float] = []
        dated: list[Trade] = []
        winning = losing = 0
        winning_profit = losing_profit = 0.0
        duration_total = 0.0
        pair_abs: dict[str, float] = {}
        pair_cost: dict[str, float] = {}  # only pairs with a filled entry order, as freqtrade's best pair
        volume = 0.0
        for trade in closed:
            volume += traded_volume(trade)
            profit_abs = trade.close_profit_abs or 0.0
            ratio = trade.close_profit or 0.0
            closed_abs.append(profit_abs)
            closed_ratio.append(ratio)
            if ratio >= 0:
                winning += 1
                winning_profit += profit_abs
            else:
                losing += 1
                losing_profit += profit_abs
            pair = trade.pair
            pair_abs[pair] = pair_abs.get(pair, 0.0) + profit_abs
            cost = entry_cost(trade)
            if cost is not None:
                pair_cost[pair] = pair_cost.get(pair, 0.0) + cost
            if trade.close_date is not None:
                duration_total += (trade.close_date - trade.open_date).total_seconds()
                dated.append(trade)
        # Stable sort: trades closing at the same moment keep their (id) order.
        dated.sort(key=_close_key)
        self.count = len(closed_abs)
        # The sums the open trades' values are added to, in the order a single sum over all would take.
        self.abs_sum: float = sum(closed_abs)
        self.ratio_sum = sum(closed_ratio, 0.0)
        self.volume = volume
        self.first = min(closed, key=_id_key) if closed else None
        self.latest = max(closed, key=_id_key) if closed else None
        self._dated = dated

        closed_coin = round8(self.abs_sum)
        closed_mean = sum(closed_ratio) / len(closed_ratio) if closed_ratio else 0.0
        closed_total = closed_coin / starting_balance if starting_balance else 0.0
        average_duration = timedelta(seconds=duration_total / len(dated)) if dated else timedelta()
        best_pair = max(pair_cost, key=pair_abs.__getitem__) if pair_cost else ""
        best_ratio = pair_abs[best_pair] / pair_cost[best_pair] if best_pair and pair_cost[best_pair] else 0.0
        expectancy, expectancy_ratio = _expectancy([t.close_profit_abs or 0.0 for t in dated])
        self.drawdown = _drawdown(dated, starting_balance)
        self.closed_coin = closed_coin
        self.fields_before_all: dict[str, Any] = {
            "profit_closed_coin": closed_coin,
            "profit_closed_percent_mean": round(closed_mean * 100, 2),
            "profit_closed_ratio_mean": closed_mean,
            "profit_closed_percent_sum": round(self.ratio_sum * 100, 2),
            "profit_closed_ratio_sum": self.ratio_sum,
            "profit_closed_percent": round(closed_total * 100, 2),
            "profit_closed_ratio": closed_total,
        }
        self.fields_after_dates: dict[str, Any] = {
            "avg_duration": format_duration(average_duration),
            "best_pair": best_pair,
            "best_rate": round(best_ratio * 100, 2),
            "best_pair_profit_ratio": best_ratio,
            "best_pair_profit_abs": pair_abs.get(best_pair, 0.0),
            "winning_trades": winning,
            "losing_trades": losing,
            "profit_factor": winning_profit / abs(losing_profit) if losing_profit else None,
            "winrate": winning / len(closed_abs) if closed_abs else 0.0,
            "expectancy": expectancy,
            "expectancy_ratio": expectancy_ratio,
        }
        self.sqn = _sqn(closed_abs)
        returns = [(t.close_profit_abs or 0.0) / starting_balance for t in dated] if starting_balance > 0 else []
        self._return_sum = sum(returns)
        self._std = _population_std(returns)
        self._downside_std = _population_std([r for r in returns if r < 0])

    def ratios(self, first_open: datetime | None, latest_open: datetime | None) -> dict[str, float]:
        """Sharpe, Sortino, Calmar and CAGR between the open dates of the first and the latest trade."""
        if not self._dated or self.starting_balance <= 0 or first_open is None or latest_open is None:
            return {"sharpe": 0.0, "sortino": 0.0, "calmar": 0.0, "cagr": 0.0}
        days = max(1, (latest_open - first_open).days)
        cagr = _cagr(self.starting_balance, self.starting_balance + self.abs_sum, days)
        if first_open == latest_open:
            return {"sharpe": 0.0, "sortino": 0.0, "calmar": 0.0, "cagr": cagr}
        mean_per_day = self._return_sum / days
        return {
            "sharpe": _annualized(mean_per_day, self._std),
            "sortino": _annualized(mean_per_day, self._downside_std),
            "calmar": _annualized(mean_per_day * 100, self.drawdown["max_drawdown"]),
            "cagr": cagr,
        }


def summarize(
    closed: ClosedProfit,
    open_trades: Sequence[Trade],
    *,
    current_rates: Mapping[str, float],
    bot_start: datetime | None,
    now: datetime,
    fiat_rate: float = 0.0,
) -> Profit:
    """The ``/profit`` body: ``closed`` as computed once, plus ``open_trades`` valued at ``current_rates``."""
    open_abs: list[float] = []
    open_ratio: list[float] = []
    volume = closed.volume
    for trade in open_trades:
        volume += order_sums.traded_volume(trade)
        current = _open_profit(trade, current_rates)
        if current is not None:
            open_abs.append(current[0])
            open_ratio.append(current[1])

    starting_balance = closed.starting_balance
    all_count = closed.count + len(open_ratio)
    # Continued from the closed sums: what one sum over the closed then the open values gives.
    all_coin = round8(sum(open_abs, closed.abs_sum))
    all_sum = sum(open_ratio, closed.ratio_sum)
    all_mean = all_sum / all_count if all_count else 0.0
    all_total = all_coin / starting_balance if starting_balance else 0.0
    first = min([closed.first, *open_trades], key=_id_key) if closed.first else None
    latest = max([closed.latest, *open_trades], key=_id_key) if closed.latest else None
    if first is None and open_trades:
        first, latest = min(open_trades, key=_id_key), max(open_trades, key=_id_key)
    ratios = closed.ratios(first.open_date if first else None, latest.open_date if latest else None)
    return Profit(
        **closed.fields_before_all,
        profit_closed_fiat=in_fiat(closed.closed_coin, fiat_rate),
        profit_all_coin=all_coin,
        profit_all_percent_mean=round(all_mean * 100, 2),
        profit_all_ratio_mean=all_mean,
        profit_all_percent_sum=round(all_sum * 100, 2),
        profit_all_ratio_sum=all_sum,
        profit_all_percent=round(all_total * 100, 2),
        profit_all_ratio=all_total,
        profit_all_fiat=in_fiat(all_coin, fiat_rate),
        trade_count=closed.count + len(open_trades),
        closed_trade_count=closed.count,
        first_trade_date=format_date(first.open_date) if first else "",
        first_trade_humanized=humanize_ago(first.open_date, now) if first else "",
        first_trade_timestamp=to_ms(first.open_date) if first else 0,
        latest_trade_date=format_date(latest.open_date) if latest else "",
        latest_trade_humanized=humanize_ago(latest.open_date, now) if latest else "",
        latest_trade_timestamp=to_ms(latest.open_date) if latest else 0,
        **closed.fields_after_dates,
        sharpe=ratios["sharpe"],
        sortino=ratios["sortino"],
        sqn=closed.sqn,
        calmar=ratios["calmar"],
        cagr=ratios["cagr"],
        **closed.drawdown,
        trading_volume=volume,
        bot_start_timestamp=to_ms(bot_start) or 0,
        bot_start_date=format_date(bot_start) or "",
    )


def of_direction(trades: Sequence[Trade], direction: Direction | None) -> Sequence[Trade]:
    if direction is None:
        return trades
    want_short = direction == "short"
    return [t for t in trades if t.is_short == want_short]


def profit_summary(
    trades: Sequence[Trade],
    *,
    current_rates: Mapping[str, float],
    starting_balance: float,
    bot_start: datetime | None,
    now: datetime,
    fiat_rate: float = 0.0,
    direction: Direction | None = None,
) -> Profit:
    """The ``/profit`` body over ``trades`` (closed and open), optionally only long or short ones.

    Sums run over the closed trades (in their order here) and then the open ones.
    """
    trades = of_direction(trades, direction)
    closed = ClosedProfit([t for t in trades if not t.is_open], starting_balance)
    return summarize(
        closed,
        [t for t in trades if t.is_open],
        current_rates=current_rates,
        bot_start=bot_start,
        now=now,
        fiat_rate=fiat_rate,
    )


DIRECTIONS: tuple[Direction | None, ...] = (None, "long", "short")


def profit_all(
    trades: Sequence[Trade],
    *,
    current_rates: Mapping[str, float],
    starting_balance: float,
    bot_start: datetime | None,
    now: datetime,
    fiat_rate: float = 0.0,
    trading_mode: TradingMode | None = None,
) -> ProfitAll:
    """``{"all": ..., "long": ..., "short": ...}``; ``long``/``short`` are null in spot mode, like freqtrade.

    ``trading_mode`` None means: spot unless some trade was made in another mode.
    """
    if trading_mode is None:
        trading_mode = TradingMode.SPOT if all(t.trading_mode == TradingMode.SPOT for t in trades) else None
    closed = [t for t in trades if not t.is_open]
    parts = {d: ClosedProfit(of_direction(closed, d), starting_balance) for d in DIRECTIONS}
    return summarize_all(
        parts,
        [t for t in trades if t.is_open],
        spot=trading_mode == TradingMode.SPOT,
        current_rates=current_rates,
        bot_start=bot_start,
        now=now,
        fiat_rate=fiat_rate,
    )


def summarize_all(
    closed: Mapping[Direction | None, ClosedProfit],
    open_trades: Sequence[Trade],
    *,
    spot: bool,
    current_rates: Mapping[str, float],
    bot_start: datetime | None,
    now: datetime,
    fiat_rate: float = 0.0,
) -> ProfitAll:
    """The ``/profit_all`` body from the closed parts of each direction (None: all) and the open trades."""
    common: dict[str, Any] = {
        "current_rates": current_rates,
        "bot_start": bot_start,
        "now": now,
        "fiat_rate": fiat_rate,
    }
    parts: dict[Direction | None, Profit | None] = {}
    for direction in DIRECTIONS:
        if direction is not None and spot:
            parts[direction] = None
            continue
        parts[direction] = summarize(closed[direction], of_direction(open_trades, direction), **common)
    everything = parts[None]
    assert everything is not None  # "all" is never left out
    return ProfitAll(all=everything, long=parts["long"], short=parts["short"])
