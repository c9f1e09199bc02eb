"""Which order type and time in force each purpose uses, merged as freqtrade merges them: a table the
config sets wins as a whole, else the strategy's ``order_types`` / ``order_time_in_force``, else the
defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ftserver.config import Settings
from ftserver.models import OrderType

# A purpose the table does not name falls back on another, as in freqtrade.
_FALLBACK = {"force_entry": "entry", "force_exit": "exit"}


def order_type_for(purpose: str, settings: Settings, strategy_types: Mapping[str, Any] | None) -> OrderType:
    table: Mapping[str, Any] | None = None
    if "order_types" not in settings.source and strategy_types:
        table = strategy_types
    value = _lookup(table, purpose) if table is not None else None
    if value is None:
        defaults = settings.order_types
        value = getattr(defaults, purpose, None) or getattr(defaults, _FALLBACK.get(purpose, "entry"))
    return OrderType(str(value).lower())


def time_in_force_for(purpose: str, settings: Settings, strategy_tif: Mapping[str, Any] | None) -> str:
    """``"GTC"``, ``"IOC"``, ... for ``"entry"`` or ``"exit"``."""
    if "order_time_in_force" not in settings.source and strategy_tif and strategy_tif.get(purpose):
        return str(strategy_tif[purpose])
    return str(getattr(settings.order_time_in_force, purpose))


def _lookup(table: Mapping[str, Any], purpose: str) -> Any:
    value = table.get(purpose)
    if value is None and purpose in _FALLBACK:
        value = table.get(_FALLBACK[purpose])
    return value
