"""ETag / If-None-Match on /status and /profit (/trades: test_trade_history.py): 304 while nothing changed."""

from __future__ import annotations

import pytest

from tests.api.conftest import Server, basic_auth


@pytest.mark.parametrize("path", ["/api/v1/status", "/api/v1/profit"])
async def test_an_unchanged_answer_is_a_304_without_a_body(server: Server, path: str) -> None:
    first = await server.client.get(path, headers=basic_auth())
    assert first.status == 200
    tag = first.headers["ETag"]
    again = await server.client.get(path, headers={**basic_auth(), "If-None-Match": tag})
    assert again.status == 304
    assert await again.read() == b""
    assert again.headers["ETag"] == tag


async def test_a_new_trade_changes_the_tag_of_status_and_profit(server: Server) -> None:
    tags = {}
    for path in ("/api/v1/status", "/api/v1/profit"):
        tags[path] = (await server.client.get(path, headers=basic_auth())).headers["ETag"]
    await server.post("/api/v1/forceenter", {"pair": "BTC/USDT"})
    for path, tag in tags.items():
        response = await server.client.get(path, headers={**basic_auth(), "If-None-Match": tag})
        assert response.status == 200, path
        assert response.headers["ETag"] != tag
        assert await response.json()


async def test_other_routes_and_refused_requests_carry_no_tag(server: Server) -> None:
    assert "ETag" not in (await server.client.get("/api/v1/count", headers=basic_auth())).headers
    refused = await server.client.get("/api/v1/status")
    assert refused.status == 401
    assert "ETag" not in refused.headers
