import logging
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from ftserver.config import settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.errors import ConfigError, InvalidRequest
from ftserver.exchange.factory import create_market
from ftserver.exchange.paper import PaperBroker
from ftserver.exchange.replay import ReplayMarket
from ftserver.models import OrderSide, OrderStatus, OrderType
from tests.support.candle_files import write_candles
from tests.support.paper_orders import as_order

DAY_MS = 86_400_000
FIVE_MINUTES = 300_000
STORED_FROM = datetime(2025, 6, 1, tzinfo=UTC)  # three days of 5m candles: June 1st to 3rd
REPLAY_START = datetime(2025, 6, 2, 12, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 12, 7, 30, tzinfo=UTC)  # the clock's time of day is kept: stored 12:07:30
NOW_MS = int(NOW.timestamp() * 1000)


def ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def closes(base: float, count: int) -> list[float]:
    return [round(base * (1 + 0.01 * math.sin(i / 7)) + i * base * 1e-5, 2) for i in range(count)]


@pytest.fixture
def stored(tmp_path: Path) -> dict[str, pd.DataFrame]:
    return {
        "BTC/USDT": write_candles(tmp_path, "BTC/USDT", "5m", STORED_FROM, closes(60_000.0, 864)),
        "ETH/USDT": write_candles(tmp_path, "ETH/USDT", "5m", STORED_FROM, closes(3_000.0, 864)),
    }


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def replay(tmp_path: Path, stored: dict[str, pd.DataFrame], clock: ManualClock) -> ReplayMarket:
    return ReplayMarket(tmp_path, start=REPLAY_START, clock=clock, history_days=1)


def stored_row(frame: pd.DataFrame, open_ms: int) -> list[float]:
    [row] = frame[frame["date"] == pd.Timestamp(open_ms, unit="ms", tz="UTC")].itertuples(index=False)
    return [float(v) for v in row[1:]]


def test_candles_are_the_stored_candles_shifted_by_whole_days(
    replay: ReplayMarket, stored: dict[str, pd.DataFrame]
) -> None:
    rows = replay.candles("BTC/USDT", "5m", limit=100)
    assert replay.shift_ms % DAY_MS == 0
    assert NOW_MS - replay.shift_ms == ms(REPLAY_START + timedelta(minutes=7, seconds=30))
    assert len(rows) == 100
    for row in rows:
        assert row[1:] == stored_row(stored["BTC/USDT"], int(row[0]) - replay.shift_ms)
    # Closed candles only: the stored 12:00 candle closed at 12:05; the 12:05 one closes in the future.
    assert int(rows[-1][0]) - replay.shift_ms == ms(REPLAY_START)
    assert all(row[0] + FIVE_MINUTES <= NOW_MS for row in rows)


def test_new_candles_appear_as_the_clock_advances(
    replay: ReplayMarket, clock: ManualClock, stored: dict[str, pd.DataFrame]
) -> None:
    newest = replay.candles("ETH/USDT", "5m", limit=1)[-1]
    clock.advance(minutes=2, seconds=29)  # 12:09:59 stored: the 12:05 candle is still forming
    assert replay.candles("ETH/USDT", "5m", since_ms=int(newest[0]) + FIVE_MINUTES) == []
    clock.advance(seconds=1)
    [new] = replay.candles("ETH/USDT", "5m", since_ms=int(newest[0]) + FIVE_MINUTES)
    assert new[0] == newest[0] + FIVE_MINUTES
    assert new[1:] == stored_row(stored["ETH/USDT"], int(new[0]) - replay.shift_ms)


def test_hour_candles_are_the_stored_hours_and_the_newest_is_forming(
    replay: ReplayMarket, stored: dict[str, pd.DataFrame]
) -> None:
    hours = replay.candles("BTC/USDT", "1h", limit=5)
    frame = stored["BTC/USDT"].set_index("date")
    expected = frame.resample("1h").agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    )
    for hour in hours[:-1]:
        row = expected.loc[pd.Timestamp(int(hour[0]) - replay.shift_ms, unit="ms", tz="UTC")]
        assert hour[1:] == pytest.approx(row.tolist())
    # The forming 12:00 hour holds only what has closed by 12:07:30: the 12:00 five minutes.
    forming = hours[-1]
    assert forming[0] <= NOW_MS < forming[0] + 3_600_000
    assert forming[1:] == stored_row(stored["BTC/USDT"], ms(REPLAY_START))


