import pytest

from ftserver.compat.freqtrade import enums, persistence
from ftserver.models import ExitReason, Order, RunMode, Trade, TradingMode


def test_trade_and_order_are_ftserver_models() -> None:
    assert persistence.Trade is Trade
    assert persistence.Order is Order


@pytest.mark.parametrize(
    ("call", "method"),
    [
        (lambda: persistence.Trade.get_trades_proxy(is_open=True), "Trade.get_trades_proxy"),
        (lambda: persistence.Trade.get_open_trade_count(), "Trade.get_open_trade_count"),
        (lambda: persistence.PairLocks.is_pair_locked("BTC/USDT"), "PairLocks.is_pair_locked"),
    ],
)
def test_queries_needing_the_bots_database_name_themselves(call: object, method: str) -> None:
    with pytest.raises(NotImplementedError, match=method.replace(".", r"\.")):
        call()  # type: ignore[operator]


def test_enums_have_freqtrade_2026_9s_members_and_values() -> None:
    assert [m.value for m in enums.RunMode] == [
        "live",
        "dry_run",
        "backtest",
        "hyperopt",
        "util_exchange",
        "util_no_exchange",
        "plot",
        "webserver",
        "other",
    ]
    assert enums.ExitType.ROI.value == "roi"
    assert enums.ExitType.SOLD_ON_EXCHANGE.value == "sold_on_exchange"
    assert enums.ExitType.NONE.value == ""
    assert enums.CandleType.PREMIUMINDEX.value == "premiumIndex"
    assert enums.CandleType.from_string("") is enums.CandleType.SPOT
    assert enums.CandleType.get_default("futures") is enums.CandleType.FUTURES
    assert enums.SignalDirection.SHORT.value == "short"
    assert enums.SignalType.ENTER_LONG.value == "enter_long"
    assert enums.SignalTagType.EXIT_TAG.value == "exit_tag"
    assert enums.MarginMode.ISOLATED.value == "isolated"
    assert enums.TradingMode is TradingMode
    assert [(m.value, str(m)) for m in enums.State] == [
        (1, "running"),
        (2, "paused"),
        (3, "stopped"),
        (4, "reload_config"),
    ]


def test_string_enums_equal_the_values_ftserver_hands_to_strategies() -> None:
    assert enums.RunMode.DRY_RUN == RunMode.DRY_RUN
    assert enums.RunMode.LIVE in (RunMode.LIVE, RunMode.DRY_RUN)
    assert enums.ExitType.TRAILING_STOP_LOSS == ExitReason.TRAILING_STOP_LOSS
    assert enums.ExitType.EXIT_SIGNAL == "exit_signal"
