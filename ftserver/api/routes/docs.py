"""``GET /api/v1/openapi.json`` and the Swagger UI at ``/docs``, when ``api_server.enable_openapi`` is on.

Both are public, as freqtrade's ``/docs`` is: the document describes routes and shapes, never a
configuration value or a secret, and every call made from the page still needs credentials (the
page's Authorize button takes HTTP Basic or a token). Swagger UI's files come from the
swagger-ui-bundle package and are served from here, so the page works offline; the page loads
nothing from elsewhere and its Content-Security-Policy says so. Disabled, none of these routes
exist and the paths answer the usual JSON 404.

The document is built on first request, when the router is frozen and every route is in it.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from swagger_ui_bundle import swagger_ui_path

from ftserver.api.auth import public
from ftserver.api.openapi import OPENAPI_PATH, Operation, RouteTable, build_document
from ftserver.api.responses import dumps

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/static"
INIT_SCRIPT = "ftserver-docs.js"
# The files the page needs from the bundle; nothing else in that folder is served.
BUNDLE_FILES = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
CACHE = "no-cache"  # revalidate (ETag/Last-Modified): the names carry no version
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ftserver API</title>
<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" sizes="32x32" href="{ASSETS_PATH}/favicon-32x32.png">
<link rel="icon" type="image/png" sizes="16x16" href="{ASSETS_PATH}/favicon-16x16.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="{ASSETS_PATH}/{INIT_SCRIPT}"></script>
</body>
</html>
"""

# A file rather than an inline script, so the page's CSP can forbid inline scripts.
# validatorUrl null: Swagger UI would otherwise send the document to an online validator.
_INIT = f"""window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{
    url: "{OPENAPI_PATH}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  }});
}});
"""


def bundle_dir() -> Path:
    return Path(str(swagger_ui_path))


def setup_openapi(app: web.Application, *, enabled: bool) -> None:
    """Register the document, the page and its files; call it after every other route. No-op when disabled."""
    if not enabled:
        return
    folder = bundle_dir()
    document: list[bytes] = []  # built once, on first request
    routes = RouteTable()

    @routes.get(
        OPENAPI_PATH,
        op=Operation(
            "system",
            "This OpenAPI document",
            {"type": "object"},
            description="Served only with `api_server.enable_openapi`.",
        ),
    )
    @public
    async def get_openapi(request: web.Request) -> web.Response:
        if not document:
            document.append(dumps(build_document(request.app)))
        return web.Response(body=document[0], content_type="application/json", headers={"Cache-Control": CACHE})

    @routes.page(DOCS_PATH)
    @public
    async def get_docs(request: web.Request) -> web.Response:
        headers = {"Cache-Control": CACHE, "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}
        return web.Response(text=_PAGE, content_type="text/html", headers=headers)

    @routes.page(f"{DOCS_PATH}/")
    @public
    async def redirect_to_docs(request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect(DOCS_PATH)

    @routes.page(f"{ASSETS_PATH}/{{name}}")
    @public
    async def get_docs_asset(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        headers = {"Cache-Control": CACHE, "X-Content-Type-Options": "nosniff"}
        if name == INIT_SCRIPT:
            return web.Response(text=_INIT, content_type="text/javascript", headers=headers)
        content_type = BUNDLE_FILES.get(name)
        if content_type is None:
            raise web.HTTPNotFound()
        return web.FileResponse(folder / name, headers={**headers, "Content-Type": content_type})

    routes.register(app)
