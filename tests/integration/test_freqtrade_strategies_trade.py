"""freqtrade strategies, stored unchanged under tests/fixtures, trade in dry-run on the simulated market.

Each test builds the server as ``ftserver trade`` does (``create_app`` from settings naming the
strategy and the fixtures folder as ``strategy_path``; dry-run; the ``sim`` exchange made by the app
itself; a SQLite file in tmp_path) on a manual clock, lets the background loop do its first
iteration, then moves the clock one candle at a time and runs an iteration per candle until the
strategy has opened and closed a trade on its own signals, ROI or stoploss.

Seeds, pairs and sim volatility were picked so that this happens within a few hundred candles; the
bounds below are what each test allows. What is asserted is what freqtrade's semantics fix:
which exits a strategy can produce, what its stop must be, which columns its analysis makes.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from aiohttp import web

from ftserver.app import BOT, create_app
from ftserver.bot.loop import TradingLoop
from ftserver.config import settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.data.timeframes import timeframe_to_seconds
from ftserver.models import Trade
from tests.support.polling import eventually

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "freqtrade" / "strategies"
START = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)
PAIRS = ["BTC/USDT", "ETH/USDT", "SOL/USDT"]


@dataclass
class DryRun:
    bot: TradingLoop
    clock: ManualClock

    async def next_candle(self) -> None:
        """One candle of the strategy's timeframe passes, then one loop iteration runs."""
        self.clock.advance(seconds=timeframe_to_seconds(self.bot.timeframe))
        await self.bot.run_once()

    async def until_a_trade_closes(self, max_candles: int) -> Trade:
        """Run candle by candle until the first trade closes; that trade, with its orders."""
        for _ in range(max_candles):
            await self.next_candle()
            closed = await self.bot.repo.closed_trades()
            if closed:
                trades = await self.bot.repo.all_trades(with_orders=True)
                return next(t for t in trades if t.id == closed[0].id)
        raise AssertionError(f"no trade closed within {max_candles} candles")

    def analyzed(self, pair: str) -> pd.DataFrame:
        analyzed = self.bot.analyzed(pair)
        assert analyzed is not None, f"{pair} was never analyzed"
        return analyzed[0]


@contextlib.asynccontextmanager
async def dry_run(
    tmp_path: Path,
    strategy: str,
    *,
    seed: int = 42,
    volatility: float = 1.0,
    pairs: list[str] = PAIRS,
    listed: list[str] = PAIRS,
) -> AsyncIterator[DryRun]:
    settings = settings_from_dict(
        {
            "strategy": strategy,
            "strategy_path": str(FIXTURES),
            "dry_run": True,
            "stake_currency": "USDT",
            "stake_amount": 100,
            "dry_run_wallet": 1000,
            "max_open_trades": 3,
            "initial_state": "running",
            "db_url": f"sqlite:///{tmp_path / 'tradesv3.dryrun.sqlite'}",
            "user_data_dir": str(tmp_path / "user_data"),
            "exchange": {
                "name": "sim",
                "pair_whitelist": pairs,
                "sim": {"seed": seed, "volatility": volatility, "pairs": listed},
            },
            # The background loop iterates once at start; the test runs every further iteration.
            "internals": {"process_throttle_secs": 3600, "heartbeat_interval": 0},
        }
    )
    clock = ManualClock(START)
    runner = web.AppRunner(create_app(settings, clock=clock))
    await runner.setup()
    try:
        bot = runner.app[BOT]
        await eventually(lambda: bot.health().last_process is not None, what="the first loop iteration")
        yield DryRun(bot, clock)
    finally:
        await runner.cleanup()


def loaded_from(run: DryRun) -> Path:
    """The file the running strategy's class was defined in."""
    source = inspect.getsourcefile(type(run.bot.strategy.strategy))
    assert source is not None
    return Path(source)


def roi_threshold(minimal_roi: dict[str, float], minutes: float) -> float:
    """The ROI that applies ``minutes`` after the entry: the entry with the largest key not above it."""
    return max(((int(k), v) for k, v in minimal_roi.items() if int(k) <= minutes), key=lambda kv: kv[0])[1]


def assert_roi_exit_reached(trade: Trade, minimal_roi: dict[str, float]) -> None:
    """An ROI exit is decided when the profit reaches the table's value for the trade's age. A limit
    exit fills at its price or better, and later (the table only falls with age): the closed trade's
    profit is at least the value at its close."""
    assert trade.close_date is not None and trade.close_profit is not None
    minutes = (trade.close_date - trade.open_date).total_seconds() / 60
    assert trade.close_profit >= roi_threshold(minimal_roi, minutes) - 1e-9


