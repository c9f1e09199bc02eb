"""Background jobs of the webserver mode (pairlist evaluation, data download, later backtests)."""
