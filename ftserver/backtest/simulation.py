"""The trade simulation of a backtest, with freqtrade's backtesting semantics over ``decide/``.

Time advances candle by candle over all pairs at once (``max_open_trades`` and the wallet make pairs
interact); within a candle the pairs with an open trade come first, then the others in pairlist order.
For each pair: an entry at the candle's open when the previous candle signalled one, a slot is free and
this is not the last candle; then the open trade's exits within the candle (``decide.candle_exit``:
exit signal or ``custom_exit``, stoploss, ROI, trailing stop, each with its fill rate in the candle).
Trades still open when the data ends are closed at the last candle's open as ``force_exit``.

Two walks give that order. When the strategy has no callback that sees each candle (``exit_walk``),
entries are taken in time order and each trade is walked straight to its exit, judging only the
candles that can end it; an exit waits in a queue until the clock passes it, so slots and stakes are
freed exactly when the per-candle walk frees them. Otherwise every candle of every open trade is
judged in time order, and while no trade is open the clock jumps to the next candle any pair signals
an entry on.

Entries on a locked pair are refused (``lock_book``: the protections' locks after each exit, and the
strategy's own). With ``timeframe_detail`` a third walk splits each candle with something to do into
its detail candles (``_by_detail_candle``). With position adjustment the strategy's
``adjust_trade_position`` is asked at each candle's open before the exits (``decide.position`` reads
its answer, as in the live bot): an added entry or a partial exit fills at the open, and the trade
keeps its orders, from which its average, amount, stake and profit are recomputed. Spot, long trades;
a limit order the candle never reaches is not placed (freqtrade would keep it open).
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ftserver.backtest.analysis import AnalysisAborted, PairSignals
from ftserver.backtest.exit_walk import PairColumns, walk_to_exit, walks_by_trade
from ftserver.backtest.lock_book import LockBook
from ftserver.backtest.price_ticks import MonthTicks
from ftserver.backtest.records import LEFT_OPEN_EXIT_REASON, BacktestOrder, BacktestTrade
from ftserver.decide import position, strategy_answers
from ftserver.decide.candle_exit import Candle, candle_exits, close_rate
from ftserver.decide.entry import max_stake, min_stake, unlimited_stake
from ftserver.decide.exit_checks import check_after_fill
from ftserver.decide.protections.rule import ProtectionSettings
from ftserver.exchange.base import Market
from ftserver.exchange.order_rules import round_down, round_nearest
from ftserver.models import ExitReason, Order, OrderSide, OrderStatus, OrderType, Trade
from ftserver.strategy.base import Strategy
from ftserver.strategy.pair_locks import MemoryPairLocks

# Stop at most this often to look at the abort flag and report progress (candles).
_REPORT_EVERY = 2000
_NEVER = 2**62  # the exit time of a trade the data ends before


@dataclass(slots=True)
class Wallet:
    """The stake currency of a backtest, as freqtrade's dry-run wallet counts it: free = start + closed
    profit - the stakes of open trades; a new trade gets at most the tradable share of the rest."""

    starting_balance: float
    tradable_balance_ratio: float
    available_capital: float | None = None
    closed_profit: float = 0.0

    def free(self, open_trades: Sequence[Trade]) -> float:
        return self.starting_balance + self.closed_profit - sum(t.stake_amount for t in open_trades)

    def available(self, open_trades: Sequence[Trade]) -> float:
        tied = sum(t.stake_amount for t in open_trades)
        free = self.starting_balance + self.closed_profit - tied
        if self.available_capital is not None:
            total = self.available_capital + self.closed_profit
        else:
            total = (tied + free) * self.tradable_balance_ratio
        return min(total - tied, free)

    def stake(self, stake_amount: float | str, open_trades: Sequence[Trade], max_open_trades: int) -> float:
        """The stake for a new trade; 0 when the balance cannot give it."""
        available = self.available(open_trades)
        if stake_amount == "unlimited":
            return unlimited_stake(available, sum(t.stake_amount for t in open_trades), max_open_trades)
        wanted = float(stake_amount)
        return wanted if available >= wanted else 0.0

    @property
    def total(self) -> float:
        return self.starting_balance + self.closed_profit


@dataclass(slots=True)
class Outcome:
    trades: list[BacktestTrade] = field(default_factory=list)
    rejected_signals: int = 0
    final_balance: float = 0.0
    locks: list[dict[str, Any]] = field(default_factory=list)  # every lock taken, as freqtrade stores them


def simulate(
    strategy: Strategy,
    signals: Mapping[str, PairSignals],
    *,
    wallet: Wallet,
    stake_amount: float | str,
    max_open_trades: int,
    fee: float,
    markets: Mapping[str, Market],
    timeframe_minutes: int,
    price_ticks: Mapping[str, pd.Series] | None = None,
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    protections: Sequence[ProtectionSettings] = (),
    timeframe: str | None = None,
    detail: Mapping[str, DetailCandles] | None = None,
    detail_minutes: int = 0,
    position_adjustment: bool = False,
    max_entry_adjustments: int = -1,
) -> Outcome:
    """Run the trades of ``signals`` (pair -> prepared candles, in pairlist order). ``price_ticks``:
    each pair's price step by month (``price_ticks.ticks_by_month``); the market's step otherwise.
    ``protections``: the rules that lock pairs after exits (none unless protections are enabled);
    ``timeframe``: the candles' timeframe as text (the minutes' when not given); ``detail``: each
    pair's candles of the smaller ``detail_minutes`` timeframe (``timeframe_detail``);
    ``position_adjustment``: ask the strategy's ``adjust_trade_position`` on every candle of an open
    trade (at most ``max_entry_adjustments`` added entries, -1 for no limit)."""
    clock = _Clock()
    # The strategy's own lock_pair/is_pair_locked work in backtest time.
    strategy.pair_locks = MemoryPairLocks(now=clock.now)
    book = LockBook(protections, timeframe or f"{timeframe_minutes}m", strategy.pair_locks)
    rules = _Rules(
        strategy=strategy,
        stake_amount=stake_amount,
        max_open_trades=max_open_trades,
        fee=fee,
        markets=markets,
        timeframe_minutes=timeframe_minutes,
        ticks={pair: MonthTicks(series) for pair, series in (price_ticks or {}).items()},
        book=book,
        clock=clock,
        adjusts=position_adjustment,
        max_adjustments=max_entry_adjustments,
        with_orders=position_adjustment or strategy_answers.defines(strategy, "order_filled"),
    )
    if detail:
        outcome = _by_detail_candle(strategy, signals, wallet, rules, detail, detail_minutes, progress, should_stop)
    else:
        run = _by_trade if walks_by_trade(strategy) and not position_adjustment else _by_candle
        outcome = run(strategy, signals, wallet, rules, progress, should_stop)
    outcome.locks = book.records()
    return outcome


class _Clock:
    """The backtest's current candle time, for what asks for "now" (the strategy's lock book)."""

    def __init__(self) -> None:
        self.moment = datetime.fromtimestamp(0, tz=UTC)

    def now(self) -> datetime:
        return self.moment


@dataclass(frozen=True, slots=True)
class _Rules:
    strategy: Strategy
    stake_amount: float | str
    max_open_trades: int
    fee: float
    markets: Mapping[str, Market]
    timeframe_minutes: int
    ticks: Mapping[str, MonthTicks]
    book: LockBook
    clock: _Clock
    adjusts: bool = False
    max_adjustments: int = -1
    # Trades keep their orders (position adjustment, or an order_filled callback to pass them to).
    with_orders: bool = False
    # Profit of partial exits already added to the wallet, per open trade (by identity).
    booked: dict[int, float] = field(default_factory=dict)

    def closed(self, trade: Trade, closed: BacktestTrade, wallet: Wallet, outcome: Outcome) -> None:
        """Book an exit: the wallet gets its profit (less what its partial exits already gave), the
        protections see it."""
        wallet.closed_profit += closed.profit_abs - self.booked.pop(id(trade), 0.0)
        outcome.trades.append(closed)
        self.book.after_exit(trade)

    def may_enter(self, pair: str, now: datetime) -> bool:
        """Whether no lock blocks an entry on ``pair`` at ``now`` (the clock moves to ``now``)."""
        self.clock.moment = now
        return not self.book.is_locked(pair, now)

    def enter(
        self, strategy: Strategy, pair: str, candle: Candle, tag: str | None, wallet: Wallet, open_trades: list[Trade]
    ) -> Trade | None:
        return _enter(
            strategy, pair, candle, tag, wallet, open_trades,
            stake_amount=self.stake_amount, max_open_trades=self.max_open_trades, fee=self.fee,
            market=self.markets.get(pair), timeframe_minutes=self.timeframe_minutes, ticks=self.ticks.get(pair),
            with_orders=self.with_orders,
        )  # fmt: skip

    def has_slot(self, open_count: int) -> bool:
        return self.max_open_trades < 0 or open_count < self.max_open_trades


Progress = Callable[[float], None] | None
ShouldStop = Callable[[], bool] | None


def _by_trade(
    strategy: Strategy,
    signals: Mapping[str, PairSignals],
    wallet: Wallet,
    rules: _Rules,
    progress: Progress,
    should_stop: ShouldStop,
) -> Outcome:
    """Entries in time order (pairlist order within a candle); each trade walked straight to its exit
    (``exit_walk``), which then waits in a queue until the clock passes it. A trade that exits on a
    candle frees its slot and its stake before that candle's entries, as in the per-candle walk."""
    pairs = list(signals)
    columns = {p: PairColumns.of(signals[p], use_exit_signal=bool(strategy.use_exit_signal)) for p in pairs}
    rows = [signals[p].entry_rows() for p in pairs]
    dates = np.concatenate([signals[p].dates[r] for p, r in zip(pairs, rows, strict=True)]) if pairs else None
    if dates is None or not len(dates):
        return _close_left_open(signals, wallet, rules, Outcome(), {}, progress)
    pair_of = np.concatenate([np.full(len(r), i, dtype=np.int64) for i, r in enumerate(rows)])
    row_of = np.concatenate(rows)
    order = np.lexsort((pair_of, dates))
    last_date = max(int(signals[p].dates[-1]) for p in pairs if len(signals[p]))
    roi_steps = strategy.roi_table()
    trailing = bool(strategy.trailing_stop)
    pending: list[tuple[int, int, str, BacktestTrade | None]] = []  # (exit ms, sequence, pair, closed)
    open_trades: dict[str, Trade] = {}
    exited_at: dict[str, int] = {}
    outcome = Outcome()
    for step, (now_ms, pair_index, row) in enumerate(
        zip(dates[order].tolist(), pair_of[order].tolist(), row_of[order].tolist(), strict=True)
    ):
        if step % _REPORT_EVERY == 0:
            if should_stop is not None and should_stop():
                raise AnalysisAborted("Backtest aborted.")
            if progress is not None:
                progress(step / len(order))
        while pending and pending[0][0] <= now_ms:
            exit_ms, _, closed_pair, closed = heapq.heappop(pending)
            exited_at[closed_pair] = exit_ms
            assert closed is not None
            rules.closed(open_trades.pop(closed_pair), closed, wallet, outcome)
        pair = pairs[pair_index]
        if pair in open_trades or exited_at.get(pair) == now_ms or now_ms == last_date:
            continue
        data = signals[pair]
        candle = _candle(columns[pair], row)
        if not rules.may_enter(pair, candle.date):
            continue
        if not rules.has_slot(len(open_trades)):
            outcome.rejected_signals += 1
            continue
        trade = rules.enter(strategy, pair, candle, data.enter_tag[row], wallet, list(open_trades.values()))
        if trade is None:
            continue
        open_trades[pair] = trade
        found = walk_to_exit(
            trade,
            columns[pair],
            row,
            roi_steps=roi_steps,
            trailing=trailing,
            exit_at=partial(_exit_at, strategy, trade, columns[pair], rules.timeframe_minutes),
        )
        if found is None:
            heapq.heappush(pending, (_NEVER, step, pair, None))
        else:
            heapq.heappush(pending, (columns[pair].dates[found[0]], step, pair, found[1]))
    while pending and pending[0][0] != _NEVER:
        _, _, closed_pair, closed = heapq.heappop(pending)
        assert closed is not None
        rules.closed(open_trades.pop(closed_pair), closed, wallet, outcome)
    return _close_left_open(signals, wallet, rules, outcome, open_trades, progress)


