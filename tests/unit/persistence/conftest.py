from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ftserver.core.clock import ManualClock
from ftserver.models import Order, OrderSide, OrderStatus, OrderType, Trade
from ftserver.persistence.db import Database
from ftserver.persistence.trades import TradeRepository

T0 = datetime(2026, 2, 1, 10, 0, tzinfo=UTC)

TradeFactory = Callable[..., Trade]


def build_trade(pair: str = "BTC/USDT", *, minutes: int = 0, close_after: int | None = None) -> Trade:
    """An open trade with one filled entry order; ``close_after`` (minutes) closes it with a filled exit."""
    opened = T0 + timedelta(minutes=minutes)
    trade = Trade(
        pair=pair,
        exchange="binance",
        strategy="SampleStrategy",
        timeframe=5,
        open_rate=100.0,
        open_date=opened,
        amount=1.5,
        stake_amount=150.0,
        fee_open=0.001,
        fee_close=0.001,
        enter_tag="tag",
    )
    trade.orders.append(
        Order(
            ft_trade_id=0,
            ft_order_side=OrderSide.BUY,
            ft_pair=pair,
            order_id=f"buy-{pair}-{minutes}",
            order_type=OrderType.LIMIT,
            side=OrderSide.BUY,
            amount=1.5,
            price=100.0,
            status=OrderStatus.CLOSED,
            filled=1.5,
            average=100.0,
            cost=150.0,
            order_date=opened,
            order_filled_date=opened + timedelta(seconds=3),
        )
    )
    if close_after is not None:
        closed = opened + timedelta(minutes=close_after)
        trade.is_open = False
        trade.close_rate = 110.0
        trade.close_date = closed
        trade.close_profit_abs = trade.calc_profit(110.0)
        trade.close_profit = trade.calc_profit_ratio(110.0)
        trade.exit_reason = "roi"
        trade.orders.append(
            Order(
                ft_trade_id=0,
                ft_order_side=OrderSide.SELL,
                ft_pair=pair,
                order_id=f"sell-{pair}-{minutes}",
                order_type=OrderType.MARKET,
                side=OrderSide.SELL,
                amount=1.5,
                price=None,
                status=OrderStatus.CLOSED,
                filled=1.5,
                average=110.0,
                cost=165.0,
                order_date=closed,
                order_filled_date=closed,
            )
        )
    return trade


@pytest.fixture
def new_trade() -> TradeFactory:
    return build_trade


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The repository tests run on both backends: an SQLite file, and a PostgreSQL schema of their own."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'user_data' / 'trades.sqlite'}"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await Database.open(db_url)
    yield database
    await database.close()


@pytest.fixture
def repo(db: Database, clock: ManualClock) -> TradeRepository:
    return TradeRepository(db, clock)