def exit_order_date(trade: Trade) -> datetime:
    exits = [o for o in trade.orders if o.ft_order_side == "sell"]
    assert exits and exits[0].order_date is not None
    return exits[0].order_date.replace(tzinfo=UTC) if exits[0].order_date.tzinfo is None else exits[0].order_date


def decision_candle(order_date: datetime, timeframe_seconds: int) -> pd.Timestamp:
    """The open time of the newest closed candle when an order was placed at ``order_date``."""
    seconds = int(order_date.timestamp())
    return pd.Timestamp((seconds - seconds % timeframe_seconds - timeframe_seconds), unit="s", tz="UTC")


# ---- freqtrade's template -------------------------------------------------------------------------


async def test_sample_strategy_template_opens_and_closes_a_trade_by_its_own_rules(tmp_path: Path) -> None:
    async with dry_run(tmp_path, "SampleStrategy") as run:
        # The user's sample_strategy.py, not ftserver's built-in class of the same name.
        assert loaded_from(run) == FIXTURES / "sample_strategy.py"
        strategy = run.bot.strategy.strategy
        # No SampleStrategy.json beside the file: every parameter has its default.
        assert (strategy.buy_rsi.value, strategy.sell_rsi.value) == (30, 70)
        trade = await run.until_a_trade_closes(max_candles=250)

        # No trailing stop and no custom exit: ROI, its exit signal or the -10 % stop.
        assert trade.exit_reason in {"roi", "exit_signal", "stop_loss"}
        assert trade.initial_stop_loss == pytest.approx(trade.open_rate * 0.90, rel=1e-4)
        if trade.exit_reason == "roi":
            assert_roi_exit_reached(trade, {"60": 0.01, "30": 0.02, "0": 0.04})
        # The indicators populate_indicators adds (its buy_rsi/sell_rsi parameters read their defaults).
        frame = run.analyzed(trade.pair)
        assert {"adx", "rsi", "macd", "mfi", "bb_lowerband", "sar", "tema", "htsine"} <= set(frame.columns)


# ---- informative pairs --------------------------------------------------------------------------


async def test_informative_sample_trades_and_its_exit_signal_waits_for_a_profit(tmp_path: Path) -> None:
    async with dry_run(tmp_path, "InformativeSample") as run:
        assert loaded_from(run) == FIXTURES / "InformativeSample.py"
        trade = await run.until_a_trade_closes(max_candles=350)

        assert trade.exit_reason in {"roi", "exit_signal", "stop_loss"}
        assert trade.initial_stop_loss == pytest.approx(trade.open_rate * 0.90, rel=1e-4)
        if trade.exit_reason == "exit_signal":
            # exit_profit_only = True: an exit signal only closes a trade in profit.
            assert trade.close_profit is not None and trade.close_profit > 0
        if trade.exit_reason == "roi":
            assert_roi_exit_reached(trade, {"60": 0.01, "30": 0.03, "20": 0.04, "0": 0.05})


async def test_informative_sample_merges_only_closed_15m_btc_candles(tmp_path: Path) -> None:
    # BTC/USDT is listed but not whitelisted: it is fetched because informative_pairs() names it.
    async with dry_run(tmp_path, "InformativeSample", pairs=["ETH/USDT", "SOL/USDT"]) as run:
        assert "BTC/USDT" not in run.bot.whitelist
        for _ in range(7):  # to 12:35:30: the newest closed 5m candle is 12:30, within the 12:30 15m candle
            await run.next_candle()
        frame = run.analyzed("ETH/USDT")
        last = frame.iloc[-1]
        assert last["date"] == pd.Timestamp("2026-03-02 12:30", tz="UTC")
        # The 12:30 5m candle closes at 12:35; the 15m candle open at 12:30 closes only at 12:45.
        # So the row carries the 12:15 candle (closed at 12:30), never the one still forming.
        assert last["date_15m"] == pd.Timestamp("2026-03-02 12:15", tz="UTC")
        btc = await run.bot.market.fetch_ohlcv("BTC/USDT", "15m", limit=40)
        closes = {pd.Timestamp(c[0], unit="ms", tz="UTC"): c[4] for c in btc}
        assert last["close_15m"] == pytest.approx(closes[pd.Timestamp("2026-03-02 12:15", tz="UTC")])
        twenty = [closes[pd.Timestamp("2026-03-02 12:15", tz="UTC") - timedelta(minutes=15 * n)] for n in range(20)]
        assert last["sma20_15m"] == pytest.approx(sum(twenty) / 20)
        # The row before (12:25, closing at 12:30) also sees 12:15: that candle closed at the same instant.
        assert frame.iloc[-2]["date_15m"] == pd.Timestamp("2026-03-02 12:15", tz="UTC")
        # The 12:20 candle closes at 12:25, before the 12:15 15m candle does: it still carries 12:00.
        assert frame.iloc[-3]["date_15m"] == pd.Timestamp("2026-03-02 12:00", tz="UTC")


