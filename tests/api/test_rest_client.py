"""``ftserver/rest_client.py`` is also the copy-anywhere client: it must run alone, on the standard library."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

from tests.api.conftest import PASSWORD, USER, Server

SOURCE = Path(__file__).resolve().parents[2] / "ftserver" / "rest_client.py"


async def _run_alone(tmp_path: Path, *args: str) -> tuple[int, str]:
    """Run a copy of the client with no site-packages (``-S``) and no project on the path (``-I``)."""
    copy = tmp_path / "rest_client.py"
    shutil.copy(SOURCE, copy)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-S", "-I", str(copy), *args,
        cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def test_a_copy_of_the_client_lists_its_commands_without_any_installed_package(tmp_path: Path) -> None:
    code, out = await _run_alone(tmp_path, "help")
    assert code == 0, out
    assert "forceenter" in out
    assert "pair_candles" in out


async def test_a_copy_of_the_client_calls_a_running_server(tmp_path: Path, server: Server) -> None:
    url = str(server.client.make_url("/")).rstrip("/")
    code, out = await _run_alone(tmp_path, "--url", url, "--username", USER, "--password", PASSWORD, "count")
    assert code == 0, out
    assert '"max"' in out

    code, out = await _run_alone(tmp_path, "--url", url, "--username", USER, "--password", "wrong", "count")
    assert code == 1
    assert "401" in out


_COMMENTED_CONFIG = """{
  // the server's own config, as freqtrade configs are written
  "api_server": {"listen_ip_address": "0.0.0.0", "listen_port": 8099, "username": "u", "password": "p", },
}"""


def test_the_client_reads_a_config_with_comments_and_trailing_commas(tmp_path: Path) -> None:
    from ftserver.rest_client import _from_config

    path = tmp_path / "config.json"
    path.write_text(_COMMENTED_CONFIG, encoding="utf-8")
    assert _from_config(str(path)) == {"url": "http://127.0.0.1:8099", "username": "u", "password": "p"}


async def test_a_copy_of_the_client_takes_credentials_from_a_commented_config(tmp_path: Path, server: Server) -> None:
    """Without rapidjson the copy strips comments itself (trailing commas need rapidjson)."""
    url = server.client.make_url("/")
    config = tmp_path / "config.json"
    config.write_text(
        "{\n  // where the server listens\n"
        f'  "api_server": {{"listen_port": {url.port}, /* who */ "username": "{USER}", "password": "{PASSWORD}"}}\n}}',
        encoding="utf-8",
    )
    code, out = await _run_alone(tmp_path, "-c", str(config), "count")
    assert code == 0, out
    assert '"max"' in out