def _exit_at(
    strategy: Strategy, trade: Trade, columns: PairColumns, timeframe_minutes: int, row: int
) -> BacktestTrade | None:
    return _exit_within(strategy, trade, _candle(columns, row), timeframe_minutes)


def _candle(columns: PairColumns, row: int) -> Candle:
    data = columns.signals
    exit_signal = bool(data.exit_long[row])
    return Candle(
        date=datetime.fromtimestamp(columns.dates[row] / 1000, tz=UTC),
        open=columns.opens[row],
        high=columns.highs[row],
        low=columns.lows[row],
        close=columns.closes[row],
        entry_signal=bool(data.enter_long[row]) and not exit_signal,
        exit_signal=exit_signal,
        exit_tag=data.exit_tag[row],
    )


def _close_left_open(
    signals: Mapping[str, PairSignals],
    wallet: Wallet,
    rules: _Rules,
    outcome: Outcome,
    open_trades: Mapping[str, Trade],
    progress: Progress,
) -> Outcome:
    """Trades still open when the data ends close at their pair's last open (freqtrade's force exit)."""
    for pair, trade in list(open_trades.items()):
        data = signals[pair]
        row = len(data) - 1
        when = datetime.fromtimestamp(int(data.dates[row]) / 1000, tz=UTC)
        rate = round_nearest(float(data.open[row]), trade.price_precision)
        rules.closed(trade, _close(trade, rate, when, LEFT_OPEN_EXIT_REASON, rules.strategy), wallet, outcome)
    outcome.final_balance = wallet.total
    if progress is not None:
        progress(1.0)
    return outcome


