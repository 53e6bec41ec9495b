"""The Prevent team's review app: the only code that holds the inbox private key.

A separate web app (`python -m bot.review`, its own port) where Prevent staff sign in, see the
queue of sealed referrals, open one in memory, move it along the SET flowchart (SET 2.5,
SET 2.7), add encrypted notes and send the referrer news in their chat, with every view and
change in an append-only audit log.

Modules (the plain-Python ones import no web framework and are tested directly):

* `settings`: the environment, read once;
* `inbox_key`: loads and checks the encrypted private key and its certificate;
* `accounts` (+ CLI), `sessions`, `audit`, `workflow`, `notes`, `cases`: the core;
* `web_security`, `app`, `__main__`: the aiohttp app and its HTTP defences.

Nothing is imported here, so `import bot.review.accounts` does not pull in aiohttp.
"""
