"""The ftserver command as a user runs it: a real process on a loopback port."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ftserver(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "ftserver", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version() -> None:
    result = subprocess.run([sys.executable, "-m", "ftserver", "--version"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0
    assert result.stdout.startswith("ftserver ")


def test_wrong_type_in_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.json"
    config.write_text(
        '{"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"},'
        ' "api_server": {"listen_port": "eighty"}}'
    )
    result = ftserver("trade", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "api_server.listen_port" in lines[0]


def test_missing_pairlist_option_exits_2_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.json"
    config.write_text(
        '{"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"},'
        ' "pairlists": [{"method": "StaticPairList"}, {"method": "VolumePairList", "sort_key": "quoteVolume"}]}'
    )
    result = ftserver("trade", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "pairlists.1.number_assets" in result.stdout + result.stderr


def test_unknown_strategy_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "c.json"
    config.write_text(
        json.dumps(
            {
                "stake_currency": "USDT",
                "stake_amount": 10,
                "exchange": {"name": "sim"},
                "strategy": "NoSuchStrategy",
                "api_server": {"enabled": False},
            }
        )
    )
    result = ftserver("trade", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "NoSuchStrategy" in result.stderr


def test_new_config_writes_fresh_secrets_and_refuses_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "cfg" / "config.json"
    first = subprocess.run(
        [sys.executable, "-m", "ftserver", "new-config", "-c", str(target)], capture_output=True, text=True, cwd=REPO
    )
    assert first.returncode == 0
    values = json.loads(target.read_text())
    assert len(values["api_server"]["jwt_secret_key"]) >= 32
    again = subprocess.run(
        [sys.executable, "-m", "ftserver", "new-config", "-c", str(target)], capture_output=True, text=True, cwd=REPO
    )
    assert again.returncode == 2
    assert "already exists" in again.stderr


@pytest.mark.timeout(90)
def test_trade_serves_ping_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "run.json"
    config.write_text((REPO / "config" / "config.json").read_text())
    env = {**os.environ, "PYTHONPATH": str(REPO), "FTSERVER__API_SERVER__LISTEN_PORT": str(port)}
    with subprocess.Popen(
        [sys.executable, "-m", "ftserver", "trade", "--config", str(config)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        try:
            body = None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and body is None and proc.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping", timeout=2) as response:
                        body = json.loads(response.read())
                except OSError:
                    time.sleep(0.3)
            assert body == {"status": "pong"}
            url = f"http://127.0.0.1:{port}"
            # The client's own options (--url, --username, ...) come after "client".
            called = ftserver(
                "client", "--url", url, "--username", "ftserver", "--password", "ftserver", "count", cwd=tmp_path
            )
            assert called.returncode == 0, called.stderr
            assert json.loads(called.stdout)["max"] == 5  # config/config.json
            refused = ftserver(
                "client", "--url", url, "--username", "ftserver", "--password", "wrong", "count", cwd=tmp_path
            )
            assert refused.returncode == 1 and "401" in refused.stdout + refused.stderr
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=15)
            assert proc.returncode == 0, out
            assert time.monotonic() - started < 10
            assert (tmp_path / "user_data" / "tradesv3.dryrun.sqlite").exists()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def test_download_data_then_list_data_offline(tmp_path: Path) -> None:
    config = tmp_path / "data.json"
    config.write_text(
        json.dumps({"stake_currency": "USDT", "stake_amount": 10, "exchange": {"name": "sim"}, "user_data_dir": "ud"})
    )
    first = ftserver(
        "download-data",
        "-c",
        str(config),
        "--pairs",
        "BTC/USDT",
        "ETH/USDT",
        "-t",
        "5m",
        "1h",
        "--days",
        "2",
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "ud" / "data" / "sim" / "BTC_USDT-5m.feather").exists()
    assert "BTC/USDT 5m:" in first.stdout
    again = ftserver("download-data", "-c", str(config), "--pairs", "BTC/USDT", "-t", "5m", "--days", "2", cwd=tmp_path)
    assert "(resumed)" in again.stdout
    listing = ftserver("list-data", "-c", str(config), cwd=tmp_path)
    assert listing.returncode == 0
    rows = [line for line in listing.stdout.splitlines() if "/USDT" in line]
    assert len(rows) == 4
    bad = ftserver("download-data", "-c", str(config), "--timerange", "2024-", cwd=tmp_path)
    assert bad.returncode != 0
    assert "Invalid timerange" in bad.stderr


def test_install_ui_unpacks_a_release_and_names_the_setting(tmp_path: Path) -> None:
    import zipfile

    archive = tmp_path / "freqUI.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.html", "<html>")
    result = ftserver("install-ui", "--file", str(archive), "--ui-version", "2.1.0", "--userdir", "ud", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ud" / "ui" / "index.html").is_file()
    assert "ui_path" in result.stdout
    missing = ftserver("install-ui", "--file", "nope.zip", cwd=tmp_path)
    assert missing.returncode == 2
    assert "nope.zip does not exist" in missing.stderr


def test_new_config_tls_self_signed_writes_a_pair_the_config_serves_with(tmp_path: Path) -> None:
    target = tmp_path / "cfg" / "config.json"
    result = ftserver("new-config", "-c", str(target), "--tls-self-signed", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    api = json.loads(target.read_text())["api_server"]
    cert, key = Path(api["tls_cert"]), Path(api["tls_key"])
    assert cert == tmp_path / "cfg" / "tls" / "ftserver.crt"
    assert key == tmp_path / "cfg" / "tls" / "ftserver.key"
    assert cert.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert key.stat().st_mode & 0o777 == 0o600
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)  # raises when the pair does not match


def test_trade_with_a_key_that_does_not_match_its_certificate_exits_2_naming_tls_key(tmp_path: Path) -> None:
    one, other = tmp_path / "one" / "config.json", tmp_path / "other" / "config.json"
    assert ftserver("new-config", "-c", str(one), "--tls-self-signed", cwd=tmp_path).returncode == 0
    assert ftserver("new-config", "-c", str(other), "--tls-self-signed", cwd=tmp_path).returncode == 0
    values = json.loads(one.read_text())
    values["api_server"]["tls_key"] = json.loads(other.read_text())["api_server"]["tls_key"]
    values["api_server"]["listen_port"] = free_port()
    one.write_text(json.dumps(values))
    result = ftserver("trade", "--config", str(one), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "api_server.tls_key" in result.stderr
