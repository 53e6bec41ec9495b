"""Rasa SDK actions: thin adapters that read the tracker, call the core and utter the result.

The action server (`rasa run actions --actions bot.actions`) imports every module here.
No wording lives in this package: whole replies are domain responses, policy comes from
`guidance/` through `bot.guidance`, and the pieces an action composes (button titles, list
lines) from `guidance/interface.yml` (`actions:`) through `bot.wording.phrase`
(tests/actions/test_wording.py checks). Forms share one base (`form_base.FormBase`) for
answers, retries, interruptions and resuming; confirm hands over to
`bot.delivery.submit.submit`.

Every action returns at least one event (at least `last_answer`, an id): an action that
returns none is how the safety-net policy recognises one that failed on the way.
"""

from bot.actions import auth as _auth

_auth.register()  # every request from Rasa must carry the shared secret (bot.actions.auth)
