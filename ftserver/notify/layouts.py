"""Discord's default embed layouts: the fields freqtrade shows for a filled entry and a filled exit.

A layout is a list of {field name: template}; any other message type is sent once the user gives
it a layout (``discord.<type>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

Layout = tuple[Mapping[str, str], ...]


def _layout(*pairs: tuple[str, str]) -> Layout:
    return tuple(MappingProxyType({name: template}) for name, template in pairs)


ENTRY_FILL_LAYOUT: Layout = _layout(
    ("Trade ID", "{trade_id}"),
    ("Exchange", "{exchange}"),
    ("Pair", "{pair}"),
    ("Direction", "{direction}"),
    ("Open rate", "{open_rate}"),
    ("Amount", "{amount}"),
    ("Open date", "{open_date:%Y-%m-%d %H:%M:%S}"),
    ("Enter tag", "{enter_tag}"),
    ("Strategy", "{strategy} {timeframe}"),
)

EXIT_FILL_LAYOUT: Layout = _layout(
    ("Trade ID", "{trade_id}"),
    ("Exchange", "{exchange}"),
    ("Pair", "{pair}"),
    ("Direction", "{direction}"),
    ("Open rate", "{open_rate}"),
    ("Close rate", "{close_rate}"),
    ("Amount", "{amount}"),
    ("Open date", "{open_date:%Y-%m-%d %H:%M:%S}"),
    ("Close date", "{close_date:%Y-%m-%d %H:%M:%S}"),
    ("Profit", "{profit_amount} {stake_currency}"),
    ("Profitability", "{profit_ratio:.2%}"),
    ("Enter tag", "{enter_tag}"),
    ("Exit Reason", "{exit_reason}"),
    ("Strategy", "{strategy}"),
    ("Timeframe", "{timeframe}"),
)

# Discord templates may also name the bot's strategy, timeframe and name.
DISCORD_EXTRA_PLACEHOLDERS = frozenset({"strategy", "timeframe", "bot_name"})
