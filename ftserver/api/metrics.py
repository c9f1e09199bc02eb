"""``GET /metrics``: Prometheus text format (prometheus-client), for a read-role user or API token.

Each app has its own registry (no process-wide default registry), so two apps in one process (tests)
never share figures. Request counts and latencies come from a middleware, labelled by the route as
declared (bounded cardinality: ``/api/v1/trade/{tradeid}``, not one series per trade id); everything
else is read when scraped: the bot through the RPC facade, the WebSocket hub, the message bus, and
what the loop, its exchange ports and the trade database recorded as they worked (``core.instruments``).

Series:
- ``ftserver_api_requests_total{method,route,status}``, ``ftserver_api_request_duration_seconds{method,route}``
- ``ftserver_bot_state{state}`` (1 for the current state), ``ftserver_open_trades``, ``ftserver_max_open_trades``,
  ``ftserver_stake_in_trades``, ``ftserver_profit_closed``, ``ftserver_profit_open`` (stake currency),
  ``ftserver_trades_closed_total{exit_reason}``, ``ftserver_last_process_age_seconds``,
  ``ftserver_storage_writable``, ``ftserver_trades_opened_total{enter_tag}`` (since start),
  ``ftserver_loop_iteration_duration_seconds``, ``ftserver_exchange_call_duration_seconds{method}``,
  ``ftserver_exchange_errors_total{method,error}``, ``ftserver_db_write_duration_seconds`` (trade mode only)
- ``ftserver_ws_connections``, ``ftserver_ws_frames_sent_total``, ``ftserver_ws_frames_pending``,
  ``ftserver_ws_slow_disconnects_total``
- ``ftserver_bus_published_total``, ``ftserver_bus_subscribers``, ``ftserver_bus_dropped_total``,
  ``ftserver_bus_disconnected_total``, ``ftserver_ws_hub_bus_dropped_total``
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from aiohttp import web
from aiohttp.typedefs import Handler
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from ftserver.api import keys
from ftserver.api.openapi import Operation, RouteTable
from ftserver.api.openapi.route import declaration_of
from ftserver.core.clock import Clock
from ftserver.core.instruments import LATENCY_BUCKETS, Durations, Instruments
from ftserver.errors import FtServerError
from ftserver.rpc.shapes.money import ExitPerformance, Profit

METRICS_PATH = "/metrics"
BOT_STATES = ("running", "paused", "stopped")


class _ServerCollector(Collector):
    """Figures read at scrape time from the RPC facade, the WebSocket hub and the bus."""

    def __init__(self, app: web.Application, clock: Clock) -> None:
        self._app = app
        self._clock = clock
        # Figures only async RPC verbs give (profit, exit reasons): read by ``refresh`` before each scrape.
        self._profit: Profit | None = None
        self._exits: list[ExitPerformance] = []

    async def refresh(self) -> None:
        rpc = self._app[keys.RPC]
        if not rpc.trading:
            return
        try:
            self._profit = await rpc.profit()
            self._exits = await rpc.exits()
        except FtServerError:  # the database cannot be read now: leave these series out
            self._profit, self._exits = None, []

    def collect(self) -> Iterator[Metric]:
        yield from self._bot()
        if self._app[keys.RPC].trading:
            yield from _measured(self._app[keys.INSTRUMENTS])
        hub = self._app[keys.WS_HUB].stats()
        yield GaugeMetricFamily("ftserver_ws_connections", "WebSocket clients served", value=hub["connections"])
        yield CounterMetricFamily("ftserver_ws_frames_sent", "WebSocket frames sent", value=hub["frames_sent"])
        yield GaugeMetricFamily("ftserver_ws_frames_pending", "WebSocket frames queued", value=hub["frames_pending"])
        yield CounterMetricFamily(
            "ftserver_ws_slow_disconnects", "WebSocket clients dropped as too slow", value=hub["slow_disconnects"]
        )
        yield CounterMetricFamily(
            "ftserver_ws_hub_bus_dropped", "Bus messages the WebSocket hub's queue dropped", value=hub["bus_dropped"]
        )
        bus = self._app[keys.BUS].stats()
        yield CounterMetricFamily("ftserver_bus_published", "Messages published on the bus", value=bus.published)
        yield GaugeMetricFamily("ftserver_bus_subscribers", "Bus subscriptions", value=bus.subscribers)
        yield CounterMetricFamily("ftserver_bus_dropped", "Bus messages dropped for full queues", value=bus.dropped)
        yield CounterMetricFamily(
            "ftserver_bus_disconnected", "Bus subscribers disconnected for falling behind", value=bus.disconnected
        )

    def _bot(self) -> Iterator[Metric]:
        rpc = self._app[keys.RPC]
        if not rpc.trading:
            return  # webserver mode: no bot
        state = rpc.show_config().state
        family = GaugeMetricFamily("ftserver_bot_state", "1 for the bot's current state", labels=["state"])
        for name in BOT_STATES:
            family.add_metric([name], 1.0 if state == name else 0.0)
        yield family
        count = rpc.count()
        yield GaugeMetricFamily("ftserver_open_trades", "Open trades", value=count.current)
        yield GaugeMetricFamily("ftserver_max_open_trades", "Most open trades allowed", value=count.max)
        yield GaugeMetricFamily("ftserver_stake_in_trades", "Stake held by open trades", value=count.total_stake)
        if self._profit is not None:
            closed = self._profit.profit_closed_coin
            yield GaugeMetricFamily("ftserver_profit_closed", "Realized profit of closed trades", value=closed)
            unrealized = self._profit.profit_all_coin - closed
            yield GaugeMetricFamily("ftserver_profit_open", "Unrealized profit of open trades", value=unrealized)
        reasons = CounterMetricFamily("ftserver_trades_closed", "Closed trades by exit reason", labels=["exit_reason"])
        for row in self._exits:
            reasons.add_metric([row.exit_reason], float(row.count))
        yield reasons
        try:
            health = rpc.health()
        except FtServerError:  # the database cannot be written
            yield GaugeMetricFamily("ftserver_storage_writable", "1 while trades can be recorded", value=0)
            return
        yield GaugeMetricFamily("ftserver_storage_writable", "1 while trades can be recorded", value=1)
        last = health.last_process_ts
        if isinstance(last, int):
            age = max(0.0, self._clock.now().timestamp() - last)
            yield GaugeMetricFamily(
                "ftserver_last_process_age_seconds", "Seconds since the trading loop last finished", value=age
            )


def _bound(seconds: float) -> str:
    return "+Inf" if seconds == float("inf") else repr(float(seconds))


def _histogram(name: str, documentation: str, durations: Durations, labels: list[str]) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, documentation, labels=labels)
    for values, series in durations.series().items():
        buckets = [(_bound(bound), float(count)) for bound, count in series.cumulative(durations.buckets)]
        family.add_metric(list(values), buckets, sum_value=series.total)
    return family


def _measured(figures: Instruments) -> Iterator[Metric]:
    """What the loop, the exchange ports' wrapper and the database recorded as they worked."""
    yield _histogram(
        "ftserver_loop_iteration_duration_seconds", "Trading loop iteration time", figures.loop_iterations, []
    )
    yield _histogram(
        "ftserver_exchange_call_duration_seconds",
        "Time of the bot's calls to the exchange, by method (count: calls)",
        figures.exchange_calls,
        ["method"],
    )
    errors = CounterMetricFamily(
        "ftserver_exchange_errors", "Exchange calls that failed, by method and error", labels=["method", "error"]
    )
    for (method, error), count in figures.exchange_errors.counts().items():
        errors.add_metric([method, error], float(count))
    yield errors
    yield _histogram(
        "ftserver_db_write_duration_seconds", "Trade database write transaction time", figures.db_writes, []
    )
    opened = CounterMetricFamily(
        "ftserver_trades_opened", "Trades opened since the server started, by enter tag", labels=["enter_tag"]
    )
    for (tag,), count in figures.trades_opened.counts().items():
        opened.add_metric([tag], float(count))
    yield opened


