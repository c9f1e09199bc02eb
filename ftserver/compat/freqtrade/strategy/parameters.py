"""``freqtrade.strategy.parameters``: the hyperopt parameter classes, from ftserver's strategy package."""

from __future__ import annotations

try:
    from ftserver.strategy.parameters import (  # type: ignore[import-not-found,unused-ignore]
        BooleanParameter,
        CategoricalParameter,
        DecimalParameter,
        IntParameter,
        RealParameter,
    )
except ImportError as exc:
    raise ImportError(
        "freqtrade.strategy.parameters: ftserver does not provide the hyperopt parameter classes yet",
        name=__name__,
    ) from exc

__all__ = ["BooleanParameter", "CategoricalParameter", "DecimalParameter", "IntParameter", "RealParameter"]
