"""What stands between a log call and a log line: control characters escaped, floods collapsed.

A log line is read by people and by programs (fail2ban bans addresses on the lines
``ftserver.api.ban`` writes). Request paths, headers, WebSocket message types and pair names come
from outside, so a newline in one of them would let a client write a line of its choosing. Rather
than trusting every call site to escape, the formatter escapes control characters in every
rendered message and in every exception message of a traceback: one record is one line, plus the
traceback's own lines, whose frames come from our code.

A client that can make the server log something (a refused connection, a malformed request) can
make it log that thing thousands of times a second, pushing every useful line out of the
``/api/v1/logs`` buffer and filling the disk. :class:`RepeatCollapser` lets ``burst`` records of one
logger, level and message template through per ``window`` seconds, drops the rest, and then says
how many it dropped.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

# C0 controls, DEL, C1 controls (NEL included), the Unicode line/paragraph separators, and the
# bidirectional overrides that can make a line read differently from what it holds.
_UNSAFE = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES = {code: _NAMED.get(chr(code)) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") for code in _UNSAFE}


def escape_controls(text: str) -> str:
    """``text`` with every control or line-breaking character written as a visible escape."""
    if text.isprintable():  # the common case: nothing to do (every unsafe character is non-printable)
        return text
    return text.translate(_ESCAPES)


def format_exception_safely(exc: BaseException) -> str:
    """A traceback like :func:`traceback.format_exception`, but each exception's message is one line.

    Frames (file, line, source) come from our code and keep their lines; the message of each
    exception in the chain may hold a client's input and is escaped.
    """
    parts: list[str] = []
    _format_chain(exc, parts, seen=set())
    return "".join(parts).rstrip("\n")


def _format_chain(exc: BaseException, parts: list[str], *, seen: set[int]) -> None:
    seen.add(id(exc))
    cause, context = exc.__cause__, exc.__context__
    if cause is not None and id(cause) not in seen:
        _format_chain(cause, parts, seen=seen)
        parts.append("\nThe above exception was the direct cause of the following exception:\n\n")
    elif context is not None and not exc.__suppress_context__ and id(context) not in seen:
        _format_chain(context, parts, seen=seen)
        parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    if exc.__traceback__ is not None:
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exc.__traceback__))
    # One chunk per line of the exception's own description (several only for a SyntaxError's
    # location and caret); a newline inside a chunk came from the exception's message.
    for chunk in traceback.format_exception_only(type(exc), exc):
        parts.append(escape_controls(chunk.rstrip("\n")) + "\n")
    if isinstance(exc, BaseExceptionGroup):
        for number, inner in enumerate(exc.exceptions, 1):
            parts.append(f"  +---- sub-exception {number} of {len(exc.exceptions)} ----\n")
            nested: list[str] = []
            _format_chain(inner, nested, seen=seen)
            parts.extend("  | " + line + "\n" for line in "".join(nested).rstrip("\n").split("\n"))


class SafeFormatter(logging.Formatter):
    """The standard formatter with client-controlled text kept to one line per record."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        # format() sets record.message afresh from msg % args before each call, so escaping the
        # attribute here changes nothing another handler sees.
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: object) -> str:
        exc = ei[1] if isinstance(ei, tuple) and len(ei) == 3 else None
        if isinstance(exc, BaseException):
            return format_exception_safely(exc)
        return super().formatException(ei)  # type: ignore[arg-type]


@dataclass
class _Run:
    started: float
    passed: int = 1
    dropped: int = 0


class RepeatCollapser(logging.Filter):
    """Per handler: at most ``burst`` records of one (logger, level, template) per ``window`` seconds.

    A template's window starts with its first record. When a window in which records were dropped
    has passed, the next record through this filter (of any kind) is preceded by one line saying
    how many. At most ``max_tracked`` templates are remembered; the oldest goes first (its count
    reported if it had one). The summary line is handed straight to the handler, so one filter
    instance belongs to one handler.
    """

    def __init__(
        self,
        handler: logging.Handler,
        *,
        window: float = 10.0,
        burst: int = 20,
        max_tracked: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._handler = handler
        self._window = window
        self._burst = burst
        self._max_tracked = max_tracked
        self._clock = clock
        self._runs: OrderedDict[tuple[str, int, str], _Run] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def tracked(self) -> int:
        """How many templates are remembered now."""
        return len(self._runs)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_ftserver_summary", False):
            return True
        summaries: list[logging.LogRecord] = []
        with self._lock:  # worker threads (asyncio.to_thread) log too
            now = self._clock()
            self._collect_finished(now, summaries)
            key = (record.name, record.levelno, str(record.msg))
            run = self._runs.get(key)
            if run is None:
                self._runs[key] = _Run(started=now)
                while len(self._runs) > self._max_tracked:
                    old_key, old_run = self._runs.popitem(last=False)
                    summaries.extend(self._summary(old_key, old_run, now))
                passed = True
            elif run.passed < self._burst:
                run.passed += 1
                passed = True
            else:
                run.dropped += 1
                passed = False
        for summary in summaries:
            self._handler.handle(summary)
        return passed

    def flush(self) -> None:
        """Report every run that dropped records (called when logging is set up again)."""
        with self._lock:
            now = self._clock()
            summaries = [s for key, run in self._runs.items() for s in self._summary(key, run, now)]
            self._runs.clear()
        for summary in summaries:
            self._handler.handle(summary)

    def _collect_finished(self, now: float, summaries: list[logging.LogRecord]) -> None:
        # Runs are kept in the order they started, so the finished ones are at the front.
        while self._runs:
            key, run = next(iter(self._runs.items()))
            if now - run.started < self._window:
                return
            del self._runs[key]
            summaries.extend(self._summary(key, run, now))

    @staticmethod
    def _summary(key: tuple[str, int, str], run: _Run, now: float) -> list[logging.LogRecord]:
        if not run.dropped:
            return []
        name, level, template = key
        summary = logging.LogRecord(
            name,
            level,
            __file__,
            0,
            'Message "%.120s" repeated %d more times within %.0f s (not logged)',
            (template, run.dropped, max(now - run.started, 0.0)),
            None,
        )
        summary._ftserver_summary = True
        return [summary]
