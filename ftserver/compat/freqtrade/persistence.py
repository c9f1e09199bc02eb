"""``freqtrade.persistence``: ftserver's Trade and Order; the class-level queries need the running bot."""

from __future__ import annotations

from typing import Any, NoReturn

from ftserver.compat.missing import missing_name
from ftserver.models import Order, Trade

__all__ = ["Order", "PairLocks", "Trade"]


def _needs_bot(method: str) -> NoReturn:
    raise NotImplementedError(
        f"{method}() is not available in ftserver strategies yet: it reads the running bot's trade database"
    )


def _get_trades_proxy(*args: Any, **kwargs: Any) -> NoReturn:
    _needs_bot("Trade.get_trades_proxy")


def _get_open_trade_count(*args: Any, **kwargs: Any) -> NoReturn:
    _needs_bot("Trade.get_open_trade_count")


def _get_trades(*args: Any, **kwargs: Any) -> NoReturn:
    _needs_bot("Trade.get_trades")


# ftserver's Trade is a slotted dataclass; the freqtrade class queries hang off it as static methods.
for _name, _func in (
    ("get_trades_proxy", _get_trades_proxy),
    ("get_open_trade_count", _get_open_trade_count),
    ("get_trades", _get_trades),
):
    if not hasattr(Trade, _name):
        setattr(Trade, _name, staticmethod(_func))


class PairLocks:
    """freqtrade's lock queries; ftserver strategies lock pairs through ``self.lock_pair`` instead."""

    @staticmethod
    def is_pair_locked(*args: Any, **kwargs: Any) -> NoReturn:
        _needs_bot("PairLocks.is_pair_locked")

    @staticmethod
    def get_pair_locks(*args: Any, **kwargs: Any) -> NoReturn:
        _needs_bot("PairLocks.get_pair_locks")

    @staticmethod
    def lock_pair(*args: Any, **kwargs: Any) -> NoReturn:
        _needs_bot("PairLocks.lock_pair")


def __getattr__(name: str) -> object:
    raise missing_name(__name__.replace("ftserver.compat.", ""), name)
