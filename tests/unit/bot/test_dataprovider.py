"""self.dp on a real trading loop: candles, informative pairs fetched once per close, exchange reads, messages."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ftserver.bot.dataprovider import DataProvider
from ftserver.bot.loop import TradingLoop
from ftserver.core.clock import ManualClock
from ftserver.core.messages import MessageType
from ftserver.data.frames import candles_to_frame
from ftserver.data.history import candle_store_for
from ftserver.errors import StrategyError
from ftserver.exchange.base import Candle
from ftserver.exchange.paper import PaperBroker
from ftserver.models import RunMode
from ftserver.persistence.db import Database, sqlite_path_from_url
from ftserver.persistence.trades import TradeRepository
from ftserver.strategy.base import Strategy
from ftserver.strategy.informative import informative
from ftserver.strategy.loader import load_strategy
from ftserver.strategy.safe import SafeStrategy
from tests.support.polling import eventually
from tests.support.scripted_market import ScriptedMarket
from tests.unit.bot.conftest import START, CommitCheckingBus, Harness, build_bot, make_settings

UTC_DAY = "2026-03-02"


class CountingMarket(ScriptedMarket):
    """The scripted market, counting candle requests per (pair, timeframe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ohlcv_calls: Counter[tuple[str, str]] = Counter()

    async def fetch_ohlcv(
        self, pair: str, timeframe: str, since_ms: int | None = None, limit: int | None = None
    ) -> list[Candle]:
        self.ohlcv_calls[(pair, timeframe)] += 1
        return await super().fetch_ohlcv(pair, timeframe, since_ms, limit)


class HourlyInformed(Strategy):
    """5m, with its own pair's 1h candles, BTC's 1h for every pair, and LTC's 15m by informative_pairs()."""

    timeframe = "5m"
    minimal_roi = {"0": 10.0}
    stoploss = -0.5

    def __init__(self, config: Any = None) -> None:
        super().__init__(config)
        self.read_ltc_rows: list[int] = []

    def informative_pairs(self) -> list[tuple[str, ...]]:
        return [("LTC/USDT", "15m")]

    @informative("1h")
    def populate_indicators_1h(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        return dataframe

    @informative("1h", "BTC/{stake}")
    def populate_indicators_btc_1h(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        dataframe["up"] = (dataframe["close"] > dataframe["open"]).astype(int)
        return dataframe

    def populate_indicators(self, dataframe: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
        self.read_ltc_rows.append(len(self.dp.get_pair_dataframe("LTC/USDT", "15m")))
        return dataframe


@dataclass
class Informed:
    clock: ManualClock
    market: CountingMarket
    strategy: HourlyInformed
    bus: CommitCheckingBus
    bot: TradingLoop

    async def tick(self, minutes: float = 5.0) -> None:
        self.clock.advance(minutes=minutes)
        await self.bot.run_once()

    def last(self, pair: str, column: str) -> Any:
        analyzed = self.bot.analyzed(pair)
        assert analyzed is not None
        return analyzed[0][column].iloc[-1]


@pytest.fixture
async def informed(tmp_path: Path) -> AsyncIterator[Informed]:
    settings = make_settings(tmp_path)
    clock = ManualClock(START)  # 12:00:30
    market = CountingMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0, "LTC/USDT": 50.0})
    strategy = HourlyInformed({"stake_currency": "USDT"})
    db = await Database.open(settings.db_url)
    bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
    bot = build_bot(settings, market, TradeRepository(db, clock), bus, clock, strategy)  # type: ignore[arg-type]
    await bot.startup()
    yield Informed(clock, market, strategy, bus, bot)
    await db.close()


async def test_informative_candles_are_fetched_once_per_close_not_per_pair(informed: Informed) -> None:
    await informed.bot.run_once()  # 12:00:30: the first fetch of every key
    for _ in range(12):  # 12:05:30 ... 13:00:30
        await informed.tick()

    calls = informed.market.ohlcv_calls
    # 5m: the first fetch and one per tick. 1h: the first fetch and the 13:00 close (BTC's 1h once,
    # though both pairs read it). LTC 15m: the first fetch and the 12:15, 12:30, 12:45, 13:00 closes.
    assert calls == {
        ("BTC/USDT", "5m"): 13,
        ("ETH/USDT", "5m"): 13,
        ("BTC/USDT", "1h"): 2,
        ("ETH/USDT", "1h"): 2,
        ("LTC/USDT", "15m"): 5,
    }
    assert informed.strategy.read_ltc_rows[-1] > 0  # populate_indicators read the cached 15m candles


async def test_an_hourly_candle_is_merged_once_it_has_closed(informed: Informed) -> None:
    await informed.bot.run_once()
    for _ in range(11):  # to 12:55:30: the newest closed 5m candle is 12:50, the 12:00 hour is still open
        await informed.tick()
    assert informed.last("ETH/USDT", "date") == pd.Timestamp(f"{UTC_DAY} 12:50", tz="UTC")
    assert informed.last("ETH/USDT", "date_1h") == pd.Timestamp(f"{UTC_DAY} 11:00", tz="UTC")

    await informed.tick()  # 13:00:30: the 12:55 candle and the 12:00 hour closed together
    assert informed.last("ETH/USDT", "date") == pd.Timestamp(f"{UTC_DAY} 12:55", tz="UTC")
    assert informed.last("ETH/USDT", "date_1h") == pd.Timestamp(f"{UTC_DAY} 12:00", tz="UTC")
    assert informed.last("ETH/USDT", "btc_usdt_date_1h") == pd.Timestamp(f"{UTC_DAY} 12:00", tz="UTC")
    assert informed.last("ETH/USDT", "btc_usdt_close_1h") == 100.0
    assert "btc_usdt_up_1h" in informed.bot.analyzed("ETH/USDT")[0].columns  # type: ignore[index]


async def test_the_fetch_count_includes_the_startup_candles(informed: Informed, tmp_path: Path) -> None:
    informed.strategy.startup_candle_count = 400
    await informed.bot.run_once()

    hourly = informed.bot.dataprovider.ohlcv("ETH/USDT", "1h")
    # 400 startup + 200 candles asked for, as for the strategy's own timeframe; the 12:00 hour still
    # forming is not kept.
    assert len(hourly) == 599
    assert hourly["date"].iloc[-1] == pd.Timestamp(f"{UTC_DAY} 11:00", tz="UTC")


async def test_informative_candles_that_cannot_be_fetched_are_told_once(tmp_path: Path) -> None:
    class Asking(Strategy):
        timeframe = "5m"

        def informative_pairs(self) -> list[tuple[str, ...]]:
            return [("XRP/USDT", "1h"), ("BTC/USDT", "8h", "funding_rate"), ("BTC/USDT", "1h")]

    settings = make_settings(tmp_path)
    clock = ManualClock(START)
    market = CountingMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    db = await Database.open(settings.db_url)
    bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
    bot = build_bot(settings, market, TradeRepository(db, clock), bus, clock, Asking())  # type: ignore[arg-type]
    try:
        await bot.startup()
        for _ in range(3):
            await bot.run_once()
            clock.advance(minutes=5)

        warnings = [m.data["status"] for m, _ in bus.seen if m.type is MessageType.WARNING]
        assert warnings == [
            "Strategy Asking: informative pair XRP/USDT is not listed on scripted",
            "Strategy Asking: informative BTC/USDT 8h funding_rate candles are not fetched (this bot trades spot)",
        ]
        assert market.ohlcv_calls[("BTC/USDT", "1h")] == 1  # what can be fetched still is
    finally:
        await db.close()


# ---- the DataProvider's reads on the harness bot (1m, BTC/USDT and ETH/USDT) -----------------
async def test_candle_reads_come_from_the_bots_cache(harness: Harness) -> None:
    await harness.tick()
    dp = harness.strategy.dp
    assert isinstance(dp, DataProvider)

    own = dp.get_pair_dataframe("BTC/USDT")
    assert own["date"].iloc[-1] == pd.Timestamp(f"{UTC_DAY} 12:00", tz="UTC")  # closed candles only at 12:01:30
    own.loc[:, "close"] = 0.0  # a copy: the bot's candles are untouched
    assert dp.ohlcv("BTC/USDT", "1m")["close"].iloc[-1] == 100.0
    assert dp.ohlcv("BTC/USDT", copy=False) is harness.bot.cache.ohlcv("BTC/USDT", "1m")
    assert dp.ohlcv("XRP/USDT").empty
    assert dp.get_pair_dataframe("BTC/USDT", "1h").empty  # nobody asked for 1h candles

    analyzed, analyzed_at = dp.get_analyzed_dataframe("ETH/USDT", "1m")
    assert analyzed_at == harness.clock.now()
    assert {"enter_long", "exit_long"} <= set(analyzed.columns)
    assert dp.get_analyzed_dataframe("XRP/USDT", "1m")[1] == pd.Timestamp(0, tz="UTC")

    assert set(dp.available_pairs) == {("BTC/USDT", "1m", "spot"), ("ETH/USDT", "1m", "spot")}
    assert dp.current_whitelist() == ["BTC/USDT", "ETH/USDT"]
    assert dp.runmode is RunMode.DRY_RUN
    assert dp.market("ETH/USDT")["quote"] == "USDT"  # type: ignore[index]
    assert dp.market("XRP/USDT") is None


async def test_historic_candles_are_read_from_the_stored_files(harness: Harness) -> None:
    store = candle_store_for(harness.settings)
    store.append("BTC/USDT", "1h", candles_to_frame([[1_700_000_000_000.0, 1, 2, 0.5, 1.5, 10]]))

    stored = harness.strategy.dp.historic_ohlcv("BTC/USDT", "1h")

    assert stored["close"].tolist() == [1.5]
    assert harness.strategy.dp.historic_ohlcv("ETH/USDT", "1h").empty


async def test_ticker_and_order_book_are_asked_of_the_exchange_from_the_analysis_thread(harness: Harness) -> None:
    harness.market.set_price("BTC/USDT", 105.0)
    dp = harness.strategy.dp

    ticker = await asyncio.to_thread(dp.ticker, "BTC/USDT")
    book = await asyncio.to_thread(dp.orderbook, "BTC/USDT", 1)

    assert (ticker["symbol"], ticker["last"]) == ("BTC/USDT", 105.0)
    assert (book["bids"], book["asks"]) == ([[105.0, 1.0]], [[105.0, 1.0]])
    assert await asyncio.to_thread(dp.ticker, "XRP/USDT") == {}  # unknown pair: freqtrade's empty dict


async def test_on_the_event_loop_ticker_is_the_loops_last_and_order_book_refuses(harness: Harness) -> None:
    dp = harness.strategy.dp
    assert dp.ticker("BTC/USDT") == {}  # no ticker fetched yet this run
    await harness.bot.force_enter("BTC/USDT")  # fetches the BTC ticker
    assert dp.ticker("BTC/USDT")["last"] == 100.0
    with pytest.raises(StrategyError, match="event loop"):
        dp.orderbook("BTC/USDT", 5)


async def test_send_msg_goes_out_once_per_candle_unless_always_send(harness: Harness) -> None:
    dp = harness.strategy.dp

    def sent() -> list[str]:
        return [m.data["msg"] for m, _ in harness.bus.seen if m.type is MessageType.STRATEGY_MSG]

    dp.send_msg("rsi low")
    dp.send_msg("rsi low")
    dp.send_msg("always", always_send=True)
    dp.send_msg("always", always_send=True)
    assert sent() == ["rsi low", "always", "always"]

    harness.clock.advance(minutes=1)  # the next 1m candle: the same text goes out again
    await asyncio.to_thread(dp.send_msg, "rsi low")  # from the analysis thread
    await eventually(lambda: sent() == ["rsi low", "always", "always", "rsi low"])
    with pytest.raises(TypeError):
        dp.send_msg("x", True)  # type: ignore[misc]  # always_send is keyword-only, as in freqtrade


async def test_reload_gives_the_new_strategy_instance_a_data_provider(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    reloaded: list[Strategy] = []

    def factory(_: Any) -> SafeStrategy:
        strategy = HourlyInformed({"stake_currency": "USDT"})
        reloaded.append(strategy)
        return SafeStrategy(strategy)

    db = await Database.open(settings.db_url)
    bot = TradingLoop(
        settings,
        market=market,
        broker=PaperBroker(market, clock=clock),
        repo=TradeRepository(db, clock),
        strategy=factory(settings),
        bus=CommitCheckingBus(sqlite_path_from_url(settings.db_url)),
        clock=clock,
        settings_loader=lambda: settings,
        strategy_factory=factory,
    )
    try:
        await bot.startup()
        await bot.reload_config()
        await bot.run_once()

        assert reloaded[1] is bot.strategy.strategy
        assert isinstance(reloaded[1].dp, DataProvider)
        analyzed = bot.analyzed("ETH/USDT")
        assert analyzed is not None and "btc_usdt_close_1h" in analyzed[0].columns
    finally:
        await db.close()


FREQTRADE_STRATEGIES = Path(__file__).parents[2] / "fixtures" / "freqtrade" / "strategies"


async def test_freqtrades_informative_sample_merges_btc_15m_candles(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    clock = ManualClock(START)  # 12:00:30
    market = CountingMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    strategy = load_strategy("InformativeSample", [FREQTRADE_STRATEGIES], settings.as_dict())
    db = await Database.open(settings.db_url)
    bus = CommitCheckingBus(sqlite_path_from_url(settings.db_url))
    bot = build_bot(settings, market, TradeRepository(db, clock), bus, clock, strategy)  # type: ignore[arg-type]
    try:
        await bot.startup()
        await bot.run_once()
        for _ in range(3):  # to 12:15:30: the 12:00 quarter has closed
            clock.advance(minutes=5)
            await bot.run_once()

        analyzed = bot.analyzed("ETH/USDT")
        assert analyzed is not None
        frame = analyzed[0]
        assert {"ema20", "close_15m", "sma20_15m", "date_15m"} <= set(frame.columns)
        assert frame["date_15m"].iloc[-1] == pd.Timestamp(f"{UTC_DAY} 12:00", tz="UTC")  # with 12:10, closed
        assert frame["sma20_15m"].iloc[-1] == 100.0  # twenty flat BTC quarters at 100
        assert market.ohlcv_calls[("BTC/USDT", "15m")] == 2  # at the start and at the 12:15 close
    finally:
        await db.close()
