"""The web chat's sign-in door (`POST /webhooks/webchat/enrol`) limits each client's attempts.

Invite codes and personal keys are short; without a limit in the server a script could guess
without end. The channel's own blueprint is served by a real Sanic server on loopback (no
model is needed for this door), as Rasa mounts it under /webhooks/webchat.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request

from tests.helpers.servers import ROOT, free_port, wait_http

SERVER = textwrap.dedent(
    """
    import sys
    from sanic import Sanic
    from bot.channels.webchat import WebChatInput

    async def on_new_message(message):
        return None

    channel = WebChatInput.from_credentials({"enrol_rate": "4/60"})
    app = Sanic("webchat_rate_limit_test")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/webchat")
    app.run(host="127.0.0.1", port=int(sys.argv[1]), workers=1, access_log=False)
    """
)


def _enrol(base: str, code: str) -> tuple[int, dict[str, str], dict]:
    request = urllib.request.Request(
        base + "/webhooks/webchat/enrol",
        json.dumps({"code": code}).encode(),
        {"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


def test_guessing_codes_is_rate_limited_per_client(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREVENT_VAR_DIR": str(tmp_path / "var"),
        "PREVENT_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'prevent.db'}",
    }
    (tmp_path / "var").mkdir()
    log = tmp_path / "webchat.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/webhooks/webchat/", time.monotonic() + 60, proc, log)
        answers = [_enrol(base, f"GUESS-{n:04d}-XXXX") for n in range(6)]
        assert [status for status, _, _ in answers] == [403, 403, 403, 403, 429, 429]
        status, headers, body = answers[-1]
        assert body["error"] == "too_many" and int(headers["Retry-After"]) > 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    assert "GUESS-" not in log.read_text()
