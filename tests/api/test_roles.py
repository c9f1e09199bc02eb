"""Users and roles on the whole server: every declared route answered for each role, from the route table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import hdrs, web
from aiohttp.test_utils import TestClient

from ftserver.api.auth import PUBLIC_ATTR
from ftserver.api.keys import SETTINGS
from ftserver.api.openapi import build_document, declaration_of
from ftserver.api.passwords import hash_password
from ftserver.api.principal import Role
from ftserver.app import BOT, create_app
from ftserver.config import settings_from_dict
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from tests.api.conftest import PASSWORD, START, USER, app_settings, basic_auth
from tests.support.scripted_market import ScriptedMarket

READER, READER_PASSWORD = "dashboard", "reader-password-1"
TRADER, TRADER_PASSWORD = "phone", "trader-password-22"
# Given as a hash (what `ftserver hash-password` prints): made once, hashing is slow by design.
TRADER_HASH = hash_password(TRADER_PASSWORD)
CREDENTIALS = {
    Role.READ: (READER, READER_PASSWORD),
    Role.TRADE: (TRADER, TRADER_PASSWORD),
    Role.ADMIN: (USER, PASSWORD),
}

# Every route that needs more than `read`. A new route must be added here (or stay a GET that reads).
BEYOND_READ = {
    ("POST", "/api/v1/start"): Role.ADMIN,
    ("POST", "/api/v1/stop"): Role.ADMIN,
    ("POST", "/api/v1/pause"): Role.ADMIN,
    ("POST", "/api/v1/stopentry"): Role.ADMIN,
    ("POST", "/api/v1/stopbuy"): Role.ADMIN,
    ("POST", "/api/v1/reload_config"): Role.ADMIN,
    ("DELETE", "/api/v1/background/clear"): Role.ADMIN,
    ("DELETE", "/api/v1/background/{jobid}"): Role.ADMIN,
    ("POST", "/api/v1/pairlists/evaluate"): Role.ADMIN,
    ("POST", "/api/v1/download_data"): Role.ADMIN,
    ("POST", "/api/v1/recursive_analysis"): Role.ADMIN,
    ("POST", "/api/v1/lookahead_analysis"): Role.ADMIN,
    ("POST", "/api/v1/backtest"): Role.ADMIN,
    ("DELETE", "/api/v1/backtest"): Role.ADMIN,
    ("GET", "/api/v1/backtest/abort"): Role.ADMIN,
    ("DELETE", "/api/v1/backtest/history/{file}"): Role.ADMIN,
    ("PATCH", "/api/v1/backtest/history/{file}"): Role.ADMIN,
    ("POST", "/api/v1/forceenter"): Role.TRADE,
    ("POST", "/api/v1/forcebuy"): Role.TRADE,
    ("POST", "/api/v1/forceexit"): Role.TRADE,
    ("POST", "/api/v1/forcesell"): Role.TRADE,
    ("POST", "/api/v1/blacklist"): Role.TRADE,
    ("DELETE", "/api/v1/blacklist"): Role.TRADE,
    ("POST", "/api/v1/locks"): Role.TRADE,
    ("POST", "/api/v1/locks/delete"): Role.TRADE,
    ("DELETE", "/api/v1/locks/{lockid}"): Role.TRADE,
    ("DELETE", "/api/v1/trades/{tradeid}"): Role.TRADE,
    ("DELETE", "/api/v1/trades/{tradeid}/open-order"): Role.TRADE,
    ("POST", "/api/v1/trades/{tradeid}/reload"): Role.TRADE,
    ("POST", "/api/v1/tokens"): Role.ADMIN,
    ("GET", "/api/v1/tokens"): Role.ADMIN,
    ("DELETE", "/api/v1/tokens/{tokenid}"): Role.ADMIN,
    ("GET", "/api/v1/audit"): Role.ADMIN,
}
PLACEHOLDER_VALUES = {
    "file": "nofile",
    "tokenid": "1",
    "tradeid": "1",
    "lockid": "1",
    "jobid": "nojob",
    "strategy": "SampleStrategy",
}


def users_settings(tmp_path: Path) -> Any:
    base = app_settings(tmp_path)
    api = {
        "username": USER,
        "password": PASSWORD,
        "jwt_secret_key": base.api_server.jwt_secret_key,
        "ws_token": "ws-test-token",
        "users": [
            {"username": READER, "password": READER_PASSWORD, "role": "read"},
            {"username": TRADER, "password": TRADER_HASH, "role": "trade"},
        ],
    }
    values = {
        "stake_currency": "USDT",
        "stake_amount": 100,
        "dry_run_wallet": 1000,
        "max_open_trades": 3,
        "initial_state": "running",
        "force_entry_enable": True,
        "strategy": "SampleStrategy",
        "timeframe": "1m",
        "db_url": f"sqlite:///{tmp_path / 'api.sqlite'}",
        "user_data_dir": str(tmp_path / "user_data"),
        "exchange": {"name": "scripted", "pair_whitelist": ["BTC/USDT", "ETH/USDT"]},
        "internals": {"process_throttle_secs": 3600, "heartbeat_interval": 0},
        "api_server": api,
    }
    return settings_from_dict(values)


@pytest.fixture
async def client(aiohttp_client: Any, tmp_path: Path) -> TestClient:
    clock = ManualClock(START)
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = users_settings(tmp_path)
    app = create_app(
        settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock, settings_loader=lambda: settings
    )
    test_client: TestClient = await aiohttp_client(app)
    await app[BOT].run_once()
    return test_client


def api_routes(app: web.Application) -> list[tuple[str, str, Role]]:
    """(method, canonical path, role) of every declared route that needs credentials."""
    found = []
    for route in app.router.routes():
        declaration = declaration_of(route)
        if route.method in (hdrs.METH_HEAD, hdrs.METH_OPTIONS) or declaration is None:
            continue
        if declaration.operation is None or getattr(route.handler, PUBLIC_ATTR, False):
            continue  # pages and public routes: nobody's role is checked
        found.append((route.method, declaration.canonical, declaration.role))
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDER_VALUES.get(m.group(1), "x"), path)


def auth_for(role: Role) -> dict[str, str]:
    return basic_auth(*CREDENTIALS[role])


async def test_the_routes_beyond_read_are_exactly_the_declared_ones(client: TestClient) -> None:
    declared = {(m, p): role for m, p, role in api_routes(client.app) if role is not Role.READ}
    assert declared == BEYOND_READ
    # Every other route is a read: a GET, or a POST that only reads (candles with chosen columns).
    reads = [(m, p) for m, p, role in api_routes(client.app) if role is Role.READ and m != "GET"]
    assert sorted(reads) == [("POST", "/api/v1/pair_candles"), ("POST", "/api/v1/pair_history")]


@pytest.mark.parametrize("role", [Role.READ, Role.TRADE, Role.ADMIN])
async def test_every_route_answers_each_role_by_its_declared_role(client: TestClient, role: Role) -> None:
    checked = 0
    # Refusals first: a refused request never reaches its handler, so nothing has changed yet.
    routes = sorted(api_routes(client.app), key=lambda r: role.allows(r[2]))
    for method, path, needed in routes:
        response = await client.request(method, concrete(path), headers=auth_for(role), json={})
        body = await response.text()
        if role.allows(needed):
            assert response.status not in (401, 403), f"{role} {method} {path}: {response.status} {body}"
        else:
            assert response.status == 403, f"{role} {method} {path}: {response.status} {body}"
            detail = (await response.json())["detail"]
            assert f"needs the {needed} role" in detail
            assert f"has the {role} role" in detail
        checked += 1
    assert checked == len(api_routes(client.app)) > 60


async def test_a_read_user_cannot_force_an_entry_and_nothing_opens(client: TestClient) -> None:
    response = await client.post("/api/v1/forceenter", headers=auth_for(Role.READ), json={"pair": "ETH/USDT"})
    assert response.status == 403
    assert (await response.json()) == {
        "detail": "This needs the trade role; dashboard has the read role",
        "error": "This needs the trade role; dashboard has the read role",
        "code": "forbidden",
    }
    status = await client.get("/api/v1/status", headers=auth_for(Role.READ))
    assert await status.json() == []


async def test_a_trade_user_with_a_hashed_password_opens_a_trade_but_cannot_stop_the_bot(client: TestClient) -> None:
    response = await client.post("/api/v1/forceenter", headers=auth_for(Role.TRADE), json={"pair": "ETH/USDT"})
    assert response.status == 200, await response.text()
    assert (await response.json())["pair"] == "ETH/USDT"
    stop = await client.post("/api/v1/stop", headers=auth_for(Role.TRADE))
    assert stop.status == 403
    assert (await stop.json())["detail"] == "This needs the admin role; phone has the trade role"


async def test_a_wrong_password_for_a_user_is_401_not_403(client: TestClient) -> None:
    response = await client.get("/api/v1/status", headers=basic_auth(TRADER, "trader-password-23"))
    assert response.status == 401
    response = await client.get("/api/v1/status", headers=basic_auth(READER, PASSWORD))  # the admin's password
    assert response.status == 401


async def test_a_read_user_logs_in_and_its_tokens_carry_its_role_on_rest_and_websocket(client: TestClient) -> None:
    login = await client.post("/api/v1/token/login", headers=auth_for(Role.READ), json={})
    assert login.status == 200
    access = (await login.json())["access_token"]
    bearer = {"Authorization": f"Bearer {access}"}
    status = await client.get("/api/v1/status", headers=bearer)
    assert status.status == 200, await status.text()
    refused = await client.post("/api/v1/locks", headers=bearer, json={"pair": "ETH/USDT", "until": "2030-01-01"})
    assert refused.status == 403
    ws = await client.ws_connect("/api/v1/message/ws", params={"token": access})
    await ws.send_json({"type": "whitelist", "data": ""})
    reply = await ws.receive_json(timeout=5)
    assert reply == {"type": "whitelist", "data": ["BTC/USDT", "ETH/USDT"]}
    await ws.close()


async def test_show_config_never_shows_a_users_password_or_hash(client: TestClient) -> None:
    response = await client.get("/api/v1/show_config", headers=auth_for(Role.ADMIN))
    text = await response.text()
    assert response.status == 200
    for secret in (READER_PASSWORD, TRADER_HASH, TRADER_PASSWORD, PASSWORD):
        assert secret not in text


async def test_wrong_passwords_ban_that_user_from_that_address_not_the_others(client: TestClient) -> None:
    limit = client.app[SETTINGS].api_server.auth_fail_limit
    for _ in range(limit):
        assert (await client.get("/api/v1/status", headers=basic_auth(READER, "wrong-password"))).status == 401
    banned = await client.get("/api/v1/status", headers=auth_for(Role.READ))  # even the right password now
    assert banned.status == 429
    assert (await client.get("/api/v1/status", headers=auth_for(Role.TRADE))).status == 200
    assert (await client.get("/api/v1/status", headers=auth_for(Role.ADMIN))).status == 200


def test_the_openapi_document_names_each_routes_role(client: TestClient) -> None:
    document = build_document(client.app)
    assert document["paths"]["/api/v1/forceenter"]["post"]["x-role"] == "trade"
    assert document["paths"]["/api/v1/stop"]["post"]["x-role"] == "admin"
    assert document["paths"]["/api/v1/status"]["get"]["x-role"] == "read"
    assert "403" in document["paths"]["/api/v1/stop"]["post"]["responses"]
