"""freqtrade opens what ``export-db`` writes: its own persistence loads the exported file without
migrating it, and finds the same trades (as its ``to_json``), orders, locks, custom data and start
time as in the file freqtrade itself wrote and ftserver imported.

Runs only where freqtrade is installed (``FTSERVER_FREQTRADE=/path/to/freqtrade``, or on PATH);
the summary is taken by freqtrade's own Python, in its own environment, never imported here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ftserver.db_commands import export_freqtrade, import_freqtrade
from tests.oracle.parity import freqtrade_executable

FREQTRADE = freqtrade_executable()
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "freqtrade" / "tradesv3.dryrun.sqlite"

pytestmark = [
    pytest.mark.skipif(
        FREQTRADE is None,
        reason=f"FTSERVER_FREQTRADE={os.environ['FTSERVER_FREQTRADE']} is not an executable"
        if os.environ.get("FTSERVER_FREQTRADE")
        else "freqtrade is not installed (set FTSERVER_FREQTRADE to its executable)",
    ),
    pytest.mark.timeout(180),
]

# Run by freqtrade's Python: what its persistence layer sees in the database named by argv[1].
SUMMARY = """
import json, sqlite3, sys
from freqtrade.persistence import KeyValueStore, Trade, init_db
from freqtrade.persistence.pairlock import PairLock

url = sys.argv[1]
tables_before = sorted(r[0] for r in sqlite3.connect(url.removeprefix("sqlite:///")).execute(
    "SELECT name FROM sqlite_master WHERE type = 'table'"))
init_db(url)
trades = Trade.get_trades([]).all()
summary = {
    "tables_before": tables_before,
    "trades": [t.to_json() for t in trades],
    "custom_data": {t.id: [(c.cd_key, c.cd_type, c.value, str(c.created_at)) for c in t.get_all_custom_data()]
                    for t in trades},
    "locks": [(l.id, l.pair, l.side, l.reason, str(l.lock_time), str(l.lock_end_time), l.active)
              for l in PairLock.session.query(PairLock).order_by(PairLock.id).all()],
    "bot_start_time": str(KeyValueStore.get_value("bot_start_time")),
}
print(json.dumps(summary, default=str))
"""


def freqtrade_summary(db_file: Path) -> dict[str, Any]:
    assert FREQTRADE is not None
    python = Path(FREQTRADE).parent / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "VIRTUAL_ENV"))}
    result = subprocess.run(
        [str(python), "-c", SUMMARY, f"sqlite:///{db_file}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """ftserver's database between the import and the export: an SQLite file or a PostgreSQL schema."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'ftserver.sqlite'}"


async def test_freqtrade_opens_the_exported_file_and_finds_the_history_it_wrote(tmp_path: Path, db_url: str) -> None:
    original = tmp_path / "original.sqlite"
    shutil.copy(FIXTURE, original)
    await import_freqtrade(f"sqlite:///{FIXTURE}", db_url)
    exported = tmp_path / "exported.sqlite"
    await export_freqtrade(db_url, exported)

    theirs, ours = freqtrade_summary(original), freqtrade_summary(exported)
    # freqtrade's migrations would have renamed tables to *_bak; its own file has wallet_history.
    assert "trades_bak" not in json.dumps(ours["tables_before"])
    assert {"trades", "orders", "pairlocks", "trade_custom_data", "KeyValueStore"} <= set(ours["tables_before"])
    assert len(ours["trades"]) == 302
    assert ours["trades"] == theirs["trades"]
    assert ours["locks"] == theirs["locks"]
    # Creation times to the microsecond, as freqtrade stored them.
    assert ours["custom_data"] == theirs["custom_data"]
    assert ours["bot_start_time"] == theirs["bot_start_time"] == "2026-10-04 21:00:00+00:00"
