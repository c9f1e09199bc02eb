"""Native TLS for the API listener: the server's SSL context and the HSTS header.

The context is built at start-up so a missing file, an unreadable one or a certificate that does not
match its key stops the server with a ``ConfigError`` naming the key, instead of failing every
handshake later. TLS 1.2 is the floor (older versions have known breaks); the cipher list is
Python's own default for servers, which keeps forward-secret AEAD suites only.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from aiohttp import web

from ftserver.config.sections import ApiServerSettings
from ftserver.errors import ConfigError

# One year, the figure browsers' preload lists ask for; no includeSubDomains: a LAN bot's host name
# says nothing about its siblings.
HSTS_VALUE = "max-age=31536000"


def tls_enabled(api: ApiServerSettings) -> bool:
    return bool(api.tls_cert or api.tls_key)


def server_ssl_context(api: ApiServerSettings) -> ssl.SSLContext | None:
    """The listener's context, or ``None`` when TLS is off. Raises ``ConfigError`` on a bad pair."""
    if not tls_enabled(api):
        return None
    if not api.tls_cert:
        raise ConfigError("tls_key is set: set tls_cert to its certificate too", key="api_server.tls_cert")
    if not api.tls_key:
        raise ConfigError("tls_cert is set: set tls_key to its private key too", key="api_server.tls_key")
    for key, value in (("api_server.tls_cert", api.tls_cert), ("api_server.tls_key", api.tls_key)):
        if not Path(value).is_file():
            raise ConfigError(f"no such file: {value}", key=key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(api.tls_cert, api.tls_key)
    except ssl.SSLError as exc:
        # OpenSSL reports a mismatched pair as "key values mismatch"; anything else is a file that
        # does not hold PEM of the expected kind.
        if "mismatch" in str(exc).lower():
            raise ConfigError(f"does not match the certificate {api.tls_cert}", key="api_server.tls_key") from exc
        raise ConfigError(
            f"not a PEM certificate with a matching key: {exc.reason or exc}", key="api_server.tls_cert"
        ) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", key="api_server.tls_key") from exc
    return context


async def _add_hsts(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault("Strict-Transport-Security", HSTS_VALUE)


def setup_hsts(app: web.Application) -> None:
    """Tell browsers to use HTTPS only for this host (every response, errors included)."""
    app.on_response_prepare.append(_add_hsts)
