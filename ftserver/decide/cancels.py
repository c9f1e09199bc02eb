"""What a cancelled order (timed out, repriced, or cancelled by the user) means for its trade.

An entry that never filled, on a trade with no filled entry, takes the trade with it, unless a
replacing order is about to be placed; an entry that filled in part is booked as filled. An exit's
sold part is booked (which may close the trade); the rest of the trade stays open, with no exit
reason.
"""

from __future__ import annotations

from enum import Enum

from ftserver.models import Order, OrderStatus, Trade


class EntryCancel(Enum):
    DROP_TRADE = "drop_trade"  # nothing was bought: the trade goes
    AWAIT_REPLACEMENT = "await_replacement"  # nothing was bought yet, the replacing order comes next
    BOOK_FILLED = "book_filled"  # what filled before the cancel is booked


def after_entry_cancel(trade: Trade, order: Order, *, replacing: bool) -> EntryCancel:
    if order.filled <= 0 and trade.nr_of_successful_entries == 0:
        return EntryCancel.AWAIT_REPLACEMENT if replacing else EntryCancel.DROP_TRADE
    return EntryCancel.BOOK_FILLED


def exit_sold_part(order: Order) -> bool:
    """Whether the cancelled exit sold something first (booked as an exit fill before reopening)."""
    return order.filled > 0


def reopen_after_exit_cancel(trade: Trade) -> None:
    """The exit is off: the trade waits for the next exit decision."""
    trade.exit_reason = None
    trade.exit_order_status = OrderStatus.CANCELED.value
