from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from ftserver.backtest import stats, storage
from ftserver.backtest.metrics import market_change_frame
from ftserver.errors import InvalidRequest, NotFound
from tests.unit.backtest import sample

MOMENT = datetime(2024, 4, 2, 9, 30, 5, tzinfo=UTC)
STEM = "backtest-result-2024-04-02_09-30-05"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "backtest_results"
    path.mkdir()
    return path


def _store(folder: Path, moment: datetime = MOMENT, **changes: Any) -> Path:
    run = sample.run(**changes)
    strategy_file = folder.parent / "sample_strategy.py"
    strategy_file.write_text("class SampleStrategy: ...\n")
    return storage.store_result(
        folder,
        stats.backtest_result([run]),
        moment=moment,
        config={"stake_currency": "USDT", "exchange": {"name": "binance", "secret": "s3cret"}},
        market_change=market_change_frame(sample.candles(), run.start, run.end),
        wallets={run.strategy_name: run.wallet_history} if run.wallet_history is not None else None,
        strategy_files={run.strategy_name: strategy_file},
    )


def test_result_is_a_zip_with_metadata_beside_it_and_marked_latest(folder: Path) -> None:
    path = _store(folder)
    assert path == folder / f"{STEM}.zip"
    assert sorted(p.name for p in folder.iterdir()) == [".last_result.json", f"{STEM}.meta.json", f"{STEM}.zip"]
    assert orjson.loads((folder / ".last_result.json").read_bytes()) == {"latest_backtest": f"{STEM}.zip"}
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            f"{STEM}.json",
            f"{STEM}_SampleStrategy.py",
            f"{STEM}_SampleStrategy_wallet.feather",
            f"{STEM}_config.json",
            f"{STEM}_market_change.feather",
        ]
        config = orjson.loads(archive.read(f"{STEM}_config.json"))
    assert config["exchange"]["secret"] == "REDACTED"


def test_named_target_file_gives_its_stem_and_the_stamp(folder: Path) -> None:
    path = _store(folder / "mine.json")
    assert path.name == "mine-2024-04-02_09-30-05.zip"


def test_history_lists_each_strategy_newest_file_first(folder: Path) -> None:
    _store(folder, notes="older")
    _store(folder, datetime(2024, 5, 1, tzinfo=UTC), notes="newer")
    history = storage.list_results(folder)
    assert [(h["filename"], h["notes"]) for h in history] == [
        ("backtest-result-2024-05-01_00-00-00", "newer"),
        (STEM, "older"),
    ]
    assert history[0] == {
        "filename": "backtest-result-2024-05-01_00-00-00",
        "strategy": "SampleStrategy",
        "run_id": "abc123",
        "notes": "newer",
        "backtest_start_time": 1733389200,
        "backtest_start_ts": int(sample.START.timestamp()),
        "backtest_end_ts": int(sample.END.timestamp()),
        "timeframe": "1h",
        "timeframe_detail": None,
    }


def test_history_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert storage.list_results(tmp_path / "nothing") == []


def test_one_strategy_result_loads_with_its_filename_and_comparison_line(folder: Path) -> None:
    _store(folder)
    loaded = storage.load_strategy_result(folder, STEM, "SampleStrategy")
    assert loaded["metadata"]["SampleStrategy"]["filename"] == STEM
    assert loaded["strategy"]["SampleStrategy"]["total_trades"] == len(sample.trades())
    assert [line["key"] for line in loaded["strategy_comparison"]] == ["SampleStrategy"]
    with pytest.raises(NotFound):
        storage.load_strategy_result(folder, STEM, "OtherStrategy")


def test_notes_are_set_in_the_metadata(folder: Path) -> None:
    _store(folder)
    entries = storage.set_notes(folder, STEM, "SampleStrategy", "looks promising")
    assert entries[0]["notes"] == "looks promising"
    assert storage.list_results(folder)[0]["notes"] == "looks promising"
    with pytest.raises(InvalidRequest, match="Strategy not in metadata"):
        storage.set_notes(folder, STEM, "OtherStrategy", "x")


def test_delete_removes_the_result_and_its_metadata(folder: Path) -> None:
    _store(folder)
    _store(folder, datetime(2024, 5, 1, tzinfo=UTC))
    left = storage.delete_result(folder, STEM)
    assert [h["filename"] for h in left] == ["backtest-result-2024-05-01_00-00-00"]
    assert not (folder / f"{STEM}.zip").exists() and not (folder / f"{STEM}.meta.json").exists()


@pytest.mark.parametrize("name", ["../secrets", "..", ".last_result", "a/b", ""])
def test_names_reaching_outside_the_folder_are_refused(folder: Path, name: str) -> None:
    _store(folder)
    with pytest.raises(InvalidRequest):
        storage.find_result(folder, name)


def test_unknown_result_is_not_found(folder: Path) -> None:
    with pytest.raises(NotFound):
        storage.delete_result(folder, "backtest-result-2020-01-01_00-00-00")


def test_a_plain_json_result_of_older_versions_is_read(folder: Path) -> None:
    result = stats.backtest_result([sample.run()])
    legacy = folder / "backtest-result-2023-01-01_00-00-00.json"
    legacy.write_bytes(storage.encode({"strategy": result["strategy"], "strategy_comparison": []}))
    storage.metadata_path(legacy).write_bytes(storage.encode(result["metadata"]))
    assert [h["filename"] for h in storage.list_results(folder)] == [legacy.stem]
    assert storage.load_result(legacy)["strategy"]["SampleStrategy"]["total_trades"] == 40


def test_market_change_and_wallet_come_back_with_millisecond_dates(folder: Path) -> None:
    _store(folder)
    market = storage.load_market_change(folder, STEM)
    assert list(market.columns) == ["date", "mean", "rel_mean", "count", "__date_ts"]
    assert market["count"].iloc[0] == 4
    assert market["__date_ts"].iloc[0] == int(sample.START.timestamp() * 1000)
    wallet = storage.load_wallet(folder, STEM, "SampleStrategy")
    assert list(wallet.columns) == ["date", "__date_ts", "total_quote"]
    # the BTC part (50 USDT worth) is added back to the USDT balance at each snapshot
    first = sample.STARTING_BALANCE + sample.trades()[0].profit_abs
    assert wallet["total_quote"].iloc[0] == pytest.approx(first)
    table = storage.frame_table(wallet)
    assert table["length"] == len(wallet) and table["columns"] == ["date", "__date_ts", "total_quote"]


def test_save_backtest_stores_result_market_change_and_wallets(folder: Path) -> None:
    runs = [sample.run(), sample.run(strategy_name="Other", wallet_history=None)]
    path, result = storage.save_backtest(
        folder, runs, candles=sample.candles(), config={"stake_currency": "USDT"}, moment=MOMENT
    )
    assert sorted(result["strategy"]) == ["Other", "SampleStrategy"]
    assert [h["strategy"] for h in storage.list_results(folder)] == ["SampleStrategy", "Other"]
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert f"{STEM}_market_change.feather" in names
    assert f"{STEM}_SampleStrategy_wallet.feather" in names
    assert f"{STEM}_Other_wallet.feather" not in names
