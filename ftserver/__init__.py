"""ftserver: a self-hosted, freqtrade-compatible trading-bot server."""

__version__ = "0.1.0"
