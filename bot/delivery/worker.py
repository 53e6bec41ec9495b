"""The delivery worker process (started by `make run` when SMTP is configured).

python -m bot.delivery.worker --every 10
"""

from __future__ import annotations

import argparse
import logging
import os
import time

from bot.config import get_config
from bot.delivery.outbox import DeliveryWorker, SmtpSettings

log = logging.getLogger("bot.delivery.worker")


def smtp_from_environment() -> SmtpSettings | None:
    host = os.environ.get("PREVENT_SMTP_HOST", "").strip()
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(os.environ.get("PREVENT_SMTP_PORT", "587")),
        security=os.environ.get("PREVENT_SMTP_SECURITY", "starttls"),
        username=os.environ.get("PREVENT_SMTP_USER", ""),
        password=os.environ.get("PREVENT_SMTP_PASSWORD", ""),
        sender=os.environ.get("PREVENT_SMTP_SENDER", "prevent-assistant@localhost"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=0, help="seconds between runs (0: once)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    smtp = smtp_from_environment()
    if smtp is None:
        log.info("no PREVENT_SMTP_HOST: nothing to deliver to")
        return
    worker = DeliveryWorker(get_config().database_url, smtp)
    while True:
        counts = worker.run_once()
        if any(counts.values()):
            log.info("delivery: %(sent)d sent, %(retry)d to retry, %(dead)d dead", counts)
        if not args.every:
            return
        time.sleep(args.every)


if __name__ == "__main__":
    main()
