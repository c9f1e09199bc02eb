"""ETag and If-None-Match on /status and /profit, which a polling UI asks for every few seconds.

The tag is a hash of the answer's bytes, so it is right whatever changed the answer (a trade, a
price, a setting) and needs nothing from the layers below; a client whose copy is current gets an
empty 304 instead of the body again. The answer is still computed: this saves the transfer and
the client's parsing, not the server's work.
"""

from __future__ import annotations

import hashlib

from aiohttp import web
from aiohttp.typedefs import Handler

from ftserver.api.openapi import API_V1

# /trades is streamed as the client reads it (the body is never whole in memory), so it cannot be
# tagged by its bytes: its handler tags it with a version of the trade list from the rpc layer
# (``version_tag``), which also spares the query when the client's copy is current.
TAGGED_PATHS = frozenset({f"{API_V1}/status", f"{API_V1}/profit"})


def _matches(if_none_match: str, tag: str) -> bool:
    candidates = {c.strip().removeprefix("W/") for c in if_none_match.split(",")}
    return "*" in candidates or tag in candidates


def version_tag(version: str, request: web.Request) -> str:
    """The tag of an answer that is the same for the same ``version`` and query string."""
    query = "&".join(f"{key}={value}" for key, value in sorted(request.query.items()))
    return '"' + hashlib.blake2b(f"{version}?{query}".encode(), digest_size=16).hexdigest() + '"'


def tag_headers(tag: str) -> dict[str, str]:
    return {"ETag": tag, "Cache-Control": "no-cache"}  # revalidate every time


def not_modified(request: web.Request, tag: str) -> web.Response | None:
    """An empty 304 when the client's copy (If-None-Match) carries ``tag``; else None."""
    if _matches(request.headers.get("If-None-Match", ""), tag):
        return web.Response(status=304, headers=tag_headers(tag))
    return None


@web.middleware
async def etag_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if request.method != "GET" or request.path not in TAGGED_PATHS:
        return response
    if not isinstance(response, web.Response) or response.status != 200 or response.body is None:
        return response
    body = response.body
    if not isinstance(body, bytes):
        return response
    tag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    if _matches(request.headers.get("If-None-Match", ""), tag):
        return web.Response(status=304, headers={"ETag": tag, "Cache-Control": "no-cache"})
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-cache"  # revalidate every time: the answer changes with prices
    return response


def setup_etags(app: web.Application) -> None:
    app.middlewares.append(etag_middleware)
