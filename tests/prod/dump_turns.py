"""Print, as JSON, the user messages stored for each sender id given, in tracker order.

Run with the environment of a running profile (its database and keys): the fault tests
read what the replicas stored without sharing the test process's key cache.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered

from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore


async def main(senders: list[str]) -> None:
    store = EncryptedSQLTrackerStore(
        domain=Domain.load("domain"), dialect="postgresql", url=os.environ["TRACKER_DB_HOST"],
        db="", username="", password="",
    )
    found = {}
    for sender in senders:
        tracker = await store.retrieve_full_tracker(sender)
        events = tracker.events if tracker is not None else []
        found[sender] = [e.text for e in events if isinstance(e, UserUttered)]
    print(json.dumps(found))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
