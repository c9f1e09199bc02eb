import os
import uuid
from collections.abc import Iterator

import pytest

from tests.support.postgres_server import PostgresUnavailable, postgres_cluster


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server for this test session; skipped only off CI when none can start."""
    given = os.environ.get("FTSERVER_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        cluster = postgres_cluster()
        url = cluster.__enter__()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed on CI and could not start: {exc}")
        pytest.skip(f"no PostgreSQL server could start: {exc}")
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A database URL of a schema of its own (new, empty) on the test server."""
    separator = "&" if "?" in postgres_server else "?"
    return f"{postgres_server}{separator}schema=t_{uuid.uuid4().hex[:16]}"
