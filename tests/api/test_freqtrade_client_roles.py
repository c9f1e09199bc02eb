"""freqtrade's own REST client against ftserver with narrower credentials: a trade user, a trade API token."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient
from freqtrade_client import FtRestClient

from ftserver.api.principal import Role
from tests.api.conftest import basic_auth
from tests.api.test_roles import CREDENTIALS
from tests.api.test_roles import client as client  # the server with read and trade users


async def call(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(fn, *args)


def url(client: TestClient) -> str:
    return str(client.make_url("")).rstrip("/")


async def trades_but_cannot_stop(ft: FtRestClient, who: str) -> None:
    trade = await call(ft.forceenter, "ETH/USDT", "long")
    assert trade["pair"] == "ETH/USDT"
    assert [t["trade_id"] for t in await call(ft.status)] == [trade["trade_id"]]
    assert "Created exit order" in (await call(ft.forceexit, trade["trade_id"]))["result"]
    assert (await call(ft.stop)) == {
        "detail": f"This needs the admin role; {who} has the trade role",
        "error": f"This needs the admin role; {who} has the trade role",
        "code": "forbidden",
    }
    assert (await call(ft.show_config))["state"] == "running"


async def test_freqtrade_client_as_a_trade_user(client: TestClient) -> None:
    user, password = CREDENTIALS[Role.TRADE]
    await trades_but_cannot_stop(FtRestClient(url(client), user, password), user)


async def test_freqtrade_client_with_a_trade_api_token(client: TestClient) -> None:
    made = await client.post(
        "/api/v1/tokens", headers=basic_auth(*CREDENTIALS[Role.ADMIN]), json={"name": "bot-script", "role": "trade"}
    )
    token = (await made.json())["token"]
    ft = FtRestClient(url(client))
    # The client sends whatever its requests session carries; a Bearer header in place of Basic.
    ft._session.headers["Authorization"] = f"Bearer {token}"
    await trades_but_cannot_stop(ft, "bot-script")
