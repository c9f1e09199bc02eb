"""The values a notification template may name, per message type, with freqtrade's placeholder names.

Templates are ``str.format`` strings (``"{pair} at {open_rate:.4f}"``), so a freqtrade config's
webhook and Discord templates work unchanged. Which names exist is checked when the config is
loaded (``unknown_placeholders``), so a typo is a config error at start-up, not a failure at the
first trade; at send time every known name has a value (``None`` when the message lacks it).
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from ftserver.core.messages import Message, MessageType

_ORDER = frozenset(
    {
        "type",
        "trade_id",
        "buy_tag",
        "enter_tag",
        "exchange",
        "pair",
        "base_currency",
        "quote_currency",
        "leverage",
        "direction",
        "limit",
        "order_rate",
        "open_rate",
        "order_type",
        "stake_amount",
        "stake_currency",
        "fiat_currency",
        "amount",
        "open_date",
        "current_rate",
        "sub_trade",
    }
)
_EXIT = _ORDER | {
    "cumulative_profit",
    "gain",
    "close_rate",
    "profit_amount",
    "profit_ratio",
    "exit_reason",
    "close_date",
    "final_profit_ratio",
    "is_final_exit",
}
_STATUS = frozenset({"type", "status"})
_PROTECTION = frozenset(
    {
        "type",
        "id",
        "pair",
        "base_currency",
        "lock_time",
        "lock_timestamp",
        "lock_end_time",
        "lock_end_timestamp",
        "reason",
        "side",
        "active",
    }
)

PLACEHOLDERS: Mapping[MessageType, frozenset[str]] = {
    MessageType.STATUS: _STATUS,
    MessageType.WARNING: _STATUS,
    MessageType.STARTUP: _STATUS,
    MessageType.EXCEPTION: _STATUS,
    MessageType.STRATEGY_MSG: frozenset({"type", "msg"}),
    MessageType.ENTRY: _ORDER,
    MessageType.ENTRY_FILL: _ORDER,
    MessageType.ENTRY_CANCEL: _ORDER | {"reason"},
    MessageType.EXIT: _EXIT,
    MessageType.EXIT_FILL: _EXIT,
    MessageType.EXIT_CANCEL: _ORDER | {"reason", "gain", "profit_amount", "profit_ratio", "exit_reason", "close_date"},
    MessageType.PROTECTION_TRIGGER: _PROTECTION,
    MessageType.PROTECTION_TRIGGER_GLOBAL: _PROTECTION,
    MessageType.LIQUIDATION_WARNING: frozenset(
        {
            "type",
            "exchange",
            "margin_mode",
            "trade_id",
            "pair",
            "base_currency",
            "quote_currency",
            "direction",
            "leverage",
            "current_rate",
            "liquidation_price",
            "remaining_ratio",
            "warn_ratio",
            "positions_at_risk",
            "open_positions",
        }
    ),
}

# The message types a channel can template (data messages such as analyzed_df are for consumers).
NOTIFIABLE_TYPES: tuple[MessageType, ...] = tuple(PLACEHOLDERS)

# Lock times travel as text in freqtrade's protection messages.
_LOCK_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def template_names(template: str) -> Iterator[str]:
    """The top-level names a format string refers to (``{open_date:%H:%M}`` -> ``open_date``).

    Raises ``ValueError`` for a string ``str.format`` cannot parse (an unmatched brace).
    """
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is None:
            continue
        if field == "" or field.isdigit():
            raise ValueError("positional fields ({} or {0}) are not allowed: name a placeholder")
        yield field.split(".", 1)[0].split("[", 1)[0]
        if spec:
            yield from template_names(spec)  # a nested field such as {profit_ratio:.{digits}f}


def template_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a template (an object, list or string), with its key path below ``path``."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from template_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from template_strings(item, f"{path}.{index}" if path else str(index))


def unknown_placeholders(
    template: Any, kind: MessageType, extra: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str]]:
    """(key path, problem) for each string in ``template`` that names a value ``kind`` does not have."""
    known = PLACEHOLDERS[kind] | extra
    for path, text in template_strings(template):
        try:
            names = list(template_names(text))
        except ValueError as exc:
            yield path, f"Not a valid template: {exc}."
            continue
        for name in names:
            if name not in known:
                yield path, f"Unknown placeholder {{{name}}} for {kind.value} messages."


def message_values(message: Message, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The values a template of ``message``'s type may name: every known name, then the message's own."""
    values: dict[str, Any] = dict.fromkeys(PLACEHOLDERS.get(message.type, ()))
    if isinstance(message.data, Mapping):
        values.update(message.data)
    values["type"] = message.type
    if message.type in (MessageType.PROTECTION_TRIGGER, MessageType.PROTECTION_TRIGGER_GLOBAL):
        _protection_values(values)
    if extra:
        values.update(extra)
    return values


def _protection_values(values: dict[str, Any]) -> None:
    pair = values.get("pair")
    if values.get("base_currency") is None and isinstance(pair, str) and pair != "*":
        values["base_currency"] = pair.split("/", 1)[0]
    for name in ("lock_time", "lock_end_time"):
        when = values.get(name)
        if isinstance(when, datetime):
            aware = when if when.tzinfo else when.replace(tzinfo=UTC)
            values[name.replace("_time", "_timestamp")] = int(aware.timestamp() * 1000)
            values[name] = aware.strftime(_LOCK_TIME_FORMAT)


def fill(template: Any, values: Mapping[str, Any]) -> Any:
    """``template`` with every string formatted from ``values`` (objects and lists keep their shape)."""
    if isinstance(template, str):
        return template.format(**values)
    if isinstance(template, Mapping):
        return {key: fill(item, values) for key, item in template.items()}
    if isinstance(template, list | tuple):
        return [fill(item, values) for item in template]
    return template
