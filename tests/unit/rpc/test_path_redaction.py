"""Absolute paths cut down to file names before a message reaches an API client."""

from __future__ import annotations

import pytest

from ftserver.rpc.path_redaction import without_absolute_paths


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "cannot read config file /srv/bot/config.json: No such file",
            "cannot read config file config.json: No such file",
        ),
        ("/home/me/user_data/config.json: invalid JSON at line 1", "config.json: invalid JSON at line 1"),
        ("No such file or directory: '/srv/data/x.feather'", "No such file or directory: 'x.feather'"),
        ("pair BTC/USDT and ETH/USDT:USDT stay", "pair BTC/USDT and ETH/USDT:USDT stay"),
        ("relative user_data/strategies/a.py stays", "relative user_data/strategies/a.py stays"),
    ],
)
def test_absolute_paths_become_file_names(text: str, expected: str) -> None:
    assert without_absolute_paths(text) == expected
