"""``ftserver trade`` whose database stops being writable mid-run: a real file size limit (RLIMIT_FSIZE
set on the running server process) makes SQLite's writes fail as on a full disk."""

from __future__ import annotations

import base64
import json
import os
import resource
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.integration.test_cli import REPO, free_port
from tests.support.polling import wait_until

QUIET_STRATEGY = """
from ftserver.strategy.base import Strategy


class Quiet(Strategy):
    timeframe = "1m"
    minimal_roi = {"0": 10.0}
    stoploss = -0.5

    def populate_indicators(self, dataframe, metadata):
        return dataframe

    def populate_entry_trend(self, dataframe, metadata):
        return dataframe

    def populate_exit_trend(self, dataframe, metadata):
        return dataframe
"""

AUTH = "Basic " + base64.b64encode(b"ftserver:ftserver").decode()


def call(port: int, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": AUTH, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def answer(port: int, path: str, status: int) -> Any:
    """The body of GET ``path`` when it answers ``status``; None otherwise (or when nobody listens yet)."""
    try:
        code, body = call(port, "GET", path)
    except OSError:
        return None
    return body if code == status else None


def logged(port: int, text: str) -> bool:
    """Whether the server's own log (GET /logs) has a line with ``text``."""
    return any(text in str(entry) for entry in call(port, "GET", "logs")[1]["logs"])


def test_a_database_that_cannot_be_written_is_503_and_red_health_until_it_can(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "run.json"
    config.write_text((REPO / "config" / "config.json").read_text())
    # A strategy that never signals: every trade here is one the test forced.
    (tmp_path / "strategies").mkdir()
    (tmp_path / "strategies" / "quiet.py").write_text(QUIET_STRATEGY)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "FTSERVER__API_SERVER__LISTEN_PORT": str(port),
        "FTSERVER__INTERNALS__PROCESS_THROTTLE_SECS": "1",
        "FTSERVER__STRATEGY": "Quiet",
        "FTSERVER__STRATEGY_PATH": str(tmp_path / "strategies"),
    }
    wal = tmp_path / "user_data" / "tradesv3.dryrun.sqlite-wal"
    with subprocess.Popen(
        [sys.executable, "-m", "ftserver", "trade", "--config", str(config)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        try:
            wait_until(lambda: answer(port, "health", 200), what="the server answering /health")
            status, _ = call(port, "POST", "forceenter", {"pair": "BTC/USDT", "ordertype": "market"})
            assert status == 200

            # No file of the server may grow past the write-ahead log's current size.
            resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (wal.stat().st_size, resource.RLIM_INFINITY))
            status, body = call(port, "POST", "forceenter", {"pair": "ETH/USDT", "ordertype": "market"})
            assert status == 503, body
            assert body["detail"] == (
                "The trade database cannot be written: disk I/O error; no new trades are opened until it can"
            )
            assert body["code"] == "storage_unavailable"
            health = wait_until(lambda: answer(port, "health", 503), within=5, what="/health turning 503")
            assert "cannot be written" in health["detail"]
            down = "no orders are placed (entries, exits, stoplosses) until it can"
            wait_until(lambda: logged(port, down), what="the loop announcing the failure")
            assert [t["pair"] for t in call(port, "GET", "status")[1]] == ["BTC/USDT"]  # no order placed

            resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            health = wait_until(lambda: answer(port, "health", 200), what="/health turning 200 again")
            up = "The trade database can be written again; trading resumes"
            wait_until(lambda: logged(port, up), what="the loop announcing the recovery")
            assert set(health) == {
                "last_process",
                "last_process_ts",
                "bot_start",
                "bot_start_ts",
                "bot_startup",
                "bot_startup_ts",
            }
            status, body = call(port, "POST", "forceenter", {"pair": "ETH/USDT", "ordertype": "market"})
            assert status == 200, body
            assert [t["pair"] for t in call(port, "GET", "status")[1]] == ["BTC/USDT", "ETH/USDT"]

            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=15)
            assert proc.returncode == 0, out
            assert out.count(down) == 1, out
            assert out.count(up) == 1, out
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
