"""The trade history as CSV rows: every column a trader needs, for a spreadsheet or a tax tool.

Rows come a batch at a time: the ids of every matching trade are read first (8 bytes a trade, one
short read, so the export holds one consistent set of trades), then each batch's rows are loaded
and handed on before the next is read. Values are plain text: dates in UTC as
``YYYY-MM-DD HH:MM:SS``, numbers as Python writes them (shortest round-trip form), an empty cell for
an unknown value.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from ftserver.models import Trade
from ftserver.persistence.trades import TradeRepository
from ftserver.rpc.dates import format_date
from ftserver.trade_query import TradeQuery

EXPORT_BATCH = 500

# A cell starting with one of these is a formula to a spreadsheet: a pair name, tag or exit reason
# (text a strategy or an exchange chose) is prefixed with an apostrophe so it stays text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def _duration_s(trade: Trade) -> str:
    if trade.close_date is None:
        return ""
    return str(int((trade.close_date - trade.open_date).total_seconds()))


def _profit_pct(trade: Trade) -> str:
    return "" if trade.close_profit is None else str(round(trade.close_profit * 100, 2))


COLUMNS: tuple[tuple[str, Callable[[Trade], str]], ...] = (
    ("id", lambda t: _number(t.id)),
    ("pair", lambda t: _text(t.pair)),
    ("side", lambda t: "short" if t.is_short else "long"),
    ("status", lambda t: "open" if t.is_open else "closed"),
    ("enter_tag", lambda t: _text(t.enter_tag)),
    ("exit_reason", lambda t: _text(t.exit_reason)),
    ("open_date_utc", lambda t: format_date(t.open_date)),
    ("close_date_utc", lambda t: format_date(t.close_date) or ""),
    ("duration_s", _duration_s),
    ("amount", lambda t: _number(t.amount)),
    ("stake_amount", lambda t: _number(t.stake_amount)),
    ("max_stake_amount", lambda t: _number(t.max_stake_amount)),
    ("open_rate", lambda t: _number(t.open_rate)),
    ("close_rate", lambda t: _number(t.close_rate)),
    ("profit_ratio", lambda t: _number(t.close_profit)),
    ("profit_pct", _profit_pct),
    ("profit_abs", lambda t: _number(t.close_profit_abs)),
    ("realized_profit", lambda t: _number(t.realized_profit)),
    ("fee_open", lambda t: _number(t.fee_open)),
    ("fee_open_cost", lambda t: _number(t.fee_open_cost)),
    ("fee_open_currency", lambda t: _text(t.fee_open_currency)),
    ("fee_close", lambda t: _number(t.fee_close)),
    ("fee_close_cost", lambda t: _number(t.fee_close_cost)),
    ("fee_close_currency", lambda t: _text(t.fee_close_currency)),
    ("leverage", lambda t: _number(t.leverage)),
    ("trading_mode", lambda t: t.trading_mode.value),
    ("funding_fees", lambda t: _number(t.funding_fees)),
    ("stop_loss", lambda t: _number(t.stop_loss)),
    ("initial_stop_loss", lambda t: _number(t.initial_stop_loss)),
    ("max_rate", lambda t: _number(t.max_rate)),
    ("min_rate", lambda t: _number(t.min_rate)),
    ("strategy", lambda t: _text(t.strategy)),
    ("timeframe_min", lambda t: _number(t.timeframe)),
    ("exchange", lambda t: _text(t.exchange)),
)
HEADER = tuple(name for name, _ in COLUMNS)


def csv_row(trade: Trade) -> list[str]:
    return [cell(trade) for _, cell in COLUMNS]


async def csv_batches(
    repo: TradeRepository, query: TradeQuery, *, batch: int = EXPORT_BATCH
) -> AsyncIterator[list[list[str]]]:
    """The rows (without the header) of every trade ``query`` matches, in its order, ``batch`` at a time.

    A trade deleted while the export runs is left out; one changed meanwhile shows its newer values.
    """
    ids = await repo.trade_ids(query)
    for start in range(0, len(ids), batch):
        trades = await repo.trades_in_order(ids[start : start + batch])
        yield [csv_row(trade) for trade in trades]
