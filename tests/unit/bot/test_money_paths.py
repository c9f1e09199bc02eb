"""Money paths the lifecycle scenarios do not cover: partial exit, cancelling an exit order, deleting a
trade that still has an order on the book. Fees are 0.1 % on both sides; profits are hand-computed."""

from __future__ import annotations

import pytest

from ftserver.core.messages import MessageType
from ftserver.models import OrderStatus

from .conftest import Harness


async def test_partial_exit_books_the_part_sold_and_keeps_the_rest_open(harness: Harness) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")  # 100 USDT at 100 -> 1.0 BTC
    harness.market.set_price("BTC/USDT", 110.0)
    await harness.bot.force_exit(trade.id, amount=0.4)

    kept = await harness.repo.get_trade(trade.id or 0)
    assert kept is not None and kept.is_open
    assert kept.amount == pytest.approx(0.6)
    assert kept.stake_amount == pytest.approx(60.0)
    # sold 0.4 * 110 * 0.999 = 43.956 ; its share of the open value 0.4 * 100 * 1.001 = 40.04
    assert kept.realized_profit == pytest.approx(3.916)
    assert kept.exit_reason is None
    fill = [m for m, _ in harness.bus.seen if m.type is MessageType.EXIT_FILL][-1]
    assert fill.data["is_final_exit"] is False

    await harness.bot.force_exit(trade.id)  # the other 0.6 at 110
    closed = await harness.repo.get_trade(trade.id or 0)
    assert closed is not None and not closed.is_open
    # second part: 0.6 * 110 * 0.999 - 0.6 * 100 * 1.001 = 65.934 - 60.06 = 5.874
    assert closed.close_profit_abs == pytest.approx(3.916 + 5.874)
    assert harness.bot.wallet.free_stake([], harness.bot.realized_profit) == pytest.approx(1000 + 9.79)


async def test_cancelling_an_exit_order_keeps_the_trade_open_and_whole(harness: Harness) -> None:
    trade = await harness.bot.force_enter("BTC/USDT")
    await harness.bot.force_exit(trade.id, order_type="limit", price=150.0)  # far above the market: rests
    resting = await harness.repo.get_trade(trade.id or 0)
    assert resting is not None and resting.has_open_orders
    assert resting.exit_reason == "force_exit"

    await harness.bot.cancel_open_order(trade.id or 0)

    kept = await harness.repo.get_trade(trade.id or 0)
    assert kept is not None and kept.is_open
    assert not kept.has_open_orders
    assert kept.amount == pytest.approx(1.0)
    assert kept.exit_reason is None
    assert kept.exit_order_status == OrderStatus.CANCELED.value
    assert kept.realized_profit == 0.0
    assert harness.bus.types()[-1] is MessageType.EXIT_CANCEL


async def test_deleting_a_trade_cancels_its_resting_order_and_frees_the_stake(harness: Harness) -> None:
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=90.0)  # below the market: rests
    assert harness.bot.wallet.free_stake(harness.bot.open_trades, 0.0) < 1000

    assert await harness.bot.delete_trade(trade.id or 0) == 1

    assert await harness.repo.get_trade(trade.id or 0) is None
    assert harness.bot.open_trades == []
    assert harness.bot.wallet.free_stake([], harness.bot.realized_profit) == pytest.approx(1000.0)
    harness.market.set_price("BTC/USDT", 80.0)  # the cancelled order must not fill any more
    await harness.tick()
    assert harness.bot.open_trades == []


async def test_a_limit_entry_off_the_price_grid_never_stakes_more_than_asked(harness: Harness) -> None:
    # 19.678058 goes out as 19.6781 (the grid is 0.0001). Worked out at the asked price the amount
    # would be 2.5409 and cost 50.00008 at the grid price; worked out at the grid price it is 2.5408.
    trade = await harness.bot.force_enter("BTC/USDT", order_type="limit", price=19.678058, stake_amount=50)
    assert trade.open_rate == pytest.approx(19.6781)
    assert trade.amount == pytest.approx(2.5408)
    assert trade.stake_amount <= 50
