"""Candle files on disk: one per pair, timeframe and candle type, named as freqtrade names them.

``<datadir>/BTC_USDT-5m.feather`` for spot, ``<datadir>/futures/BTC_USDT_USDT-5m-futures.feather``
for futures. Feather (Apache Arrow) by default, JSON (rows of [ms, o, h, l, c, v]) on request.
Updates never drop stored candles: new rows are merged in and the file is replaced atomically.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import orjson
import pandas as pd

from ftserver.config import Settings
from ftserver.data.frames import OHLCV_COLUMNS, candles_to_frame, frame_to_candles, merge_candles
from ftserver.data.timerange import TimeRange
from ftserver.errors import InvalidRequest

DataFormat = Literal["feather", "json"]
_FILE = re.compile(r"^(?P<pair>[A-Za-z0-9_.]+)-(?P<tf>\d+[smhdwMy])(?:-(?P<ct>[a-z_]+))?\.(?P<ext>feather|json)$")


def candle_store_for(settings: Settings) -> CandleStore:
    """Where ``download-data`` keeps the configured exchange's candles."""
    datadir = settings.datadir or settings.user_data_dir / "data" / settings.exchange.name
    return CandleStore(Path(datadir), settings.dataformat_ohlcv)


def pair_to_filename(pair: str) -> str:
    return pair.replace("/", "_").replace(":", "_")


def filename_to_pair(name: str, candle_type: str) -> str:
    parts = name.split("_")
    if candle_type != "spot" and len(parts) >= 3:
        return f"{parts[0]}/{parts[1]}:{'_'.join(parts[2:])}"
    return f"{parts[0]}/{'_'.join(parts[1:])}" if len(parts) > 1 else name


@dataclass(frozen=True, slots=True)
class StoredCandles:
    pair: str
    timeframe: str
    candle_type: str
    start: datetime
    stop: datetime
    candles: int


class CandleStore:
    def __init__(self, datadir: Path, data_format: DataFormat = "feather") -> None:
        self.datadir = Path(datadir)
        self.data_format = data_format

    def path_for(self, pair: str, timeframe: str, candle_type: str = "spot") -> Path:
        suffix = "" if candle_type == "spot" else f"-{candle_type}"
        folder = self.datadir if candle_type == "spot" else self.datadir / "futures"
        return folder / f"{pair_to_filename(pair)}-{timeframe}{suffix}.{self.data_format}"

    # ---- reading -----------------------------------------------------------------------------
    def load(
        self, pair: str, timeframe: str, candle_type: str = "spot", timerange: TimeRange | None = None
    ) -> pd.DataFrame:
        """Stored candles (an empty frame when there are none), optionally cut to ``timerange``."""
        path = self.path_for(pair, timeframe, candle_type)
        if not path.exists():
            return candles_to_frame([])
        df = self._read(path)
        if timerange is not None:
            if timerange.start is not None:
                df = df[df["date"] >= pd.Timestamp(timerange.start)]
            if timerange.stop is not None:
                df = df[df["date"] < pd.Timestamp(timerange.stop)]
        return df.reset_index(drop=True)

    def _read(self, path: Path) -> pd.DataFrame:
        try:
            if path.suffix == ".feather":
                df = pd.read_feather(path)
                df["date"] = pd.to_datetime(df["date"], utc=True)
                return df[OHLCV_COLUMNS]
            return candles_to_frame(orjson.loads(path.read_bytes()))
        except (OSError, ValueError, KeyError) as exc:
            # The answer names the file relative to the data folder: clients must not learn server paths.
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
            reason = reason.replace(str(self.datadir), ".")
            shown = path.relative_to(self.datadir) if path.is_relative_to(self.datadir) else path.name
            raise InvalidRequest(f"Candle file {shown} is unreadable: {reason}") from None

    def last_date(self, pair: str, timeframe: str, candle_type: str = "spot") -> datetime | None:
        df = self.load(pair, timeframe, candle_type)
        return None if df.empty else df["date"].iloc[-1].to_pydatetime()

    # ---- writing -----------------------------------------------------------------------------
    def append(self, pair: str, timeframe: str, new: pd.DataFrame, candle_type: str = "spot") -> int:
        """Merge ``new`` into the stored candles. Returns how many candles the file gained."""
        old = self.load(pair, timeframe, candle_type)
        merged = merge_candles(old if not old.empty else None, new, None)
        self._write(self.path_for(pair, timeframe, candle_type), merged)
        return len(merged) - len(old)

    def _write(self, path: Path, df: pd.DataFrame) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        if self.data_format == "feather":
            df[OHLCV_COLUMNS].reset_index(drop=True).to_feather(tmp, compression="lz4")
        else:
            tmp.write_bytes(orjson.dumps(frame_to_candles(df)))
        os.replace(tmp, path)  # readers see the old file or the new one, never half of one

    # ---- listing -----------------------------------------------------------------------------
    def _files(self) -> Iterator[tuple[Path, str, str, str]]:
        """(path, pair, timeframe, candle_type) of every candle file in this store's format."""
        for folder in (self.datadir, self.datadir / "futures"):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                match = _FILE.match(path.name)
                if not match or match.group("ext") != self.data_format:
                    continue
                candle_type = match.group("ct") or "spot"
                yield path, filename_to_pair(match.group("pair"), candle_type), match.group("tf"), candle_type

    def stored(self) -> list[StoredCandles]:
        found = []
        for path, pair, timeframe, candle_type in self._files():
            df = self._read(path)
            if df.empty:
                continue
            found.append(
                StoredCandles(
                    pair=pair,
                    timeframe=timeframe,
                    candle_type=candle_type,
                    start=df["date"].iloc[0].to_pydatetime(),
                    stop=df["date"].iloc[-1].to_pydatetime(),
                    candles=len(df),
                )
            )
        return found

    def available_pairs(
        self, timeframe: str | None = None, stake_currency: str | None = None, candle_type: str | None = None
    ) -> list[tuple[str, str, str]]:
        """(pair, timeframe, candle_type) of every stored file, filtered, from the file names alone."""
        return [
            (pair, tf, ct)
            for _, pair, tf, ct in self._files()
            if (not timeframe or tf == timeframe)
            and (not candle_type or ct == candle_type)
            and (not stake_currency or pair.split("/")[1].split(":")[0] == stake_currency)
        ]
