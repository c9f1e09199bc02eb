"""A trading server killed outright (SIGKILL) and started again loses nothing it had answered.

A real ``ftserver trade`` process on the simulated market, on each database backend: a trade
entered through the API is stored before the API answers, so it is there, with its id and its
entry order, after the process is killed and a new one starts on the same database.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.polling import wait_until

REPO = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Basic " + base64.b64encode(b"ftserver:ftserver").decode()}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'trades.sqlite'}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(port: int, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        method=method,
        headers={**AUTH, "Content-Type": "application/json"},
        data=None if body is None else json.dumps(body).encode(),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _answers(port: int) -> bool:
    try:
        _call(port, "GET", "ping")
    except OSError:
        return False
    return True


@contextmanager
def _server(tmp_path: Path, db_url: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "FTSERVER__API_SERVER__LISTEN_PORT": str(port),
        "FTSERVER__DB_URL": db_url,
        "FTSERVER__USER_DATA_DIR": str(tmp_path / "user_data"),
    }
    with subprocess.Popen(
        [sys.executable, "-m", "ftserver", "trade", "--config", str(REPO / "config" / "config.json")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        try:
            wait_until(lambda: _answers(port) or proc.poll() is not None, within=60, every=0.2, what="ping")
            assert proc.poll() is None, proc.communicate()[0]
            yield proc, port
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()


def _force_enter_a_free_pair(port: int) -> Any:
    """A market entry on a whitelisted pair the strategy has not entered itself (it trades too, and
    a second entry on its pair would be refused)."""
    for pair in _call(port, "GET", "whitelist")["whitelist"]:
        try:
            return _call(port, "POST", "forceenter", {"pair": pair, "entry_tag": "before-kill", "ordertype": "market"})
        except urllib.error.HTTPError as exc:
            if exc.code != 409:
                raise
    raise AssertionError("every whitelisted pair already had a trade")


@pytest.mark.timeout(180)
def test_a_trade_entered_before_sigkill_is_there_after_the_restart(tmp_path: Path, db_url: str) -> None:
    with _server(tmp_path, db_url) as (proc, port):
        entered = _force_enter_a_free_pair(port)
        assert entered["orders"][0]["status"] == "closed"  # a market entry fills at once
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=15)
        assert proc.returncode == -signal.SIGKILL

    with _server(tmp_path, db_url) as (_, port):
        trades = {t["trade_id"]: t for t in _call(port, "GET", "status")}
        kept = trades[entered["trade_id"]]
        assert (kept["pair"], kept["enter_tag"]) == (entered["pair"], "before-kill")
        assert kept["open_rate"] == entered["open_rate"]
        assert [o["order_id"] for o in kept["orders"]] == [o["order_id"] for o in entered["orders"]]
        # The restarted bot goes on trading the kept trade: it can exit it.
        _call(port, "POST", "forceexit", {"tradeid": str(entered["trade_id"]), "ordertype": "market"})
        closed = wait_until(
            lambda: [t for t in _call(port, "GET", "trades")["trades"] if t["trade_id"] == entered["trade_id"]],
            within=30,
            every=0.2,
            what="the kept trade closed",
        )
        assert closed[0]["is_open"] is False
        assert [o["ft_order_side"] for o in closed[0]["orders"]] == ["buy", "sell"]
