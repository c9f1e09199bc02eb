"""POST /api/v1/blacklist: patterns checked on the way in, refused ones in freqtrade's errors shape, a capped list."""

from .conftest import Server, basic_auth


async def test_blacklist_pattern_with_a_backreference_is_reported_in_freqtrades_shape(server: Server) -> None:
    answer = await server.post("/api/v1/blacklist", {"blacklist": [r"(ETH)/\1", "BTC/.*"]})
    assert answer["blacklist"] == ["BTC/.*"]
    assert answer["blacklist_expanded"] == ["BTC/USDT"]
    assert list(answer["errors"]) == [r"(ETH)/\1"]
    message = answer["errors"][r"(ETH)/\1"]["error_msg"]
    assert message.startswith(r"Pair (ETH)/\1 is not a valid wildcard")
    assert "backreferences and lookarounds are not supported" in message


async def test_blacklist_repeated_pattern_is_reported_in_freqtrades_shape(server: Server) -> None:
    await server.post("/api/v1/blacklist", {"blacklist": ["ETH/.*"]})
    answer = await server.post("/api/v1/blacklist", {"blacklist": ["ETH/.*"]})
    assert answer["errors"] == {"ETH/.*": {"error_msg": "Pair ETH/.* already in pairlist."}}
    assert answer["length"] == 1


async def test_blacklist_pattern_over_the_length_limit_is_reported(server: Server) -> None:
    answer = await server.post("/api/v1/blacklist", {"blacklist": ["A" * 101]})
    assert answer["errors"] == {"A" * 101: {"error_msg": "Pattern is 101 characters long; at most 100 are allowed."}}
    assert answer["blacklist"] == []


async def test_blacklist_past_its_cap_is_409_naming_the_limit_and_adds_nothing(server: Server) -> None:
    for batch in range(2):
        answer = await server.post("/api/v1/blacklist", {"blacklist": [f"C{batch}-{i}/USDT" for i in range(500)]})
        assert answer["errors"] == {}
    assert answer["length"] == 1000
    response = await server.client.post(
        "/api/v1/blacklist", json={"blacklist": ["ETH/USDT", "BTC/.*"]}, headers=basic_auth()
    )
    assert response.status == 409
    body = await response.json()
    assert body["detail"] == "The blacklist holds at most 1000 entries: it has 1000, adding 2 would make 1002."
    assert (await server.get("/api/v1/blacklist"))["length"] == 1000
    assert (await server.get("/api/v1/whitelist"))["whitelist"] == ["BTC/USDT", "ETH/USDT"]


async def test_pathological_pattern_is_accepted_and_matches_nothing(server: Server) -> None:
    answer = await server.post("/api/v1/blacklist", {"blacklist": ["(.*.*)*(.*.*)*(.*.*)*#"]})
    assert answer["errors"] == {}
    assert answer["blacklist_expanded"] == []
    await server.bot.run_once()
    assert (await server.get("/api/v1/whitelist"))["whitelist"] == ["BTC/USDT", "ETH/USDT"]


async def test_pattern_longer_than_a_pair_name_can_be_added_and_deleted(server: Server) -> None:
    pattern = "(" + "|".join(f"COIN{i}" for i in range(12)) + ")/USDT"
    assert 64 < len(pattern) <= 100
    assert (await server.post("/api/v1/blacklist", {"blacklist": [pattern]}))["blacklist"] == [pattern]
    response = await server.client.delete(
        "/api/v1/blacklist", params=[("pairs_to_delete", pattern)], headers=basic_auth()
    )
    assert response.status == 200
    assert (await response.json())["blacklist"] == []