# ---- custom_stoploss ----------------------------------------------------------------------------


async def test_custom_stoploss_with_psar_keeps_its_initial_stop_in_dry_run_and_stops_out(tmp_path: Path) -> None:
    # The strategy fills custom_info only in backtest/hyperopt runmodes, so in dry-run its
    # custom_stoploss returns 1 (a stop at 0), which never raises the stop: the -20 % stop stays
    # where the entry put it until the price falls through it. A volatile sim gets there in hours.
    async with dry_run(tmp_path, "CustomStoplossWithPSAR", volatility=10.0) as run:
        assert loaded_from(run) == FIXTURES / "CustomStoplossWithPSAR.py"
        assert run.bot.strategy.strategy.custom_info == {}
        trade = await run.until_a_trade_closes(max_candles=48)

        assert trade.exit_reason == "stop_loss"
        assert trade.initial_stop_loss == pytest.approx(trade.open_rate * 0.80, rel=1e-4)
        assert trade.stop_loss == trade.initial_stop_loss
        assert not trade.is_stop_loss_trailing
        assert trade.close_rate is not None and trade.close_rate <= trade.stop_loss
        assert "sar" in run.analyzed(trade.pair).columns


async def test_strategy_without_minimal_roi_never_exits_on_roi(tmp_path: Path) -> None:
    # freqtrade loads CustomStoplossWithPSAR with minimal_roi == {}: no ROI exit, ever.
    async with dry_run(tmp_path, "CustomStoplossWithPSAR") as run:
        for _ in range(72):
            await run.next_candle()
        closed = await run.bot.repo.closed_trades()
        assert [t.exit_reason for t in closed if t.exit_reason == "roi"] == []


# ---- hyperopt parameters ------------------------------------------------------------------------


async def test_bandtastic_trades_with_its_parameter_defaults_and_trailing_stop(tmp_path: Path) -> None:
    async with dry_run(tmp_path, "Bandtastic") as run:
        assert loaded_from(run) == FIXTURES / "Bandtastic.py"
        trade = await run.until_a_trade_closes(max_candles=200)

        assert trade.exit_reason in {"roi", "exit_signal", "stop_loss", "trailing_stop_loss"}
        assert trade.initial_stop_loss == pytest.approx(trade.open_rate * (1 - 0.345), rel=1e-4)
        if trade.exit_reason == "roi":
            assert_roi_exit_reached(trade, {"0": 0.162, "69": 0.097, "229": 0.061, "566": 0})
        # trailing_stop without trailing_only_offset_is_reached: below the +5.8 % offset the stop
        # trails the highest rate seen at the -34.5 % distance (rounded down to the price step).
        assert trade.max_rate is not None and trade.stop_loss is not None
        assert trade.open_rate < trade.max_rate < trade.open_rate * 1.058
        assert trade.stop_loss > trade.initial_stop_loss
        assert trade.stop_loss == pytest.approx(trade.max_rate * (1 - 0.345), rel=1e-4)
        # Outside hyperopt a parameter's range is its value alone, so only the four EMAs the
        # defaults name are computed (buy 211/250, sell 7/6), not one per period in 1..365.
        frame = run.analyzed(trade.pair)
        assert {c for c in frame.columns if c.startswith("EMA_")} == {"EMA_211", "EMA_250", "EMA_7", "EMA_6"}


# ---- custom_exit --------------------------------------------------------------------------------


async def test_strategy001_custom_exit_closes_with_its_own_reason_when_rsi_is_above_70(tmp_path: Path) -> None:
    async with dry_run(tmp_path, "Strategy001_custom_exit") as run:
        assert loaded_from(run) == FIXTURES / "Strategy001_custom_exit.py"
        trade = await run.until_a_trade_closes(max_candles=300)

        assert trade.exit_reason == "rsi_profit_sell"
        assert trade.close_profit is not None and trade.close_profit > 0
        # custom_exit read the newest analyzed candle when the exit order was placed: RSI above 70.
        frame = run.analyzed(trade.pair).set_index("date")
        candle = decision_candle(exit_order_date(trade), 300)
        assert frame.loc[candle, "rsi"] > 70
