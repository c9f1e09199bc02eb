"""The one table that says, for every route, what it reads and what it answers.

Keyed by (method, path) exactly as the routes are registered. The OpenAPI document is built from
this table and the app's router together; the tests check that every registered route has a row
here and that every row's response schema matches what the server really answers. A new route
therefore needs one line here, and a changed answer needs its schema changed with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from marshmallow import Schema

from ftserver.api.schemas import requests as rq
from ftserver.api.schemas import responses as rs
from ftserver.api.schemas import responses_candles as rc
from ftserver.api.schemas import responses_money as rm
from ftserver.api.schemas import responses_pairs as rp
from ftserver.api.schemas import responses_trades as rt

# Error statuses worth naming per route beyond the ones derived from its inputs (see document.py).
CONFLICT = 409
WRONG_MODE = 503


@dataclass(frozen=True, slots=True)
class Operation:
    tag: str
    summary: str
    # The success body: a response schema, a plain JSON schema, or None for no body.
    response: type[Schema] | Mapping[str, Any] | None
    many: bool = False  # the body is a list of ``response``
    status: int | None = 200  # the success status; None when the route never succeeds (edge)
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    body_many: bool = False
    parameters: tuple[Mapping[str, Any], ...] = ()  # OpenAPI parameters no request schema describes
    errors: tuple[int, ...] = ()
    deprecated: bool = False
    description: str = ""


def _alias(op: Operation, of: str) -> Operation:
    return replace(op, summary=f"{op.summary} (alias of {of})", deprecated=True)


_V1 = "/api/v1"
_WS_TOKEN = "a configured ws_token or a JWT access token"

_FORCE_ENTER = Operation(
    "trades",
    "Open a trade now",
    rt.OpenTradeSchema,
    body=rq.ForceEnterRequestSchema,
    errors=(CONFLICT, WRONG_MODE),
    description="Needs `force_entry_enable`. 409 when the pair is locked, already open or no slot is free.",
)
_FORCE_EXIT = Operation(
    "trades",
    "Exit one trade, or all with tradeid 'all'",
    rt.ForceExitResultSchema,
    body=rq.ForceExitRequestSchema,
    errors=(CONFLICT, WRONG_MODE),
)
_PAUSE = Operation("control", "Stop opening trades; exits continue", rs.StatusMsgSchema, errors=(CONFLICT, WRONG_MODE))

OPERATIONS: Mapping[tuple[str, str], Operation] = {
    # ---- public --------------------------------------------------------------------------------
    ("GET", f"{_V1}/ping"): Operation("auth", "Liveness check", rs.PingSchema),
    ("POST", f"{_V1}/token/login"): Operation(
        "auth",
        "Trade HTTP Basic credentials for an access and a refresh token",
        rs.AccessAndRefreshTokenSchema,
        errors=(401, 429),
    ),
    ("POST", f"{_V1}/token/refresh"): Operation(
        "auth",
        "Trade a refresh token (as Bearer) for a new access token",
        rs.AccessTokenSchema,
        errors=(401, 429),
    ),
    ("POST", f"{_V1}/token/revoke"): Operation(
        "auth",
        "Log out: revoke a refresh token (as Bearer) and every access token issued from it",
        rs.TokenRevokedSchema,
        errors=(401, 429),
    ),
    ("GET", f"{_V1}/message/ws"): Operation(
        "websocket",
        "The message WebSocket",
        None,
        status=101,
        errors=(403, 429),
        parameters=(
            {"in": "query", "name": "token", "required": True, "schema": {"type": "string"}, "description": _WS_TOKEN},
        ),
        description=(
            "Upgrade to a WebSocket. Send `subscribe`, `whitelist` or `analyzed_df` requests; every bus "
            "message of a subscribed type is pushed. A wrong token is refused before the upgrade (429 once "
            "the client is banned for too many wrong ones)."
        ),
    ),
    ("GET", "/ui_version"): Operation("system", "Version of the served web UI", rs.UiVersionSchema),
    ("GET", f"{_V1}/openapi.json"): Operation(
        "system",
        "This OpenAPI document",
        {"type": "object"},
        description="Served only with `api_server.enable_openapi`.",
    ),
    # ---- system --------------------------------------------------------------------------------
    ("GET", f"{_V1}/version"): Operation("system", "Server version", rs.VersionSchema),
    ("GET", f"{_V1}/show_config"): Operation(
        "system", "Effective configuration (a whitelist of keys, no secrets)", rs.ShowConfigSchema
    ),
    ("GET", f"{_V1}/logs"): Operation("system", "Recent log records", rs.LogsSchema, query=rq.LogsQuerySchema),
    ("GET", f"{_V1}/sysinfo"): Operation("system", "CPU and memory use", rs.SysInfoSchema),
    ("GET", f"{_V1}/health"): Operation(
        "system", "When the bot last iterated and started", rs.HealthSchema, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/edge"): Operation(
        "system",
        "Edge positioning (not enabled)",
        None,
        status=None,
        errors=(WRONG_MODE,),
        description=(
            "Edge was removed from freqtrade in 2025 and this bot has none: always 503 with code"
            " `feature_disabled` and detail 'Edge is not enabled in this bot (freqtrade removed Edge in 2025).'"
        ),
    ),
    # ---- control -------------------------------------------------------------------------------
    ("POST", f"{_V1}/start"): Operation("control", "Start trading", rs.StatusMsgSchema, errors=(WRONG_MODE,)),
    ("POST", f"{_V1}/stop"): Operation("control", "Stop trading", rs.StatusMsgSchema, errors=(WRONG_MODE,)),
    ("POST", f"{_V1}/pause"): _PAUSE,
    ("POST", f"{_V1}/stopentry"): _alias(_PAUSE, "/pause"),
    ("POST", f"{_V1}/stopbuy"): _alias(_PAUSE, "/pause"),
    ("POST", f"{_V1}/reload_config"): Operation(
        "control", "Reload the configuration files", rs.StatusMsgSchema, errors=(WRONG_MODE,)
    ),
    # ---- trades --------------------------------------------------------------------------------
    ("GET", f"{_V1}/status"): Operation(
        "trades", "Open trades with current profit", rt.OpenTradeSchema, many=True, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/trades"): Operation(
        "trades", "A page of trades, open and closed", rt.TradesPageSchema, query=rq.TradesQuerySchema
    ),
    ("GET", f"{_V1}/trade/{{tradeid}}"): Operation("trades", "One trade", rt.OpenTradeSchema),
    ("DELETE", f"{_V1}/trades/{{tradeid}}"): Operation(
        "trades", "Delete a trade, cancelling its open orders", rt.DeleteTradeSchema, errors=(WRONG_MODE,)
    ),
    ("DELETE", f"{_V1}/trades/{{tradeid}}/open-order"): Operation(
        "trades", "Cancel a trade's open order", rt.OpenTradeSchema, errors=(CONFLICT, WRONG_MODE)
    ),
    ("POST", f"{_V1}/trades/{{tradeid}}/reload"): Operation(
        "trades", "Reload a trade's orders from the exchange", rt.OpenTradeSchema, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/trades/open/custom-data"): Operation(
        "trades",
        "Custom data of the open trades",
        rt.TradeCustomDataSchema,
        many=True,
        query=rq.CustomDataQuerySchema,
    ),
    ("GET", f"{_V1}/trades/{{tradeid}}/custom-data"): Operation(
        "trades", "Custom data of one trade", rt.CustomDataSchema, many=True, query=rq.CustomDataQuerySchema
    ),
    ("POST", f"{_V1}/forceenter"): _FORCE_ENTER,
    ("POST", f"{_V1}/forcebuy"): _alias(_FORCE_ENTER, "/forceenter"),
    ("POST", f"{_V1}/forceexit"): _FORCE_EXIT,
    ("POST", f"{_V1}/forcesell"): _alias(_FORCE_EXIT, "/forceexit"),
    # ---- money ---------------------------------------------------------------------------------
    ("GET", f"{_V1}/balance"): Operation("money", "Wallet balances", rm.BalanceSchema, errors=(WRONG_MODE,)),
    ("GET", f"{_V1}/count"): Operation("money", "Open trades and the limit", rm.CountSchema, errors=(WRONG_MODE,)),
    ("GET", f"{_V1}/profit"): Operation("money", "Profit summary", rm.ProfitSchema, errors=(WRONG_MODE,)),
    ("GET", f"{_V1}/profit_all"): Operation(
        "money", "Profit summary overall, long and short", rm.ProfitAllSchema, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/performance"): Operation(
        "money", "Closed profit per pair", rm.PairPerformanceSchema, many=True, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/historic_balance"): Operation(
        "money", "Wallet value after every closed trade", rm.HistoricBalanceSchema, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/entries"): Operation(
        "money",
        "Closed profit per entry tag",
        rm.EntryPerformanceSchema,
        many=True,
        query=rq.PairFilterQuerySchema,
        errors=(WRONG_MODE,),
    ),
    ("GET", f"{_V1}/exits"): Operation(
        "money",
        "Closed profit per exit reason",
        rm.ExitPerformanceSchema,
        many=True,
        query=rq.PairFilterQuerySchema,
        errors=(WRONG_MODE,),
    ),
    ("GET", f"{_V1}/mix_tags"): Operation(
        "money",
        "Closed profit per entry tag and exit reason",
        rm.MixTagPerformanceSchema,
        many=True,
        query=rq.PairFilterQuerySchema,
        errors=(WRONG_MODE,),
    ),
    ("GET", f"{_V1}/stats"): Operation(
        "money", "Wins, losses and durations per exit reason", rm.StatsSchema, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/daily"): Operation(
        "money", "Closed profit per day", rm.PeriodsSchema, query=rq.TimescaleQuerySchema, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/weekly"): Operation(
        "money", "Closed profit per week", rm.PeriodsSchema, query=rq.TimescaleQuerySchema, errors=(WRONG_MODE,)
    ),
    ("GET", f"{_V1}/monthly"): Operation(
        "money", "Closed profit per month", rm.PeriodsSchema, query=rq.TimescaleQuerySchema, errors=(WRONG_MODE,)
    ),
    # ---- pairs ---------------------------------------------------------------------------------
    ("GET", f"{_V1}/whitelist"): Operation("pairs", "Pairs being traded", rp.WhitelistSchema, errors=(WRONG_MODE,)),
    ("GET", f"{_V1}/pairlists/available"): Operation(
        "pairs", "Pair list handlers this server knows", rp.PairlistsSchema
    ),
    ("GET", f"{_V1}/blacklist"): Operation("pairs", "Blacklisted pairs", rp.BlacklistSchema, errors=(WRONG_MODE,)),
    ("POST", f"{_V1}/blacklist"): Operation(
        "pairs",
        "Add pairs or patterns to the blacklist",
        rp.BlacklistSchema,
        body=rq.BlacklistRequestSchema,
        errors=(WRONG_MODE,),
    ),
    ("DELETE", f"{_V1}/blacklist"): Operation(
        "pairs",
        "Remove pairs or patterns from the blacklist",
        rp.BlacklistSchema,
        query=rq.BlacklistDeleteQuerySchema,
        errors=(WRONG_MODE,),
    ),
    ("GET", f"{_V1}/locks"): Operation("pairs", "Active pair locks", rp.LocksSchema, errors=(WRONG_MODE,)),
    ("POST", f"{_V1}/locks"): Operation(
        "pairs",
        "Lock pairs until a time",
        rp.LocksSchema,
        body=rq.LockRequestSchema,
        body_many=True,
        errors=(WRONG_MODE,),
    ),
    ("POST", f"{_V1}/locks/delete"): Operation(
        "pairs",
        "Delete a lock by id, or every lock of a pair",
        rp.LocksSchema,
        body=rq.DeleteLockRequestSchema,
        errors=(WRONG_MODE,),
    ),
    ("DELETE", f"{_V1}/locks/{{lockid}}"): Operation("pairs", "Delete a lock", rp.LocksSchema, errors=(WRONG_MODE,)),
    # ---- candles -------------------------------------------------------------------------------
    ("GET", f"{_V1}/pair_candles"): Operation(
        "candles",
        "The live analyzed candles of a pair",
        rc.PairCandlesSchema,
        query=rq.PairCandlesQuerySchema,
        errors=(WRONG_MODE,),
    ),
    ("POST", f"{_V1}/pair_candles"): Operation(
        "candles",
        "The live analyzed candles of a pair, only some columns",
        rc.PairCandlesSchema,
        body=rq.PairCandlesRequestSchema,
        errors=(WRONG_MODE,),
    ),
    ("GET", f"{_V1}/plot_config"): Operation(
        "candles", "A strategy's plot configuration", rc.PlotConfigSchema, query=rq.PlotConfigQuerySchema
    ),
    ("GET", f"{_V1}/markets"): Operation(
        "candles", "The exchange's markets", rc.MarketsSchema, query=rq.MarketsQuerySchema, errors=(WRONG_MODE,)
    ),
    # ---- research (both run modes) -------------------------------------------------------------
    ("GET", f"{_V1}/strategies"): Operation("research", "Strategies found", rc.StrategyListSchema),
    ("GET", f"{_V1}/strategy/{{strategy}}"): Operation("research", "A strategy's source", rc.StrategySchema),
    ("GET", f"{_V1}/available_pairs"): Operation(
        "research", "Pairs with stored candles", rc.AvailablePairsSchema, query=rq.AvailablePairsQuerySchema
    ),
    ("GET", f"{_V1}/exchanges"): Operation("research", "Exchanges", rc.ExchangesSchema),
    ("GET", f"{_V1}/pair_history"): Operation(
        "research",
        "Stored candles analyzed by a strategy",
        rc.PairCandlesSchema,
        query=rq.PairHistoryQuerySchema,
    ),
    ("POST", f"{_V1}/pair_history"): Operation(
        "research",
        "Stored candles analyzed by a strategy, only some columns",
        rc.PairCandlesSchema,
        body=rq.PairHistoryRequestSchema,
    ),
}