async def test_ticker_and_order_book_come_from_the_replayed_close(replay: ReplayMarket) -> None:
    last = replay.candles("BTC/USDT", "5m", limit=288)
    ticker = await replay.fetch_ticker("BTC/USDT")
    assert ticker.last == last[-1][4]
    assert ticker.bid < ticker.last < ticker.ask  # type: ignore[operator]
    day = [row for row in last if row[0] >= NOW_MS - DAY_MS]
    assert ticker.high == max(row[2] for row in day)
    assert ticker.base_volume == pytest.approx(sum(row[5] for row in day))
    book = await replay.fetch_order_book("BTC/USDT", 5)
    assert book.bids[0][0] <= ticker.bid < ticker.ask <= book.asks[0][0]  # type: ignore[operator]
    btc = replay.markets["BTC/USDT"]
    assert (btc.price_precision, btc.amount_precision, btc.min_cost) == (0.01, 1e-5, 5.0)


def test_timeframes_below_the_stored_one_are_refused_naming_the_key(replay: ReplayMarket) -> None:
    assert "1m" not in replay.timeframes
    assert {"5m", "15m", "1h", "1d"} <= set(replay.timeframes)
    with pytest.raises(InvalidRequest, match=r"'1m'.*stored: 5m.*exchange\.sim\.replay"):
        replay.candles("BTC/USDT", "1m")
    with pytest.raises(InvalidRequest, match="SOL/USDT"):
        replay.candles("SOL/USDT", "5m")


def test_json_files_replay_as_feather_files_do(tmp_path: Path, clock: ManualClock) -> None:
    frame = write_candles(tmp_path, "SOL/USDT", "1h", STORED_FROM, closes(150.0, 72), data_format="json")
    market = ReplayMarket(tmp_path, start=REPLAY_START, clock=clock, history_days=1)
    assert list(market.markets) == ["SOL/USDT"]
    newest = market.candles("SOL/USDT", "1h", limit=1)[-1]
    assert int(newest[0]) - market.shift_ms == ms(REPLAY_START - timedelta(hours=1))
    assert newest[1:] == stored_row(frame, int(newest[0]) - market.shift_ms)
    # No stored hour of the 12:00-16:00 block has closed yet: the newest 4h candle is 08:00-12:00.
    [four] = market.candles("SOL/USDT", "4h", limit=1)
    assert four[0] == ms(NOW.replace(hour=8, minute=0, second=0))
    assert (four[1], four[4]) == (stored_row(frame, ms(REPLAY_START - timedelta(hours=4)))[0], newest[4])


async def test_after_the_last_stored_candle_the_market_stands_still(
    replay: ReplayMarket, clock: ManualClock, stored: dict[str, pd.DataFrame], caplog: pytest.LogCaptureFixture
) -> None:
    clock.advance(days=2)
    with caplog.at_level(logging.WARNING):
        newest = replay.candles("BTC/USDT", "5m", limit=3)[-1]
        ticker = await replay.fetch_ticker("BTC/USDT")
    last_stored = stored["BTC/USDT"].iloc[-1]
    assert int(newest[0]) - replay.shift_ms == ms(last_stored["date"].to_pydatetime())
    assert ticker.last == last_stored["close"]
    assert [r.getMessage() for r in caplog.records if "end of its stored candles" in r.getMessage()] != []


async def test_resting_limit_order_fills_from_the_replayed_five_minute_candles(
    replay: ReplayMarket, clock: ManualClock, stored: dict[str, pd.DataFrame]
) -> None:
    # The limit sits at the lowest low of the next six hours: touched by one stored candle only.
    frame = stored["ETH/USDT"]
    ahead = frame[(frame["date"] > REPLAY_START) & (frame["date"] <= REPLAY_START + timedelta(hours=6))]
    dip = ahead.loc[ahead["low"].idxmin()]
    broker = PaperBroker(replay, clock=clock)
    placed = await broker.place_order("ETH/USDT", OrderSide.BUY, OrderType.LIMIT, 0.1, float(dip["low"]))
    assert placed.status is OrderStatus.OPEN
    order = as_order(placed)
    clock.advance(hours=7)
    assert replay.price("ETH/USDT") > dip["low"], "the dip is over: only the candles can show it"
    filled = await broker.refresh_order(order)
    assert filled.status is OrderStatus.CLOSED and filled.average == placed.price
    touched = ahead[ahead["low"] <= placed.price].iloc[0]  # the price was rounded to the tick
    assert filled.filled_timestamp == ms(touched["date"].to_pydatetime()) + replay.shift_ms