def setup_metrics(app: web.Application, clock: Clock) -> None:
    """Install the request metrics middleware and route ``GET /metrics``; call after ``setup_audit``
    and before the UI's catch-all route."""
    registry = CollectorRegistry(auto_describe=False)
    requests = Counter(
        "ftserver_api_requests", "API requests answered", ["method", "route", "status"], registry=registry
    )
    latency = Histogram(
        "ftserver_api_request_duration_seconds",
        "API request handling time",
        ["method", "route"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    collector = _ServerCollector(app, clock)
    registry.register(collector)

    # Each series' child, found once: ``labels()`` costs a lock and a lookup on every request (about
    # 1.4 µs of the 2.2 the two series took). Bounded like the series: declared routes x methods x statuses.
    timers: dict[tuple[str, str], Histogram] = {}
    counters: dict[tuple[str, str, int], Counter] = {}

    @web.middleware
    async def metrics_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        response = await handler(request)
        elapsed = time.perf_counter() - started
        declaration = declaration_of(request.match_info.route)
        route = declaration.canonical if declaration is not None else "other"
        timer = timers.get((request.method, route))
        if timer is None:
            timer = timers[(request.method, route)] = latency.labels(request.method, route)
        timer.observe(elapsed)
        counter = counters.get((request.method, route, response.status))
        if counter is None:
            counter = counters[(request.method, route, response.status)] = requests.labels(
                request.method, route, str(response.status)
            )
        counter.inc()
        return response

    # Just inside the request log: it counts the statuses the client got, and the time of every layer.
    app.middlewares.insert(1, metrics_middleware)

    routes = RouteTable()

    @routes.get(
        METRICS_PATH,
        op=Operation(
            "metrics",
            "Prometheus metrics (text format)",
            None,
            description="Needs the read role: a read-role user or API token (Prometheus' bearer_token).",
        ),
    )
    async def metrics(request: web.Request) -> web.Response:
        await collector.refresh()
        body = generate_latest(registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    routes.register(app)
