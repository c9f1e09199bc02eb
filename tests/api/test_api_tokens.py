"""Long-lived API tokens on the whole server: made, used on REST and the WebSocket, listed, revoked, kept."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient

from ftserver.app import BOT, create_app
from ftserver.cli import main
from ftserver.core.clock import ManualClock
from ftserver.exchange.paper import PaperBroker
from tests.api.conftest import START, Server, app_settings, basic_auth
from tests.support.scripted_market import ScriptedMarket

WS = "/api/v1/message/ws"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def make_token(client: TestClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/tokens", headers=basic_auth(), json=body)
    assert response.status == 200, await response.text()
    made: dict[str, Any] = await response.json()
    return made


async def test_a_read_token_reads_but_cannot_trade_and_is_listed_with_its_last_use(server: Server) -> None:
    client = server.client
    made = await make_token(client, name="grafana", role="read")
    assert made["token"].startswith("fts_")
    assert (made["name"], made["role"], made["expires_at"], made["last_used_at"], made["revoked_at"]) == (
        "grafana",
        "read",
        None,
        None,
        None,
    )
    assert made["created_at"] == START.isoformat()
    server.clock.advance(minutes=3)
    assert (await client.get("/api/v1/status", headers=bearer(made["token"]))).status == 200
    refused = await client.post("/api/v1/forceenter", headers=bearer(made["token"]), json={"pair": "ETH/USDT"})
    assert refused.status == 403
    assert (await refused.json())["detail"] == "This needs the trade role; grafana has the read role"

    listed = await (await client.get("/api/v1/tokens", headers=basic_auth())).json()
    assert [(t["id"], t["name"], t["role"], t["last_used_at"]) for t in listed] == [
        (made["id"], "grafana", "read", (START + timedelta(minutes=3)).isoformat())
    ]
    assert "token" not in listed[0]


async def test_a_trade_token_opens_a_trade(server: Server) -> None:
    made = await make_token(server.client, name="phone", role="trade")
    response = await server.client.post("/api/v1/forceenter", headers=bearer(made["token"]), json={"pair": "ETH/USDT"})
    assert response.status == 200, await response.text()


async def test_a_revoked_token_is_refused_on_its_next_rest_request(server: Server) -> None:
    client = server.client
    made = await make_token(client, name="script", role="admin")
    assert (await client.get("/api/v1/tokens", headers=bearer(made["token"]))).status == 200
    revoked = await client.delete(f"/api/v1/tokens/{made['id']}", headers=basic_auth())
    assert revoked.status == 200
    assert (await revoked.json())["revoked_at"] == START.isoformat()
    refused = await client.get("/api/v1/status", headers=bearer(made["token"]))
    assert refused.status == 401
    assert (await refused.json())["detail"] == "API token revoked"
    missing = await client.delete("/api/v1/tokens/999", headers=basic_auth())
    assert missing.status == 404


async def test_a_token_works_on_the_websocket_until_revoked_which_closes_its_socket(server: Server) -> None:
    client = server.client
    made = await make_token(client, name="consumer", role="read")
    ws = await client.ws_connect(WS, params={"token": made["token"]})
    await ws.send_json({"type": "whitelist", "data": ""})
    assert (await ws.receive_json(timeout=5))["data"] == ["BTC/USDT", "ETH/USDT"]

    assert (await client.delete(f"/api/v1/tokens/{made['id']}", headers=basic_auth())).status == 200
    closed = await ws.receive(timeout=5)
    assert (closed.type, closed.data, closed.extra) == (WSMsgType.CLOSE, 1008, "token revoked")
    with pytest.raises(Exception, match="403"):
        await client.ws_connect(WS, params={"token": made["token"]})


async def test_an_expired_token_is_refused(server: Server) -> None:
    made = await make_token(server.client, name="temp", role="read", expires="1h")
    assert made["expires_at"] == (START + timedelta(hours=1)).isoformat()
    assert (await server.client.get("/api/v1/status", headers=bearer(made["token"]))).status == 200
    server.clock.advance(minutes=60)
    refused = await server.client.get("/api/v1/status", headers=bearer(made["token"]))
    assert refused.status == 401
    assert (await refused.json())["detail"] == "API token expired"


async def test_a_forged_or_malformed_token_is_refused(server: Server) -> None:
    made = await make_token(server.client, name="real", role="read")
    forged = made["token"][:-4] + ("AAAA" if not made["token"].endswith("AAAA") else "BBBB")
    for token in (forged, "fts_000000000000_" + "x" * 43, "fts_nonsense"):
        response = await server.client.get("/api/v1/status", headers=bearer(token))
        assert response.status == 401
        assert (await response.json())["detail"] == "Invalid API token"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "x", "role": "root"}, 422),
        ({"role": "read"}, 422),
        ({"name": "x", "role": "read", "expires": "soon"}, 400),
        ({"name": "x", "role": "read", "expires": "0d"}, 400),
    ],
)
async def test_bad_token_requests_are_refused(server: Server, body: dict[str, Any], status: int) -> None:
    response = await server.client.post("/api/v1/tokens", headers=basic_auth(), json=body)
    assert response.status == status
    assert (await response.json())["detail"]


async def test_only_a_hash_of_the_secret_is_stored(server: Server, tmp_path: Path) -> None:
    made = await make_token(server.client, name="grafana", role="read")
    key, secret = made["token"].removeprefix("fts_").split("_", 1)
    with sqlite3.connect(tmp_path / "api.sqlite") as conn:
        rows = conn.execute("SELECT token_key, secret_hash FROM api_tokens").fetchall()
        dump = "\n".join(conn.iterdump())
    assert rows == [(key, hashlib.sha256(secret.encode()).hexdigest())]
    assert secret not in dump


async def start_app(aiohttp_client: Any, tmp_path: Path, clock: ManualClock) -> TestClient:
    market = ScriptedMarket(clock, {"BTC/USDT": 100.0, "ETH/USDT": 10.0})
    settings = app_settings(tmp_path)
    app = create_app(settings, market=market, broker=PaperBroker(market, clock=clock), clock=clock)
    client: TestClient = await aiohttp_client(app)
    await app[BOT].run_once()
    return client


async def test_tokens_and_revocations_survive_a_restart(aiohttp_client: Any, tmp_path: Path) -> None:
    clock = ManualClock(START)
    first = await start_app(aiohttp_client, tmp_path, clock)
    kept = await make_token(first, name="kept", role="read")
    gone = await make_token(first, name="gone", role="read")
    assert (await first.delete(f"/api/v1/tokens/{gone['id']}", headers=basic_auth())).status == 200
    await first.close()

    second = await start_app(aiohttp_client, tmp_path, clock)
    assert (await second.get("/api/v1/status", headers=bearer(kept["token"]))).status == 200
    assert (await second.get("/api/v1/status", headers=bearer(gone["token"]))).status == 401
    listed = await (await second.get("/api/v1/tokens", headers=basic_auth())).json()
    assert [(t["name"], t["revoked_at"] is not None) for t in listed] == [("kept", False), ("gone", True)]


async def test_a_token_made_on_the_command_line_works_on_the_running_server(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "stake_currency": "USDT",
                "stake_amount": 100,
                "exchange": {"name": "sim"},
                "db_url": f"sqlite:///{tmp_path / 'api.sqlite'}",
            }
        )
    )
    args = ["token", "create", "--role", "read", "--name", "grafana", "--expires", "90d", "-c", str(config)]
    assert await asyncio.to_thread(main, args) == 0  # its own event loop, as a separate process would have
    token = capsys.readouterr().out.splitlines()[0]
    assert token.startswith("fts_")
    assert (await server.client.get("/api/v1/status", headers=bearer(token))).status == 200
    listed = await (await server.client.get("/api/v1/tokens", headers=basic_auth())).json()
    assert [(t["name"], t["role"]) for t in listed] == [("grafana", "read")]
