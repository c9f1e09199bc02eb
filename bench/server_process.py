"""Starts `ftserver trade` with the embedded default config as a separate process, for the
benchmarks that load a real server: on a free loopback port, with a given database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    root: Path, db: Path | str, port: int, *, fd_limit: int | None = None, **settings: str
) -> subprocess.Popen[bytes]:
    """``db``: an SQLite file, or a database URL. ``settings``: extra top-level config overrides,
    e.g. ``initial_state="stopped"``.

    ``fd_limit``: the server's open-file limit, soft and hard (e.g. 1024, a common default).
    """
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "FTSERVER__API_SERVER__LISTEN_PORT": str(port),
        "FTSERVER__DB_URL": db if isinstance(db, str) else f"sqlite:///{db}",
        "FTSERVER__USER_DATA_DIR": str(root / "user_data"),
        **{f"FTSERVER__{key.upper()}": value for key, value in settings.items()},
    }
    return subprocess.Popen(
        [sys.executable, "-m", "ftserver", "trade", "--config", str(REPO / "config" / "config.json")],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=(lambda: _limit_files(fd_limit)) if fd_limit else None,
    )


def _limit_files(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


def wait_for_ping(port: int, *, within: float = 30.0) -> None:
    """Block until the server on ``port`` answers ``/api/v1/ping`` (before any load starts)."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping", timeout=1):
                return
        except OSError:
            if time.monotonic() >= deadline:
                raise SystemExit(f"the server did not answer /api/v1/ping within {within:g} s") from None
            time.sleep(0.1)
