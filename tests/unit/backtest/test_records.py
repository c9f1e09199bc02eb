from __future__ import annotations

from datetime import UTC, datetime

from ftserver.backtest.records import TRADE_COLUMNS, BacktestOrder, BacktestTrade, trades_frame

OPENED = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
CLOSED = datetime(2024, 5, 1, 12, 30, 59, tzinfo=UTC)


def _trade(**changes: object) -> BacktestTrade:
    fields: dict[str, object] = {
        "pair": "ETH/USDT",
        "open_date": OPENED,
        "close_date": CLOSED,
        "open_rate": 3000.0,
        "close_rate": 3030.0,
        "amount": 0.0333333333333333,
        "stake_amount": 100.000000004,
        "profit_ratio": 0.008,
        "profit_abs": 0.8,
        "exit_reason": "roi",
        "fee_open": 0.001,
        "fee_close": 0.001,
    }
    fields.update(changes)
    return BacktestTrade(**fields)  # type: ignore[arg-type]


def test_record_rounds_amounts_to_8_decimals_and_counts_whole_minutes() -> None:
    record = _trade().as_record()
    assert record["amount"] == 0.03333333
    assert record["stake_amount"] == 100.0
    assert record["max_stake_amount"] == 100.0  # defaults to the stake
    assert record["trade_duration"] == 150  # 2 h 30 min 59 s
    assert record["open_timestamp"] == 1714557600000
    assert list(record) == list(TRADE_COLUMNS)


def test_record_keeps_zero_stop_ratios_as_absent() -> None:
    record = _trade(stop_loss_ratio=0.0, initial_stop_loss_ratio=-0.05).as_record()
    assert record["stop_loss_ratio"] is None
    assert record["initial_stop_loss_ratio"] == -0.05


def test_orders_are_recorded_in_freqtrades_short_form() -> None:
    order = BacktestOrder("buy", True, 0.5, 3000.0, 1500.0, OPENED, "breakout")
    assert _trade(orders=(order,)).as_record()["orders"] == [
        {
            "amount": 0.5,
            "safe_price": 3000.0,
            "ft_order_side": "buy",
            "order_filled_timestamp": 1714557600000,
            "ft_is_entry": True,
            "ft_order_tag": "breakout",
            "cost": 1500.0,
        }
    ]


def test_frame_has_utc_dates_and_every_column_even_when_empty() -> None:
    frame = trades_frame([_trade()])
    assert str(frame["close_date"].dtype).startswith("datetime64") and str(frame["close_date"].dt.tz) == "UTC"
    assert frame["close_date"].iloc[0].to_pydatetime() == CLOSED.replace(microsecond=0)
    assert list(trades_frame([]).columns) == list(TRADE_COLUMNS)
