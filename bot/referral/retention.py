"""The retention purge: warn owners of idle drafts, then delete them (run by `make run`).

python -m bot.referral.retention            # once
python -m bot.referral.retention --every 3600
"""

from __future__ import annotations

import argparse
import logging
import time

from bot.config import get_config
from bot.referral.drafts import get_store
from bot.store.leader import Leadership

log = logging.getLogger("bot.referral.retention")


def purge_once() -> None:
    config = get_config()
    report = get_store().purge(config.draft_retention_days, config.draft_warning_days)
    log.info("retention: %d warned, %d purged", report.warned, report.purged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=0, help="seconds between runs (0: once)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    leadership = Leadership(get_config().database_url, "purge")  # one purge of N replicas
    while True:
        if leadership.lead():
            purge_once()
        if not args.every:
            return
        time.sleep(args.every)


if __name__ == "__main__":
    main()