def _by_candle(
    strategy: Strategy,
    signals: Mapping[str, PairSignals],
    wallet: Wallet,
    rules: _Rules,
    progress: Progress,
    should_stop: ShouldStop,
) -> Outcome:
    """Every candle of every pair with an open trade judged in time order: for strategies whose
    callbacks see each candle or the clock."""
    grid = _Grid.of(signals)
    pairs, last_date, rows_of, columns = grid.pairs, grid.last_date, grid.rows_of, grid.columns
    open_trades: dict[str, Trade] = {}
    outcome = Outcome()
    for index, now_ms in grid.walk(open_trades, strategy, progress, should_stop):
        now = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
        order = list(dict.fromkeys([*open_trades, *pairs])) if open_trades else pairs
        for pair in order:
            row = rows_of[pair][index]
            if row < 0:
                continue
            opens, highs, lows, closes, entry_flags, exit_flags, exit_tags, enter_tags = columns[pair]
            held = pair in open_trades
            if not held and not entry_flags[row]:
                continue
            candle = Candle(
                date=now,
                open=opens[row],
                high=highs[row],
                low=lows[row],
                close=closes[row],
                entry_signal=entry_flags[row],
                exit_signal=exit_flags[row],
                exit_tag=exit_tags[row],
            )
            can_open = not held and now_ms != last_date
            _judge(strategy, rules, wallet, outcome, open_trades, pair, candle, enter_tags[row], can_open=can_open)
    return _close_left_open(signals, wallet, rules, outcome, open_trades, progress)


