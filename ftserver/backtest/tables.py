"""A backtest result as freqtrade prints it: the per-pair, left-open, entry-tag, exit-reason and
mixed-tag tables, the periodic breakdowns, the summary metrics and the strategy summary.

Drawn with rich, the library freqtrade draws them with, so the text is the same character for
character (table borders included) and FreqUI users reading either bot's console see one layout.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from ftserver.backtest.formats import coin_decimals, format_coin
from ftserver.backtest.stats import periodic_breakdown

_BLANK = ("", "")
_UNLIMITED = "unlimited"
# Width used when the output is no terminal (a pipe or a file), as freqtrade does.
FALLBACK_WIDTH = 200


def console(file: Any = None, width: int | None = None) -> Console:
    """A console as wide as the terminal, or FALLBACK_WIDTH characters when there is none."""
    if width is None:
        columns, _ = shutil.get_terminal_size((1, 24))
        width = None if columns > 1 else FALLBACK_WIDTH
    return Console(file=file, width=width)


def _table(rows: Iterable[Sequence[str | Text]], headers: Sequence[str], title: str, justify: str = "right") -> Table:
    table = Table(*[Column(header, justify=justify) for header in headers], title=title)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*[cell if isinstance(cell, Text) else str(cell) for cell in row])
    return table


def wins_draws_losses(wins: int, draws: int, losses: int) -> str:
    """The "Win  Draw  Loss  Win%" cell."""
    if wins > 0 and losses == 0:
        rate = "100"
    elif wins == 0:
        rate = "0"
    else:
        rate = f"{100.0 / (wins + draws + losses) * wins:.1f}"
    return f"{wins:>4}  {draws:>4}  {losses:>4}  {rate:>4}"


def _headers(first: Sequence[str], stake_currency: str, count_name: str) -> list[str]:
    return [
        *first,
        count_name,
        "Avg Profit %",
        f"Tot Profit {stake_currency}",
        "Tot Profit %",
        "Avg Duration",
        "Win  Draw  Loss  Win%",
    ]


def _line_cells(line: Mapping[str, Any], stake_currency: str) -> list[Any]:
    return [
        line["trades"],
        line["profit_mean_pct"],
        f"{line['profit_total_abs']:.{coin_decimals(stake_currency)}f}",
        line["profit_total_pct"],
        line.get("duration_avg"),
        wins_draws_losses(line["wins"], line["draws"], line["losses"]),
    ]


def pair_table(lines: Sequence[Mapping[str, Any]], stake_currency: str, title: str) -> Table:
    """One row per pair and the TOTAL row (the backtesting and left-open-trades reports)."""
    rows = [[line["key"], *_line_cells(line, stake_currency)] for line in lines]
    return _table(rows, _headers(["Pair"], stake_currency, "Trades"), title)


def tag_table(kind: str, lines: Sequence[Mapping[str, Any]], stake_currency: str) -> Table:
    """``kind`` is "enter_tag", "exit_tag" or "mix_tag"."""
    mixed = kind == "mix_tag"
    if kind == "enter_tag":
        title, headers = "Enter Tag", _headers(["Enter Tag"], stake_currency, "Entries")
    elif kind == "exit_tag":
        title, headers = "Exit Reason", _headers(["Exit Reason"], stake_currency, "Exits")
    else:
        title, headers = "Mixed Tag", _headers(["Enter Tag", "Exit Reason"], stake_currency, "Trades")
    rows = []
    for line in lines:
        key = line.get("key")
        if key is None or len(str(key)) == 0:
            first = ["OTHER"]
        elif isinstance(key, list | tuple):
            first = list(key)
        else:
            first = [key, ""] if mixed else [key]
        rows.append([*first, *_line_cells(line, stake_currency)])
    return _table(rows, headers, f"{title.upper()} STATS")


def breakdown_table(periods: Sequence[Mapping[str, Any]], stake_currency: str, period: str) -> Table:
    rows = [
        [
            row["date"],
            row.get("trades", "N/A"),
            format_coin(row["profit_abs"], stake_currency, with_currency=False),
            round(row["profit_factor"], 2) if "profit_factor" in row else "N/A",
            wins_draws_losses(row["wins"], row["draws"], row.get("losses", 0)),
        ]
        for row in periods
    ]
    headers = [period.capitalize(), "Trades", f"Tot Profit {stake_currency}", "Profit Factor", "Win  Draw  Loss  Win%"]
    return _table(rows, headers, f"{period.upper()} BREAKDOWN")


def strategy_table(comparison: Sequence[Mapping[str, Any]], stake_currency: str, title: str) -> Table:
    """One row per strategy with its drawdown ("<abs> <currency>  <pct>%", aligned)."""
    percents = [f"{line['max_drawdown_account'] * 100:.2f}" for line in comparison]
    abs_width = max(len(line["max_drawdown_abs"]) for line in comparison)
    pct_width = max(len(pct) for pct in percents)
    rows = [
        [
            line["key"],
            line["trades"],
            f"{line['profit_mean_pct']:.2f}",
            f"{line['profit_total_abs']:.{coin_decimals(stake_currency)}f}",
            line["profit_total_pct"],
            line["duration_avg"],
            wins_draws_losses(line["wins"], line["draws"], line["losses"]),
            f"{line['max_drawdown_abs']:>{abs_width}} {stake_currency}  {pct:>{pct_width}}%",
        ]
        for line, pct in zip(comparison, percents, strict=True)
    ]
    return _table(rows, [*_headers(["Strategy"], stake_currency, "Trades"), "Drawdown"], title)


def _wallet_rows(wallet: Mapping[str, Any], stake: str) -> list[tuple[str | Text, str]]:
    if not wallet:
        return []
    rows: list[tuple[str | Text, str]] = [
        _BLANK,
        (Text("Wallet based Metrics", style="bold"), ""),
        (
            "Min/Max balance (wallet balance)",
            f"{format_coin(wallet['low_balance'], stake)} / {format_coin(wallet['high_balance'], stake)}",
        ),
        ("Min/Max balance dates (wallet balance)", f"{wallet['low_date']} / {wallet['high_date']}"),
    ]
    if "max_drawdown_abs" in wallet:
        rows += [
            ("Max % of account underwater (balance)", f"{wallet['max_relative_drawdown']:.2%}"),
            (
                "Absolute drawdown (wallet balance)",
                f"{format_coin(wallet['max_drawdown_abs'], stake)} ({wallet['max_drawdown_account']:.2%})",
            ),
            ("Drawdown duration", str(wallet.get("drawdown_duration", "N/A"))),
            ("Profit at drawdown start", format_coin(wallet["max_drawdown_high"], stake)),
            ("Profit at drawdown end", format_coin(wallet["max_drawdown_low"], stake)),
            ("Drawdown start", str(wallet["drawdown_start"])),
            ("Drawdown end", str(wallet["drawdown_end"])),
            ("Sharpe (daily wallet balance)", _ratio(wallet, "sharpe")),
            ("Sortino (daily wallet balance)", _ratio(wallet, "sortino")),
            ("Calmar (daily wallet balance)", _ratio(wallet, "calmar")),
        ]
    return rows


def _ratio(values: Mapping[str, Any], key: str) -> str:
    return f"{values[key]:.2f}" if key in values else "N/A"


def _short_rows(stats: Mapping[str, Any], stake: str) -> list[tuple[str | Text, str]]:
    if stats.get("trade_count_short", 0) <= 0:
        return []
    decimals = coin_decimals(stake)
    return [
        _BLANK,
        (
            "Long / Short trades",
            f"{stats.get('trade_count_long', 'total_trades')} / {stats.get('trade_count_short', 0)}",
        ),
        ("Long / Short profit %", f"{stats['profit_total_long']:.2%} / {stats['profit_total_short']:.2%}"),
        (
            f"Long / Short profit {stake}",
            f"{stats['profit_total_long_abs']:.{decimals}f} / {stats['profit_total_short_abs']:.{decimals}f}",
        ),
    ]


def _drawdown_rows(stats: Mapping[str, Any], stake: str) -> list[tuple[str | Text, str]]:
    rows: list[tuple[str | Text, str]] = []
    if "max_relative_drawdown" in stats:
        rows.append(("Max % of account underwater", f"{stats['max_relative_drawdown']:.2%}"))
    account = stats["max_drawdown_account"] if "max_drawdown_account" in stats else stats["max_drawdown"]
    rows += [
        ("Absolute drawdown", f"{format_coin(stats['max_drawdown_abs'], stake)} ({account:.2%})"),
        ("Drawdown duration", str(stats.get("drawdown_duration", "N/A"))),
        ("Profit at drawdown start", format_coin(stats["max_drawdown_high"], stake)),
        ("Profit at drawdown end", format_coin(stats["max_drawdown_low"], stake)),
        ("Drawdown start", str(stats["drawdown_start"])),
        ("Drawdown end", str(stats["drawdown_end"])),
    ]
    return rows + _wallet_rows(stats.get("wallet_stats", {}), stake)


def _trading_mode(stats: Mapping[str, Any]) -> list[tuple[str | Text, str]]:
    if "trading_mode" not in stats:
        return []
    mode = stats["trading_mode"]
    margin = stats.get("margin_mode")
    prefix = "" if not margin or mode == "spot" else f"{margin.capitalize()} "
    return [("Trading Mode", prefix + mode.capitalize())]


def metrics_rows(stats: Mapping[str, Any]) -> list[tuple[str | Text, str]]:
    """The SUMMARY METRICS rows of a strategy with trades."""
    stake = stats["stake_currency"]
    trades = stats["trades"]
    best = max(trades, key=lambda trade: trade["profit_ratio"])
    worst = min(trades, key=lambda trade: trade["profit_ratio"])
    adjustments: list[tuple[str | Text, str]] = (
        [
            ("Canceled Trade Entries", str(stats.get("canceled_trade_entries", "N/A"))),
            ("Canceled Entry Orders", str(stats.get("canceled_entry_orders", "N/A"))),
            ("Replaced Entry Orders", str(stats.get("replaced_entry_orders", "N/A"))),
        ]
        if stats.get("canceled_entry_orders", 0) > 0
        else []
    )
    expectancy = (
        f"{stats['expectancy']:.2f} ({stats['expectancy_ratio']:.2f})" if "expectancy_ratio" in stats else "N/A"
    )
    streaks = (
        f"{stats['max_consecutive_wins']} / {stats['max_consecutive_losses']}"
        if "max_consecutive_losses" in stats
        else "N/A"
    )
    return [
        ("Backtesting from", str(stats["backtest_start"])),
        ("Backtesting to", str(stats["backtest_end"])),
        *_trading_mode(stats),
        ("Max open trades", str(stats["max_open_trades"])),
        _BLANK,
        ("Total/Daily Avg Trades", f"{stats['total_trades']} / {stats['trades_per_day']}"),
        ("Starting balance", format_coin(stats["starting_balance"], stake)),
        ("Final balance", format_coin(stats["final_balance"], stake)),
        ("Absolute profit ", format_coin(stats["profit_total_abs"], stake)),
        ("Total profit %", f"{stats['profit_total']:.2%}"),
        ("CAGR %", f"{stats['cagr']:.2%}" if "cagr" in stats else "N/A"),
        ("Sharpe (closed trades)", _ratio(stats, "sharpe")),
        ("Sortino (closed trades)", _ratio(stats, "sortino")),
        ("Calmar (closed trades)", _ratio(stats, "calmar")),
        ("SQN", _ratio(stats, "sqn")),
        ("Mean profit p-value", f"{stats['p_value']:.4g}" if "p_value" in stats else "N/A"),
        ("Profit factor", _ratio(stats, "profit_factor")),
        ("Expectancy (Ratio)", expectancy),
        ("Avg. daily profit", format_coin(stats["profit_total_abs"] / stats["backtest_days"], stake)),
        ("Avg. stake amount", format_coin(stats["avg_stake_amount"], stake)),
        ("Market change", f"{stats['market_change']:.2%}"),
        ("Total trade volume", format_coin(stats["total_volume"], stake)),
        *_short_rows(stats, stake),
        _BLANK,
        ("Best Pair", f"{stats['best_pair']['key']} {stats['best_pair']['profit_total']:.2%}"),
        ("Worst Pair", f"{stats['worst_pair']['key']} {stats['worst_pair']['profit_total']:.2%}"),
        ("Best trade", f"{best['pair']} {best['profit_ratio']:.2%}"),
        ("Worst trade", f"{worst['pair']} {worst['profit_ratio']:.2%}"),
        ("Best day", format_coin(stats["backtest_best_day_abs"], stake)),
        ("Worst day", format_coin(stats["backtest_worst_day_abs"], stake)),
        ("Days win/draw/lose", f"{stats['winning_days']} / {stats['draw_days']} / {stats['losing_days']}"),
        (
            "Min/Max/Avg. Duration Winners",
            " / ".join(str(stats.get(f"winner_holding_{k}", "N/A")) for k in ("min", "max", "avg")),
        ),
        (
            "Min/Max/Avg. Duration Losers",
            " / ".join(str(stats.get(f"loser_holding_{k}", "N/A")) for k in ("min", "max", "avg")),
        ),
        ("Max Consecutive Wins / Loss", streaks),
        ("Rejected Entry signals", str(stats.get("rejected_signals", "N/A"))),
        (
            "Entry/Exit Timeouts",
            f"{stats.get('timedout_entry_orders', 'N/A')} / {stats.get('timedout_exit_orders', 'N/A')}",
        ),
        *adjustments,
        _BLANK,
        (
            "Min/Max balance (closed trades)",
            f"{format_coin(stats['csum_min'], stake)} / {format_coin(stats['csum_max'], stake)}",
        ),
        *_drawdown_rows(stats, stake),
    ]


def no_trades_message(stats: Mapping[str, Any]) -> str:
    stake = stats["stake_currency"]
    amount = stats["stake_amount"]
    shown = _UNLIMITED if amount == _UNLIMITED else format_coin(amount, stake)
    return (
        f"No trades made. Your starting balance was {format_coin(stats['starting_balance'], stake)}, "
        f"and your stake was {shown}."
    )


def print_strategy(out: Console, name: str, stats: Mapping[str, Any], stake: str, breakdown: Sequence[str]) -> None:
    """Every table of one strategy, in freqtrade's order."""
    print(f"Result for strategy {name}", file=out.file)
    out.print(pair_table(stats["results_per_pair"], stake, "BACKTESTING REPORT"))
    out.print(pair_table(stats["left_open_trades"], stake, "LEFT OPEN TRADES REPORT"))
    for kind, key in (
        ("enter_tag", "results_per_enter_tag"),
        ("exit_tag", "exit_reason_summary"),
        ("mix_tag", "mix_tag_stats"),
    ):
        if stats.get(key) is not None:
            out.print(tag_table(kind, stats[key], stake))
    for period in breakdown:
        stored = stats.get("periodic_breakdown", {})
        rows = (
            stored[period]
            if period in stored
            else periodic_breakdown(pd.DataFrame.from_records(stats["trades"]), period)
        )
        out.print(breakdown_table(rows, stake, period))
    if len(stats["trades"]) > 0:
        out.print(_table(metrics_rows(stats), ["Metric", "Value"], "SUMMARY METRICS", justify="left"))
    else:
        print(no_trades_message(stats), file=out.file)
    print(file=out.file)


