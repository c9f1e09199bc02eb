"""What a command answers: HTML text (every outside value escaped) and optional inline buttons."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# (label, callback data) rows under a message.
Buttons = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: Buttons = field(default=())
    # For the audit log: what went wrong (None when the command did what it was asked), the trade it made.
    error: str | None = None
    trade_id: int | None = None


def esc(value: Any) -> str:
    return html.escape(str(value), quote=False)


def line(label: str, value: Any) -> str:
    return f"<b>{esc(label)}:</b> <code>{esc(value)}</code>"


def number(value: Any, digits: int = 8) -> str:
    """A number rounded for reading (trailing zeros cut), or the value as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(ratio: Any) -> str:
    return f"{ratio * 100:.2f}%" if isinstance(ratio, int | float) else "n/a"


def when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A fixed-width table in a <pre> block."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = [" ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    out += [" ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "<pre>" + esc("\n".join(text.rstrip() for text in out)) + "</pre>"


def grid(buttons: list[tuple[str, str]], columns: int = 3) -> Buttons:
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))
