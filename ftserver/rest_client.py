#!/usr/bin/env python3
"""A command-line client for ftserver's (and freqtrade's) REST API, using only the standard library.

Copy this single file anywhere with Python 3.9+; no installation needed. `ftserver client` runs the
same code. Usage:

    rest_client.py [--config FILE] [--url URL] [--username U --password P] <command> [args] [key=value ...]
    rest_client.py help            # every command with its parameters

The URL and credentials come from --url/--username/--password, else from the config file's
api_server section (listen_ip_address, listen_port, username, password).
Output is pretty-printed JSON. Exit code 1 when the server answers with an HTTP error.
"""

from __future__ import annotations

import argparse
import base64
import inspect
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8080"


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class RestClient:
    """One method per API command; the method's parameters are the command's parameters."""

    def __init__(self, url: str, username: str = "", password: str = "", timeout: float = 30.0) -> None:
        self._base = url.rstrip("/") + "/api/v1/"
        self._timeout = timeout
        self._auth = ""
        if username or password:
            self._auth = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

    # ---- transport ---------------------------------------------------------------------------
    def _call(self, method: str, path: str, params: Any = None, data: Any = None) -> Any:
        url = self._base + path
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if self._auth:
            request.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                payload = json.loads(raw)
                message = payload.get("detail") or payload.get("error") or raw.decode(errors="replace")
            except (ValueError, AttributeError):
                message = raw.decode(errors="replace") or exc.reason
            raise ApiError(exc.code, str(message)) from None
        except urllib.error.URLError as exc:
            raise ApiError(0, f"cannot reach {self._base}: {exc.reason}") from None
        return json.loads(raw) if raw else None

    def _get(self, path: str, params: Any = None) -> Any:
        return self._call("GET", path, params=params)

    def _post(self, path: str, data: Any = None) -> Any:
        return self._call("POST", path, data=data if data is not None else {})

    def _delete(self, path: str, params: Any = None) -> Any:
        return self._call("DELETE", path, params=params)

    # ---- bot state ---------------------------------------------------------------------------
    def ping(self) -> Any:
        """Is the server up? (no credentials needed)"""
        return self._get("ping")

    def start(self) -> Any:
        """Start the bot (also resumes a paused one)."""
        return self._post("start")

    def stop(self) -> Any:
        """Stop the bot."""
        return self._post("stop")

    def stopbuy(self) -> Any:
        """Stop opening new trades (exits continue). Same as pause / stopentry."""
        return self._post("stopbuy")

    def pause(self) -> Any:
        """Pause entries; exits continue. /start resumes."""
        return self._post("pause")

    def reload_config(self) -> Any:
        """Re-read the config files and rebuild the bot, keeping its trades."""
        return self._post("reload_config")

    # ---- information -------------------------------------------------------------------------
    def version(self) -> Any:
        """Server version."""
        return self._get("version")

    def show_config(self) -> Any:
        """The running configuration (secrets left out)."""
        return self._get("show_config")

    def health(self) -> Any:
        """Time of the last loop iteration, bot start and startup."""
        return self._get("health")

    def sysinfo(self) -> Any:
        """CPU and memory use of the host."""
        return self._get("sysinfo")

    def logs(self, limit: int | None = None) -> Any:
        """Newest log lines."""
        return self._get("logs", {"limit": limit} if limit else None)

    def balance(self) -> Any:
        """Balances per currency."""
        return self._get("balance")

    def count(self) -> Any:
        """Open trades now and at most."""
        return self._get("count")

    def profit(self) -> Any:
        """Profit summary."""
        return self._get("profit")

    def profit_all(self) -> Any:
        """Profit summary, also split into long and short."""
        return self._get("profit_all")

    def stats(self) -> Any:
        """Exit reasons and trade durations."""
        return self._get("stats")

    def performance(self) -> Any:
        """Profit per pair."""
        return self._get("performance")

    def entries(self, pair: str | None = None) -> Any:
        """Profit per entry tag."""
        return self._get("entries", {"pair": pair} if pair else None)

    def exits(self, pair: str | None = None) -> Any:
        """Profit per exit reason."""
        return self._get("exits", {"pair": pair} if pair else None)

    def mix_tags(self, pair: str | None = None) -> Any:
        """Profit per entry-tag/exit-reason combination."""
        return self._get("mix_tags", {"pair": pair} if pair else None)

    def daily(self, days: int | None = None) -> Any:
        """Profit per day."""
        return self._get("daily", {"timescale": days} if days else None)

    def weekly(self, weeks: int | None = None) -> Any:
        """Profit per week."""
        return self._get("weekly", {"timescale": weeks} if weeks else None)

    def monthly(self, months: int | None = None) -> Any:
        """Profit per month."""
        return self._get("monthly", {"timescale": months} if months else None)

    # ---- trades ------------------------------------------------------------------------------
    def status(self) -> Any:
        """Open trades with their current profit."""
        return self._get("status")

    def trades(self, limit: int | None = None, offset: int | None = None, order_by_id: bool = True) -> Any:
        """Trade history, a page at a time (limit at most 500)."""
        params: dict[str, Any] = {}
        if limit:
            params["limit"] = limit
        if offset:
            params["offset"] = offset
        if not order_by_id:
            params["order_by_id"] = "false"
        return self._get("trades", params)

    def trade(self, trade_id: int) -> Any:
        """One trade with its orders."""
        return self._get(f"trade/{trade_id}")

    def delete_trade(self, trade_id: int) -> Any:
        """Delete a trade (its open orders are cancelled)."""
        return self._delete(f"trades/{trade_id}")

    def cancel_open_order(self, trade_id: int) -> Any:
        """Cancel the open order of a trade."""
        return self._delete(f"trades/{trade_id}/open-order")

    def reload_trade(self, trade_id: int) -> Any:
        """Re-read a trade's orders from the exchange."""
        return self._post(f"trades/{trade_id}/reload")

    def list_open_trades_custom_data(self, key: str | None = None, limit: int = 100, offset: int = 0) -> Any:
        """Custom data stored on open trades."""
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        if key:
            params["key"] = key
        return self._get("trades/open/custom-data", params)

    def list_custom_data(self, trade_id: int, key: str | None = None) -> Any:
        """Custom data stored on one trade."""
        return self._get(f"trades/{trade_id}/custom-data", {"key": key} if key else None)

    def forcebuy(self, pair: str, price: float | None = None) -> Any:
        """Open a long trade now (needs force_entry_enable)."""
        return self._post("forcebuy", {"pair": pair, "price": price})

    def forceenter(
        self,
        pair: str,
        side: str = "long",
        price: float | None = None,
        order_type: str | None = None,
        stake_amount: float | None = None,
        leverage: float | None = None,
        enter_tag: str | None = None,
    ) -> Any:
        """Open a trade now (needs force_entry_enable)."""
        data: dict[str, Any] = {"pair": pair, "side": side}
        optional = {
            "price": price,
            "ordertype": order_type,
            "stakeamount": stake_amount,
            "leverage": leverage,
            "entry_tag": enter_tag,
        }
        data.update({k: v for k, v in optional.items() if v is not None})
        return self._post("forceenter", data)

    def forceexit(self, tradeid: str, ordertype: str | None = None, amount: float | None = None) -> Any:
        """Exit a trade (or "all") now; amount for a partial exit."""
        data: dict[str, Any] = {"tradeid": tradeid}
        if ordertype:
            data["ordertype"] = ordertype
        if amount:
            data["amount"] = amount
        return self._post("forceexit", data)

    # ---- pairs and locks ---------------------------------------------------------------------
    def whitelist(self) -> Any:
        """Pairs the bot trades."""
        return self._get("whitelist")

    def blacklist(self, *pairs: str) -> Any:
        """Show the blacklist, or add pairs (regular expressions) to it."""
        return self._post("blacklist", {"blacklist": list(pairs)}) if pairs else self._get("blacklist")

    def delete_blacklist(self, *pairs: str) -> Any:
        """Remove pairs from the blacklist."""
        return self._delete("blacklist", [("pairs_to_delete", p) for p in pairs])

    def locks(self) -> Any:
        """Active pair locks."""
        return self._get("locks")

    def lock_add(self, pair: str, until: str, side: str = "*", reason: str = "") -> Any:
        """Lock a pair until a time (ISO 8601 with timezone, e.g. 2026-01-01T00:00:00Z)."""
        return self._post("locks", [{"pair": pair, "until": until, "side": side, "reason": reason}])

    def delete_lock(self, lock_id: int) -> Any:
        """Remove a pair lock."""
        return self._delete(f"locks/{lock_id}")

    # ---- candles and strategies --------------------------------------------------------------
    def pair_candles(
        self, pair: str, timeframe: str, limit: int | None = None, columns: list[str] | None = None
    ) -> Any:
        """Live analyzed candles of a whitelisted pair."""
        if columns:
            data: dict[str, Any] = {"pair": pair, "timeframe": timeframe, "columns": columns}
            if limit:
                data["limit"] = limit
            return self._post("pair_candles", data)
        params: dict[str, Any] = {"pair": pair, "timeframe": timeframe}
        if limit:
            params["limit"] = limit
        return self._get("pair_candles", params)

    def pair_history(
        self, pair: str, timeframe: str, strategy: str, timerange: str | None = None, freqaimodel: str | None = None
    ) -> Any:
        """Stored candles analyzed by a strategy."""
        params = {"pair": pair, "timeframe": timeframe, "strategy": strategy, "timerange": timerange}
        if freqaimodel:
            params["freqaimodel"] = freqaimodel
        return self._get("pair_history", {k: v for k, v in params.items() if v is not None})

    def plot_config(self) -> Any:
        """The strategy's chart configuration."""
        return self._get("plot_config")

    def strategies(self) -> Any:
        """Strategies available to the server."""
        return self._get("strategies")

    def strategy(self, strategy: str) -> Any:
        """One strategy's code and timeframe."""
        return self._get(f"strategy/{strategy}")

    def available_pairs(self, timeframe: str | None = None, stake_currency: str | None = None) -> Any:
        """Pairs with stored candle data."""
        return self._get("available_pairs", {"timeframe": timeframe or "", "stake_currency": stake_currency or ""})

    def markets(self, base: str | None = None, quote: str | None = None) -> Any:
        """Markets of the exchange."""
        params = {k: v for k, v in {"base": base, "quote": quote}.items() if v}
        return self._get("markets", params)

    def pairlists_available(self) -> Any:
        """Pairlist handlers the server knows."""
        return self._get("pairlists/available")


