"""Log lines cannot be forged through logged values, and a flood of one message is collapsed."""

from __future__ import annotations

import io
import logging

from ftserver.log_filters import RepeatCollapser, SafeFormatter, escape_controls
from ftserver.logs import FORMAT, LogBuffer

FORGED = "2026-01-01 00:00:00,000 - ftserver.api.ban - WARNING - Failed login from 203.0.113.9"


def test_escape_controls_makes_every_line_break_and_control_character_visible() -> None:
    text = "a\nb\rc\td\x00e\x1bf\x7fg\x85h\u2028i\u2029j\u202ek\x0bl\x0cm\x1cn"
    escaped = escape_controls(text)
    assert escaped == "a\\nb\\rc\\td\\x00e\\x1bf\\x7fg\\x85h\\u2028i\\u2029j\\u202ek\\x0bl\\x0cm\\x1cn"
    assert len(escaped.splitlines()) == 1
    assert escape_controls("BTC/USDT pässword ✓ C:\\path") == "BTC/USDT pässword ✓ C:\\path"


def format_with(formatter: logging.Formatter, *records: logging.LogRecord) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    for record in records:
        handler.handle(record)
    return stream.getvalue()


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("ftserver.api.access", logging.INFO, __file__, 1, msg, args, exc_info)


def test_safe_formatter_keeps_a_logged_value_with_newlines_on_one_line() -> None:
    out = format_with(SafeFormatter(FORMAT), record("GET %s 404", "/x\n" + FORGED), record(f"f-string {FORGED}\r\n"))
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("GET /x\\n" + FORGED + " 404")
    assert not any(line.startswith(FORGED[:10]) and "ftserver.api.ban" in line for line in lines)


def raise_chained() -> None:
    try:
        raise KeyError("inner\n" + FORGED)
    except KeyError as inner:
        raise ValueError("outer\n" + FORGED) from inner


def test_safe_formatter_tracebacks_keep_their_frames_but_not_forged_lines() -> None:
    try:
        raise_chained()
    except ValueError as exc:
        out = format_with(SafeFormatter(FORMAT), record("request failed", exc=exc))
    lines = out.splitlines()
    assert lines[0].endswith("request failed")
    assert lines[1] == "Traceback (most recent call last):"
    assert any(line.startswith("  File ") and "raise_chained" in line for line in lines)
    assert "The above exception was the direct cause of the following exception:" in lines
    assert "ValueError: outer\\n" + FORGED in lines
    assert "KeyError: 'inner\\n" + FORGED + "'" in lines
    assert not any(line.startswith(FORGED[:4]) for line in lines[1:])


def test_log_buffer_entries_are_escaped() -> None:
    buffer = LogBuffer(10)
    buffer.handle(record("WebSocket %s: %s", "127.0.0.1", "Unknown type x\n" + FORGED))
    assert buffer.entries()[0][4] == "WebSocket 127.0.0.1: Unknown type x\\n" + FORGED


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_repeat_collapser_lets_a_burst_through_then_counts_the_rest() -> None:
    clock = FakeClock()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RepeatCollapser(handler, window=10, burst=3, clock=clock))
    for n in range(1000):
        handler.handle(record("socket.accept() out of system resource %d", n))
    handler.handle(record("another message"))
    assert stream.getvalue().splitlines() == [
        "INFO socket.accept() out of system resource 0",
        "INFO socket.accept() out of system resource 1",
        "INFO socket.accept() out of system resource 2",
        "INFO another message",
    ]
    clock.now += 10
    handler.handle(record("socket.accept() out of system resource %d", 1000))
    assert stream.getvalue().splitlines()[4:] == [
        'INFO Message "socket.accept() out of system resource %d" repeated 997 more times within 10 s (not logged)',
        "INFO socket.accept() out of system resource 1000",
    ]


def test_repeat_collapser_remembers_a_bounded_number_of_templates() -> None:
    clock = FakeClock()
    handler = LogBuffer(5000)
    collapser = RepeatCollapser(handler, window=10, burst=1, max_tracked=100, clock=clock)
    handler.addFilter(collapser)
    for n in range(3000):
        handler.handle(record(f"distinct message {n}"))
    assert collapser.tracked == 100
    assert len(handler) == 3000
