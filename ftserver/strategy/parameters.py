"""Hyperopt parameters a strategy declares as class attributes (``buy_rsi = IntParameter(10, 40, default=30)``).

ftserver does not run hyperopt, so a parameter is only ever its current value: ``range`` holds that one
value, as freqtrade's does outside a hyperopt run. The value comes from the strategy's parameter file, its
``<space>_params`` dict or the default (see ``parameter_values.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ftserver.errors import StrategyError

# Spaces a parameter joins by its name's prefix when it names none (``buy_rsi`` -> "buy").
PREFIX_SPACES = ("buy", "sell", "enter", "exit", "protection")


class BaseParameter:
    """One tunable value of a strategy: its value, its space and whether it may be loaded or optimized."""

    def __init__(
        self, *, default: Any, space: str | None = None, optimize: bool = True, load: bool = True, **kwargs: Any
    ) -> None:
        if "name" in kwargs:
            raise StrategyError(f"{type(self).__name__}: 'name' is the attribute's name and cannot be given")
        self.name = ""  # set when the strategy's parameters are collected
        self.space = space
        self.optimize = optimize
        self.load = load
        self.in_space = False  # never part of a hyperopt run here
        self.space_options = kwargs  # optimizer options freqtrade passes on; kept for describe()
        self._value: Any = None
        self.value = default
        self.default = self.value

    @property
    def value(self) -> Any:
        return self._value

    @value.setter
    def value(self, new_value: Any) -> None:
        self._value = new_value

    @property
    def param_type(self) -> str:
        return type(self).__name__

    def can_optimize(self) -> bool:
        return False

    def describe(self) -> dict[str, Any]:
        """The parameter as ``GET /strategy/{name}`` lists it (freqtrade's field names and order)."""
        return {
            "param_type": self.param_type,
            "name": self.name,
            "space": self.space,
            "load": self.load,
            "optimize": self.optimize,
            "value": self.value,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._value!r})"


class NumericParameter(BaseParameter):
    """A parameter with a ``[low, high]`` range, given as two numbers or one two-item sequence."""

    def __init__(
        self,
        low: float | Sequence[float],
        high: float | None = None,
        *,
        default: float,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        kind = type(self).__name__
        if isinstance(low, Sequence):
            if high is not None:
                raise StrategyError(f"{kind}: give the range as low, high or as [low, high], not both")
            if len(low) != 2:
                raise StrategyError(f"{kind}: the range must be [low, high]")
            self.low, self.high = low[0], low[1]
        elif high is None:
            raise StrategyError(f"{kind}: the range must be [low, high]")
        else:
            self.low, self.high = low, high
        super().__init__(default=default, space=space, optimize=optimize, load=load, **kwargs)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "low": self.low, "high": self.high}


class IntParameter(NumericParameter):
    def __init__(
        self,
        low: int | Sequence[int],
        high: int | None = None,
        *,
        default: int,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(low, high, default=default, space=space, optimize=optimize, load=load, **kwargs)

    @property
    def range(self) -> range:
        """The values a strategy should compute indicators for: only the current one outside hyperopt."""
        return range(self.value, self.value + 1)


class RealParameter(NumericParameter):
    pass


class DecimalParameter(NumericParameter):
    """A real number kept to ``decimals`` places: every value set is rounded."""

    def __init__(
        self,
        low: float | Sequence[float],
        high: float | None = None,
        *,
        default: float,
        decimals: int = 3,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        self.decimals = decimals
        super().__init__(low, high, default=default, space=space, optimize=optimize, load=load, **kwargs)

    @property
    def value(self) -> Any:
        return self._value

    @value.setter
    def value(self, new_value: Any) -> None:
        self._value = round(new_value, self.decimals)

    @property
    def range(self) -> list[float]:
        return [self.value]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "decimals": self.decimals}


class CategoricalParameter(BaseParameter):
    """One of a fixed list of choices (at least two)."""

    def __init__(
        self,
        categories: Sequence[Any],
        *,
        default: Any = None,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        if len(categories) < 2:
            raise StrategyError(f"{type(self).__name__}: give at least two categories")
        self.opt_range = categories
        super().__init__(default=default, space=space, optimize=optimize, load=load, **kwargs)

    @property
    def range(self) -> list[Any]:
        return [self.value]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "opt_range": list(self.opt_range)}


class BooleanParameter(CategoricalParameter):
    def __init__(
        self,
        *,
        default: Any = None,
        space: str | None = None,
        optimize: bool = True,
        load: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__([True, False], default=default, space=space, optimize=optimize, load=load, **kwargs)
