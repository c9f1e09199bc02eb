"""Calling a strategy's optional callbacks the way freqtrade does: a failing callback never stops a trade.

freqtrade strategies override callbacks such as ``custom_stoploss`` or ``confirm_trade_entry``. When
user code raises, or returns something of the wrong kind, the bot logs it naming the strategy and
the method, and goes on with the default answer, so one bad callback cannot freeze the loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def call_callback(
    strategy: Any,
    method: str,
    default: T,
    /,
    *,
    accept: Callable[[Any], bool] | None = None,
    **kwargs: Any,
) -> T:
    """``strategy.<method>(**kwargs)``, or ``default`` when it is missing, raises or is refused.

    ``accept`` checks the answer (for example "a finite float"); an answer it refuses is logged and
    replaced by ``default``. Callbacks are called with keyword arguments only, as freqtrade calls
    them, so a user signature with ``**kwargs`` keeps working when arguments are added.
    """
    function = getattr(strategy, method, None)
    if function is None:
        return default
    name = getattr(strategy, "name", type(strategy).__name__)
    try:
        answer = function(**kwargs)
    except Exception as exc:
        log.warning(
            "Strategy %s: %s() raised %s: %s; going on with the default (%r)",
            name,
            method,
            type(exc).__name__,
            exc,
            default,
        )
        return default
    if accept is not None and not accept(answer):
        log.warning(
            "Strategy %s: %s() returned %r, which is not usable; going on with %r", name, method, answer, default
        )
        return default
    accepted: T = answer
    return accepted
