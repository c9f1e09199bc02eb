#!/usr/bin/env bash
# The PostgreSQL server binaries the tests start a throwaway cluster with (tests/support/postgres_server.py).
# Installs Debian's postgresql package when no initdb is found; does nothing when one is.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; its tests will be skipped (install the postgresql package to run them)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Only the binaries: the package's own cluster is not started (no init system in CI containers).
apt-get install -y --no-install-recommends postgresql \
    || (apt-get update && apt-get install -y --no-install-recommends postgresql)