# ---- configuration -----------------------------------------------------------------------------
def sim_config(tmp_path: Path, replay: dict[str, object], **sim: object) -> dict[str, object]:
    return {
        "stake_currency": "USDT",
        "stake_amount": 10,
        "user_data_dir": str(tmp_path),
        "exchange": {"name": "sim", "pair_whitelist": ["BTC/USDT"], "sim": {"replay": replay, **sim}},
    }


def test_replay_reads_the_download_folder_of_the_named_exchange(tmp_path: Path, clock: ManualClock) -> None:
    write_candles(tmp_path / "data" / "binance", "BTC/USDT", "5m", STORED_FROM, closes(60_000.0, 864))
    write_candles(tmp_path / "data" / "binance", "ETH/USDT", "5m", STORED_FROM, closes(3_000.0, 864))
    settings = settings_from_dict(sim_config(tmp_path, {"exchange": "binance"}, history_days=1))
    replay = settings.exchange.sim.replay
    assert replay is not None and replay.datadir == str(tmp_path / "data" / "binance")
    market = create_market(settings.exchange, clock=clock)
    assert isinstance(market, ReplayMarket)
    assert (market.id, list(market.markets)) == ("sim", ["BTC/USDT"]), "the whitelist picks the replayed pairs"
    # history_days (1) after the first closed candle, at the clock's time of day.
    stored_now = NOW_MS - market.shift_ms
    assert 0 <= stored_now - (ms(STORED_FROM) + FIVE_MINUTES + DAY_MS) < DAY_MS


def test_a_whitelisted_pair_without_a_file_is_a_config_error(tmp_path: Path, stored: object) -> None:
    values = sim_config(tmp_path, {"datadir": str(tmp_path), "start": "202506021200"})
    values["exchange"]["pair_whitelist"] = ["BTC/USDT", "XRP/USDT"]  # type: ignore[index]
    with pytest.raises(ConfigError, match=r"XRP/USDT.*pair_whitelist") as caught:
        create_market(settings_from_dict(values).exchange, clock=ManualClock(NOW))
    assert caught.value.key == "exchange.sim.replay"


def test_an_empty_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no candle files") as caught:
        create_market(settings_from_dict(sim_config(tmp_path, {"exchange": "kraken"})).exchange)
    assert caught.value.key == "exchange.sim.replay"


@pytest.mark.parametrize(
    ("replay", "key"),
    [
        ({}, "exchange.sim.replay.exchange"),
        ({"exchange": "binance", "start": "2025-06-02"}, "exchange.sim.replay.start"),
        ({"exchange": "binance", "start": "20251350"}, "exchange.sim.replay.start"),
        ("binance", "exchange.sim.replay"),
    ],
)
def test_bad_replay_settings_name_the_key(tmp_path: Path, replay: object, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_dict(sim_config(tmp_path, replay))  # type: ignore[arg-type]
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("start", "history_days"),
    [
        (datetime(2025, 5, 31, tzinfo=UTC), 1),  # before the first candle
        (datetime(2025, 6, 4, tzinfo=UTC), 1),  # after the last one
        (None, 30),  # the default start, 30 days in, is past three days of candles
    ],
)
def test_a_start_outside_the_stored_candles_is_a_config_error(
    tmp_path: Path, stored: object, start: datetime | None, history_days: int
) -> None:
    with pytest.raises(ConfigError, match="2025-06-01 00:05 and 2025-06-04 00:00") as caught:
        ReplayMarket(tmp_path, start=start, clock=ManualClock(NOW), history_days=history_days)
    assert caught.value.key == "exchange.sim.replay.start"


def test_a_disabled_replay_keeps_the_generated_market(tmp_path: Path) -> None:
    settings = settings_from_dict(sim_config(tmp_path, {"enabled": False}))
    market = create_market(settings.exchange, clock=ManualClock(NOW))
    assert not isinstance(market, ReplayMarket)
    assert "BTC/USDT" in market.markets
