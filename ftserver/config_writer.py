"""``ftserver new-config``: a ready-to-run config with freshly generated secrets."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from ftserver.errors import ConfigError


def new_config_values() -> dict[str, Any]:
    return {
        "bot_name": "ftserver",
        "dry_run": True,
        "dry_run_wallet": 1000,
        "stake_currency": "USDT",
        "stake_amount": 100,
        "max_open_trades": 5,
        "timeframe": "1m",
        "strategy": "SampleStrategy",
        "initial_state": "running",
        "force_entry_enable": True,
        "db_url": "sqlite:///user_data/tradesv3.dryrun.sqlite",
        "exchange": {
            "name": "sim",
            "pair_whitelist": [
                "BTC/USDT",
                "ETH/USDT",
                "SOL/USDT",
                "BNB/USDT",
                "XRP/USDT",
                "ADA/USDT",
                "DOGE/USDT",
                "AVAX/USDT",
                "DOT/USDT",
                "LINK/USDT",
            ],
            "pair_blacklist": [],
        },
        "api_server": {
            "enabled": True,
            "listen_ip_address": "127.0.0.1",
            "listen_port": 8080,
            "verbosity": "error",
            "enable_openapi": True,
            "jwt_secret_key": secrets.token_hex(32),
            "ws_token": secrets.token_urlsafe(32),
            "CORS_origins": [],
            "username": "ftserver",
            "password": secrets.token_urlsafe(18),
        },
    }


def write_new_config(path: Path, *, overwrite: bool = False, tls_self_signed: bool = False) -> dict[str, Any]:
    """Write a fresh config; with ``tls_self_signed`` also a certificate and key beside it, which the
    config then serves HTTPS with (paths relative to the config file are made absolute, so the bot
    finds them whatever directory it starts in)."""
    if path.exists() and not overwrite:
        raise ConfigError(f"{path} already exists; pass --force to overwrite it")
    values = new_config_values()
    path.parent.mkdir(parents=True, exist_ok=True)
    if tls_self_signed:
        from ftserver.self_signed import write_self_signed

        cert_path = (path.parent / "tls" / "ftserver.crt").resolve()
        key_path = (path.parent / "tls" / "ftserver.key").resolve()
        write_self_signed(cert_path, key_path)
        values["api_server"]["tls_cert"] = str(cert_path)
        values["api_server"]["tls_key"] = str(key_path)
    path.write_text(json.dumps(values, indent=4) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return values