def print_result(
    out: Console,
    result: Mapping[str, Any],
    stake_currency: str,
    breakdown: Sequence[str] = (),
    *,
    pair_list: bool = False,
) -> None:
    """A whole stored result: each strategy's tables, then the strategy summary."""
    strategies: Mapping[str, Any] = result["strategy"]
    for name, stats in strategies.items():
        print_strategy(out, name, stats, stake_currency, breakdown)
    if strategies:
        last = list(strategies.values())[-1]
        print(
            f"Backtested {last['backtest_start']} -> {last['backtest_end']} |"
            f" Max open trades : {last['max_open_trades']}",
            file=out.file,
        )
        out.print(strategy_table(result["strategy_comparison"], stake_currency, "STRATEGY SUMMARY"))
    if pair_list:
        for name, stats in strategies.items():
            print(f"Pairs for Strategy {name}: \n[", file=out.file)
            for line in stats["results_per_pair"]:
                if line["key"] != "TOTAL":
                    print(f'"{line["key"]}",  // {line["profit_mean"]:.2%}', file=out.file)
            print("]", file=out.file)


def print_lookahead(out: Console, answer: Mapping[str, Any]) -> None:
    """A lookahead analysis's answer as one table row (freqtrade's columns)."""
    headers = ["Strategy", "Has bias", "Total signals", "Biased entry signals", "Biased exit signals",
               "Biased indicators"]  # fmt: skip
    row: list[str | Text] = [
        str(answer["strategy"]),
        Text("Yes", style="bold red") if answer["has_bias"] else Text("No", style="bold green"),
        str(answer["total_signals"]),
        str(answer["biased_entry_signals"]),
        str(answer["biased_exit_signals"]),
        ", ".join(answer["biased_indicators"]),
    ]
    out.print(_table([row], headers, "LOOKAHEAD ANALYSIS", justify="left"))