def _judge(
    strategy: Strategy,
    rules: _Rules,
    wallet: Wallet,
    outcome: Outcome,
    open_trades: dict[str, Trade],
    pair: str,
    candle: Candle,
    tag: str | None,
    *,
    can_open: bool,
) -> None:
    """One pair on one candle of a walk through time: an entry when it may open one (no lock, a free
    slot, else a rejected signal), then the open trade's exits within the candle."""
    if can_open and rules.may_enter(pair, candle.date):
        if rules.has_slot(len(open_trades)):
            trade = rules.enter(strategy, pair, candle, tag, wallet, list(open_trades.values()))
            if trade is not None:
                open_trades[pair] = trade
        else:
            outcome.rejected_signals += 1
    trade = open_trades.get(pair)
    if trade is None:
        return
    closed = (
        _adjust_position(strategy, rules, wallet, list(open_trades.values()), trade, candle) if rules.adjusts else None
    )
    if closed is None:
        closed = _exit_within(strategy, trade, candle, rules.timeframe_minutes)
    if closed is not None:
        rules.closed(open_trades.pop(pair), closed, wallet, outcome)


@dataclass(frozen=True, slots=True)
class _Grid:
    """All pairs' candles on one timeline, for the walks that step through time."""

    pairs: list[str]
    timeline: np.ndarray  # every candle date of any pair, ascending (epoch ms)
    candidates: np.ndarray  # the dates where some pair may enter: where the clock jumps to
    last_date: int
    # Per pair, as plain lists (a Python loop reads them far faster than NumPy scalars): the row of
    # each timeline position (-1 where the pair has no candle), prices, signals and tags.
    rows_of: dict[str, list[int]]
    columns: dict[str, tuple[list[Any], ...]]

    @classmethod
    def of(cls, signals: Mapping[str, PairSignals]) -> _Grid:
        pairs = list(signals)
        empty = np.zeros(0, np.int64)
        timeline = np.unique(np.concatenate([signals[p].dates for p in pairs])) if pairs else empty
        entries = {p: signals[p].entry_sides() > 0 for p in pairs}
        candidates = np.unique(np.concatenate([signals[p].dates[entries[p]] for p in pairs])) if pairs else empty
        rows_of: dict[str, list[int]] = {}
        columns: dict[str, tuple[list[Any], ...]] = {}
        for name in pairs:
            data = signals[name]
            found_rows = np.searchsorted(data.dates, timeline).clip(max=max(len(data) - 1, 0))
            present = data.dates[found_rows] == timeline if len(data) else np.zeros(len(timeline), dtype=bool)
            rows_of[name] = np.where(present, found_rows, -1).tolist()
            columns[name] = (
                data.open.tolist(), data.high.tolist(), data.low.tolist(), data.close.tolist(),
                entries[name].tolist(), data.exit_long.tolist(), list(data.exit_tag), list(data.enter_tag),
            )  # fmt: skip
        last_date = int(timeline[-1]) if len(timeline) else 0
        return cls(pairs, timeline, candidates, last_date, rows_of, columns)

    def walk(
        self, open_trades: Mapping[str, Trade], strategy: Strategy, progress: Progress, should_stop: ShouldStop
    ) -> Iterator[tuple[int, int]]:
        """(timeline position, its date in ms) to judge, in time order: every candle while a trade is
        open, else straight to the next candle where a pair may enter. The strategy's
        ``bot_loop_start`` is asked at each; progress and the abort flag every few thousand."""
        asks_loop_start = strategy_answers.defines(strategy, "bot_loop_start")
        index, visited, total = 0, 0, len(self.timeline)
        while index < total:
            if not open_trades:
                found = self.next_position(index)
                if found is None:
                    return
                index = found
            now_ms = int(self.timeline[index])
            visited += 1
            if visited % _REPORT_EVERY == 0:
                if should_stop is not None and should_stop():
                    raise AnalysisAborted("Backtest aborted.")
                if progress is not None:
                    progress(index / total)
            if asks_loop_start:
                strategy_answers.bot_loop_start(strategy, datetime.fromtimestamp(now_ms / 1000, tz=UTC))
            yield index, now_ms
            index += 1

    def next_position(self, position: int) -> int | None:
        """The first timeline position from ``position`` on where a pair may enter (None: no more)."""
        found = int(np.searchsorted(self.candidates, self.timeline[position], side="left"))
        if found >= len(self.candidates):
            return None
        return int(np.searchsorted(self.timeline, self.candidates[found], side="left"))


