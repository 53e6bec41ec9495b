"""`python -m bot.review`: serve the review app on 127.0.0.1:PREVENT_REVIEW_PORT (8060).

Put HTTPS in front of it (a reverse proxy terminating TLS) for anything but local use; the
app's cookies are Secure unless PREVENT_REVIEW_SECURE_COOKIES=false.
"""

from __future__ import annotations

import logging
import sys

from bot.review.inbox_key import InboxKeyError
from bot.review.settings import ReviewSettings, SettingsError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = ReviewSettings.from_process_environment()
    except SettingsError as exc:
        print(f"Review app not started: {exc}", file=sys.stderr)
        return 2

    from aiohttp import web

    from bot.review.app import REVIEW, create_app

    try:
        app = create_app(settings)
    except InboxKeyError as exc:
        print(f"Review app not started: {exc}", file=sys.stderr)
        return 2
    review = app[REVIEW]
    review.sessions.purge_expired()
    accounts = review.accounts.count()
    print(
        f"Prevent review app on http://{settings.host}:{settings.port} "
        f"(inbox certificate SHA-256 {review.key.fingerprint}; {accounts} account(s))",
        flush=True,
    )
    if not accounts:
        print(
            "No accounts yet: create the first admin with "
            "`python -m bot.review.accounts create NAME --role admin`.",
            flush=True,
        )
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
