from __future__ import annotations

from ftserver.decide.position import adjustment_enabled, max_entry_adjustments


def test_either_the_config_or_the_strategy_switches_adjustment_on() -> None:
    assert adjustment_enabled(True, False)
    assert adjustment_enabled(False, True)
    assert not adjustment_enabled(False, False)


def test_the_configured_maximum_wins_unless_it_is_minus_one() -> None:
    assert max_entry_adjustments(2, 5) == 2
    assert max_entry_adjustments(0, 5) == 0
    assert max_entry_adjustments(-1, 5) == 5
    assert max_entry_adjustments(-1, -1) == -1