def commands() -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(RestClient, predicate=inspect.isfunction)
        if not name.startswith("_")
    }


def help_text() -> str:
    lines = ["Commands (positional arguments in order, or key=value):", ""]
    for name, func in commands().items():
        signature = inspect.signature(func)
        params = []
        for param in list(signature.parameters.values())[1:]:
            if param.kind is param.VAR_POSITIONAL:
                params.append(f"[{param.name}...]")
            elif param.default is inspect.Parameter.empty:
                params.append(f"<{param.name}>")
            else:
                params.append(f"[{param.name}={param.default}]")
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        lines.append(f"  {name} {' '.join(params)}".rstrip())
        if summary:
            lines.append(f"      {summary}")
    return "\n".join(lines)


def _convert(value: str) -> Any:
    """Command-line values: numbers, true/false, JSON lists stay typed; anything else is a string."""
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d*\.\d+(e-?\d+)?", value):
        return float(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if value.startswith("["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _parse_config(text: str) -> Any:
    """freqtrade's JSON dialect: comments and trailing commas through rapidjson where it is installed;
    without it (this file copied alone) comments are stripped and trailing commas are refused."""
    try:
        import rapidjson
    except ImportError:
        return json.loads(_strip_comments(text))
    return rapidjson.loads(text, parse_mode=rapidjson.PM_COMMENTS | rapidjson.PM_TRAILING_COMMAS)


def _strip_comments(text: str) -> str:
    """Remove // and /* */ comments outside JSON strings."""
    out, i, in_string = [], 0, False
    while i < len(text):
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _from_config(path: str) -> dict[str, Any]:
    try:
        config = _parse_config(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"Could not read config {path}: {exc}") from None
    api = config.get("api_server", {})
    host = api.get("listen_ip_address", "127.0.0.1")
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1"
    return {
        "url": f"http://{host}:{api.get('listen_port', 8080)}",
        "username": api.get("username", ""),
        "password": api.get("password", ""),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ftserver client", description="Call the ftserver REST API.")
    parser.add_argument("-c", "--config", help="config file to take url and credentials from")
    parser.add_argument("--url", help=f"server URL (default {DEFAULT_URL})")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("command", nargs="?", default="help")
    parser.add_argument("args", nargs="*", help="positional arguments and key=value pairs")
    args = parser.parse_args(argv)

    if args.command == "help":
        print(help_text())
        return 0
    available = commands()
    if args.command not in available:
        print(f"Unknown command '{args.command}'. Run 'help' for the list.", file=sys.stderr)
        return 2
    login = _from_config(args.config) if args.config else {"url": DEFAULT_URL, "username": "", "password": ""}
    client = RestClient(
        args.url or login["url"],
        args.username if args.username is not None else login["username"],
        args.password if args.password is not None else login["password"],
    )
    positional = [_convert(a) for a in args.args if "=" not in a]
    keyword = {k: _convert(v) for k, v in (a.split("=", 1) for a in args.args if "=" in a)}
    method = getattr(client, args.command)
    try:
        inspect.signature(method).bind(*positional, **keyword)
    except TypeError as exc:
        print(f"{args.command}: {exc}. Run 'help' for its parameters.", file=sys.stderr)
        return 2
    try:
        result = method(*positional, **keyword)
    except ApiError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
