"""Rasa SDK actions: thin adapters that read the tracker, call the core and utter the result.

The action server (`rasa run actions --actions bot.actions`) imports every module here.
No policy wording lives in this package: text comes from domain responses and from
`guidance/` through `bot.guidance`.

Every action returns at least one event (at least `last_answer`, an id): an action that
returns none is how the safety-net policy recognises one that failed on the way.
"""

from bot.actions import auth as _auth

_auth.register()  # every request from Rasa must carry the shared secret (bot.actions.auth)
