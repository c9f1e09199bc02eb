"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a loopback port, stopped after.

PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to ``nobody``. The server
binaries come from the system (Debian: the ``postgresql`` package, which ``make test`` installs when
missing). ``FTSERVER_TEST_POSTGRES_URL`` points the tests at a server of one's own instead.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresUnavailable(Exception):
    """Why no PostgreSQL server could be started."""


def _bin_dir() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    # Debian keeps the server binaries out of PATH, one folder per major version.
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not versions:
        raise PostgresUnavailable("no PostgreSQL server binaries (initdb) installed: apt-get install postgresql")
    return Path(versions[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster, yield its URL (user ``postgres``, no password, database ``postgres``), stop it."""
    bin_dir = _bin_dir()
    as_user: list[str] = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="ftserver-pg-"))
    data = base / "data"
    if as_user:
        shutil.chown(base, user="nobody")
    port = _free_port()

    def run(*args: str) -> None:
        # cwd: the cluster's user may not enter the folder the tests run from.
        done = subprocess.run([*as_user, *args], cwd=base, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-2000:]}")

    started = False
    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        # fsync off: the tests kill clients, never this server, and a throwaway cluster needs no durability.
        options = f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "start")
        started = True
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                cwd=base,
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(base, ignore_errors=True)
