"""The message WebSocket's wire protocol: request parsing and frame encoding, checked against freqtrade's frames."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ftserver.api.ws.protocol import (
    MAX_ANALYZED_LIMIT,
    RequestType,
    WsProtocolError,
    dataframe_json,
    encode,
    encode_message,
    error_frame,
    parse_request,
)
from ftserver.core import messages
from ftserver.core.messages import Message, MessageType

# Facts from freqtrade 2026.9 frames (reference/freqtrade-samples/ws/).
FREQTRADE_ENTRY = {
    "trade_id": 10006,
    "type": "entry",
    "buy_tag": "force_entry",
    "enter_tag": "force_entry",
    "exchange": "Binance",
    "pair": "DOT/USDT",
    "leverage": 1.0,
    "direction": "Long",
    "limit": 7.077,
    "order_rate": 7.077,
    "open_rate": 7.077,
    "order_type": "market",
    "stake_amount": 99.99801,
    "stake_currency": "USDT",
    "base_currency": "DOT",
    "quote_currency": "USDT",
    "fiat_currency": "USD",
    "amount": 14.13,
    "open_date": "2026-11-25T06:19:31.113294+00:00",
    "current_rate": 7.076,
    "sub_trade": False,
}
FREQTRADE_DF_VALUE = (
    '{"columns":["date","open","high","low","close","volume","sma_fast","sma_slow","rsi","enter_tag","enter_long",'
    '"exit_tag","exit_long"],"index":[996,997,998],"data":[[1795586400000,67274.02,67325.62,67138.7,67168.34,'
    '13.52286,66893.9150000001,66119.0586666667,70.5926932182,"",null,"",null],[1795586700000,67168.34,67460.88,'
    '67115.36,67434.26,14.58856,67043.0490000001,66196.8136666667,73.6522108087,"",null,"",null],[1795587000000,'
    '67434.26,67793.15,67364.52,67733.2,9.57721,67183.6620000001,66285.514,76.5996072835,"",null,"",null]]}'
)
FREQTRADE_LA = "2026-11-25T06:18:37.017829+00:00"


def freqtrade_frame() -> pd.DataFrame:
    """The DataFrame freqtrade serialized into FREQTRADE_DF_VALUE, rebuilt with its real dtypes."""
    split = json.loads(FREQTRADE_DF_VALUE)
    df = pd.DataFrame(split["data"], columns=split["columns"], index=split["index"])
    df["date"] = pd.to_datetime(df["date"], unit="ms", utc=True)
    for column in ("enter_long", "exit_long"):
        df[column] = df[column].astype("float64")
    return df


# ---- requests ----------------------------------------------------------------------------------
def test_subscribe_lists_the_requested_types() -> None:
    request = parse_request('{"type": "subscribe", "data": ["whitelist", "entry_fill", "new_candle"]}')
    assert request.type is RequestType.SUBSCRIBE
    assert request.types == {MessageType.WHITELIST, MessageType.ENTRY_FILL, MessageType.NEW_CANDLE}


def test_subscribe_with_an_unknown_type_names_it() -> None:
    with pytest.raises(WsProtocolError) as info:
        parse_request('{"type": "subscribe", "data": ["entry_fill", "bogus"]}')
    assert info.value.text == "Invalid message type in subscribe: bogus"


@pytest.mark.parametrize("data", ['"entry_fill"', "null", "[1, 2]", '{"a": 1}'])
def test_subscribe_data_must_be_a_list_of_names(data: str) -> None:
    with pytest.raises(WsProtocolError, match="data must be a list"):
        parse_request(f'{{"type": "subscribe", "data": {data}}}')


def test_unknown_request_type_gets_freqtrades_text() -> None:
    with pytest.raises(WsProtocolError) as info:
        parse_request('{"type": "nonsense"}')
    assert info.value.text == "Invalid request type: nonsense"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "Invalid request: not JSON"),
        (b"\xff\xfe", "Invalid request: not JSON"),
        ("[1, 2]", 'Invalid request: expected a JSON object with a "type"'),
        ('{"data": []}', 'Invalid request: expected a JSON object with a "type"'),
        ('{"type": 5}', "Invalid request type: 5"),
    ],
)
def test_malformed_frames_are_refused_with_a_reason(text: str | bytes, expected: str) -> None:
    with pytest.raises(WsProtocolError) as info:
        parse_request(text)
    assert info.value.text == expected


@pytest.mark.parametrize("data", ['""', "null", "{}", '"anything"', "[1]"])
def test_whitelist_ignores_its_data(data: str) -> None:
    assert parse_request(f'{{"type": "whitelist", "data": {data}}}').type is RequestType.WHITELIST
    assert parse_request(b'{"type": "whitelist"}').type is RequestType.WHITELIST


@pytest.mark.parametrize(
    ("data", "limit", "pair"),
    [
        (None, MAX_ANALYZED_LIMIT, None),
        ('""', MAX_ANALYZED_LIMIT, None),
        ("{}", MAX_ANALYZED_LIMIT, None),
        ('{"limit": 3}', 3, None),
        ('{"limit": 99999, "pair": "ETH/USDT"}', MAX_ANALYZED_LIMIT, "ETH/USDT"),
        ('{"pair": "BTC/USDT"}', MAX_ANALYZED_LIMIT, "BTC/USDT"),
    ],
)
def test_analyzed_df_limit_defaults_to_and_is_clamped_at_1500(data: str | None, limit: int, pair: str | None) -> None:
    text = '{"type": "analyzed_df"}' if data is None else f'{{"type": "analyzed_df", "data": {data}}}'
    request = parse_request(text)
    assert request.type is RequestType.ANALYZED_DF
    assert (request.limit, request.pair) == (limit, pair)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ('{"limit": 0}', "limit must be a positive integer, got 0"),
        ('{"limit": -1}', "limit must be a positive integer, got -1"),
        ('{"limit": "5"}', "limit must be a positive integer, got '5'"),
        ('{"limit": 2.5}', "limit must be a positive integer, got 2.5"),
        ('{"limit": true}', "limit must be a positive integer, got True"),
        ('{"pair": 7}', "pair must be a pair name, got 7"),
        ('{"pair": ""}', "pair must be a pair name, got ''"),
        ("[3]", "data must be an object"),
    ],
)
def test_analyzed_df_bad_options_are_refused(data: str, fragment: str) -> None:
    with pytest.raises(WsProtocolError) as info:
        parse_request(f'{{"type": "analyzed_df", "data": {data}}}')
    assert fragment in info.value.text


# ---- frames ------------------------------------------------------------------------------------
def test_entry_frame_is_flat_like_freqtrades() -> None:
    fields = {k: v for k, v in FREQTRADE_ENTRY.items() if k != "type"}
    fields["open_date"] = datetime(2026, 11, 25, 6, 19, 31, 113294, tzinfo=UTC)
    frame = encode_message(messages.trade_event(MessageType.ENTRY, fields))
    assert isinstance(frame, bytes)
    assert json.loads(frame) == FREQTRADE_ENTRY


def test_data_messages_carry_type_and_data() -> None:
    assert json.loads(encode_message(messages.new_candle("BTC/USDT", "5m"))) == {
        "type": "new_candle",
        "data": ["BTC/USDT", "5m", "spot"],
    }
    assert json.loads(encode_message(messages.whitelist(["BTC/USDT", "ETH/USDT"]))) == {
        "type": "whitelist",
        "data": ["BTC/USDT", "ETH/USDT"],
    }


def test_error_frame_matches_freqtrades() -> None:
    assert json.loads(error_frame("Invalid request type: nonsense")) == {
        "type": "exception",
        "data": "Invalid request type: nonsense",
    }


def test_analyzed_df_frame_matches_freqtrades_bytes_for_the_same_frame() -> None:
    la = datetime.fromisoformat(FREQTRADE_LA)
    frame = json.loads(encode_message(messages.analyzed_df("BTC/USDT", "5m", "spot", freqtrade_frame(), la)))
    assert frame["type"] == "analyzed_df"
    assert frame["data"]["key"] == ["BTC/USDT", "5m", "spot"]
    assert frame["data"]["la"] == FREQTRADE_LA
    assert frame["data"]["df"] == {"__type__": "dataframe", "__value__": FREQTRADE_DF_VALUE}


def test_dataframe_dates_are_epoch_ms_and_missing_values_null() -> None:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-01 00:00", None, "2026-01-01 00:10"], utc=True),
            "close": [1.5, np.nan, 3.0],
            "age": pd.to_timedelta(["1s", "2s", None]),
        }
    )
    split = json.loads(dataframe_json(df))
    assert split["columns"] == ["date", "close", "age"]
    assert split["data"] == [[1767225600000, 1.5, 1000], [None, None, 2000], [1767226200000, 3.0, None]]
    assert df["date"].dtype.kind == "M", "the caller's frame is left untouched"


def test_complete_date_and_duration_columns_are_whole_milliseconds_even_under_a_shared_name() -> None:
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-01 00:00:00.0019", "2026-01-01 00:05:00.0000"], utc=True),
            "close": [1.5, 2.5],
            "age": pd.to_timedelta(["1.9ms", "2s"]),
        }
    )
    df.columns = ["x", "close", "x"]
    split = json.loads(dataframe_json(df))
    assert split["columns"] == ["x", "close", "x"]
    assert split["data"] == [[1767225600001, 1.5, 1], [1767225900000, 2.5, 2000]]


def test_dataframe_round_trips_through_read_json() -> None:
    df = freqtrade_frame()
    decoded = pd.read_json(StringIO(dataframe_json(df)), orient="split")
    assert decoded.index.tolist() == [996, 997, 998]
    assert decoded["date"].tolist() == df["date"].dt.tz_convert(None).tolist()
    pd.testing.assert_series_equal(decoded["close"], df["close"])
    pd.testing.assert_series_equal(decoded["rsi"], df["rsi"])


def test_datetime_index_is_encoded_as_epoch_ms() -> None:
    df = pd.DataFrame({"close": [1.0, 2.0]}, index=pd.date_range("2026-01-01", periods=2, freq="1min", tz="UTC"))
    assert json.loads(dataframe_json(df))["index"] == [1767225600000, 1767225660000]


def test_pandas_timestamps_and_numpy_scalars_encode() -> None:
    payload: dict[str, Any] = {"at": pd.Timestamp("2026-01-01 00:00:00.5", tz="UTC"), "n": np.int64(3), "x": np.nan}
    assert json.loads(encode(payload)) == {"at": "2026-01-01T00:00:00.500000+00:00", "n": 3, "x": None}


def test_unencodable_payload_raises_type_error() -> None:
    with pytest.raises(TypeError, match="not JSON serializable: object"):
        encode_message(Message(MessageType.STATUS, {"status": object()}))
