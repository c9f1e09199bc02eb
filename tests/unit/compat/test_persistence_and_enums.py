import pytest

from ftserver.compat.freqtrade import enums, persistence
from ftserver.models import ExitReason, Order, Trade


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


def test_enum_values_are_freqtrades() -> None:
    assert enums.ExitType is ExitReason
    assert enums.ExitType.ROI.value == "roi"
    assert enums.CandleType.FUNDING_RATE.value == "funding_rate"
    assert enums.SignalDirection.SHORT.value == "short"
    assert enums.SignalType.ENTER_LONG.value == "enter_long"
    assert enums.SignalTagType.EXIT_TAG.value == "exit_tag"
    assert enums.MarginMode.ISOLATED.value == "isolated"
    assert enums.RunMode.DRY_RUN.value == "dry_run"
