"""Every trade-mode endpoint against the full server with real data."""

from __future__ import annotations

import pytest

from .conftest import Server, basic_auth


async def test_ping_is_public(server: Server) -> None:
    response = await server.client.get("/api/v1/ping")
    assert response.status == 200
    assert await response.json() == {"status": "pong"}


async def test_protected_route_needs_credentials(server: Server) -> None:
    response = await server.client.get("/api/v1/version")
    assert response.status == 401
    body = await response.json()
    assert body["detail"]


async def test_show_config_reports_numeric_api_version_and_state(server: Server) -> None:
    config = await server.get("/api/v1/show_config")
    assert config["api_version"] == 2.5
    assert config["state"] == "running"
    assert config["runmode"] == "dry_run"
    assert config["strategy"] == "SampleStrategy"
    assert config["timeframe"] == "1m"
    assert config["stake_currency"] == "USDT"
    assert config["max_open_trades"] == 3.0
    assert "password" not in str(config)


async def test_force_enter_shows_in_status_and_trades(server: Server) -> None:
    trade = await server.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    assert trade["pair"] == "ETH/USDT"
    assert trade["is_open"] is True
    status = await server.get("/api/v1/status")
    assert [t["trade_id"] for t in status] == [trade["trade_id"]]
    assert status[0]["current_rate"] == pytest.approx(10.0)
    page = await server.get("/api/v1/trades", params={"limit": 10})
    assert page == {"trades": [], "trades_count": 0, "offset": 0, "total_trades": 0}  # closed trades only
    one = await server.get(f"/api/v1/trade/{trade['trade_id']}")
    assert one["orders"][0]["ft_order_side"] == "buy"
    count = await server.get("/api/v1/count")
    assert count["current"] == 1 and count["max"] == 3


async def test_forcebuy_and_forcesell_aliases_round_trip_with_profit(server: Server) -> None:
    trade = await server.post("/api/v1/forcebuy", {"pair": "ETH/USDT", "ordertype": "market"})
    server.market.set_price("ETH/USDT", 11.0)
    result = await server.post("/api/v1/forcesell", {"tradeid": str(trade["trade_id"])})
    assert result == {"result": f"Created exit order for trade {trade['trade_id']}."}
    closed = await server.get(f"/api/v1/trade/{trade['trade_id']}")
    assert closed["is_open"] is False
    assert closed["exit_reason"] == "force_exit"
    # 10 ETH: 10 * 11 * 0.999 - 10 * 10 * 1.001 = 9.79
    assert closed["profit_abs"] == pytest.approx(9.79)
    profit = await server.get("/api/v1/profit")
    assert profit["profit_closed_coin"] == pytest.approx(9.79)
    assert profit["closed_trade_count"] == 1
    performance = await server.get("/api/v1/performance")
    assert performance[0]["pair"] == "ETH/USDT"
    exits = await server.get("/api/v1/exits")
    assert exits[0]["exit_reason"] == "force_exit"


async def test_force_exit_all(server: Server) -> None:
    await server.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    await server.post("/api/v1/forceenter", {"pair": "BTC/USDT"})
    await server.post("/api/v1/forceexit", {"tradeid": "all"})
    assert await server.get("/api/v1/status") == []


async def test_unknown_trade_is_404(server: Server) -> None:
    response = await server.client.get("/api/v1/trade/4242", headers=basic_auth())
    assert response.status == 404
    response = await server.client.delete("/api/v1/trades/4242", headers=basic_auth())
    assert response.status == 404


async def test_out_of_range_and_malformed_ids_are_400(server: Server) -> None:
    for path in ("/api/v1/trade/abc", f"/api/v1/trade/{2**70}"):
        response = await server.client.get(path, headers=basic_auth())
        assert response.status == 400, path


async def test_bad_query_values_are_400_with_detail(server: Server) -> None:
    for params in ({"limit": 501}, {"limit": "many"}, {"offset": -1}):
        response = await server.client.get("/api/v1/trades", params=params, headers=basic_auth())
        assert response.status == 400
        assert "limit" in (await response.json())["detail"] or "offset" in (await response.json())["detail"]
    response = await server.client.get("/api/v1/daily", params={"timescale": 20000}, headers=basic_auth())
    assert response.status == 400


async def test_malformed_json_is_400_and_invalid_body_is_422(server: Server) -> None:
    response = await server.client.post(
        "/api/v1/forceenter", data=b"{not json", headers={**basic_auth(), "Content-Type": "application/json"}
    )
    assert response.status == 400
    response = await server.client.post("/api/v1/forceenter", json={"price": -1}, headers=basic_auth())
    assert response.status == 422
    body = await response.json()
    assert "pair" in body["errors"]


async def test_delete_trade(server: Server) -> None:
    trade = await server.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    response = await server.client.delete(f"/api/v1/trades/{trade['trade_id']}", headers=basic_auth())
    assert response.status == 200
    assert (await response.json())["result"] == "success"
    assert (await server.get("/api/v1/trades"))["total_trades"] == 0


async def test_stop_pause_start(server: Server) -> None:
    assert (await server.post("/api/v1/stop"))["status"] == "stopping trader ..."
    assert (await server.get("/api/v1/show_config"))["state"] == "stopped"
    await server.post("/api/v1/stopentry")
    assert (await server.get("/api/v1/show_config"))["state"] == "paused"
    assert (await server.post("/api/v1/start"))["status"] == "starting trader ..."
    assert (await server.post("/api/v1/start"))["status"] == "already running"


async def test_force_enter_refused_when_stopped(server: Server) -> None:
    await server.post("/api/v1/stop")
    response = await server.client.post("/api/v1/forceenter", json={"pair": "ETH/USDT"}, headers=basic_auth())
    assert response.status == 409


