"""Every route's real JSON against the OpenAPI document, whose response schemas come from the wire shapes.

A route's answer is documented from the dataclass in ``ftserver.rpc.shapes`` it declares, the same
class its RPC verb builds; what is left to prove is that each handler sends what it declares and
that no route declares a hand-written schema. The bot has open and closed trades (a winner and a
loser), an unfilled limit entry, custom data, a lock, blacklist entries and stored candles, so
nullable fields are seen both null and set. Each answer is checked against the document's JSON
schema for its status (``additionalProperties: false``, ``required``, types, ``nullable`` and
enums). A handler that drops, renames, adds or retypes a field fails here.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from ftserver.api.openapi import Operation, build_document, documented_routes
from ftserver.api.openapi.shapes import is_shape
from ftserver.rpc.shapes.candles import PLOT_CONFIG_SCHEMA
from ftserver.rpc.shapes.trades import OpenTrade

from .conftest import START, Server, basic_auth
from .test_research import store_candles

Answer = tuple[str, str, int, Any]  # method, path as registered, status, JSON body


@dataclass
class Recorder:
    """Calls routes by their registered path and keeps every answer for validation."""

    server: Server
    answers: list[Answer] = field(default_factory=list)

    async def call(
        self,
        method: str,
        path: str,
        *,
        status: int = 200,
        auth: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        concrete = path.format(**kwargs.pop("path_args", {}))
        headers = basic_auth() if auth is None else auth
        response = await self.server.client.request(method, concrete, headers=headers, **kwargs)
        body = await response.json()
        assert response.status == status, f"{method} {concrete}: {response.status} {body}"
        self.answers.append((method, path, status, body))
        return body


class Checker:
    """Validates an answer against the OpenAPI document's schema for its route and status."""

    def __init__(self, document: dict[str, Any], operations: dict[tuple[str, str], Operation]) -> None:
        self.document = document
        self.operations = operations  # (method, path) -> the operation declared on the route's handler

    def json_schema(self, method: str, path: str, status: int) -> dict[str, Any]:
        responses = self.document["paths"][path][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {path} answered {status}, which the document does not list"
        schema = responses[str(status)]["content"]["application/json"]["schema"]
        # The components ride along so that "#/components/schemas/..." references resolve.
        return {"allOf": [schema], "components": self.document["components"]}

    def problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        found: list[str] = []
        validator = OAS30Validator(self.json_schema(method, path, status), format_checker=oas30_format_checker)
        for error in validator.iter_errors(body):
            where = "/".join(str(p) for p in error.absolute_path)
            found.append(f"openapi at {where or '(root)'}: {error.message[:200]}")
        return [f"{method} {path} ({status}) {p}" for p in found]


@pytest.fixture
def checker(server: Server) -> Checker:
    app = server.client.app
    return Checker(build_document(app), {(api.method, api.path): api.operation for api in documented_routes(app)})


async def exercise_every_route(server: Server, tmp_path: Path) -> Recorder:
    rec = Recorder(server)
    market = server.market
    store_candles(tmp_path)

    # System and public routes.
    await rec.call("GET", "/api/v1/ping", auth={})
    tokens = await rec.call("POST", "/api/v1/token/login")
    await rec.call("POST", "/api/v1/token/refresh", auth={"Authorization": f"Bearer {tokens['refresh_token']}"})
    await rec.call("POST", "/api/v1/token/revoke", auth={"Authorization": f"Bearer {tokens['refresh_token']}"})
    await rec.call("GET", "/ui_version", auth={})
    for path in ("version", "show_config", "sysinfo", "health"):
        await rec.call("GET", f"/api/v1/{path}")
    await rec.call("GET", "/api/v1/logs", params={"limit": 5})
    await rec.call("GET", "/api/v1/edge", status=503)

    # Before any trade: the empty shapes (zeros, empty strings, null profit factor).
    await rec.call("GET", "/api/v1/profit")
    await rec.call("GET", "/api/v1/stats")

    # A winner and a loser, closed; an open trade; an unfilled limit entry.
    winner = await rec.call("POST", "/api/v1/forceenter", json={"pair": "ETH/USDT", "entry_tag": "tagged"})
    market.set_price("ETH/USDT", 11.0)
    await rec.call("POST", "/api/v1/forceexit", json={"tradeid": winner["trade_id"]})
    loser = await rec.call("POST", "/api/v1/forcebuy", json={"pair": "BTC/USDT"})
    market.set_price("BTC/USDT", 90.0)
    await rec.call("POST", "/api/v1/forcesell", json={"tradeid": str(loser["trade_id"]), "ordertype": "market"})
    server.clock.advance(minutes=5)
    open_trade = await rec.call("POST", "/api/v1/forceenter", json={"pair": "ETH/USDT"})
    pending = await rec.call(
        "POST", "/api/v1/forceenter", json={"pair": "BTC/USDT", "ordertype": "limit", "price": 50.0}
    )
    assert pending["has_open_orders"] is True
    await server.bot.repo.set_custom_data(open_trade["trade_id"], "note", {"why": "test"})
    await server.bot.repo.set_custom_data(open_trade["trade_id"], "count", 3)

    # Trades.
    await rec.call("GET", "/api/v1/status")
    await rec.call("GET", "/api/v1/trades", params={"limit": 10})
    await rec.call("GET", "/api/v1/trade/{tradeid}", path_args={"tradeid": open_trade["trade_id"]})
    await rec.call("GET", "/api/v1/trade/{tradeid}", path_args={"tradeid": winner["trade_id"]})
    await rec.call("GET", "/api/v1/trade/{tradeid}", path_args={"tradeid": pending["trade_id"]})
    await rec.call("GET", "/api/v1/trades/open/custom-data")
    await rec.call("GET", "/api/v1/trades/{tradeid}/custom-data", path_args={"tradeid": open_trade["trade_id"]})
    await rec.call("POST", "/api/v1/trades/{tradeid}/reload", path_args={"tradeid": open_trade["trade_id"]})

    # Money, with closed and open trades.
    for path in ("balance", "count", "profit", "profit_all", "performance", "historic_balance", "stats"):
        await rec.call("GET", f"/api/v1/{path}")
    for path in ("entries", "exits", "mix_tags"):
        await rec.call("GET", f"/api/v1/{path}")
        await rec.call("GET", f"/api/v1/{path}", params={"pair": "ETH/USDT"})
    await rec.call("GET", "/api/v1/daily", params={"timescale": 3})
    await rec.call("GET", "/api/v1/weekly")
    await rec.call("GET", "/api/v1/monthly", params={"timescale": 2})

    # Pairs: blacklist with a pattern and a pair the exchange does not list, locks.
    await rec.call("GET", "/api/v1/whitelist")
    await rec.call("GET", "/api/v1/pairlists/available")
    listed = await rec.call("POST", "/api/v1/blacklist", json={"blacklist": ["XRP/.*", "NOPE/USDT", "BAD[/USDT"]})
    assert listed["errors"]  # the invalid pattern is reported, not listed
    await rec.call("GET", "/api/v1/blacklist")
    await rec.call("DELETE", "/api/v1/blacklist", params=[("pairs_to_delete", "NOPE/USDT")])
    until = (START + timedelta(hours=2)).isoformat()
    locks = await rec.call("POST", "/api/v1/locks", json=[{"pair": "ETH/USDT", "until": until, "reason": "test"}])
    await rec.call("POST", "/api/v1/locks", json=[{"pair": "BTC/USDT", "until": until, "side": "long"}])
    await rec.call("GET", "/api/v1/locks")
    await rec.call("DELETE", "/api/v1/locks/{lockid}", path_args={"lockid": locks["locks"][0]["id"]})
    await rec.call("POST", "/api/v1/locks/delete", json={"pair": "BTC/USDT"})

    # Candles and research.
    candles = {"pair": "BTC/USDT", "timeframe": "1m"}
    await rec.call("GET", "/api/v1/pair_candles", params={**candles, "limit": 5})
    await rec.call("POST", "/api/v1/pair_candles", json={**candles, "limit": 3, "columns": ["rsi"]})
    await rec.call("GET", "/api/v1/pair_candles", params={**candles, "timeframe": "1h", "limit": 5})
    await rec.call("GET", "/api/v1/timeframes")
    await rec.call("GET", "/api/v1/plot_config")
    await rec.call("GET", "/api/v1/plot_config", params={"strategy": "SampleStrategy"})
    await rec.call("GET", "/api/v1/markets")
    await rec.call("GET", "/api/v1/markets", params={"quote": "USDT"})
    await rec.call("GET", "/api/v1/strategies")
    await rec.call("GET", "/api/v1/strategy/{strategy}", path_args={"strategy": "SampleStrategy"})
    await rec.call("GET", "/api/v1/available_pairs")
    await rec.call("GET", "/api/v1/exchanges")
    history = {"pair": "BTC/USDT", "timeframe": "5m", "strategy": "SampleStrategy"}
    await rec.call("GET", "/api/v1/pair_history", params={**history, "timerange": "20260302-"})
    await rec.call("POST", "/api/v1/pair_history", json={**history, "columns": ["rsi"], "timerange": "20260302-"})

    # Changes that end trades.
    await rec.call("DELETE", "/api/v1/trades/{tradeid}/open-order", path_args={"tradeid": pending["trade_id"]})
    await rec.call("DELETE", "/api/v1/trades/{tradeid}", path_args={"tradeid": loser["trade_id"]})
    await rec.call("POST", "/api/v1/forceexit", json={"tradeid": "all"})

    # API tokens and the audit log.
    made = await rec.call("POST", "/api/v1/tokens", json={"name": "grafana", "role": "read", "expires": "90d"})
    await rec.call("GET", "/api/v1/tokens")
    await rec.call("DELETE", "/api/v1/tokens/{tokenid}", path_args={"tokenid": made["id"]})
    await rec.call("GET", "/api/v1/audit", params={"limit": 5})

    # Errors have their documented shape and status too.
    await rec.call("GET", "/api/v1/status", status=401, auth={})
    await rec.call("GET", "/api/v1/trades", status=400, params={"limit": "many"})
    await rec.call("GET", "/api/v1/trade/{tradeid}", status=404, path_args={"tradeid": 4242})
    await rec.call("POST", "/api/v1/forceenter", status=422, json={"price": -1})
    await rec.call("POST", "/api/v1/trades/{tradeid}/reload", status=404, path_args={"tradeid": 4242})
    await rec.call("GET", "/api/v1/message/ws", status=403, auth={}, params={"token": "not-a-token"})

    # Bot state last: stop refuses force entries afterwards.
    for path in ("pause", "stopentry", "stopbuy", "start", "reload_config", "stop"):
        await rec.call("POST", f"/api/v1/{path}")
    await rec.call("POST", "/api/v1/forceenter", status=409, json={"pair": "ETH/USDT"})
    return rec


async def test_every_answer_matches_its_response_schema(server: Server, checker: Checker, tmp_path: Path) -> None:
    rec = await exercise_every_route(server, tmp_path)
    problems = [p for answer in rec.answers for p in checker.problems(*answer)]
    assert problems == []
    # Every route with a JSON answer was called and answered 200 at least once.
    succeeded = {(method, path) for method, path, status, _ in rec.answers if status == 200}
    # The webserver-only routes answer 503 here; tests/api/test_jobs.py and test_backtest.py check them
    # in webserver mode.
    with_json_answer = {
        key
        for key, operation in checker.operations.items()
        if operation.response is not None
        and operation.media_type == "application/json"  # the CSV export: test_trade_history.py
        and operation.tag not in ("webserver", "backtest")
    }
    assert with_json_answer - succeeded == set()
    # Both shapes of the nullable fields were seen: null profits on the unfilled entry, numbers elsewhere.
    trades = [body for method, path, _, body in rec.answers if path == "/api/v1/trade/{tradeid}" and "pair" in body]
    assert {t["close_rate"] is None for t in trades} == {True, False}


@pytest.fixture
async def status_answer(server: Server) -> list[dict[str, Any]]:
    await server.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    return await server.get("/api/v1/status")


def _drop(trade: dict[str, Any]) -> None:
    del trade["profit_abs"]


def _rename(trade: dict[str, Any]) -> None:
    trade["id"] = trade.pop("trade_id")


def _add(trade: dict[str, Any]) -> None:
    trade["profit_percent"] = 1.0


def _null(trade: dict[str, Any]) -> None:
    trade["pair"] = None


def _as_text(trade: dict[str, Any]) -> None:
    trade["open_rate"] = str(trade["open_rate"])


def _unknown_status(trade: dict[str, Any]) -> None:
    trade["orders"][0]["status"] = "filled"  # not an OrderStatus value


@pytest.mark.parametrize(
    "drift",
    [_drop, _rename, _add, _null, _as_text, _unknown_status],
    ids=[
        "dropped key",
        "renamed key",
        "undeclared key",
        "null where never null",
        "number as text",
        "not an enum value",
    ],
)
async def test_schema_check_catches_a_drifted_trade(
    status_answer: list[dict[str, Any]], checker: Checker, drift: Any
) -> None:
    assert checker.problems("GET", "/api/v1/status", 200, status_answer) == []
    drifted = copy.deepcopy(status_answer)
    drift(drifted[0])
    problems = checker.problems("GET", "/api/v1/status", 200, drifted)
    assert any("openapi at 0" in p for p in problems), problems


async def test_schema_check_catches_a_drifted_nested_order(
    status_answer: list[dict[str, Any]], checker: Checker
) -> None:
    drifted = copy.deepcopy(status_answer)
    drifted[0]["orders"][0]["filled_amount"] = drifted[0]["orders"][0].pop("filled")
    problems = checker.problems("GET", "/api/v1/status", 200, drifted)
    assert (
        len([p for p in problems if "openapi at 0/orders/0" in p]) == 2
    )  # missing "filled", unexpected "filled_amount"


async def test_token_answers_match_their_schemas(server: Server, checker: Checker) -> None:
    credentials = base64.b64encode(b"wrong:credentials").decode()
    response = await server.client.post("/api/v1/token/login", headers={"Authorization": f"Basic {credentials}"})
    assert response.status == 401
    assert checker.problems("POST", "/api/v1/token/login", 401, await response.json()) == []


# Answers whose keys are open (passed through as written): documented by an explicit JSON schema.
OPEN_ANSWERS = {("GET", "/api/v1/plot_config"): PLOT_CONFIG_SCHEMA}


def test_every_route_documents_a_wire_shape_from_rpc_shapes(server: Server) -> None:
    """No hand-written response schema is left to drift: each JSON answer is declared as a shape class
    (which the RPC verb builds and the document derives from), or is one of the open answers."""
    app = server.client.app
    declared = {(api.method, api.path): api.operation for api in documented_routes(app)}
    not_shapes = {
        key: operation.response
        for key, operation in declared.items()
        if operation.response is not None
        and not is_shape(operation.response)
        and operation.media_type == "application/json"  # the CSV export is text
    }
    assert not_shapes == OPEN_ANSWERS
    modules = {op.response.__module__ for op in declared.values() if is_shape(op.response)}
    assert all(module.startswith("ftserver.rpc.shapes.") for module in modules), modules


def test_the_document_lists_each_shape_under_its_class_name(server: Server, checker: Checker) -> None:
    operation = checker.document["paths"]["/api/v1/status"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": "array", "items": {"$ref": "#/components/schemas/OpenTrade"}}
    trade = checker.document["components"]["schemas"]["OpenTrade"]
    assert list(trade["properties"]) == [f.name for f in dataclasses.fields(OpenTrade)]
    assert trade["additionalProperties"] is False
    assert trade["properties"]["close_rate"] == {"type": "number", "nullable": True}
