"""The delivery worker process (started by `make run` when SMTP is configured).

python -m bot.delivery.worker --every 10
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.config import Config
from bot.delivery.heartbeat import beat as record_worker_alive
from bot.delivery.outbox import DeliveryWorker, OutcomeHook, SmtpConfigError, SmtpSettings
from bot.metrics import (
    beat,
    health_port,
    heartbeat_readiness,
    register_database_gauges,
    serve_health,
)
from bot.referral.updates import UnknownReference, add_update
from bot.services import services

log = logging.getLogger("bot.delivery.worker")


def smtp_settings(config: Config) -> SmtpSettings | None:
    """The relay from the settings; None without `PREVENT_SMTP_HOST`. The sender is the
    one `PREVENT_SMTP_SENDER` the referrals are signed from (`Config.inbox_sender`)."""
    if not config.smtp_host:
        return None
    return SmtpSettings(
        host=config.smtp_host,
        port=config.smtp_port,
        security=config.smtp_security,
        username=config.smtp_user,
        password=config.smtp_password,
        sender=config.inbox_sender,
    )


def tell_referrer(updates_key: bytes) -> OutcomeHook:
    """News of delivery for the referrer's chat (a referral sent by other means has none)."""

    def hook(session: Session, reference: str, kind: str, details: dict[str, str]) -> None:
        try:
            with session.begin_nested():
                add_update(session, updates_key, reference, kind, **details)
        except UnknownReference:
            log.info("no referrer route for %s", reference)

    return hook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=0, help="seconds between runs (0: once)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    deps = services()  # built once, from this process's settings
    config = deps.config
    try:
        smtp = smtp_settings(config)
    except SmtpConfigError as exc:  # fail closed, with the reason, before any connection
        log.error("refusing to start: %s", exc)
        raise SystemExit(2) from exc
    if smtp is None:
        log.info("no PREVENT_SMTP_HOST: nothing to deliver to")
        return
    worker = DeliveryWorker(
        config.database_url,
        smtp,
        max_attempts=config.delivery_max_attempts,
        backoff=timedelta(seconds=config.delivery_backoff_seconds),
        # a send still "in progress" after this long was cut short (the worker died): retry
        stale_after=timedelta(seconds=config.delivery_stale_seconds),
        on_outcome=tell_referrer(deps.updates_key),
        # rows one worker claims at a time; several workers share the queue (outbox.py)
        batch=config.delivery_batch,
    )
    log.info(
        "delivery worker started: %s every %ss, from %s",
        smtp,
        args.every or "once",
        smtp.sender,
    )
    port = health_port()
    if port is not None:  # /live, /ready (a round within 3 intervals), /metrics
        register_database_gauges(config.database_url)
        serve_health(port, heartbeat_readiness("delivery", max(60.0, 3 * args.every)))
    while True:
        try:
            # The confirm path checks this row before telling a DSL "on its way".
            record_worker_alive(config.database_url)
            counts = worker.run_once()
        except Exception as exc:  # noqa: BLE001 - the database is restarting: next round
            if not args.every:
                raise
            log.error("delivery round failed: %s", type(exc).__name__)
            counts = {}
        else:
            beat("delivery")
        if any(counts.values()):
            log.info("delivery: %(sent)d sent, %(retry)d to retry, %(dead)d dead", counts)
        if not args.every:
            return
        time.sleep(args.every)


if __name__ == "__main__":
    main()
