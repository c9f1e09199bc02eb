"""Every piece of application state a handler can reach, as typed ``web.AppKey`` values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ftserver.api.tokens import TokenService
from ftserver.api.ws.hub import WsHub
from ftserver.core.bus import MessageBus
from ftserver.core.instruments import Instruments

if TYPE_CHECKING:
    from ftserver.api.api_tokens import ApiTokens
    from ftserver.config import Settings
    from ftserver.logs import LogBuffer
    from ftserver.rpc.access_port import AccessStore
    from ftserver.rpc.backtest_port import BacktestPort
    from ftserver.rpc.facade import Rpc
    from ftserver.rpc.jobs_port import JobsPort
    from ftserver.rpc.research_port import ResearchPort

SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
BUS: web.AppKey[MessageBus] = web.AppKey("bus", MessageBus)
RPC: web.AppKey[Rpc] = web.AppKey("rpc")
# Strategies and stored history: both run modes, never the bot, so not through RPC.
RESEARCH: web.AppKey[ResearchPort] = web.AppKey("research")
# Background jobs, pairlist evaluation, data download: set in webserver mode only.
JOBS: web.AppKey[JobsPort] = web.AppKey("jobs")
# Backtest status and stored backtest results: set in webserver mode only.
BACKTEST: web.AppKey[BacktestPort] = web.AppKey("backtest")
LOG_BUFFER: web.AppKey[LogBuffer] = web.AppKey("log_buffer")
TOKENS: web.AppKey[TokenService] = web.AppKey("tokens", TokenService)
WS_HUB: web.AppKey[WsHub] = web.AppKey("ws_hub", WsHub)
# API tokens and the audit log (both run modes).
ACCESS: web.AppKey[AccessStore] = web.AppKey("access")
API_TOKENS: web.AppKey[ApiTokens] = web.AppKey("api_tokens")
# What the loop, its exchange calls and the database measured (read by GET /metrics).
INSTRUMENTS: web.AppKey[Instruments] = web.AppKey("instruments", Instruments)
