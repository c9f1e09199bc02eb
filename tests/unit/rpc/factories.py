"""Trades built in memory for the RPC view tests, and the freqtrade samples they are compared with."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ftserver.models import Order, OrderSide, OrderStatus, OrderType, Trade, TradingMode

# Bodies of real freqtrade 2026.9 (API 2.50) responses, recorded from a dry-run bot; see tests/fixtures/README.md.
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "freqtrade" / "rest"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday


def sample(name: str) -> Any:
    """The body of a captured freqtrade response."""
    return json.loads((SAMPLES / name).read_text())["body"]


def from_ms(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(milliseconds=value)


def order(
    trade_id: int,
    pair: str,
    side: OrderSide,
    *,
    amount: float,
    price: float,
    placed: datetime,
    status: OrderStatus = OrderStatus.CLOSED,
    filled: float | None = None,
    tag: str | None = None,
) -> Order:
    filled = amount if filled is None else filled
    return Order(
        ft_trade_id=trade_id,
        ft_order_side=side,
        ft_pair=pair,
        order_id=f"{side.value}-{trade_id}-{placed.timestamp()}",
        order_type=OrderType.LIMIT,
        side=side,
        amount=amount,
        price=price,
        status=status,
        filled=filled,
        remaining=amount - filled,
        average=price if filled else None,
        cost=filled * price,
        order_date=placed,
        order_filled_date=placed if filled else None,
        ft_order_tag=tag,
    )


def make_trade(
    pair: str,
    open_rate: float,
    close_rate: float | None = None,
    *,
    opened: datetime,
    hours: float = 2.0,
    trade_id: int = 1,
    stake: float = 100.0,
    tag: str | None = "tag",
    reason: str | None = "roi",
    is_short: bool = False,
    trading_mode: TradingMode = TradingMode.SPOT,
    with_orders: bool = True,
) -> Trade:
    """``stake`` at ``open_rate``, 0.1 % fees, a -10 % stoploss; closed ``hours`` later when ``close_rate`` is given."""
    trade = Trade(
        id=trade_id,
        pair=pair,
        exchange="binance",
        strategy="Sample",
        timeframe=5,
        open_rate=open_rate,
        open_date=opened,
        amount=stake / open_rate,
        stake_amount=stake,
        max_stake_amount=stake,
        fee_open=0.001,
        fee_close=0.001,
        enter_tag=tag,
        is_short=is_short,
        trading_mode=trading_mode,
    )
    trade.set_initial_stoploss(-0.1, opened)
    if with_orders:
        trade.orders.append(
            order(trade_id, pair, trade.entry_side, amount=trade.amount, price=open_rate, placed=opened)
        )
    if close_rate is not None:
        closed = opened + timedelta(hours=hours)
        trade.is_open = False
        trade.close_rate = close_rate
        trade.close_date = closed
        trade.close_profit_abs = trade.calc_profit(close_rate)
        trade.close_profit = trade.calc_profit_ratio(close_rate)
        trade.realized_profit = trade.close_profit_abs
        trade.exit_reason = reason
        if with_orders:
            trade.orders.append(
                order(trade_id, pair, trade.exit_side, amount=trade.amount, price=close_rate, placed=closed, tag=reason)
            )
    return trade


def trade_from_sample(body: dict[str, Any]) -> Trade:
    """Rebuild the stored trade behind one of freqtrade's trade bodies (``/trades`` or ``/status`` shape)."""
    trade = Trade(
        id=body["trade_id"],
        pair=body["pair"],
        exchange=body["exchange"],
        strategy=body["strategy"],
        timeframe=body["timeframe"],
        open_rate=body["open_rate"],
        open_date=from_ms(body["open_timestamp"]),  # type: ignore[arg-type]
        amount=body["amount"],
        stake_amount=body["stake_amount"],
        fee_open=body["fee_open"],
        fee_close=body["fee_close"],
        is_open=body["is_open"],
        is_short=body["is_short"],
        amount_requested=body["amount_requested"],
        max_stake_amount=body["max_stake_amount"],
        open_rate_requested=body["open_rate_requested"],
        fee_open_cost=body["fee_open_cost"],
        fee_open_currency=body["fee_open_currency"],
        fee_close_cost=body["fee_close_cost"],
        fee_close_currency=body["fee_close_currency"],
        close_rate=body["close_rate"],
        close_rate_requested=body["close_rate_requested"],
        close_date=from_ms(body["close_timestamp"]),
        close_profit=body["close_profit"],
        close_profit_abs=body["close_profit_abs"],
        realized_profit=body["realized_profit"],
        enter_tag=body["enter_tag"],
        exit_reason=body["exit_reason"],
        exit_order_status=body["exit_order_status"],
        stop_loss=body["stop_loss_abs"],
        stop_loss_pct=body["stop_loss_ratio"],
        initial_stop_loss=body["initial_stop_loss_abs"],
        initial_stop_loss_pct=body["initial_stop_loss_ratio"],
        stoploss_last_update=from_ms(body["stoploss_last_update_timestamp"]),
        max_rate=body["max_rate"],
        min_rate=body["min_rate"],
        leverage=body["leverage"],
        interest_rate=body["interest_rate"],
        liquidation_price=body["liquidation_price"],
        trading_mode=TradingMode(body["trading_mode"]),
        funding_fees=body["funding_fees"],
        amount_precision=body["amount_precision"],
        price_precision=body["price_precision"],
        precision_mode=body["precision_mode"],
    )
    for item in body["orders"]:
        trade.orders.append(
            Order(
                ft_trade_id=trade.id or 0,
                ft_order_side=OrderSide(item["ft_order_side"]),
                ft_pair=item["pair"],
                order_id=item["order_id"],
                order_type=OrderType(item["order_type"]),
                side=OrderSide(item["ft_order_side"]),
                amount=item["amount"],
                price=item.get("price", item["safe_price"]),
                status=OrderStatus(item["status"]),
                filled=item["filled"],
                remaining=item["remaining"],
                average=item.get("average", item["safe_price"]),
                cost=item["cost"],
                order_date=from_ms(item["order_timestamp"]),
                order_filled_date=from_ms(item["order_filled_timestamp"]),
                ft_fee_base=item["ft_fee_base"],
                ft_order_tag=item["ft_order_tag"],
            )
        )
    return trade
