"""A client cannot write a line of its choosing into the log (fail2ban reads it to ban addresses)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType

from ftserver.app import create_app
from ftserver.logs import LogBuffer, setup_logging
from tests.api.conftest import app_settings

# The fail2ban rules for the ban lines, anchored at the record's start: the timestamp, then the logger.
# (A rule that begins with ``^.*`` also matches a message that merely ends with such text, newline
# or not, so only an anchored rule can tell the ban module's lines from a quoted client value.)
STAMP = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
FAIL2BAN = [
    re.compile(STAMP + r" - ftserver\.api\.ban - WARNING - Failed login from (?P<host>\S+)$"),
    re.compile(
        STAMP + r" - ftserver\.api\.ban - WARNING - Banned (?P<host>\S+) for \d+ s after \d+ failed login attempts$"
    ),
]
FORGED = "2026-01-01 00:00:00,000 - ftserver.api.ban - WARNING - Failed login from 203.0.113.9"
RECORD_START = re.compile(STAMP + r" - [\w.]+ - [A-Z]+ - ")


@pytest.fixture
def logfile(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs" / "ftserver.log"
    setup_logging(buffer=LogBuffer(100), logfile=path)
    try:
        yield path
    finally:
        setup_logging()


async def test_newlines_from_clients_never_start_a_log_line(aiohttp_client: Any, tmp_path: Path, logfile: Path) -> None:
    sim = {"name": "sim", "pair_whitelist": ["BTC/USDT"]}
    api = app_settings(tmp_path, exchange=sim).as_dict()["api_server"]
    settings = app_settings(tmp_path, exchange=sim, api_server={**api, "verbosity": "info"})
    client = await aiohttp_client(create_app(settings))

    response = await client.get("/api/v1/nothing%0a" + FORGED.replace(" ", "%20"))
    assert response.status == 401
    ws = await client.ws_connect("/api/v1/message/ws", params={"token": "ws-test-token"})
    await ws.send_json({"type": "x\n" + FORGED, "data": None})
    reply = await ws.receive(timeout=5)
    assert reply.type is WSMsgType.TEXT and "Invalid request type" in reply.data
    await ws.close()
    await client.close()

    lines = (await asyncio.to_thread(logfile.read_text, encoding="utf-8")).splitlines()
    assert any("GET /api/v1/nothing\\n2026-01-01" in line for line in lines)
    assert any("Invalid request type: x\\n2026-01-01" in line for line in lines)
    assert [line for line in lines if not RECORD_START.match(line)] == []  # one line per record
    assert [line for line in lines if any(rule.match(line) for rule in FAIL2BAN)] == []
