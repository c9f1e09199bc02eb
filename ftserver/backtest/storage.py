"""Backtest results stored as freqtrade 2026.9 stores them, so FreqUI and freqtrade's own analysis
tools read ours and we read theirs.

In the results folder (``user_data/backtest_results``) one backtest is:

- ``backtest-result-<YYYY-mm-dd_HH-MM-SS>.zip`` holding ``<stem>.json`` (``strategy`` and
  ``strategy_comparison``), ``<stem>_config.json`` (the config, secrets redacted), optionally the
  strategy source ``<stem>_<Strategy>.py`` (+ its ``.json`` parameters), the market-change frame
  ``<stem>_market_change.feather`` and each strategy's wallet history ``<stem>_<Strategy>_wallet.feather``;
- ``<stem>.meta.json`` next to it: the ``metadata`` part (run id, run time, timerange, notes per strategy);
- ``.last_result.json``: ``{"latest_backtest": "<stem>.zip"}``.

Older results stored as a plain ``<stem>.json`` are read too.
"""

from __future__ import annotations

import glob
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from ftserver.backtest.metrics import market_change_frame
from ftserver.backtest.records import BacktestRun
from ftserver.backtest.stats import backtest_result
from ftserver.config.redaction import redact
from ftserver.errors import InvalidRequest, NotFound

LAST_RESULT_FILE = ".last_result.json"
RESULT_PREFIX = "backtest-result"
_STAMP_FORMAT = "%Y-%m-%d_%H-%M-%S"
_RESULT_NAME = re.compile(r"^backtest-result-.*-\d\d.*\.(json|zip)$")
_SUFFIXES = (".zip", ".json")


def encode(data: Any) -> bytes:
    """JSON as freqtrade writes its results: numpy values as numbers, NaN as null, and anything else
    JSON has no type for (timestamps, durations) as its ``str()``."""
    return orjson.dumps(data, default=str, option=orjson.OPT_SERIALIZE_NUMPY)


def metadata_path(result_file: Path) -> Path:
    return result_file.parent / f"{result_file.stem}.meta.json"


def result_path(target: Path, moment: datetime, suffix: str = ".zip") -> Path:
    """Where a result made at ``moment`` goes: ``target/backtest-result-<stamp>`` when ``target`` is
    a folder, else ``<target's stem>-<stamp>`` next to it."""
    stamp = moment.strftime(_STAMP_FORMAT)
    if target.is_dir():
        return (target / f"{RESULT_PREFIX}-{stamp}").with_suffix(suffix)
    return (target.parent / f"{target.stem}-{stamp}").with_suffix(suffix)


