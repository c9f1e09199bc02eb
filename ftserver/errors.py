"""Domain errors. They carry no HTTP knowledge: only ``api/errors.py`` maps them to statuses."""

from __future__ import annotations


class FtServerError(Exception):
    """Base of every error ftserver raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(FtServerError):
    """The configuration is invalid. ``key`` names the offending key path (``api_server.listen_port``)."""

    code = "config_error"

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key


class NotFound(FtServerError):
    code = "not_found"


class Conflict(FtServerError):
    """The request is valid but the bot's current state forbids it (already running, pair locked, ...)."""

    code = "conflict"


class InvalidRequest(FtServerError):
    """A request is well formed but its content is not acceptable (unknown pair, bad timeframe, ...)."""

    code = "invalid_request"


class WrongRunMode(FtServerError):
    """The endpoint needs another run mode (trade vs webserver)."""

    code = "wrong_run_mode"

    def __init__(self, message: str = "Bot is not in the correct state.") -> None:
        super().__init__(message)


class AuthError(FtServerError):
    code = "unauthorized"


class Forbidden(FtServerError):
    """The caller is known but its role does not allow the request."""

    code = "forbidden"


class ExchangeError(FtServerError):
    """The exchange answered, but with an error (bad symbol, rejected order, ...)."""

    code = "exchange_error"


class ExchangeUnavailable(ExchangeError):
    """The exchange could not be reached (network error, timeout, rate limit). Retrying may help."""

    code = "exchange_unavailable"


class StrategyError(FtServerError):
    """User strategy code could not be loaded or raised while running."""

    code = "strategy_error"


class StorageUnavailable(FtServerError):
    """The trade database cannot be written (read-only file, disk full, I/O error).

    Raised by the persistence layer instead of the raw driver error, so the API can answer 503 and
    the trading loop can stop placing orders it could not record.
    """

    code = "storage_unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"The trade database cannot be written: {reason}; no new trades are opened until it can")
        self.reason = reason


class NotAvailable(FtServerError):
    """The request is valid, but what it asks for is not built into this server yet."""

    code = "not_available"