async def test_whitelist_and_blacklist(server: Server) -> None:
    assert (await server.get("/api/v1/whitelist"))["whitelist"] == ["BTC/USDT", "ETH/USDT"]
    added = await server.post("/api/v1/blacklist", {"blacklist": ["ETH/.*"]})
    assert added["blacklist"] == ["ETH/.*"]
    assert added["blacklist_expanded"] == ["ETH/USDT"]
    assert (await server.get("/api/v1/whitelist"))["whitelist"] == ["BTC/USDT"]
    response = await server.client.delete(
        "/api/v1/blacklist", params=[("pairs_to_delete", "ETH/.*")], headers=basic_auth()
    )
    assert (await response.json())["blacklist"] == []


async def test_locks_add_list_delete(server: Server) -> None:
    until = "2026-03-02T14:00:00Z"
    locks = await server.post("/api/v1/locks", [{"pair": "ETH/USDT", "until": until, "reason": "manual"}])
    assert locks["lock_count"] == 1
    lock = locks["locks"][0]
    assert lock["pair"] == "ETH/USDT" and lock["reason"] == "manual"
    response = await server.client.delete(f"/api/v1/locks/{lock['id']}", headers=basic_auth())
    assert (await response.json())["lock_count"] == 0
    await server.post("/api/v1/locks", [{"pair": "BTC/USDT", "until": until}])
    assert (await server.post("/api/v1/locks/delete", {"pair": "BTC/USDT"}))["lock_count"] == 0


async def test_balance_health_logs_sysinfo(server: Server) -> None:
    balance = await server.get("/api/v1/balance")
    assert balance["stake"] == "USDT"
    # the tradable share of the 1000 USDT dry-run wallet (ratio 0.99), as freqtrade reports it
    assert balance["starting_capital"] == pytest.approx(990)
    health = await server.get("/api/v1/health")
    assert health["bot_startup_ts"] > 0
    logs = await server.get("/api/v1/logs", params={"limit": 5})
    assert logs["log_count"] == len(logs["logs"])
    sysinfo = await server.get("/api/v1/sysinfo")
    assert isinstance(sysinfo["cpu_pct"], list) and "ram_pct" in sysinfo


async def test_daily_weekly_monthly(server: Server) -> None:
    daily = await server.get("/api/v1/daily", params={"timescale": 3})
    assert len(daily["data"]) == 3
    assert (await server.get("/api/v1/weekly"))["stake_currency"] == "USDT"
    assert len((await server.get("/api/v1/monthly"))["data"]) == 3


async def test_pair_candles_get_and_post(server: Server) -> None:
    candles = await server.get("/api/v1/pair_candles", params={"pair": "BTC/USDT", "timeframe": "1m", "limit": 5})
    assert candles["pair"] == "BTC/USDT"
    assert candles["length"] == 5
    assert candles["columns"][:6] == ["date", "open", "high", "low", "close", "volume"]
    posted = await server.post(
        "/api/v1/pair_candles", {"pair": "BTC/USDT", "timeframe": "1m", "limit": 3, "columns": ["ema_fast"]}
    )
    assert posted["length"] == 3
    assert "ema_fast" in posted["columns"]


async def test_pair_candles_unknown_pair_or_timeframe_is_4xx(server: Server) -> None:
    for params in ({"pair": "NOPE/USDT", "timeframe": "1m"}, {"pair": "BTC/USDT", "timeframe": "7x"}):
        response = await server.client.get("/api/v1/pair_candles", params=params, headers=basic_auth())
        assert 400 <= response.status < 500, params


async def test_edge_is_a_disabled_feature_503_not_an_upstream_error(server: Server) -> None:
    response = await server.client.get("/api/v1/edge", headers=basic_auth())
    assert response.status == 503  # no upstream failed: 502 would send operators looking for one
    body = await response.json()
    assert body["detail"] == "Edge is not enabled in this bot (freqtrade removed Edge in 2025)."
    assert body["code"] == "feature_disabled"


async def test_unknown_route_is_json_404(server: Server) -> None:
    response = await server.client.get("/api/v1/nope", headers=basic_auth())
    assert response.status == 404
    assert "detail" in await response.json()


async def test_statistics_follow_trades_closing_between_requests(server: Server) -> None:
    assert (await server.get("/api/v1/profit"))["closed_trade_count"] == 0  # fills the closed-trade cache
    trade = await server.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    await server.post("/api/v1/forceexit", {"tradeid": trade["trade_id"]})  # same manual-clock millisecond
    assert (await server.get("/api/v1/profit"))["closed_trade_count"] == 1
    assert (await server.get("/api/v1/performance"))[0]["count"] == 1
    await server.client.delete(f"/api/v1/trades/{trade['trade_id']}", headers=basic_auth())
    assert (await server.get("/api/v1/performance")) == []


async def test_historic_balance_grows_with_closed_profit(server: Server) -> None:
    trade = await server.post("/api/v1/forceenter", {"pair": "ETH/USDT"})
    server.market.set_price("ETH/USDT", 11.0)
    await server.post("/api/v1/forceexit", {"tradeid": trade["trade_id"]})
    history = await server.get("/api/v1/historic_balance")
    assert history["columns"] == ["date", "__date_ts", "total_quote"]
    assert history["length"] == len(history["data"]) == 2
    (_, _, start), (_, closed_ts, after) = history["data"]
    assert start == pytest.approx(1000)
    assert after == pytest.approx(1000 + 9.79)  # 10 ETH bought at 10, sold at 11, 0.1 % fees
    assert closed_ts >= history["capture_start_ts"]