def _feather(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.reset_index().to_feather(buffer, compression="lz4", compression_level=9)
    return buffer.getvalue()


def store_result(
    target: Path,
    result: Mapping[str, Any],
    *,
    moment: datetime,
    config: Mapping[str, Any],
    market_change: pd.DataFrame | None = None,
    wallets: Mapping[str, pd.DataFrame] | None = None,
    strategy_files: Mapping[str, Path] | None = None,
) -> Path:
    """Write ``result`` (from ``stats.backtest_result``) as freqtrade does; returns the zip's path.

    ``target`` is the results folder or a file name to derive the name from; ``config`` is the
    configuration the backtest ran with (its secrets are redacted here).
    """
    zip_path = result_path(target, moment)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    stem = zip_path.stem
    metadata_path(zip_path).write_bytes(encode(result["metadata"]))
    (zip_path.parent / LAST_RESULT_FILE).write_bytes(encode({"latest_backtest": zip_path.name}))
    body = {"strategy": result["strategy"], "strategy_comparison": result["strategy_comparison"]}
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.json", encode(body))
        archive.writestr(f"{stem}_config.json", encode(redact(config)))
        for name, source in (strategy_files or {}).items():
            if not source.is_file():
                continue
            archive.writestr(f"{stem}_{name}.py", source.read_bytes())
            parameters = source.with_suffix(".json")
            if parameters.is_file():
                archive.writestr(f"{stem}_{name}.json", parameters.read_bytes())
        if market_change is not None:
            archive.writestr(f"{stem}_market_change.feather", _feather(market_change))
        for name, wallet in (wallets or {}).items():
            archive.writestr(f"{stem}_{name}_wallet.feather", _feather(wallet))
    return zip_path


def save_backtest(
    target: Path,
    runs: Sequence[BacktestRun],
    *,
    candles: Mapping[str, pd.DataFrame],
    config: Mapping[str, Any],
    moment: datetime,
    strategy_files: Mapping[str, Path] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """What a finished backtest command stores: the result of ``runs``, the market-change frame of
    ``candles`` (pair -> frame with ``date`` and ``close``) over the backtested period, and each
    run's wallet history. Returns the zip's path and the result dictionary."""
    result = backtest_result(runs)
    market = market_change_frame(candles, runs[0].start, runs[0].end) if runs and candles else None
    wallets = {run.strategy_name: run.wallet_history for run in runs if run.wallet_history is not None}
    path = store_result(
        target,
        result,
        moment=moment,
        config=config,
        market_change=market,
        wallets=wallets,
        strategy_files=strategy_files,
    )
    return path, result


def read_metadata(result_file: Path) -> dict[str, Any]:
    """A result's ``metadata`` (per strategy); empty if it has none."""
    try:
        data: dict[str, Any] = orjson.loads(metadata_path(result_file).read_bytes())
    except FileNotFoundError:
        return {}
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"Unreadable backtest metadata {metadata_path(result_file).name}: {exc}") from None
    return data


def _read_member(archive_path: Path, member: str) -> bytes:
    try:
        with zipfile.ZipFile(archive_path) as archive:
            return archive.read(member)
    except KeyError:
        raise NotFound(f"File {member} not found in {archive_path.name}.") from None
    except zipfile.BadZipFile:
        raise InvalidRequest(f"Bad zip file: {archive_path.name}.") from None


def load_result(result_file: Path) -> dict[str, Any]:
    """A stored result as a whole: ``metadata``, ``strategy``, ``strategy_comparison``."""
    if not result_file.is_file():
        raise NotFound(f"Backtest result {result_file} does not exist.")
    if result_file.suffix == ".zip":
        raw = _read_member(result_file, f"{result_file.stem}.json")
    else:
        raw = result_file.read_bytes()
    try:
        data: dict[str, Any] = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"{result_file.name} is not a backtest result: {exc}") from None
    if not isinstance(data, dict) or "strategy" not in data:
        raise InvalidRequest(f"{result_file.name} is not a backtest result (no 'strategy').")
    data["metadata"] = read_metadata(result_file)
    return data


def latest_result(directory: Path) -> Path:
    """The result ``.last_result.json`` names."""
    marker = directory / LAST_RESULT_FILE
    if not marker.is_file():
        raise NotFound(f"{directory} holds no backtest results yet.")
    try:
        name = orjson.loads(marker.read_bytes()).get("latest_backtest")
    except (orjson.JSONDecodeError, AttributeError):
        name = None
    if not isinstance(name, str):
        raise InvalidRequest(f"Invalid {LAST_RESULT_FILE} in {directory}.")
    return directory / name


def find_result(directory: Path, name: str) -> Path:
    """The stored result called ``name`` (with or without its suffix) in ``directory``; NotFound
    if there is none, InvalidRequest for a name that reaches outside the folder."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise InvalidRequest(f"Invalid backtest result name {name!r}.")
    base = directory.resolve()
    for suffix in _SUFFIXES:
        candidate = (directory / name).with_suffix(suffix)
        if candidate.is_file() and candidate.resolve().parent == base:
            return candidate
    raise NotFound("File not found.")


def _result_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    found = [
        path
        for path in directory.iterdir()
        if _RESULT_NAME.match(path.name) and not path.name.endswith(".meta.json") and path.is_file()
    ]
    return sorted(found, reverse=True)


def history_entries(result_file: Path) -> list[dict[str, Any]]:
    """A result's lines of ``GET /backtest/history``: one per strategy."""
    return [
        {
            "filename": result_file.stem,
            "strategy": strategy,
            "run_id": meta["run_id"],
            "notes": meta.get("notes", ""),
            "backtest_start_time": meta["backtest_start_time"],
            "backtest_start_ts": meta.get("backtest_start_ts"),
            "backtest_end_ts": meta.get("backtest_end_ts"),
            "timeframe": meta.get("timeframe"),
            "timeframe_detail": meta.get("timeframe_detail"),
        }
        for strategy, meta in read_metadata(result_file).items()
    ]


