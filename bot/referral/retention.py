"""The retention purge (run by `make run`): drafts and conversations are not kept for ever.

* Idle drafts: owners are warned, then the drafts are deleted, and the conversation each
  was answered in is redacted (no stored event keeps the answers).
* Idle conversations: erased (events and key) after `PREVENT_CONVERSATION_RETENTION_DAYS`
  (default 30) without a message.

python -m bot.referral.retention            # once
python -m bot.referral.retention --every 3600
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime, timedelta

from bot.services import Services, services
from bot.store.conversations import conversations_of, unlink_draft
from bot.store.db import DraftRow, session_scope, utcnow
from bot.store.leader import Leadership

log = logging.getLogger("bot.referral.retention")


def _due_for_purge(url: str, retention_days: int, now: datetime) -> list[str]:
    """Ids of the open drafts `DraftStore.purge` is about to delete (same rule)."""
    with session_scope(url) as session:
        rows = session.query(DraftRow.id).filter(
            DraftRow.status.in_(("draft", "ready")),
            DraftRow.updated_at < now - timedelta(days=retention_days),
        )
        return [draft_id for (draft_id,) in rows]


def purge_once(now: datetime | None = None, deps: Services | None = None) -> dict[str, int]:
    """One round of every purge, with `deps` (default: the process's own services)."""
    deps = deps or services()
    config = deps.config
    now = now or utcnow()
    due = _due_for_purge(config.database_url, config.draft_retention_days, now)
    links = conversations_of(config.database_url, due)
    report = deps.drafts.purge(config.draft_retention_days, config.draft_warning_days, now=now)
    vault = deps.vault
    redacted = 0
    for draft_id, conversation in links.items():
        redacted += vault.redact(conversation)
        unlink_draft(config.database_url, draft_id)
    erased = vault.purge_idle(config.conversation_retention_days, now)
    log.info(
        "retention: %d warned, %d drafts purged (%d events redacted), %d idle conversations erased",
        report.warned,
        report.purged,
        redacted,
        erased,
    )
    concerns = deps.concerns  # concerns: school retention and review dates
    purged = concerns.purge_expired(config.concern_retention_days)
    reminders = concerns.remind_due_reviews()
    log.info("concerns: %d purged, %d review reminder(s)", purged, reminders)
    files = deps.pickups.purge_expired(now)  # expired download links: the files go too
    log.info("downloads: %d expired file(s) deleted", files)
    return {
        "pickups_purged": files,
        "warned": report.warned,
        "purged": report.purged,
        "erased": erased,
        "concerns_purged": purged,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=0, help="seconds between runs (0: once)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    deps = services()  # built once, from this process's settings
    leadership = Leadership(deps.config.database_url, "purge")  # one purge of N replicas
    while True:
        if leadership.lead():
            purge_once(deps=deps)
        if not args.every:
            return
        time.sleep(args.every)


if __name__ == "__main__":
    main()
