"""Serving the UI's files: compression on the fly when no compressed copy exists, cache lifetimes."""

from __future__ import annotations

import gzip
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient

from ftserver.api.ui import IMMUTABLE, REVALIDATE, setup_ui_routes

SCRIPT = b"export const greeting = 'hello';\n" * 200  # 6,600 bytes of text


def _ui(folder: Path) -> Path:
    (folder / "assets").mkdir()
    (folder / "index.html").write_text("<!doctype html><title>ui</title>" + "<!-- padding -->" * 100)
    (folder / "assets" / "index-D2vQ9Yk1.js").write_bytes(SCRIPT)
    return folder


async def test_a_script_without_a_compressed_copy_is_gzipped_on_the_fly(aiohttp_client, tmp_path: Path) -> None:
    app = web.Application()
    setup_ui_routes(app, _ui(tmp_path))
    client: TestClient = await aiohttp_client(app)
    response = await client.get(
        "/assets/index-D2vQ9Yk1.js", headers={"Accept-Encoding": "gzip, deflate, br"}, auto_decompress=False
    )
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "Accept-Encoding" in response.headers["Vary"]
    body = await response.read()
    assert len(body) < len(SCRIPT) / 10  # 200 repeats of one line
    assert gzip.decompress(body) == SCRIPT


async def test_a_client_that_does_not_accept_gzip_gets_the_file_as_it_is(aiohttp_client, tmp_path: Path) -> None:
    app = web.Application()
    setup_ui_routes(app, _ui(tmp_path))
    client: TestClient = await aiohttp_client(app)
    response = await client.get(
        "/assets/index-D2vQ9Yk1.js", headers={"Accept-Encoding": "identity"}, auto_decompress=False
    )
    assert "Content-Encoding" not in response.headers
    assert await response.read() == SCRIPT


async def test_a_precompressed_copy_is_sent_instead_of_compressing_again(aiohttp_client, tmp_path: Path) -> None:
    folder = _ui(tmp_path)
    stored = gzip.compress(SCRIPT, mtime=0)
    (folder / "assets" / "index-D2vQ9Yk1.js.gz").write_bytes(stored)
    app = web.Application()
    setup_ui_routes(app, folder)
    client: TestClient = await aiohttp_client(app)
    response = await client.get("/assets/index-D2vQ9Yk1.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert await response.read() == stored


async def test_the_app_page_is_compressed_and_revalidated_on_each_load(aiohttp_client, tmp_path: Path) -> None:
    app = web.Application()
    setup_ui_routes(app, _ui(tmp_path))
    client: TestClient = await aiohttp_client(app)
    response = await client.get("/trades", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == REVALIDATE
    assert gzip.decompress(await response.read()).startswith(b"<!doctype html>")
