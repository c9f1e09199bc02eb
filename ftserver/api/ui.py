"""The web UI: a single-page app served at ``/``, with ``/ui_version`` answering as freqtrade's does.

The directory is ours (``static/dist``, built by ``npm run build``) or one named by
``api_server.ui_path`` — for example a FreqUI release unpacked by ``ftserver install-ui``. Any path
that is not a file of that directory and not under ``/api/`` gets ``index.html``, so the app's own
router can take deep links. Files under ``assets/`` carry a content hash in their names and are
cached for a year; everything else is revalidated on each load. A precompressed ``.gz``/``.br``
sibling is sent instead of the file when the browser accepts it (aiohttp's FileResponse does this);
without one, text files (scripts, styles, HTML, JSON, SVG) are gzipped on the fly, so a UI that
ships no compressed copies (FreqUI's releases) still goes out compressed.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from ftserver.api.auth import public
from ftserver.api.openapi import Operation, RouteTable
from ftserver.api.responses import json_response
from ftserver.errors import ConfigError, InvalidRequest
from ftserver.rpc.shapes.system import Version
from ftserver.ui_install import read_ui_version

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".map": "application/json",
    ".woff2": "font/woff2",
    ".ico": "image/x-icon",
    ".png": "image/png",
}

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ftserver</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>ftserver is running</h1>
<p>The web UI has not been built. Run <code>make run</code> (it builds the UI), or
<code>npm ci &amp;&amp; npm run build</code> in <code>static/</code>, then reload this page.</p>
<p>The REST API is at <a href="/api/v1/ping">/api/v1/ping</a>.</p>
</body></html>
"""


def default_ui_dir() -> Path:
    """Where ``npm run build`` writes our UI: ``static/dist`` beside the package."""
    return Path(__file__).resolve().parents[2] / "static" / "dist"


def resolve_ui_dir(ui_path: str | None) -> Path:
    """Our built UI, or the directory ``api_server.ui_path`` names, which must hold an index.html."""
    if not ui_path:
        return default_ui_dir()
    folder = Path(ui_path).expanduser()
    if not (folder / "index.html").is_file():
        raise ConfigError(f"{folder} has no index.html (a single-page UI directory is expected)", "api_server.ui_path")
    return folder


class UiFiles:
    """Maps request paths onto one directory, refusing anything that would leave it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @property
    def index(self) -> Path:
        return self.root / "index.html"

    @property
    def built(self) -> bool:
        return self.index.is_file()

    def file_for(self, tail: str) -> Path | None:
        if not tail or any(part.startswith(".") for part in tail.split("/")):
            return None
        if any(ord(char) < 0x20 or char == "\x7f" for char in tail):
            # No file of ours has such a name, and a NUL byte makes the path functions raise.
            raise InvalidRequest("The request path holds a control character.")
        try:
            candidate = (self.root / tail).resolve()
            found = candidate.is_relative_to(self.root) and candidate.is_file()
        except OSError:  # a name too long for the file system, for one
            return None
        return candidate if found else None


# Files smaller than this fit in one packet either way: compressing them costs more than it saves.
_COMPRESS_FROM_BYTES = 1024
_COMPRESSIBLE = {".js", ".mjs", ".css", ".html", ".json", ".svg", ".map", ".txt", ".webmanifest"}


def _has_precompressed(path: Path) -> bool:
    return any(path.with_name(path.name + suffix).is_file() for suffix in (".br", ".gz"))


def _file_response(request: web.Request, path: Path, *, cache: str) -> web.FileResponse:
    headers = {"Cache-Control": cache, "Vary": "Accept-Encoding"}
    content_type = _CONTENT_TYPES.get(path.suffix)
    if content_type is not None:
        headers["Content-Type"] = content_type
    response = web.FileResponse(path, headers=headers)
    # aiohttp sends a precompressed sibling itself; a byte range refers to the uncompressed file, so
    # it is served as it is. gzip is named: left to choose, aiohttp would pick deflate first.
    if (
        path.suffix in _COMPRESSIBLE
        and "gzip" in request.headers.get("Accept-Encoding", "").lower()
        and "Range" not in request.headers
        and not _has_precompressed(path)
        and path.stat().st_size >= _COMPRESS_FROM_BYTES
    ):
        response.enable_compression(web.ContentCoding.gzip)
    return response


def setup_ui_routes(app: web.Application, ui_dir: Path) -> None:
    """Register ``/ui_version`` and the catch-all; call it after every other route."""
    files = UiFiles(ui_dir)
    routes = RouteTable()

    @routes.get("/ui_version", op=Operation("system", "Version of the served web UI", Version))
    @public
    async def ui_version(request: web.Request) -> web.Response:
        return json_response(Version(read_ui_version(files.root) or "not_installed"))

    # Everything but the API and the docs: unknown /api/... paths keep their JSON 404 and 405 answers.
    @routes.page(r"/{tail:(?!api/|api$|docs(?:/|$)).*}")
    @public
    async def serve(request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        found = files.file_for(tail)
        if found is not None:
            cache = IMMUTABLE if tail.startswith("assets/") else REVALIDATE
            return _file_response(request, found, cache=cache)
        if not files.built:
            return web.Response(text=_NOT_BUILT, content_type="text/html", headers={"Cache-Control": REVALIDATE})
        return _file_response(request, files.index, cache=REVALIDATE)

    routes.register(app)
