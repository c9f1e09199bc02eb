"""download-data through real ccxt code against the loopback Binance server, interrupted and resumed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ftserver.core.clock import ManualClock
from ftserver.data.history import CandleStore
from ftserver.data.timerange import parse_timerange
from ftserver.errors import ExchangeUnavailable
from ftserver.exchange.ccxt_market import CcxtMarket
from ftserver.exchange.downloader import download_candles
from ftserver.exchange.retry import RetryPolicy
from ftserver.exchange.simulated import SimulatedMarket
from tests.support.binance_server import BinanceStub, ccxt_config_for

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


async def test_download_resumes_after_interruption_without_gaps(aiohttp_server: Any, tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    stub = BinanceStub(SimulatedMarket(clock=clock, pairs=["BTC/USDT"], history_days=10))
    server = await aiohttp_server(stub.app)
    market = CcxtMarket(
        "binance",
        config=ccxt_config_for(str(server.make_url("")).rstrip("/")),
        retry=RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.01),
    )
    store = CandleStore(tmp_path)
    span = parse_timerange("20260227-")  # three and a half days of 5m candles: several 1000-candle pages
    try:
        await market.load_markets()
        pages: list[int] = []

        def interrupt_after_first_page(pair: str, timeframe: str, added: int, done: float) -> None:
            pages.append(added)
            if len(pages) == 1:
                stub.fail_next(2)  # the exchange goes away mid-download (as many failures as attempts)

        with pytest.raises(ExchangeUnavailable):
            await download_candles(
                market, store, "BTC/USDT", "5m", span, clock=clock, progress=interrupt_after_first_page
            )
        partial = store.load("BTC/USDT", "5m")
        assert len(partial) == 1000  # the first page was stored before the failure
        result = await download_candles(market, store, "BTC/USDT", "5m", span, clock=clock)
        assert result.resumed_from_ms is not None
    finally:
        await market.close()

    candles = pd.read_feather(tmp_path / "BTC_USDT-5m.feather")
    stamps = (candles["date"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(milliseconds=1)
    assert stamps.is_unique and stamps.is_monotonic_increasing
    assert set(stamps.diff().dropna().astype(int)) == {300_000}
    assert candles["date"].iloc[0] == pd.Timestamp("2026-02-27", tz="UTC")
    assert candles["date"].iloc[-1] == pd.Timestamp("2026-03-02 11:55", tz="UTC")  # last closed candle
    expected = stub.market.candles("BTC/USDT", "5m", since_ms=int(stamps.iloc[0]), limit=3)
    assert candles[["open", "close"]].iloc[:3].to_numpy().ravel().tolist() == pytest.approx(
        [value for row in expected for value in (row[1], row[4])]
    )
