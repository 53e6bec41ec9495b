"""Action server authentication: every call from Rasa carries a shared secret.

Why: rasa-sdk's action server has no authentication of its own, and actions trust the
sender id in the request body. Anyone who can reach the port could post a forged tracker
for a known sender id and get that person's drafts decrypted back. So every request
except `GET /health` must carry `X-Prevent-Action-Token` (endpoints.yml sets it on Rasa's
side from `PREVENT_ACTION_SERVER_TOKEN`); a missing or wrong value gets 401 before the
body is even parsed, so nothing is decrypted or run. The comparison is constant time.

rasa-sdk 3.6 attaches Sanic extensions through its pluggy hook
(`rasa_sdk.plugin.attach_sanic_app_extensions`), called by `rasa_sdk.endpoint.run` after
the actions package is imported; `register()` (run when `bot.actions` is imported)
adds this module to that plugin manager. The server also binds 127.0.0.1 unless
`SANIC_HOST` says otherwise (rasa-sdk's own default is every interface).
"""

from __future__ import annotations

import hmac
import logging
import sys
from typing import Any

import pluggy

from bot.config import bind_action_server_to_loopback

HEADER = "X-Prevent-Action-Token"
#: Answers without the secret: says only that the server is up (tests and supervisors).
OPEN_PATHS = frozenset({"/health"})

hookimpl = pluggy.HookimplMarker("rasa_sdk")
_log = logging.getLogger("bot.actions.auth")

# Read by rasa_sdk.endpoint.run() after the actions package is imported.
bind_action_server_to_loopback()


def is_authorised(given: str | None, expected: str) -> bool:
    """Constant-time comparison of the header's value with the secret."""
    return hmac.compare_digest((given or "").encode(), expected.encode())


@hookimpl
def attach_sanic_app_extensions(app: Any) -> None:
    """Every request but `/health` needs the secret; refuses to start without one."""
    from sanic import response

    from bot.config import action_server_token

    expected = action_server_token()  # raises (server does not start) if unusable

    @app.on_request
    async def require_secret(request: Any) -> Any:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if is_authorised(request.headers.get(HEADER), expected):
            return None
        _log.warning("refused an action server request without the right secret")
        return response.json({"error": "unauthorised"}, status=401)

    _log.info("action server requests need the %s header", HEADER)


def register() -> None:
    """Add this module's hook to rasa-sdk's plugin manager (once per process)."""
    from rasa_sdk.plugin import plugin_manager

    manager = plugin_manager()
    module = sys.modules[__name__]
    if not manager.is_registered(module):
        manager.register(module)
