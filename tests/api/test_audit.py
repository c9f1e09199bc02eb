"""The audit log on the whole server: every state-changing route recorded with who, how and the outcome."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from ftserver.api.principal import Role
from ftserver.core.clock import ManualClock
from tests.api.conftest import PASSWORD, START, USER, Server, basic_auth
from tests.api.test_api_tokens import bearer, make_token, start_app
from tests.api.test_roles import CREDENTIALS, api_routes, concrete
from tests.api.test_roles import client as client  # the fixture with read and trade users


async def audit(client: TestClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/audit", headers=basic_auth(), params=params)
    assert response.status == 200, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer


async def test_every_audited_route_leaves_one_entry_with_its_outcome(server: Server) -> None:
    audited = [
        (method, path)
        for method, path, _ in api_routes(server.client.app)
        if (method != "GET" and path not in ("/api/v1/pair_candles", "/api/v1/pair_history"))
        or (method, path) == ("GET", "/api/v1/backtest/abort")  # a GET that acts, as in freqtrade
    ]
    # 6 bot controls, 4 force entries/exits (with aliases), 2 blacklist, 3 lock, 3 trade, 6 job,
    # 5 backtest and 2 token routes.
    assert len(audited) == 31
    for method, path in audited:
        response = await server.client.request(method, concrete(path), headers=basic_auth(), json={})
        entries = (await audit(server.client, limit=1))["entries"]
        assert len(entries) == 1
        entry = entries[0]
        assert (entry["method"], entry["route"], entry["status"]) == (method, path, response.status), entry
        assert (entry["actor"], entry["role"], entry["via"], entry["client"]) == (USER, "admin", "basic", "127.0.0.1")
        assert entry["outcome"] == ("ok" if response.status < 400 else (await response.json())["detail"])
    assert (await audit(server.client))["total"] == len(audited)


async def test_logins_are_recorded_a_refresh_is_not(server: Server) -> None:
    tokens = await server.post("/api/v1/token/login")
    await server.client.post("/api/v1/token/login", headers=basic_auth(USER, "wrong"))
    await server.client.post("/api/v1/token/refresh", headers=bearer(tokens["refresh_token"]))
    failed, succeeded = (await audit(server.client))["entries"]
    assert (succeeded["route"], succeeded["actor"], succeeded["status"]) == ("/api/v1/token/login", USER, 200)
    assert (failed["route"], failed["actor"], failed["status"]) == ("/api/v1/token/login", USER, 401)


async def test_reads_are_not_audited(server: Server) -> None:
    await server.get("/api/v1/status")
    await server.post("/api/v1/pair_candles", {"pair": "BTC/USDT", "timeframe": "1m", "columns": ["rsi"]})
    assert (await audit(server.client))["entries"] == []


async def test_a_forced_entry_and_exit_record_parameters_and_the_trade_they_touched(server: Server) -> None:
    opened = await server.post("/api/v1/forceenter", {"pair": "ETH/USDT", "entry_tag": "manual"})
    server.clock.advance(minutes=1)
    await server.post("/api/v1/forceexit", {"tradeid": str(opened["trade_id"])})
    exit_entry, entry = (await audit(server.client))["entries"]
    assert entry["route"] == "/api/v1/forceenter"
    assert entry["params"] == {"body": {"pair": "ETH/USDT", "entry_tag": "manual"}}
    assert entry["trade_id"] == opened["trade_id"]
    assert entry["at"] == START.isoformat()
    assert exit_entry["trade_id"] == opened["trade_id"]
    assert exit_entry["at_ms"] == int((START + timedelta(minutes=1)).timestamp() * 1000)


async def test_secrets_in_parameters_are_never_stored(server: Server, tmp_path: Path) -> None:
    made = await make_token(server.client, name="grafana", role="read")
    body = {"pair": "ETH/USDT", "password": "hunter2-secret", "api_token": "tok-secret"}
    await server.client.post("/api/v1/forceenter", headers=basic_auth(), json=body)
    entries = (await audit(server.client))["entries"]
    assert entries[0]["params"]["body"] == {"pair": "ETH/USDT", "password": "REDACTED", "api_token": "REDACTED"}
    assert entries[1]["params"] == {"body": {"name": "grafana", "role": "read"}}
    with sqlite3.connect(tmp_path / "api.sqlite") as conn:
        dump = "\n".join(conn.iterdump())
    for secret in ("hunter2-secret", "tok-secret", made["token"], PASSWORD):
        assert secret not in dump


async def test_refused_requests_are_recorded_with_who_tried(client: TestClient) -> None:
    reader, _ = CREDENTIALS[Role.READ]
    await client.post("/api/v1/stop", headers=basic_auth(*CREDENTIALS[Role.READ]))
    await client.post("/api/v1/stop", headers=basic_auth("mallory", "guess"))
    await client.post("/api/v1/forceenter", json={"pair": "ETH/USDT"})
    anonymous, guess, forbidden = (await audit(client))["entries"]
    assert (forbidden["actor"], forbidden["role"], forbidden["status"]) == (reader, "read", 403)
    assert forbidden["outcome"] == "This needs the admin role; dashboard has the read role"
    assert (guess["actor"], guess["role"], guess["via"], guess["status"]) == ("mallory", None, "basic", 401)
    assert (anonymous["actor"], anonymous["via"], anonymous["status"]) == ("", "none", 401)


async def test_an_api_token_is_named_in_its_entries(server: Server) -> None:
    made = await make_token(server.client, name="phone", role="trade")
    await server.client.post("/api/v1/locks", headers=bearer(made["token"]), json=[])
    entry = (await audit(server.client, limit=1))["entries"][0]
    assert (entry["actor"], entry["role"], entry["via"], entry["token_name"]) == (
        "phone",
        "trade",
        "api_token",
        "phone",
    )


async def test_paging_and_since(server: Server) -> None:
    for minute in range(5):
        await server.post("/api/v1/blacklist", {"blacklist": [f"P{minute}/USDT"]})
        server.clock.advance(minutes=1)
    page = await audit(server.client, limit=2, offset=1)
    assert page["total"] == 5
    assert [e["params"]["body"]["blacklist"] for e in page["entries"]] == [["P3/USDT"], ["P2/USDT"]]
    since = int((START + timedelta(minutes=3)).timestamp() * 1000)
    recent = await audit(server.client, since=since)
    assert recent["total"] == 2
    assert [e["params"]["body"]["blacklist"] for e in recent["entries"]] == [["P4/USDT"], ["P3/USDT"]]
    bad = await server.client.get("/api/v1/audit", headers=basic_auth(), params={"limit": 0})
    assert bad.status == 400


async def test_the_log_is_append_only_in_the_database(server: Server, tmp_path: Path) -> None:
    await server.post("/api/v1/pause")
    with sqlite3.connect(tmp_path / "api.sqlite") as conn:
        for statement in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
    assert len((await audit(server.client))["entries"]) == 1


async def test_the_log_survives_a_restart(aiohttp_client: Any, tmp_path: Path) -> None:
    clock = ManualClock(START)
    first = await start_app(aiohttp_client, tmp_path, clock)
    assert (await first.post("/api/v1/pause", headers=basic_auth())).status == 200
    await first.close()
    second = await start_app(aiohttp_client, tmp_path, clock)
    entries = (await audit(second))["entries"]
    assert [(e["route"], e["status"]) for e in entries] == [("/api/v1/pause", 200)]
