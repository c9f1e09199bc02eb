"""Which database a benchmark writes to: an SQLite file (the default), or PostgreSQL.

``--db-url postgresql://...`` uses a server of one's own; ``--postgres`` starts a throwaway cluster
for the run (the tests' one: the server binaries must be installed). Each database a benchmark
opens on PostgreSQL is a new schema, as a new file is on SQLite.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--db-url", help="a PostgreSQL server to measure on (postgresql://user@host:port/database)")
    group.add_argument("--postgres", action="store_true", help="measure on a throwaway local PostgreSQL cluster")


@contextmanager
def postgres_base(args: argparse.Namespace) -> Iterator[str | None]:
    """The PostgreSQL URL the run uses, or None for SQLite."""
    if args.db_url:
        yield args.db_url
        return
    if not args.postgres:
        yield None
        return
    sys.path.insert(0, str(REPO))
    from tests.support.postgres_server import postgres_cluster

    with postgres_cluster() as url:
        yield url


def db_url(base: str | None, sqlite_file: Path) -> str:
    """A new database: ``sqlite_file``, or a new schema on the PostgreSQL server ``base``."""
    if base is None:
        return f"sqlite:///{sqlite_file}"
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}schema=bench_{uuid.uuid4().hex[:12]}"


def label(base: str | None) -> str:
    return "SQLite" if base is None else "PostgreSQL"
