"""Prometheus metrics and health endpoints for every process of the assistant.

What is measured, and the only labels used (no sender id, text, reference or address
ever appears in a label: labels come from fixed sets):

* ``prevent_turns_total{channel}``: user messages handled (channel: rest, webchat, ...).
* ``prevent_turn_seconds{channel}``: how long a turn took at the Rasa server (histogram).
* ``prevent_risk_outcomes_total{outcome}``: immediate-risk replies (emergency, police)
  and triage outcomes, as the bot said them.
* ``prevent_outbox_depth{status}``, ``prevent_dead_letters``, ``prevent_push_backlog``:
  read from the database at scrape time (worker processes).
* ``prevent_time_to_delivery_seconds``: from queuing a sealed referral to the SMTP
  server accepting it (histogram, delivery workers).
* ``prevent_job_last_success_timestamp{job}``: the heartbeat of the periodic jobs.

Rasa replicas serve them at ``/webhooks/ops/metrics`` (`bot.channels.ops`); the action
server, delivery workers, push and purge with `serve_health` on ``PREVENT_METRICS_PORT``
(``/live``, ``/ready``, ``/metrics``). Scrape every process, not the load balancer.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.config import get_config

log = logging.getLogger(__name__)

#: Channel names and outcomes are Rasa/channel identifiers; anything else is "other".
_LABEL = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
KNOWN_CHANNELS = {"rest", "webchat", "telegram", "teams", "files", "ops", "cmdline"}

TURNS = Counter("prevent_turns_total", "User messages handled", ["channel"])
TURN_SECONDS = Histogram(
    "prevent_turn_seconds",
    "Time to handle one user message at the Rasa server",
    ["channel"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30),
)
RISK_OUTCOMES = Counter(
    "prevent_risk_outcomes_total", "Immediate-risk replies and triage outcomes", ["outcome"]
)
TIME_TO_DELIVERY = Histogram(
    "prevent_time_to_delivery_seconds",
    "From queuing a sealed referral to the SMTP server accepting it",
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600),
)
JOB_HEARTBEAT = Gauge(
    "prevent_job_last_success_timestamp", "When a periodic job last finished a round", ["job"]
)


def safe_label(value: object, allowed: set[str] | None = None) -> str:
    """A label value from a fixed vocabulary; anything else (user input) is 'other'."""
    text = str(value or "")
    if allowed is not None:
        return text if text in allowed else "other"
    return text if _LABEL.match(text) else "other"


def count_turn(channel: str, seconds: float) -> None:
    label = safe_label(channel, KNOWN_CHANNELS)
    TURNS.labels(label).inc()
    TURN_SECONDS.labels(label).observe(seconds)


def count_outcome(outcome: str) -> None:
    RISK_OUTCOMES.labels(safe_label(outcome)).inc()


class DatabaseGauges(Collector):
    """Outbox depth by status, dead letters and the push backlog, read when scraped."""

    def __init__(self, url: str) -> None:
        self.url = url

    def collect(self):  # type: ignore[no-untyped-def]
        from sqlalchemy import func, select

        from bot.delivery.outbox import DEAD, OutboxRow
        from bot.referral.updates import ReferralUpdateRow
        from bot.store.db import session_scope

        depth = GaugeMetricFamily(
            "prevent_outbox_depth", "Outbox rows by status", labels=["status"]
        )
        dead = GaugeMetricFamily("prevent_dead_letters", "Referrals given up on (dead letters)")
        backlog = GaugeMetricFamily(
            "prevent_push_backlog", "News for referrers not yet delivered"
        )
        try:
            with session_scope(self.url) as session:
                counts = dict(
                    session.execute(
                        select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
                    ).all()
                )
                waiting = session.execute(
                    select(func.count()).where(ReferralUpdateRow.delivered_at.is_(None))
                ).scalar_one()
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the database
            log.warning("database gauges unavailable: %s", type(exc).__name__)
            return
        for status in ("queued", "sending", "sent", "dead"):
            depth.add_metric([status], counts.get(status, 0))
        dead.add_metric([], counts.get(DEAD, 0))
        backlog.add_metric([], waiting)
        yield depth
        yield dead
        yield backlog


_db_gauges: set[str] = set()


def register_database_gauges(url: str) -> None:
    if url not in _db_gauges:
        REGISTRY.register(DatabaseGauges(url))
        _db_gauges.add(url)


def metrics_text() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class _Handler(BaseHTTPRequestHandler):
    ready: Callable[[], tuple[bool, str]] = staticmethod(lambda: (True, "ok"))  # type: ignore[assignment]

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/metrics":
            body, kind = metrics_text()
            self._reply(200, body, kind)
        elif self.path == "/live":
            self._reply(200, b"ok\n", "text/plain")
        elif self.path == "/ready":
            ok, why = type(self).ready()
            self._reply(200 if ok else 503, f"{why}\n".encode(), "text/plain")
        else:
            self._reply(404, b"not found\n", "text/plain")

    def _reply(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # scrapes are not worth a log line
        return


def serve_health(
    port: int, ready: Callable[[], tuple[bool, str]] | None = None, host: str = "127.0.0.1"
) -> ThreadingHTTPServer:
    """/live, /ready and /metrics on a daemon thread (port 0: a free one)."""
    handler = type("Health", (_Handler,), {"ready": staticmethod(ready or (lambda: (True, "ok")))})
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="health").start()
    return server


def heartbeat_readiness(job: str, max_age: float) -> Callable[[], tuple[bool, str]]:
    """Ready while the job finished a round within `max_age` seconds (or has just started)."""
    started = time.time()

    def ready() -> tuple[bool, str]:
        last = JOB_HEARTBEAT.labels(job)._value.get() or started
        age = time.time() - last
        return (age <= max_age, f"{job}: last round {age:.0f} s ago")

    return ready


def beat(job: str) -> None:
    JOB_HEARTBEAT.labels(job).set(time.time())


def health_port() -> int | None:
    """`PREVENT_METRICS_PORT` (`Config.metrics_port`): unset means no endpoint."""
    return get_config().metrics_port
