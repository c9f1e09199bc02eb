"""``freqtrade.strategy.parameters``: the hyperopt parameter classes, from ftserver's strategy package."""

from __future__ import annotations

from ftserver.strategy.parameters import (
    BaseParameter,
    BooleanParameter,
    CategoricalParameter,
    DecimalParameter,
    IntParameter,
    NumericParameter,
    RealParameter,
)

__all__ = [
    "BaseParameter",
    "BooleanParameter",
    "CategoricalParameter",
    "DecimalParameter",
    "IntParameter",
    "NumericParameter",
    "RealParameter",
]
