"""Strategies, stored history and pair_history, in trade mode and in webserver mode."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ftserver.app import create_app
from ftserver.config import load_settings
from ftserver.core.clock import ManualClock
from ftserver.data.frames import candles_to_frame
from ftserver.data.history import CandleStore
from ftserver.exchange.simulated import SimulatedMarket
from ftserver.models import RunMode

from .conftest import Server, app_settings, basic_auth

NOW = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


def store_candles(tmp_path: Path, pair: str = "BTC/USDT", timeframe: str = "5m", count: int = 600) -> None:
    market = SimulatedMarket(clock=ManualClock(NOW), pairs=[pair], history_days=10)
    store = CandleStore(tmp_path / "user_data" / "data" / "scripted")
    store.append(pair, timeframe, candles_to_frame(market.candles(pair, timeframe, limit=count)))


async def test_strategies_and_strategy_code(server: Server) -> None:
    assert "SampleStrategy" in (await server.get("/api/v1/strategies"))["strategies"]
    body = await server.get("/api/v1/strategy/SampleStrategy")
    assert body["strategy"] == "SampleStrategy"
    assert "class SampleStrategy" in body["code"]
    assert body["timeframe"] == "5m"
    missing = await server.client.get("/api/v1/strategy/Nope", headers=basic_auth())
    assert missing.status == 404


async def test_strategy_lists_its_hyperopt_parameters_with_the_loaded_values(server: Server, tmp_path: Path) -> None:
    strategies = tmp_path / "user_data" / "strategies"
    strategies.mkdir(parents=True)
    (strategies / "tuned.py").write_text(
        "from freqtrade.strategy import CategoricalParameter, DecimalParameter, IStrategy, IntParameter\n\n"
        "class Tuned(IStrategy):\n"
        "    buy_rsi = IntParameter(10, 40, default=30)\n"
        "    sell_step = DecimalParameter(0.1, 0.9, default=0.5, decimals=1, optimize=False)\n"
        "    sell_mode = CategoricalParameter(['fast', 'slow'], default='fast')\n",
        encoding="utf-8",
    )
    stored = '{"strategy_name": "Tuned", "params": {"buy": {"buy_rsi": 22}, "sell": {"sell_mode": "slow"}}}'
    (strategies / "tuned.json").write_text(stored, encoding="utf-8")
    body = await server.get("/api/v1/strategy/Tuned")
    assert body["params"] == [
        {
            "param_type": "IntParameter",
            "name": "buy_rsi",
            "space": "buy",
            "load": True,
            "optimize": True,
            "value": 22,
            "low": 10,
            "high": 40,
        },
        {
            "param_type": "CategoricalParameter",
            "name": "sell_mode",
            "space": "sell",
            "load": True,
            "optimize": True,
            "value": "slow",
            "opt_range": ["fast", "slow"],
        },
        {
            "param_type": "DecimalParameter",
            "name": "sell_step",
            "space": "sell",
            "load": True,
            "optimize": False,
            "value": 0.5,
            "low": 0.1,
            "high": 0.9,
            "decimals": 1,
        },
    ]


async def test_available_pairs_and_pair_history(server: Server, tmp_path: Path) -> None:
    store_candles(tmp_path)
    pairs = await server.get("/api/v1/available_pairs", params={"timeframe": "5m", "stake_currency": "USDT"})
    assert pairs == {"length": 1, "pairs": ["BTC/USDT"], "pair_interval": [["BTC/USDT", "5m"]]}
    history = await server.get(
        "/api/v1/pair_history", params={"pair": "BTC/USDT", "timeframe": "5m", "strategy": "SampleStrategy"}
    )
    assert history["length"] == 600  # every stored row
    assert history["strategy"] == "SampleStrategy"
    assert history["enter_long_signals"] >= 1
    assert {"ema_fast", "rsi"} <= set(history["columns"])
    posted = await server.post(
        "/api/v1/pair_history",
        {
            "pair": "BTC/USDT",
            "timeframe": "5m",
            "strategy": "SampleStrategy",
            "columns": ["rsi"],
            "timerange": "202603020000-",
        },
    )
    assert "ema_fast" not in posted["columns"] and "rsi" in posted["columns"]
    assert posted["length"] == 145  # 00:00 to 12:00 inclusive, in 5m candles


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"pair": "ETH/USDT", "timeframe": "5m", "strategy": "SampleStrategy"}, 404),
        ({"pair": "BTC/USDT", "timeframe": "5m", "strategy": "Missing"}, 422),
        ({"pair": "BTC/USDT", "timeframe": "5x", "strategy": "SampleStrategy"}, 400),
        ({"pair": "BTC/USDT", "timeframe": "5m", "strategy": "SampleStrategy", "timerange": "2024-"}, 400),
        ({"pair": "BTC/USDT", "timeframe": "5m"}, 400),
    ],
)
async def test_pair_history_bad_inputs_are_4xx(server: Server, tmp_path: Path, params: dict, status: int) -> None:
    store_candles(tmp_path)
    response = await server.client.get("/api/v1/pair_history", params=params, headers=basic_auth())
    assert response.status == status
    assert (await response.json())["detail"]


async def test_exchanges_lists_sim_and_ccxt(server: Server) -> None:
    names = {e["name"] for e in (await server.get("/api/v1/exchanges"))["exchanges"]}
    assert {"sim", "binance"} <= names


async def test_webserver_mode_serves_research_and_refuses_trade_routes(aiohttp_client: Any, tmp_path: Path) -> None:
    store_candles(tmp_path)
    app = create_app(app_settings(tmp_path), runmode=RunMode.WEBSERVER)
    client = await aiohttp_client(app)
    config = await (await client.get("/api/v1/show_config", headers=basic_auth())).json()
    assert config["runmode"] == "webserver"
    assert (await client.get("/api/v1/strategies", headers=basic_auth())).status == 200
    history = await client.get(
        "/api/v1/pair_history",
        params={"pair": "BTC/USDT", "timeframe": "5m", "strategy": "SampleStrategy"},
        headers=basic_auth(),
    )
    assert history.status == 200
    for path in ("/api/v1/status", "/api/v1/trades", "/api/v1/profit", "/api/v1/whitelist", "/api/v1/balance"):
        response = await client.get(path, headers=basic_auth())
        assert response.status == 503, path
        assert (await response.json())["detail"] == "Bot is not in the correct state."


async def test_strategy_that_raises_is_a_clear_error_and_server_keeps_serving(server: Server, tmp_path: Path) -> None:
    store_candles(tmp_path)
    strategies = tmp_path / "user_data" / "strategies"
    strategies.mkdir(parents=True)
    (strategies / "boom.py").write_text(
        "from ftserver.strategy.base import Strategy\n\n"
        "class Boom(Strategy):\n"
        "    def populate_indicators(self, dataframe, metadata):\n"
        "        raise ValueError('indicator exploded')\n",
        encoding="utf-8",
    )
    response = await server.client.get(
        "/api/v1/pair_history",
        params={"pair": "BTC/USDT", "timeframe": "5m", "strategy": "Boom"},
        headers=basic_auth(),
    )
    assert response.status == 422
    detail = (await response.json())["detail"]
    assert "Boom" in detail
    assert "indicator exploded" in detail
    assert (await server.client.get("/api/v1/ping")).status == 200


def _write_strategy(tmp_path: Path, file_name: str, source: str) -> None:
    strategies = tmp_path / "user_data" / "strategies"
    strategies.mkdir(parents=True, exist_ok=True)
    (strategies / file_name).write_text("from ftserver.strategy.base import Strategy\n\n" + source, encoding="utf-8")


_PATH_LEAK_CASES = {
    "unknown strategy": ("/api/v1/strategy/Nope", {}),
    "strategy file that fails to import": ("/api/v1/strategy/Broken", {}),
    "strategy whose import error names a path": ("/api/v1/strategy/Opener", {}),
    "strategy that cannot be created": ("/api/v1/strategy/Fragile", {}),
    "plot_config of an unknown strategy": ("/api/v1/plot_config", {"strategy": "Nope"}),
    "pair_history of an unknown strategy": (
        "/api/v1/pair_history",
        {"pair": "BTC/USDT", "timeframe": "5m", "strategy": "Nope"},
    ),
    "pair_history without a candle file": (
        "/api/v1/pair_history",
        {"pair": "ETH/USDT", "timeframe": "5m", "strategy": "SampleStrategy"},
    ),
    "pair_history of an unreadable candle file": (
        "/api/v1/pair_history",
        {"pair": "XRP/USDT", "timeframe": "5m", "strategy": "SampleStrategy"},
    ),
    "pair_history with a bad timerange": (
        "/api/v1/pair_history",
        {"pair": "BTC/USDT", "timeframe": "5m", "strategy": "SampleStrategy", "timerange": "20241399-"},
    ),
    "pair_history whose analysis error names a path": (
        "/api/v1/pair_history",
        {"pair": "BTC/USDT", "timeframe": "5m", "strategy": "Leaky"},
    ),
    "available_pairs": ("/api/v1/available_pairs", {"timeframe": "5m"}),
}


@pytest.mark.parametrize(("path", "params"), _PATH_LEAK_CASES.values(), ids=_PATH_LEAK_CASES.keys())
async def test_research_answers_never_name_an_absolute_server_path(
    server: Server, tmp_path: Path, path: str, params: dict[str, str]
) -> None:
    store_candles(tmp_path)
    datadir = tmp_path / "user_data" / "data" / "scripted"
    (datadir / "XRP_USDT-5m.feather").write_bytes(b"not arrow at all")
    _write_strategy(tmp_path, "broken.py", "class Broken(Strategy):\n    def oops(:\n")
    _write_strategy(tmp_path, "opener.py", "open(__file__ + '.missing')\n\nclass Opener(Strategy):\n    pass\n")
    _write_strategy(
        tmp_path,
        "fragile.py",
        "class Fragile(Strategy):\n    def __init__(self, config):\n        raise RuntimeError(__file__)\n",
    )
    _write_strategy(
        tmp_path,
        "leaky.py",
        "class Leaky(Strategy):\n"
        "    def populate_indicators(self, dataframe, metadata):\n"
        "        raise ValueError(f'cannot read {__file__}')\n",
    )
    response = await server.client.get(path, params=params, headers=basic_auth())
    body = await response.text()
    assert str(tmp_path) not in body
    if response.status >= 400:
        assert (await response.json())["detail"]


@pytest.mark.parametrize("problem", ["unreadable config file", "invalid JSON", "unknown strategy", "strategy error"])
async def test_reload_config_errors_never_name_an_absolute_server_path(
    aiohttp_client: Any, tmp_path: Path, problem: str
) -> None:
    config = tmp_path / "config.json"
    values: dict[str, Any] = {"strategy": "SampleStrategy"}

    def loader() -> Any:
        if problem == "unreadable config file":
            return load_settings([tmp_path / "missing.json"])
        if problem == "invalid JSON":
            config.write_text("{nope", encoding="utf-8")
            return load_settings([config])
        return app_settings(tmp_path, **values)

    if problem == "unknown strategy":
        values["strategy"] = "Nope"
    if problem == "strategy error":
        values["strategy"] = "Fragile"
        _write_strategy(
            tmp_path,
            "fragile.py",
            "class Fragile(Strategy):\n    def __init__(self, config):\n        raise RuntimeError(__file__)\n",
        )
    clock = ManualClock(NOW)
    market = SimulatedMarket(clock=clock, pairs=["BTC/USDT"], history_days=1)
    app = create_app(
        app_settings(tmp_path, exchange={"name": "sim"}), market=market, clock=clock, settings_loader=loader
    )
    client = await aiohttp_client(app)
    response = await client.post("/api/v1/reload_config", headers=basic_auth())
    assert 400 <= response.status < 500
    body = await response.text()
    assert str(tmp_path) not in body
    assert (await response.json())["detail"]


async def test_pair_history_of_an_informative_strategy_reads_the_stored_hourly_candles(
    server: Server, tmp_path: Path
) -> None:
    store_candles(tmp_path)  # 600 five-minute candles up to 12:00
    store_candles(tmp_path, "ETH/USDT", "1h", 100)  # up to 12:00
    _write_strategy(
        tmp_path,
        "hourly.py",
        "from ftserver.strategy.informative import informative\n\n\n"
        "class Hourly(Strategy):\n"
        "    timeframe = '5m'\n\n"
        "    @informative('1h', 'ETH/{stake}')\n"
        "    def populate_indicators_eth(self, dataframe, metadata):\n"
        "        dataframe['seen'] = self.dp.runmode.value\n"
        "        return dataframe\n",
    )

    history = await server.get(
        "/api/v1/pair_history", params={"pair": "BTC/USDT", "timeframe": "5m", "strategy": "Hourly"}
    )

    columns = history["columns"]
    assert {"eth_usdt_close_1h", "eth_usdt_seen_1h", "eth_usdt_date_1h"} <= set(columns)
    last = history["data"][-1]
    assert last[columns.index("date")] == "2026-03-02T12:00:00Z"
    # The 12:00 hour would only land on 12:55: the newest closed hour at 12:00 is 11:00.
    assert last[columns.index("eth_usdt_date_1h")] == "2026-03-02T11:00:00Z"
    assert last[columns.index("eth_usdt_seen_1h")] == "webserver"
