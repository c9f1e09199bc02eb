"""Logging the real FreqUI in to an ftserver without its form: what FreqUI's login writes to localStorage."""

from __future__ import annotations

import base64
import json
import urllib.request

from playwright.sync_api import Page

from tests.ui.conftest import Bot


def log_in(page: Page, bot: Bot, username: str, password: str) -> None:
    """Tokens from ``/token/login`` for ``username``, stored as FreqUI keeps its bots' logins."""
    basic = base64.b64encode(f"{username}:{password}".encode()).decode()
    request = urllib.request.Request(
        f"{bot.url}/api/v1/token/login", method="POST", headers={"Authorization": f"Basic {basic}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        tokens = json.loads(response.read())
    login = {
        "ftbot.0": {
            "botName": "ftserver",
            "apiUrl": bot.url,
            "accessToken": tokens["access_token"],
            "refreshToken": tokens["refresh_token"],
            "autoRefresh": True,
        }
    }
    page.goto(bot.url + "/")
    page.evaluate(
        "([login]) => { localStorage.setItem('ftAuthLoginInfo', login);"
        " localStorage.setItem('ftSelectedBot', 'ftbot.0'); }",
        [json.dumps(login)],
    )
