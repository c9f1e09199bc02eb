"""The UI at `/`: files, single-page fallback, cache headers, /ui_version, api_server.ui_path."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from ftserver.api.ui import default_ui_dir
from ftserver.app import create_app
from ftserver.errors import ConfigError
from tests.api.conftest import app_settings, basic_auth

INDEX = "<!doctype html><title>some ui</title><div id=app></div>"


def make_ui(folder: Path, *, version: str | None = "2.1.0") -> Path:
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-abc123.js").write_text("console.log('ui');" * 50)
    (folder / "assets" / "index-abc123.js.gz").write_bytes(gzip.compress(b"console.log('ui');" * 50))
    (folder / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    (folder / ".secret").write_text("hidden")
    if version:
        (folder / ".uiversion").write_text(version + "\n")
    return folder


def ui_settings(tmp_path: Path, ui_dir: Path | None) -> Any:
    sim = {"name": "sim", "pair_whitelist": ["BTC/USDT"]}
    api_server = app_settings(tmp_path, exchange=sim).as_dict()["api_server"]
    return app_settings(tmp_path, exchange=sim, api_server={**api_server, "ui_path": ui_dir and str(ui_dir)})


async def ui_client(aiohttp_client: Any, tmp_path: Path, ui_dir: Path | None) -> Any:
    return await aiohttp_client(create_app(ui_settings(tmp_path, ui_dir)))


async def test_serves_index_and_falls_back_for_deep_links(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui"))
    for path in ("/", "/trades", "/chart/BTC_USDT", "/index.html"):
        response = await client.get(path)
        assert response.status == 200, path
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.headers["Cache-Control"] == "no-cache"
        assert await response.text() == INDEX


async def test_hashed_assets_are_immutable_and_sent_compressed(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui"))
    response = await client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(await response.read()).startswith(b"console.log")
    icon = await client.get("/favicon.ico")
    assert icon.status == 200 and icon.headers["Cache-Control"] == "no-cache"


async def test_missing_asset_and_hidden_files_get_the_app_not_the_file(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui"))
    for path in ("/.secret", "/.uiversion", "/assets/../.secret", "/%2e%2e/%2e%2e/etc/passwd"):
        response = await client.get(path)
        assert response.status in (200, 404), path
        assert "hidden" not in await response.text()
        assert "root:" not in await response.text()


async def test_api_paths_are_not_taken_by_the_ui(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui"))
    unknown = await client.get("/api/v1/no-such-route", headers=basic_auth())
    assert unknown.status == 404
    assert "detail" in await unknown.json()
    wrong_method = await client.get("/api/v1/forceenter", headers=basic_auth())
    assert wrong_method.status == 405
    ping = await client.get("/api/v1/ping")
    assert await ping.json() == {"status": "pong"}


async def test_ui_version_reads_the_installed_version(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui"))
    response = await client.get("/ui_version")
    assert await response.json() == {"version": "2.1.0"}


async def test_ui_version_without_a_version_file(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui", version=None))
    assert await (await client.get("/ui_version")).json() == {"version": "not_installed"}


def test_ui_path_without_index_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError) as caught:
        create_app(ui_settings(tmp_path, tmp_path / "empty"))
    assert caught.value.key == "api_server.ui_path"


async def test_our_own_ui_is_the_default(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, None)
    response = await client.get("/")
    assert response.status == 200
    text = await response.text()
    if (default_ui_dir() / "index.html").is_file():
        assert '<script type="module" src="/assets/' in text
    else:  # not built: a page that says how to build it
        assert "npm run build" in text


async def test_a_control_character_in_the_path_is_400_with_json_detail(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui"))
    for path in ("/%00", "/assets/a%00.js", "/%1b[31m"):
        response = await client.get(path)
        assert response.status == 400, path
        body = await response.json()
        assert body["detail"] == "The request path holds a control character."


async def test_a_file_name_too_long_for_the_file_system_is_a_deep_link(aiohttp_client: Any, tmp_path: Path) -> None:
    client = await ui_client(aiohttp_client, tmp_path, make_ui(tmp_path / "ui"))
    response = await client.get("/" + "a" * 300)
    assert response.status == 200
    assert await response.text() == INDEX
