"""M5: behind the HTTPS proxy the web chat's sign-in limit counts each client, not the proxy.

Every client reaches the web chat through the proxy README requires, so counting the socket
peer put every member of staff in one bucket: ten wrong codes a minute from anywhere locked
every school out of sign-in. `trust_x_forwarded_for: true` (default off) counts the address
the proxy appended last. The channel's own blueprint is served by Sanic on loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from bot.channels.webchat import WebChatInput
from bot.ratelimit import client_address
from tests.helpers.servers import ROOT, free_port

SERVER = """
import sys
from sanic import Sanic
from bot.channels.webchat import WebChatInput

async def on_new_message(message):
    return None

channel = WebChatInput.from_credentials(
    {"enrol_rate": "2/60", "trust_x_forwarded_for": sys.argv[2] == "trust"}
)
app = Sanic("webchat_proxy_test")
app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/webchat")
app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False, motd=False)
"""


@contextmanager
def _webchat(tmp_path, mode: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREVENT_VAR_DIR": str(tmp_path / "var")}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port), mode],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/webhooks/webchat"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _enrol(base: str, forwarded: str) -> int:
    request = urllib.request.Request(
        base + "/enrol",
        data=json.dumps({"code": "WRNG-WRNG-WRNG"}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_forwarded_address_is_trusted_only_when_configured():
    assert client_address("10.0.0.1", "1.2.3.4, 203.0.113.7", True) == "203.0.113.7"
    assert client_address("10.0.0.1", "1.2.3.4, 203.0.113.7", False) == "10.0.0.1"
    assert client_address("10.0.0.1", "", True) == "10.0.0.1"
    assert not WebChatInput.from_credentials({}).trust_forwarded_for
    assert WebChatInput.from_credentials({"trust_x_forwarded_for": True}).trust_forwarded_for


def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(tmp_path):
    with _webchat(tmp_path, "trust") as base:
        codes = [_enrol(base, f"10.9.9.{n}, 203.0.113.7") for n in range(3)]
        assert codes[:2] != [429, 429] and codes[2] == 429  # forged first entries: one client
        assert _enrol(base, "198.51.100.9") != 429  # another member of staff still signs in


def test_without_the_option_the_header_is_ignored(tmp_path):
    with _webchat(tmp_path, "peer") as base:
        codes = [_enrol(base, f"198.51.100.{n}") for n in range(3)]
        assert codes[2] == 429  # everyone is the peer: a client cannot name itself
