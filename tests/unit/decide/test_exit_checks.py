from datetime import UTC, datetime, timedelta

import pytest

from ftserver.decide.exit_checks import decide_exit, exit_candidates
from ftserver.decide.stoploss import update_trailing_stop
from ftserver.models import Trade

NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Rules:
    stoploss = -0.1
    trailing_stop = False
    trailing_stop_positive: float | None = None
    trailing_stop_positive_offset = 0.0
    trailing_only_offset_is_reached = False
    use_custom_stoploss = False
    use_custom_roi = False
    use_exit_signal = True
    exit_profit_only = False
    exit_profit_offset = 0.0
    ignore_roi_if_entry_signal = False
    roi = {0: 0.05, 30: 0.01}

    def min_roi_at(self, minutes: float) -> float | None:
        keys = [k for k in self.roi if k <= minutes]
        return self.roi[max(keys)] if keys else None


def trade(open_minutes_ago: float = 0) -> Trade:
    t = Trade(
        pair="BTC/USDT",
        exchange="sim",
        strategy="S",
        timeframe=5,
        open_rate=100.0,
        open_date=NOW - timedelta(minutes=open_minutes_ago),
        amount=1.0,
        stake_amount=100.0,
        fee_open=0.0,
        fee_close=0.0,
    )
    t.set_initial_stoploss(-0.1, NOW)
    return t


def test_no_exit_inside_the_band() -> None:
    assert decide_exit(trade(), Rules(), 101.0, NOW) is None


def test_exit_signal_comes_before_stoploss_and_roi_as_in_freqtrade() -> None:
    # 45 minutes in at 89: the exit signal, the stop at 90 and (after a later jump) ROI all apply.
    found = exit_candidates(trade(45), Rules(), 89.0, NOW, exit_signal=True)
    assert [d.reason for d in found] == ["exit_signal", "stop_loss"]
    assert found[1].is_stoploss
    stop_only = decide_exit(trade(), Rules(), 89.0, NOW)
    assert stop_only is not None and stop_only.reason == "stop_loss" and stop_only.is_stoploss


def test_custom_roi_below_the_table_exits_earlier() -> None:
    class CustomRoi(Rules):
        use_custom_roi = True

    assert exit_candidates(trade(0), CustomRoi(), 103.0, NOW) == []  # table: 5 %
    [roi] = exit_candidates(trade(0), CustomRoi(), 103.0, NOW, custom_roi=0.02)  # 3 % > 2 %
    assert roi.reason == "roi"
    assert exit_candidates(trade(45), CustomRoi(), 101.5, NOW, custom_roi=0.05) != []  # table's 1 % is lower


def test_roi_table_by_trade_age() -> None:
    assert decide_exit(trade(0), Rules(), 103.0, NOW) is None  # 3 % < 5 %
    decision = decide_exit(trade(45), Rules(), 103.0, NOW)  # after 30 min: 1 %
    assert decision is not None and decision.reason == "roi"


def test_roi_is_ignored_while_entry_signal_when_configured() -> None:
    rules = Rules()
    rules.ignore_roi_if_entry_signal = True
    assert decide_exit(trade(45), rules, 103.0, NOW, entry_signal=True) is None


def test_exit_signal_uses_exit_tag_as_reason() -> None:
    decision = decide_exit(trade(), Rules(), 100.5, NOW, exit_signal=True, exit_tag="cross_down")
    assert decision is not None and decision.reason == "cross_down"
    plain = decide_exit(trade(), Rules(), 100.5, NOW, exit_signal=True)
    assert plain is not None and plain.reason == "exit_signal"


def test_exit_profit_only_holds_losing_trade() -> None:
    rules = Rules()
    rules.exit_profit_only = True
    assert decide_exit(trade(), rules, 99.0, NOW, exit_signal=True) is None


def test_trailing_stop_only_moves_up() -> None:
    rules = Rules()
    rules.trailing_stop = True
    t = trade()
    assert update_trailing_stop(t, rules, 120.0, NOW)
    assert t.stop_loss == pytest.approx(108.0)
    assert not update_trailing_stop(t, rules, 110.0, NOW)
    assert t.stop_loss == pytest.approx(108.0)
    # 7 % profit is also above the 5 % ROI, which freqtrade offers before a trailing stop.
    assert [d.reason for d in exit_candidates(t, rules, 107.0, NOW)] == ["roi", "trailing_stop_loss"]


def test_trailing_positive_offset_tightens_stop_once_reached() -> None:
    rules = Rules()
    rules.trailing_stop = True
    rules.trailing_stop_positive = 0.02
    rules.trailing_stop_positive_offset = 0.05
    rules.trailing_only_offset_is_reached = True
    t = trade()
    assert not update_trailing_stop(t, rules, 104.0, NOW)  # below the 5 % offset: untouched
    assert update_trailing_stop(t, rules, 110.0, NOW)
    assert t.stop_loss == pytest.approx(107.8)  # 110 * 0.98
