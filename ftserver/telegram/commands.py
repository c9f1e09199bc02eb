"""freqtrade's Telegram commands, answered through the RPC facade (the same verbs as the REST API).

Each command is an async function of the facade and the words after the command, returning a
``Reply``. A domain error (unknown trade, bot not running, bad argument) becomes an error reply.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

import orjson

from ftserver.config.sections import TelegramSettings
from ftserver.errors import FtServerError
from ftserver.rpc.facade import Rpc
from ftserver.rpc.shapes.trades import OpenTrade
from ftserver.telegram.replies import Reply, esc, grid, line, number, percent, table

log = logging.getLogger(__name__)

Args = Sequence[str]
Handler = Callable[["CommandContext", Args], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class CommandContext:
    rpc: Rpc
    settings: TelegramSettings
    stake_currency: str


# ---- state -----------------------------------------------------------------------------------
async def start(ctx: CommandContext, args: Args) -> Reply:
    return Reply(line("Status", (await ctx.rpc.start()).status))


async def stop(ctx: CommandContext, args: Args) -> Reply:
    return Reply(line("Status", (await ctx.rpc.stop()).status))


async def stopentry(ctx: CommandContext, args: Args) -> Reply:
    return Reply(line("Status", (await ctx.rpc.pause()).status))


async def reload_config(ctx: CommandContext, args: Args) -> Reply:
    return Reply(line("Status", (await ctx.rpc.reload_config()).status))


# ---- trades ----------------------------------------------------------------------------------
def _trade_block(trade: OpenTrade) -> str:
    direction = "Short" if trade.is_short else "Long"
    lines = [
        f"<b>Trade ID:</b> <code>{esc(trade.trade_id)}</code> ({esc(direction)})",
        line("Pair", trade.pair),
        line("Open since", trade.open_date),
        line("Amount", number(trade.amount)),
        line("Total invested", f"{number(trade.stake_amount)} {trade.quote_currency or ''}".strip()),
        line("Open rate", number(trade.open_rate)),
        line("Current rate", number(trade.current_rate)),
        line("Unrealized profit", f"{percent(trade.profit_ratio)} ({number(trade.profit_abs)})"),
        line("Stoploss", number(trade.stop_loss_abs)),
    ]
    if trade.enter_tag:
        lines.insert(2, line("Enter tag", trade.enter_tag))
    return "\n".join(lines)


async def status(ctx: CommandContext, args: Args) -> Reply:
    trades = ctx.rpc.status()
    if args and args[0] == "table":
        return await status_table(ctx, args[1:])
    if args:
        wanted = set(args)
        trades = [t for t in trades if str(t.trade_id) in wanted]
    if not trades:
        return Reply("No open trade.")
    return Reply("\n\n".join(_trade_block(t) for t in trades), _refresh(ctx, "status"))


async def status_table(ctx: CommandContext, args: Args) -> Reply:
    trades = ctx.rpc.status()
    if not trades:
        return Reply("No open trade.")
    rows = [
        [
            str(t.trade_id),
            f"{t.pair}{'*' if t.has_open_orders else ''}",
            str(t.open_date or "")[5:16],
            percent(t.profit_ratio),
        ]
        for t in trades
    ]
    return Reply(table(["ID", "Pair", "Since", "Profit"], rows), _refresh(ctx, "status_table"))


async def trades(ctx: CommandContext, args: Args) -> Reply:
    limit = min(_int(args, 0, default=10), 50)
    # The page holds rows already encoded for the REST API: one round trip makes them plain data.
    page = orjson.loads(orjson.dumps(await ctx.rpc.trades(limit=limit, order_by_id=False)))
    closed = page.get("trades", [])
    if not closed:
        return Reply("No closed trade.")
    rows = [
        [
            str(t.get("trade_id")),
            str(t.get("pair")),
            str(t.get("close_date") or "")[5:16],
            percent(t.get("profit_ratio")),
        ]
        for t in closed
    ]
    return Reply(f"<b>{len(closed)} recent trades</b>:\n" + table(["ID", "Pair", "Closed", "Profit"], rows))


async def delete(ctx: CommandContext, args: Args) -> Reply:
    answer = await ctx.rpc.delete_trade(_int(args, 0))
    return Reply(esc(answer.result_msg) + "\nPlease make sure to take care of this asset on the exchange manually.")


async def forceexit(ctx: CommandContext, args: Args) -> Reply:
    if args:
        return Reply(esc((await ctx.rpc.force_exit(args[0])).result))
    buttons = [(f"{t.trade_id}: {t.pair}", f"force_exit__{t.trade_id}") for t in ctx.rpc.status()]
    buttons += [("All", "force_exit__all"), ("Cancel", "force_exit__cancel")]
    return Reply("Which trade?", grid(buttons, 2))


async def forcelong(ctx: CommandContext, args: Args) -> Reply:
    if args:
        price = float(args[1]) if len(args) > 1 and _is_number(args[1]) else None
        trade = await ctx.rpc.force_enter(args[0], side="long", price=price)
        return Reply(f"Entered {esc(trade.pair)} (trade {esc(trade.trade_id)}).", trade_id=trade.trade_id)
    pairs = sorted(ctx.rpc.whitelist().whitelist)
    buttons = [(pair, f"force_enter__{pair}_||_long") for pair in pairs] + [("Cancel", "force_enter__cancel")]
    return Reply("Which pair?", grid(buttons, 3))


# ---- money -----------------------------------------------------------------------------------
async def profit(ctx: CommandContext, args: Args) -> Reply:
    p = await ctx.rpc.profit()
    stake = ctx.stake_currency
    if not p.trade_count:
        return Reply("No trades yet.")
    text = "\n".join(
        [
            "<b>ROI closed trades:</b>",
            f"∙ <code>{number(p.profit_closed_coin)} {esc(stake)} ({esc(p.profit_closed_percent)}%)</code>",
            "<b>ROI all trades:</b>",
            f"∙ <code>{number(p.profit_all_coin)} {esc(stake)} ({esc(p.profit_all_percent)}%)</code>",
            line("Total trade count", p.trade_count),
            line("Closed trades", p.closed_trade_count),
            line("First trade opened", p.first_trade_humanized),
            line("Latest trade opened", p.latest_trade_humanized),
            line("Win / Loss", f"{p.winning_trades} / {p.losing_trades}"),
            line("Avg. duration", p.avg_duration),
            line("Best performing", f"{p.best_pair}: {percent(p.best_pair_profit_ratio)}"),
            line("Profit factor", number(p.profit_factor, 2)),
            line("Max drawdown", f"{percent(p.max_drawdown)} ({number(p.max_drawdown_abs)} {stake})"),
        ]
    )
    return Reply(text, _refresh(ctx, "profit"))


async def performance(ctx: CommandContext, args: Args) -> Reply:
    rows = await ctx.rpc.performance()
    if not rows:
        return Reply("No closed trade yet.")
    text = "<b>Performance:</b>\n" + "\n".join(
        f"{i}. <code>{esc(r.pair)}</code> {number(r.profit_abs)} {esc(ctx.stake_currency)} "
        f"({percent(r.profit_ratio)}) <code>({esc(r.count)})</code>"
        for i, r in enumerate(rows[:50], start=1)
    )
    return Reply(text, _refresh(ctx, "performance"))


def _periods(unit: str, label: str, callback: str) -> Handler:
    async def answer(ctx: CommandContext, args: Args) -> Reply:
        count = _int(args, 0, default=7 if unit == "days" else 8 if unit == "weeks" else 6)
        data = (await ctx.rpc.timeunit(unit, count)).data
        rows = [[str(d.date), f"{number(d.abs_profit, 3)} {ctx.stake_currency}", str(d.trade_count)] for d in data]
        heading = f"<b>{label} profit over the last {count} {unit}</b>:\n"
        return Reply(heading + table([label.split()[0], "Profit", "Trades"], rows), _refresh(ctx, callback))

    return answer


async def balance(ctx: CommandContext, args: Args) -> Reply:
    b = ctx.rpc.balance()
    dust = ctx.settings.balance_dust_level
    shown = [c for c in b.currencies if (c.est_stake or 0.0) >= dust or c.currency == ctx.stake_currency]
    lines = [
        f"<b>{esc(c.currency)}:</b> <code>{number(c.balance)}</code> (free {number(c.free)}, "
        f"used {number(c.used)}) ≈ <code>{number(c.est_stake)} {esc(ctx.stake_currency)}</code>"
        for c in shown
    ]
    hidden = len(b.currencies) - len(shown)
    if hidden:
        lines.append(f"{hidden} currencies below the dust level of {number(dust)} {esc(ctx.stake_currency)} not shown.")
    lines.append(line("Estimated value", f"{number(b.total)} {b.symbol or ctx.stake_currency}"))
    return Reply("\n".join(lines), _refresh(ctx, "balance"))


async def count(ctx: CommandContext, args: Args) -> Reply:
    c = ctx.rpc.count()
    rows = [[str(c.current), str(c.max), number(c.total_stake)]]
    return Reply(table(["current", "max", f"total stake ({ctx.stake_currency})"], rows), _refresh(ctx, "count"))


# ---- pairs and locks -------------------------------------------------------------------------
async def locks(ctx: CommandContext, args: Args) -> Reply:
    found = (await ctx.rpc.locks()).locks
    if not found:
        return Reply("No active lock.")
    rows = [[str(k.id), str(k.pair), str(k.lock_end_time), str(k.reason or "")] for k in found]
    return Reply(table(["ID", "Pair", "Until", "Reason"], rows))


async def unlock(ctx: CommandContext, args: Args) -> Reply:
    if not args:
        return Reply("Usage: /unlock &lt;lock id or pair&gt;")
    target = args[0]
    if target.isdigit():
        await ctx.rpc.delete_lock(lock_id=int(target))
    else:
        await ctx.rpc.delete_lock(pair=target)
    return await locks(ctx, ())


async def whitelist(ctx: CommandContext, args: Args) -> Reply:
    w = ctx.rpc.whitelist()
    pairs = list(w.whitelist)
    if "sorted" in args:
        pairs.sort()
    if "baseonly" in args:
        pairs = [p.split("/")[0] for p in pairs]
    methods = ", ".join(w.method)
    return Reply(
        f"Using whitelist <code>{esc(methods)}</code> with {len(pairs)} pairs\n<code>{esc(', '.join(pairs))}</code>"
    )


async def blacklist(ctx: CommandContext, args: Args) -> Reply:
    b = await ctx.rpc.add_blacklist(list(args)) if args else ctx.rpc.blacklist()
    text = f"Blacklist contains {b.length} pairs\n<code>{esc(', '.join(b.blacklist))}</code>"
    for pattern, problem in b.errors.items():
        text += f"\nError: {esc(pattern)}: {esc(problem.error_msg)}"
    return Reply(text)


# ---- system ----------------------------------------------------------------------------------
async def logs(ctx: CommandContext, args: Args) -> Reply:
    entries = ctx.rpc.logs(min(_int(args, 0, default=10), 50)).logs
    text = "\n".join(f"{entry[0]} - {entry[2]} - {entry[3]} - {entry[4]}" for entry in entries)
    return Reply(f"<pre>{esc(text[-3500:])}</pre>" if text else "No log lines.")


async def health(ctx: CommandContext, args: Args) -> Reply:
    h = ctx.rpc.health()
    return Reply(line("Last process", h.last_process) + "\n" + line("Bot start", h.bot_start))


async def version(ctx: CommandContext, args: Args) -> Reply:
    return Reply(line("Version", ctx.rpc.version().version))


async def show_config(ctx: CommandContext, args: Args) -> Reply:
    c = ctx.rpc.show_config()
    keys = (
        "runmode", "dry_run", "exchange", "strategy", "timeframe", "stake_currency", "stake_amount",
        "max_open_trades", "minimal_roi", "stoploss", "trailing_stop", "position_adjustment_enable", "state",
    )  # fmt: skip
    shown = "\n".join(line(key, json.dumps(getattr(c, key), default=str)) for key in keys)
    pairlists = ", ".join(step.get("method", "") for step in c.pairlists)
    return Reply(shown + "\n" + line("pairlists", pairlists))


async def help_text(ctx: CommandContext, args: Args) -> Reply:
    lines = [f"/{name} {esc(usage)}".rstrip() for name, (_, usage) in COMMANDS.items()]
    return Reply("<b>Commands</b>\n" + "\n".join(lines))


# ---- helpers ---------------------------------------------------------------------------------
def _int(args: Args, index: int, default: int | None = None) -> int:
    if len(args) > index:
        try:
            return int(args[index])
        except ValueError:
            raise FtServerError(f"{args[index]!r} is not a whole number.") from None
    if default is None:
        raise FtServerError("A number is missing.")
    return default


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _refresh(ctx: CommandContext, name: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    return ((("Refresh", f"update_{name}"),),) if ctx.settings.reload else ()


# name -> (handler, usage shown by /help); aliases below.
COMMANDS: dict[str, tuple[Handler, str]] = {
    "start": (start, "Starts the trader"),
    "stop": (stop, "Stops the trader"),
    "stopentry": (stopentry, "Stops entering new trades; open trades are still managed"),
    "reload_config": (reload_config, "Reloads the configuration"),
    "status": (status, "[table | trade id...] Lists the open trades"),
    "trades": (trades, "[n] The n most recently closed trades"),
    "profit": (profit, "Profit of closed and open trades"),
    "performance": (performance, "Profit per pair"),
    "daily": (_periods("days", "Day", "daily"), "[n] Profit per day"),
    "weekly": (_periods("weeks", "Week (Monday)", "weekly"), "[n] Profit per week"),
    "monthly": (_periods("months", "Month", "monthly"), "[n] Profit per month"),
    "balance": (balance, "Balance per currency"),
    "count": (count, "Open trades and the maximum"),
    "locks": (locks, "Active pair locks"),
    "unlock": (unlock, "<lock id | pair> Removes a lock"),
    "whitelist": (whitelist, "[sorted] [baseonly] The current whitelist"),
    "blacklist": (blacklist, "[pair...] Shows the blacklist, or adds pairs to it"),
    "forceexit": (forceexit, "<trade id | all> Exits a trade (a keyboard without an id)"),
    "forcelong": (forcelong, "<pair> [rate] Enters a long trade (a keyboard without a pair)"),
    "delete": (delete, "<trade id> Deletes a trade from the database"),
    "logs": (logs, "[n] The last n log lines"),
    "health": (health, "When the bot last processed"),
    "version": (version, "The server's version"),
    "show_config": (show_config, "The running configuration"),
    "help": (help_text, "This list"),
}

ALIASES: Mapping[str, str] = {
    "stopbuy": "stopentry",
    "pause": "stopentry",
    "reload_conf": "reload_config",
    "forcesell": "forceexit",
    "fx": "forceexit",
    "forcebuy": "forcelong",
    "delete_locks": "unlock",
    "show_conf": "show_config",
}

# Callback data of the "Refresh" buttons -> the command they run again.
REFRESHABLE: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "update_status": ("status", ()),
    "update_status_table": ("status", ("table",)),
    "update_profit": ("profit", ()),
    "update_performance": ("performance", ()),
    "update_daily": ("daily", ()),
    "update_weekly": ("weekly", ()),
    "update_monthly": ("monthly", ()),
    "update_balance": ("balance", ()),
    "update_count": ("count", ()),
}


# Commands that change the bot (the REST API's control routes): each use goes to the audit log.
CONTROLS = frozenset(
    {"start", "stop", "stopentry", "reload_config", "forceexit", "forcelong", "delete", "unlock", "blacklist"}
)


def canonical(name: str) -> str:
    """The command an alias stands for (``fx`` -> ``forceexit``)."""
    return ALIASES.get(name, name)


def changes_state(name: str, args: Args) -> bool:
    """Whether ``/name args`` acts on the bot: a control command, except those that only show a keyboard
    to choose from (``/forceexit`` or ``/forcelong`` without words) or only show a list (``/blacklist``,
    ``/unlock`` without words)."""
    command = canonical(name)
    if command in ("forceexit", "forcelong", "blacklist", "unlock"):
        return bool(args)
    return command in CONTROLS


def trade_named(name: str, args: Args) -> int | None:
    """The trade a command's words name (``/forceexit 3``, ``/delete 3``), whether or not it exists."""
    if canonical(name) in ("forceexit", "delete") and args and args[0].isdigit():
        return int(args[0])
    return None


async def run_command(ctx: CommandContext, name: str, args: Args) -> Reply:
    """The reply to ``/name args``; an error the facade raises is the reply's text (and its ``error``)."""
    handler, _ = COMMANDS[canonical(name)]
    try:
        return await handler(ctx, args)
    except FtServerError as exc:
        return Reply(f"Error: {esc(exc.message)}", error=exc.message)
    except ValueError as exc:
        return Reply(f"Error: {esc(exc)}", error=str(exc))
    except Exception:
        log.exception("Telegram command /%s failed", name)
        return Reply("Error: the command failed; the log has the details.", error="the command failed")
