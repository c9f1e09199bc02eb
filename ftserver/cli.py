"""``ftserver`` command line: parse arguments, load settings, hand over to the app. No logic of its own.

Exit codes: 0 clean shutdown, 2 bad configuration or arguments, 1 crash.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ftserver import __version__
from ftserver.backtest.options import BREAKDOWNS, add_backtesting_arguments
from ftserver.errors import ConfigError, FtServerError, InvalidRequest, StrategyError

log = logging.getLogger("ftserver")

EXIT_OK = 0
EXIT_CRASH = 1
EXIT_CONFIG = 2
DEFAULT_CONFIG = "config/config.json"


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-c",
        "--config",
        action="append",
        metavar="PATH",
        help=f"config file (JSON with comments); repeat to merge several, later files win (default: {DEFAULT_CONFIG})",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: libraries too)")
    parser.add_argument("--logfile", metavar="FILE", help="also log to FILE, rotated at log_max_bytes")
    parser.add_argument("--userdir", "--user-data-dir", dest="user_data_dir", metavar="DIR", help="user data folder")


def _add_bot_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-s", "--strategy", metavar="NAME", help="strategy class name")
    parser.add_argument("--strategy-path", metavar="DIR", help="extra folder to look for strategies in")
    parser.add_argument("--db-url", metavar="URL", help="database URL, e.g. sqlite:///user_data/tradesv3.dryrun.sqlite")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ftserver", description="Self-hosted, freqtrade-compatible trading bot server"
    )
    parser.add_argument("-V", "--version", action="version", version=f"ftserver {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    trade = commands.add_parser("trade", help="run the trading loop and the API server")
    _add_common(trade)
    _add_bot_options(trade)
    trade.add_argument("--dry-run", action="store_true", help="force dry-run, whatever the config says")

    webserver = commands.add_parser("webserver", help="run only the API server (no trading loop)")
    _add_common(webserver)
    _add_bot_options(webserver)

    download = commands.add_parser("download-data", help="download candle history into user_data/data/<exchange>")
    _add_common(download)
    download.add_argument("-p", "--pairs", nargs="+", metavar="PAIR", help="pairs (default: the config's whitelist)")
    download.add_argument("-t", "--timeframes", nargs="+", default=["5m"], metavar="TF", help="timeframes (default 5m)")
    span = download.add_mutually_exclusive_group()
    span.add_argument("--days", type=int, metavar="N", help="the last N days (default 30)")
    span.add_argument("--timerange", metavar="START-STOP", help="e.g. 20240101-20240301, 20240101-")
    download.add_argument("--exchange", metavar="NAME", help="exchange id (default: the config's; 'sim' is offline)")

    list_data = commands.add_parser("list-data", help="show the stored candle history")
    _add_common(list_data)
    list_data.add_argument("--exchange", metavar="NAME", help="exchange id (default: the config's)")

    backtesting = commands.add_parser("backtesting", help="backtest a strategy on stored candles")
    _add_common(backtesting)
    add_backtesting_arguments(backtesting)

    lookahead = commands.add_parser(
        "lookahead-analysis", help="check whether a strategy's signals or indicators use candles not yet closed"
    )
    _add_common(lookahead)
    add_backtesting_arguments(lookahead)
    lookahead.add_argument(
        "--minimum-trade-amount",
        type=int,
        default=10,
        metavar="N",
        help="fewer trades than this: nothing is checked (default 10)",
    )
    lookahead.add_argument(
        "--targeted-trade-amount", type=int, default=20, metavar="N", help="check at most this many trades (default 20)"
    )
    lookahead.add_argument(
        "--lookahead-allow-limit-orders",
        "--allow-limit-orders",
        dest="lookahead_allow_limit_orders",
        action="store_true",
        help="keep the configured order types (default: market orders, as freqtrade)",
    )

    show = commands.add_parser("backtesting-show", help="reprint a stored backtest result")
    _add_common(show)
    show.add_argument(
        "--export-filename",
        "--backtest-filename",
        dest="export_filename",
        metavar="FILE",
        help="the result to show, a path or a name in the results folder (default: the latest)",
    )
    show.add_argument(
        "--export-directory",
        "--backtest-directory",
        dest="export_directory",
        metavar="DIR",
        help="the results folder (default: user_data/backtest_results)",
    )
    show.add_argument("--breakdown", nargs="+", default=[], choices=BREAKDOWNS, help="also show the profit per period")
    show.add_argument("--show-pair-list", action="store_true", help="list the pairs sorted by mean profit")

    # Listed for --help only: main() hands everything after "client" to the client before parsing.
    commands.add_parser(
        "client", help="call a running server's REST API (run 'ftserver client help' for the commands)", add_help=False
    )

    install_ui = commands.add_parser(
        "install-ui", help="unpack a single-page UI release (e.g. a FreqUI zip) into user_data/ui"
    )
    install_ui.add_argument("--file", metavar="ZIP", help="the release archive (a zip holding index.html)")
    install_ui.add_argument("--ui-version", metavar="VERSION", help="version /ui_version reports (default: the zip's)")
    install_ui.add_argument("--erase", action="store_true", help="remove the installed UI instead")
    install_ui.add_argument(
        "--userdir",
        "--user-data-dir",
        dest="user_data_dir",
        default="user_data",
        metavar="DIR",
        help="user data folder (default: user_data)",
    )

    import_db = commands.add_parser(
        "import-db", help="import a freqtrade database (trades, orders, locks, custom data)"
    )
    _add_common(import_db)
    import_db.add_argument(
        "--from",
        dest="from_url",
        required=True,
        metavar="DB_URL",
        help="freqtrade's database, e.g. sqlite:///tradesv3.sqlite or postgresql://user@host/freqtrade",
    )
    import_db.add_argument(
        "--to", dest="to_url", metavar="DB_URL", help="ftserver's database (default: the config's db_url)"
    )
    import_db.add_argument("--force", action="store_true", help="replace the history the target already holds")

    export_db = commands.add_parser("export-db", help="write ftserver's trades to a new freqtrade SQLite file")
    _add_common(export_db)
    export_db.add_argument(
        "--to", dest="to_url", required=True, metavar="DB_URL", help="the file to write (sqlite:///...)"
    )
    export_db.add_argument(
        "--from", dest="from_url", metavar="DB_URL", help="ftserver's database (default: the config's db_url)"
    )
    export_db.add_argument("--force", action="store_true", help="overwrite an existing file")

    new_config = commands.add_parser("new-config", help="write a config file with fresh secrets")
    new_config.add_argument("-c", "--config", default="user_data/config.json", metavar="PATH", help="file to write")
    new_config.add_argument("--force", action="store_true", help="overwrite an existing file")
    new_config.add_argument(
        "--tls-self-signed",
        action="store_true",
        help="also write a self-signed certificate and key (tls/ beside the config) and serve HTTPS with them",
    )
    token = commands.add_parser("token", help="make, list or revoke long-lived API tokens (in the configured database)")
    token_commands = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = token_commands.add_parser("create", help="make a token and print it (shown only once)")
    _add_common(create)
    create.add_argument("--db-url", metavar="URL", help="database URL (default: the config's)")
    create.add_argument("--name", required=True, help="what the token is for, e.g. grafana")
    create.add_argument("--role", required=True, choices=["read", "trade", "admin"], help="what it may do")
    create.add_argument("--expires", metavar="SPAN", help="lifetime such as 90d, 12h, 2w (default: never)")
    list_tokens = token_commands.add_parser("list", help="every token: name, role, created, last used, revoked")
    _add_common(list_tokens)
    list_tokens.add_argument("--db-url", metavar="URL", help="database URL (default: the config's)")
    revoke = token_commands.add_parser("revoke", help="revoke a token by its id")
    _add_common(revoke)
    revoke.add_argument("--db-url", metavar="URL", help="database URL (default: the config's)")
    revoke.add_argument("id", type=int, help="the token's id (see 'ftserver token list')")

    commands.add_parser(
        "hash-password",
        help="print an argon2 hash of a password (read from the terminal or stdin) for api_server.users",
    )
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    mapping = {
        "strategy": "strategy",
        "strategy_path": "strategy_path",
        "db_url": "db_url",
        "user_data_dir": "user_data_dir",
        "logfile": "logfile",
    }
    overrides = {key: getattr(args, attr) for attr, key in mapping.items() if getattr(args, attr, None)}
    if getattr(args, "dry_run", False):
        overrides["dry_run"] = True
    return overrides


# Heavy imports (pandas, ccxt, aiohttp) happen inside the commands so `ftserver --version` and
# `ftserver --help` answer instantly.
def _serve(args: argparse.Namespace, *, webserver: bool) -> int:
    from ftserver.config import Settings, load_settings
    from ftserver.logs import LogBuffer, setup_logging
    from ftserver.models import RunMode
    from ftserver.server import serve

    paths = args.config or [DEFAULT_CONFIG]
    overrides = _overrides(args)

    def loader() -> Settings:
        return load_settings(paths, overrides=overrides)

    settings = loader()
    buffer = LogBuffer(settings.internals.log_buffer_size)
    setup_logging(
        verbosity=args.verbose,
        buffer=buffer,
        logfile=settings.logfile,
        max_bytes=settings.log_max_bytes,
        backup_count=settings.log_backup_count,
    )
    runmode = RunMode.WEBSERVER if webserver else None
    return serve(settings, runmode=runmode, log_buffer=buffer, settings_loader=loader)


def _load_for_data(args: argparse.Namespace) -> Any:
    from ftserver.config import load_settings
    from ftserver.logs import setup_logging

    overrides = _overrides(args)
    if getattr(args, "exchange", None):
        overrides["exchange.name"] = args.exchange
    settings = load_settings(args.config or [DEFAULT_CONFIG], overrides=overrides)
    setup_logging(verbosity=args.verbose)
    return settings


def _download_data(args: argparse.Namespace) -> int:
    from ftserver.data_commands import download_data

    settings = _load_for_data(args)
    return download_data(
        settings, pairs=args.pairs, timeframes=args.timeframes, days=args.days, timerange=args.timerange
    )


def _list_data(args: argparse.Namespace) -> int:
    from ftserver.data_commands import list_data

    return list_data(_load_for_data(args))


def _backtesting(args: argparse.Namespace) -> int:
    from ftserver.backtest import tables
    from ftserver.backtest.options import settings_from_arguments
    from ftserver.backtest.runner import run_and_store
    from ftserver.core.clock import SystemClock
    from ftserver.research.market_access import MarketCatalog, markets_for_backtest

    loaded = _load_for_data(args)
    settings = settings_from_arguments(loaded, args)
    markets = markets_for_backtest(MarketCatalog(loaded, SystemClock()), settings.pairs)
    finished = run_and_store(settings, markets=markets)
    tables.print_result(tables.console(), finished.outcome.result, settings.stake_currency, settings.breakdown)
    if finished.stored is not None:
        print(f"Result stored in {finished.stored}")
    return EXIT_OK


def _lookahead_analysis(args: argparse.Namespace) -> int:
    from ftserver.backtest import tables
    from ftserver.backtest.lookahead import lookahead_analysis
    from ftserver.backtest.options import settings_from_arguments
    from ftserver.core.clock import SystemClock
    from ftserver.research.market_access import MarketCatalog, markets_for_backtest

    loaded = _load_for_data(args)
    settings = settings_from_arguments(loaded, args)
    answer = lookahead_analysis(
        settings,
        minimum_trade_amount=args.minimum_trade_amount,
        targeted_trade_amount=args.targeted_trade_amount,
        allow_limit_orders=args.lookahead_allow_limit_orders,
        markets=markets_for_backtest(MarketCatalog(loaded, SystemClock()), settings.pairs),
    )
    tables.print_lookahead(tables.console(), answer)
    return EXIT_OK


def _backtesting_show(args: argparse.Namespace) -> int:
    from ftserver.backtest.show import show_stored_result

    settings = _load_for_data(args)
    directory = Path(args.export_directory) if args.export_directory else settings.user_data_dir / "backtest_results"
    show_stored_result(
        directory,
        args.export_filename,
        stake_currency=settings.stake_currency,
        breakdown=args.breakdown,
        pair_list=args.show_pair_list,
    )
    return EXIT_OK


def _install_ui(args: argparse.Namespace) -> int:
    from ftserver.ui_install import erase_ui, install_ui

    target = Path(args.user_data_dir) / "ui"
    if args.erase:
        print(f"Removed {target}." if erase_ui(target) else f"No UI installed in {target}.")
        return EXIT_OK
    if not args.file:
        raise InvalidRequest("--file ZIP is required (or --erase)")
    version = install_ui(Path(args.file), target, version=args.ui_version)
    print(f"Installed UI {version} into {target}.")
    print(f'Serve it instead of ftserver\'s own UI with "api_server": {{"ui_path": "{target}"}}.')
    return EXIT_OK


def _configured_db_url(args: argparse.Namespace, given: str | None) -> str:
    if given:
        return given
    from ftserver.config import load_settings

    return load_settings(args.config or [DEFAULT_CONFIG], overrides=_overrides(args)).db_url


def _import_db(args: argparse.Namespace) -> int:
    from ftserver.db_commands import import_db

    return import_db(args.from_url, _configured_db_url(args, args.to_url), force=args.force)


def _export_db(args: argparse.Namespace) -> int:
    from ftserver.db_commands import export_db

    return export_db(_configured_db_url(args, args.from_url), args.to_url, force=args.force)


def _new_config(args: argparse.Namespace) -> int:
    from ftserver.config_writer import write_new_config

    path = Path(args.config)
    values = write_new_config(path, overwrite=args.force, tls_self_signed=args.tls_self_signed)
    print(f"Wrote {path} with a fresh password, jwt_secret_key and ws_token.")
    if args.tls_self_signed:
        api = values["api_server"]
        print(f"Wrote a self-signed certificate {api['tls_cert']} and its key {api['tls_key']}: the API serves HTTPS.")
    print(f"Start with: ftserver trade --config {path}")
    return EXIT_OK


def _token(args: argparse.Namespace) -> int:
    from ftserver import access_commands

    settings = _load_for_data(args)
    if args.token_command == "create":
        return access_commands.create_token(settings, name=args.name, role=args.role, expires=args.expires)
    if args.token_command == "list":
        return access_commands.list_tokens(settings)
    return access_commands.revoke_token(settings, args.id)


def _hash_password(_: argparse.Namespace) -> int:
    import getpass

    from ftserver.api.passwords import hash_password

    # Never an argument: it would stay in the shell history and the process list.
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise InvalidRequest("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidRequest("the password is empty")
    print(hash_password(password))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["client"]:
        # Everything after "client" is the client's own (argparse would claim its --url/--config).
        from ftserver.rest_client import main as client_main

        return client_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_CONFIG
    try:
        if args.command == "trade":
            return _serve(args, webserver=False)
        if args.command == "webserver":
            return _serve(args, webserver=True)
        if args.command == "new-config":
            return _new_config(args)
        if args.command == "download-data":
            return _download_data(args)
        if args.command == "list-data":
            return _list_data(args)
        if args.command == "backtesting":
            return _backtesting(args)
        if args.command == "lookahead-analysis":
            return _lookahead_analysis(args)
        if args.command == "backtesting-show":
            return _backtesting_show(args)
        if args.command == "install-ui":
            return _install_ui(args)
        if args.command == "import-db":
            return _import_db(args)
        if args.command == "export-db":
            return _export_db(args)
        if args.command == "token":
            return _token(args)
        if args.command == "hash-password":
            return _hash_password(args)
    except (ConfigError, StrategyError, InvalidRequest) as exc:
        kind = {ConfigError: "config error", StrategyError: "strategy error"}.get(type(exc), "invalid argument")
        print(f"ftserver: {kind}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except FtServerError as exc:
        print(f"ftserver: error: {exc}", file=sys.stderr)
        return EXIT_CRASH
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception:
        log.exception("ftserver crashed")
        return EXIT_CRASH
    parser.error(f"unknown command {args.command}")
    return EXIT_CONFIG  # pragma: no cover - parser.error exits


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