@dataclass(frozen=True, slots=True)
class DetailCandles:
    """One pair's candles of the detail timeframe (``timeframe_detail``), as plain lists."""

    dates: list[int]  # epoch ms, ascending
    opens: list[float]
    highs: list[float]
    lows: list[float]
    closes: list[float]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> DetailCandles:
        dates = pd.DatetimeIndex(frame["date"]).as_unit("ms").asi8
        return cls(
            dates=dates.tolist(),
            opens=frame["open"].to_numpy(dtype=np.float64).tolist(),
            highs=frame["high"].to_numpy(dtype=np.float64).tolist(),
            lows=frame["low"].to_numpy(dtype=np.float64).tolist(),
            closes=frame["close"].to_numpy(dtype=np.float64).tolist(),
        )


def _by_detail_candle(
    strategy: Strategy,
    signals: Mapping[str, PairSignals],
    wallet: Wallet,
    rules: _Rules,
    detail: Mapping[str, DetailCandles],
    detail_minutes: int,
    progress: Progress,
    should_stop: ShouldStop,
) -> Outcome:
    """``timeframe_detail``, as freqtrade's backtesting walks it: each candle with something to do is
    split into its detail candles, and at each detail time every pair (those with an open trade first)
    is judged on its detail candle with the candle's signals. A pair whose signal found no slot tries
    again at the next detail candle; a pair whose trade closed within the candle waits for the next
    one; prices, exits and their fills come from the detail candle."""
    grid = _Grid.of(signals)
    pairs, last_date, rows_of, columns = grid.pairs, grid.last_date, grid.rows_of, grid.columns
    main_ms = rules.timeframe_minutes * 60_000
    detail_ms = detail_minutes * 60_000
    steps = max(main_ms // detail_ms, 1)
    expiry_ms = int(strategy.ignore_buying_expired_candle_after or 0) * 1000
    open_trades: dict[str, Trade] = {}
    outcome = Outcome()
    for index, now_ms in grid.walk(open_trades, strategy, progress, should_stop):
        had_trades = list(open_trades)
        spans: dict[str, int] = {}  # pair -> its first detail row in this candle
        counts: dict[str, int] = {}
        directions: dict[str, bool] = {}
        for step in range(steps):
            at_ms = now_ms + step * detail_ms
            at = datetime.fromtimestamp(at_ms / 1000, tz=UTC)
            for pair in list(dict.fromkeys([*open_trades, *pairs])):
                row = rows_of[pair][index]
                if row < 0:
                    continue
                opens, highs, lows, closes, entry_flags, exit_flags, exit_tags, enter_tags = columns[pair]
                candles = detail.get(pair)
                if step == 0:
                    direction = bool(entry_flags[row])
                    directions[pair] = direction
                    price = (opens[row], highs[row], lows[row], closes[row])
                    candle_ms = now_ms
                else:
                    if pair not in spans or counts[pair] <= step or candles is None:
                        continue
                    # A signal older than ignore_buying_expired_candle_after takes no entry any more.
                    direction = directions[pair] and not (expiry_ms and at_ms - now_ms > expiry_ms)
                    at_row = spans[pair] + step
                    price = (candles.opens[at_row], candles.highs[at_row], candles.lows[at_row], candles.closes[at_row])
                    candle_ms = candles.dates[at_row]
                held = pair in open_trades
                if pair in had_trades and not held:
                    continue  # its trade closed within this candle
                if held and pair not in had_trades:
                    had_trades.append(pair)
                if step == 0 and (direction or held) and candles is not None and pair not in spans:
                    first = bisect.bisect_left(candles.dates, now_ms)
                    count = bisect.bisect_left(candles.dates, now_ms + main_ms, first) - first
                    if count > 0:
                        spans[pair], counts[pair] = first, count
                        price = (candles.opens[first], candles.highs[first], candles.lows[first], candles.closes[first])
                        candle_ms = candles.dates[first]
                if not direction and not held:
                    continue
                candle = Candle(
                    date=at if candle_ms == at_ms else datetime.fromtimestamp(candle_ms / 1000, tz=UTC),
                    open=price[0],
                    high=price[1],
                    low=price[2],
                    close=price[3],
                    entry_signal=entry_flags[row],
                    exit_signal=exit_flags[row],
                    exit_tag=exit_tags[row],
                    clock=None if candle_ms == at_ms else at,
                )
                can_open = not held and direction and at_ms != last_date
                _judge(strategy, rules, wallet, outcome, open_trades, pair, candle, enter_tags[row], can_open=can_open)
    return _close_left_open(signals, wallet, rules, outcome, open_trades, progress)


def _order_type(strategy: Strategy, side: str) -> str:
    """The strategy's order type for ``side`` (freqtrade's default: limit)."""
    return str((strategy.order_types or {}).get(side, "limit"))


def _time_in_force(strategy: Strategy, side: str) -> str:
    return str((strategy.order_time_in_force or {}).get(side, "GTC")).upper()


def _row_at(data: PairSignals, date_ms: int) -> int | None:
    row = int(np.searchsorted(data.dates, date_ms, side="left"))
    if row < len(data) and int(data.dates[row]) == date_ms:
        return row
    return None


def _enter(
    strategy: Strategy,
    pair: str,
    candle: Candle,
    tag: str | None,
    wallet: Wallet,
    open_trades: list[Trade],
    *,
    stake_amount: float | str,
    max_open_trades: int,
    fee: float,
    market: Market | None,
    timeframe_minutes: int,
    ticks: MonthTicks | None,
    with_orders: bool = False,
) -> Trade | None:
    rate = candle.open
    price_tick = ticks.at(int(candle.date.timestamp() * 1000)) if ticks is not None else None
    if price_tick is None and market is not None:
        price_tick = market.price_precision
    if _order_type(strategy, "entry") == "limit":
        answer = strategy_answers.custom_entry_price(strategy, pair, candle.date, rate, tag, "long")
        if answer is not None and answer != rate:
            rate = round_nearest(answer, price_tick)
        rate = min(rate, candle.high)
    stake = wallet.stake(stake_amount, open_trades, max_open_trades)
    if stake <= 0:
        return None
    lowest = min_stake(market, rate, -0.05, 1.0, 0.05) if market else None
    highest = max_stake(market, rate, 1.0) if market else math.inf
    available = wallet.available(open_trades)
    answer = strategy_answers.custom_stake_amount(
        strategy, pair, candle.date, rate, stake, lowest, min(available, highest), 1.0, tag, "long"
    )
    if answer is not None:
        stake = answer
    stake = min(stake, highest, available)
    if not stake > 0 or (lowest is not None and stake < lowest):
        return None
    amount = round_down(stake / rate, market.amount_precision if market else None)
    if not amount:
        return None
    stake = amount * rate
    if not strategy_answers.confirm_trade_entry(
        strategy, pair, _order_type(strategy, "entry"), amount, rate,
        _time_in_force(strategy, "entry"), candle.date, tag, "long",
    ):  # fmt: skip
        return None
    if not candle.low <= rate <= candle.high:
        return None  # a limit entry the candle never reached: freqtrade would wait; not simulated yet
    trade = Trade(
        pair=pair,
        exchange="backtest",
        strategy=strategy.name,
        timeframe=timeframe_minutes,
        open_rate=rate,
        open_rate_requested=rate,
        open_date=candle.date,
        amount=amount,
        amount_requested=amount,
        stake_amount=stake,
        max_stake_amount=stake,
        fee_open=fee,
        fee_close=fee,
        enter_tag=tag,
        amount_precision=market.amount_precision if market else None,
        price_precision=price_tick,
    )
    trade.set_initial_stoploss(strategy.stoploss, candle.date)
    if with_orders:
        trade.orders.append(_filled_order(trade, trade.entry_side, amount, rate, candle.date, tag))
        _filled(strategy, trade, candle.date)
    check_after_fill(trade, strategy, rate, candle.date)
    return trade


def _filled(strategy: Strategy, trade: Trade, when: datetime) -> None:
    """The strategy's ``order_filled`` for the trade's newest order, when it has one."""
    if strategy_answers.defines(strategy, "order_filled"):
        strategy_answers.order_filled(strategy, trade, trade.orders[-1], when)


def _filled_order(trade: Trade, side: OrderSide, amount: float, rate: float, when: datetime, tag: str | None) -> Order:
    """An order filled at once (``rate`` within the candle), as a backtest books it."""
    fee = trade.fee_open if side == trade.entry_side else trade.fee_close
    return Order(
        ft_trade_id=0,
        ft_order_side=side,
        ft_pair=trade.pair,
        order_id=str(len(trade.orders) + 1),
        order_type=OrderType.MARKET,
        side=side,
        amount=amount,
        price=rate,
        status=OrderStatus.CLOSED,
        filled=amount,
        average=rate,
        cost=amount * rate * (1 + fee),
        order_date=when,
        order_filled_date=when,
        order_update_date=when,
        ft_order_tag=tag,
        ft_amount=amount,
        ft_price=rate,
    )


_NO_LIMITS = Market(symbol="", base="", quote="")


def _adjust_position(
    strategy: Strategy,
    rules: _Rules,
    wallet: Wallet,
    open_trades: list[Trade],
    trade: Trade,
    candle: Candle,
) -> BacktestTrade | None:
    """The strategy's ``adjust_trade_position`` at the candle's open (freqtrade asks it before the exits):
    an added entry at the open, or a partial exit there (the closed trade when it sold everything)."""
    rate = candle.open
    market = rules.markets.get(trade.pair)
    limits = market or _NO_LIMITS
    lowest = min_stake(market, rate, -0.1, 1.0, 0.05) if market else None
    highest = max_stake(market, rate, 1.0) if market else math.inf
    available = wallet.available(open_trades)
    answer = strategy_answers.adjust_trade_position(
        strategy,
        trade,
        candle.date,
        entry_rate=rate,
        exit_rate=rate,
        min_stake=lowest,
        max_stake=min(highest, available),
    )
    stake, tag = position.read_answer(answer)
    decision = position.decide_adjustment(
        trade, stake, tag, market=limits, exit_rate=rate, stoploss=-0.1,
        max_entry_adjustments=rules.max_adjustments, paused=False,
    )  # fmt: skip
    if isinstance(decision, position.AddEntry):
        _add_entry(strategy, trade, decision, candle, market, available)
        return None
    if isinstance(decision, position.PartialExit):
        return _partial_exit(strategy, rules, wallet, trade, decision, candle)
    return None


def _add_entry(
    strategy: Strategy,
    trade: Trade,
    decision: position.AddEntry,
    candle: Candle,
    market: Market | None,
    available: float,
) -> None:
    rate = candle.open
    if _order_type(strategy, "entry") == "limit":
        answer = strategy_answers.custom_entry_price(strategy, trade.pair, candle.date, rate, decision.tag, "long")
        if answer is not None and answer != rate:
            rate = round_nearest(answer, trade.price_precision)
        rate = min(rate, candle.high)
    lowest = (min_stake(market, rate, 0.0, 1.0, 0.05) if market else None) or 0.0
    highest = max_stake(market, rate, 1.0) if market else math.inf
    # freqtrade's stake check for an added entry: within the market's limits and the balance, the
    # whole position staying below the market's maximum, small stakes raised to the minimum by 30 % at most.
    allowed = min(highest, available, highest - trade.stake_amount)
    stake = decision.stake
    if lowest > allowed:
        return
    if stake < lowest:
        if stake * 1.3 < lowest:
            return
        stake = lowest
    stake = min(stake, allowed)
    amount = round_down(stake / rate, trade.amount_precision)
    if not amount or not candle.low <= rate <= candle.high:
        return  # nothing to buy on the grid, or a limit the candle never reached (not simulated)
    trade.orders.append(_filled_order(trade, trade.entry_side, amount, rate, candle.date, decision.tag))
    trade.recalc_from_orders(candle.date)
    _filled(strategy, trade, candle.date)
    check_after_fill(trade, strategy, rate, candle.date)


def _partial_exit(
    strategy: Strategy, rules: _Rules, wallet: Wallet, trade: Trade, decision: position.PartialExit, candle: Candle
) -> BacktestTrade | None:
    rate = candle.open
    reason = ExitReason.PARTIAL_EXIT.value
    if _order_type(strategy, "exit") == "limit":
        answer = strategy_answers.custom_exit_price(
            strategy, trade, candle.date, rate, trade.calc_profit_ratio(rate), reason
        )
        if answer is not None:
            rate = max(answer, candle.low)
    if not strategy_answers.confirm_trade_exit(
        strategy, trade, _order_type(strategy, "exit"), decision.amount, rate,
        _time_in_force(strategy, "exit"), reason, candle.date,
    ):  # fmt: skip
        return None
    rate = round_nearest(rate, trade.price_precision)
    if decision.amount >= trade.amount:
        return _close(trade, rate, candle.date, reason, strategy)
    before = trade.realized_profit
    trade.orders.append(_filled_order(trade, trade.exit_side, decision.amount, rate, candle.date, decision.tag))
    trade.recalc_from_orders(candle.date)
    _filled(strategy, trade, candle.date)
    gained = trade.realized_profit - before
    wallet.closed_profit += gained
    rules.booked[id(trade)] = rules.booked.get(id(trade), 0.0) + gained
    return None


def _exit_within(strategy: Strategy, trade: Trade, candle: Candle, timeframe_minutes: int) -> BacktestTrade | None:
    for decision in candle_exits(trade, strategy, candle):
        rate = close_rate(trade, strategy, candle, decision, timeframe_minutes)
        if rate is None:
            continue
        reason = decision.reason
        if reason == ExitReason.EXIT_SIGNAL.value and decision.exit_tag:
            reason = decision.exit_tag
        signalled = not decision.is_stoploss and reason != ExitReason.ROI.value
        if signalled and _order_type(strategy, "exit") == "limit":
            profit = trade.calc_profit_ratio(rate)
            answer = strategy_answers.custom_exit_price(strategy, trade, candle.exit_time, rate, profit, reason)
            if answer is not None:
                rate = max(answer, candle.low)
        if not strategy_answers.confirm_trade_exit(
            strategy, trade, _order_type(strategy, "exit"), trade.amount, rate,
            _time_in_force(strategy, "exit"), reason, candle.exit_time,
        ):  # fmt: skip
            continue
        return _close(trade, round_nearest(rate, trade.price_precision), candle.exit_time, reason, strategy)
    return None


def _close(trade: Trade, rate: float, when: datetime, reason: str, strategy: Strategy | None = None) -> BacktestTrade:
    """Close ``trade`` at ``rate``: its record, with its two orders (one entry, one exit)."""
    if trade.orders:
        return _close_with_orders(trade, rate, when, reason, strategy)
    entry = BacktestOrder(
        side="buy",
        is_entry=True,
        amount=trade.amount,
        price=trade.open_rate,
        cost=trade.amount * trade.open_rate * (1 + trade.fee_open),
        filled_at=trade.open_date,
        tag=trade.enter_tag,
    )
    exit_order = BacktestOrder(
        side="sell",
        is_entry=False,
        amount=trade.amount,
        price=rate,
        cost=trade.amount * rate * (1 + trade.fee_close),
        filled_at=when,
        tag=reason,
    )
    return _record(
        trade, rate, when, reason, trade.calc_profit(rate), trade.calc_profit_ratio(rate), (entry, exit_order),
        amount=trade.amount, stake=trade.stake_amount,
    )  # fmt: skip


def _close_with_orders(
    trade: Trade, rate: float, when: datetime, reason: str, strategy: Strategy | None
) -> BacktestTrade:
    """A trade that keeps its orders: the last exit sells what is left; its profit is every exit's
    together, over what all its entries cost (freqtrade's figures of an adjusted trade)."""
    amount, stake = trade.amount, trade.stake_amount
    trade.orders.append(_filled_order(trade, trade.exit_side, amount, rate, when, reason))
    trade.recalc_from_orders(when)
    if strategy is not None:
        _filled(strategy, trade, when)
    orders = tuple(
        BacktestOrder(
            side=str(order.ft_order_side),
            is_entry=order.ft_order_side == trade.entry_side,
            amount=order.filled,
            price=order.safe_price,
            cost=order.cost,
            filled_at=order.order_filled_date,
            tag=order.ft_order_tag,
        )
        for order in trade.orders
    )
    return _record(
        trade, rate, when, reason, trade.realized_profit, trade.realized_ratio(), orders, amount=amount, stake=stake
    )


def _record(
    trade: Trade,
    rate: float,
    when: datetime,
    reason: str,
    profit_abs: float,
    profit_ratio: float,
    orders: tuple[BacktestOrder, ...],
    *,
    amount: float,
    stake: float,
) -> BacktestTrade:
    """Mark ``trade`` closed (as the protections read a closed trade) and make its record."""
    trade.is_open = False
    trade.close_date = when
    trade.close_rate = rate
    trade.close_profit = profit_ratio
    trade.close_profit_abs = profit_abs
    trade.exit_reason = reason
    return BacktestTrade(
        pair=trade.pair,
        open_date=trade.open_date,
        close_date=when,
        open_rate=trade.open_rate,
        close_rate=rate,
        amount=amount,
        stake_amount=stake,
        profit_ratio=profit_ratio,
        profit_abs=profit_abs,
        exit_reason=reason,
        fee_open=trade.fee_open,
        fee_close=trade.fee_close,
        max_stake_amount=trade.max_stake_amount,
        initial_stop_loss_abs=trade.initial_stop_loss,
        initial_stop_loss_ratio=trade.initial_stop_loss_pct,
        stop_loss_abs=trade.stop_loss,
        stop_loss_ratio=trade.stop_loss_pct,
        min_rate=trade.min_rate,
        max_rate=trade.max_rate,
        enter_tag=trade.enter_tag,
        orders=orders,
    )