def list_results(directory: Path) -> list[dict[str, Any]]:
    """Every stored result's history lines, newest file first (``GET /backtest/history``)."""
    return [entry for path in _result_files(directory) for entry in history_entries(path)]


def load_strategy_result(directory: Path, name: str, strategy: str) -> dict[str, Any]:
    """One strategy of a stored result, shaped as ``GET /backtest/history/result``'s
    ``backtest_result``: its metadata (with ``filename``), its stats and its comparison line."""
    path = find_result(directory, name)
    data = load_result(path)
    if strategy not in data["strategy"] or strategy not in data["metadata"]:
        raise NotFound(f"Strategy {strategy} not in {path.name}.")
    metadata = {strategy: {**data["metadata"][strategy], "filename": path.stem}}
    comparison = [line for line in data.get("strategy_comparison", []) if line.get("key") == strategy][:1]
    return {"metadata": metadata, "strategy": {strategy: data["strategy"][strategy]}, "strategy_comparison": comparison}


def delete_result(directory: Path, name: str) -> list[dict[str, Any]]:
    """Delete a stored result and every file named after it (metadata, old side files); returns the
    history that is left."""
    path = find_result(directory, name)
    for file in path.parent.glob(f"{glob.escape(path.stem)}*"):
        file.unlink()
    return list_results(directory)


def set_notes(directory: Path, name: str, strategy: str, notes: str) -> list[dict[str, Any]]:
    """Set a strategy's notes in a stored result's metadata; returns that result's history lines."""
    path = find_result(directory, name)
    metadata = read_metadata(path)
    if not metadata:
        raise InvalidRequest("File does not exist.")
    if strategy not in metadata:
        raise InvalidRequest("Strategy not in metadata.")
    metadata[strategy]["notes"] = notes
    metadata_path(path).write_bytes(encode(metadata))
    return history_entries(path)


def _with_ms(frame: pd.DataFrame) -> pd.DataFrame:
    frame.loc[:, "__date_ts"] = frame.loc[:, "date"].dt.as_unit("ms").astype("int64")
    return frame


def load_market_change(directory: Path, name: str) -> pd.DataFrame:
    """A stored result's market-change frame (date, mean, rel_mean, count, __date_ts)."""
    path = find_result(directory, name)
    if path.suffix != ".zip":
        raise NotFound("File not found.")
    frame = pd.read_feather(io.BytesIO(_read_member(path, f"{path.stem}_market_change.feather")))
    return _with_ms(frame)


def load_wallet(directory: Path, name: str, strategy: str) -> pd.DataFrame:
    """A strategy's wallet history of a stored result, valued in the stake currency per snapshot:
    columns date, __date_ts, total_quote."""
    path = find_result(directory, name)
    if path.suffix != ".zip":
        raise NotFound("Unable to retrieve wallet history.")
    frame = _with_ms(pd.read_feather(io.BytesIO(_read_member(path, f"{path.stem}_{strategy}_wallet.feather"))))
    frame.loc[:, "total_quote"] = frame["rate"] * frame["balance"]
    return frame.groupby(["date", "__date_ts"]).agg({"total_quote": "sum"}).reset_index()


def frame_table(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as the API's ``{columns, data, length}`` answer."""
    return {"columns": frame.columns.tolist(), "data": frame.to_numpy().tolist(), "length": len(frame)}
