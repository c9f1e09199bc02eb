"""The hyperopt parameter classes: their values, ranges and how they describe themselves."""

from __future__ import annotations

import pytest

from ftserver.errors import StrategyError
from ftserver.strategy.parameters import (
    BooleanParameter,
    CategoricalParameter,
    DecimalParameter,
    IntParameter,
    RealParameter,
)


def test_an_int_parameter_holds_its_default_and_ranges_over_that_one_value() -> None:
    parameter = IntParameter(10, 40, default=30, space="buy")
    assert parameter.value == 30
    assert list(parameter.range) == [30]  # outside hyperopt only the current value is computed
    assert (parameter.low, parameter.high) == (10, 40)
    assert not parameter.can_optimize()


def test_a_numeric_range_may_be_one_two_item_sequence() -> None:
    parameter = RealParameter([0.1, 0.9], default=0.5)
    assert (parameter.low, parameter.high) == (0.1, 0.9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([10],), r"\[low, high\]"),
        ((10,), r"\[low, high\]"),
        (([10, 20], 30), "not both"),
    ],
)
def test_a_bad_numeric_range_is_refused(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(StrategyError, match=message):
        IntParameter(*args, default=15)  # type: ignore[arg-type]


def test_name_cannot_be_given_because_it_is_the_attributes_name() -> None:
    with pytest.raises(StrategyError, match="'name'"):
        IntParameter(1, 5, default=3, name="x")


def test_a_decimal_parameter_rounds_its_default_and_every_value_set() -> None:
    parameter = DecimalParameter(0.1, 0.5, default=0.12345, decimals=2)
    assert parameter.value == 0.12
    parameter.value = 0.456
    assert parameter.value == 0.46
    assert parameter.range == [0.46]


def test_a_categorical_parameter_needs_two_categories() -> None:
    with pytest.raises(StrategyError, match="two categories"):
        CategoricalParameter(["only"], default="only")
    choice = CategoricalParameter(["a", "b", "c"], default="b")
    assert choice.value == "b"
    assert choice.range == ["b"]


def test_a_boolean_parameter_chooses_between_true_and_false() -> None:
    flag = BooleanParameter(default=True, space="sell")
    assert flag.value is True
    assert flag.opt_range == [True, False]


def test_each_kind_describes_itself_with_freqtrades_fields_in_freqtrades_order() -> None:
    rsi = IntParameter(10, 40, default=30, space="buy", optimize=False)
    rsi.name = "buy_rsi"
    assert list(rsi.describe().items()) == [
        ("param_type", "IntParameter"),
        ("name", "buy_rsi"),
        ("space", "buy"),
        ("load", True),
        ("optimize", False),
        ("value", 30),
        ("low", 10),
        ("high", 40),
    ]
    step = DecimalParameter(0.01, 0.1, default=0.05, decimals=2, space="sell")
    assert step.describe()["decimals"] == 2
    assert step.describe()["param_type"] == "DecimalParameter"
    flag = BooleanParameter(default=False, space="buy")
    assert flag.describe()["opt_range"] == [True, False]
    assert flag.describe()["param_type"] == "BooleanParameter"
