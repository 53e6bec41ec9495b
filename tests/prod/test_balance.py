"""haproxy keeps each conversation on one Rasa replica while it is up.

With round robin, consecutive turns of one conversation alternated between replicas, so
each replica first read, decrypted and replayed the turns the other had served (and read
every conversation's whole session once per replica). Now the balancer hashes the
conversation (REST's sender, Telegram's chat, Teams' conversation, the web chat's
session token); a request naming none is still spread. Only an affinity: when a replica
goes, its conversations move to the others (the Redis turn lock and the tracker store's
per-turn database check keep them in order and never stale: tests/prod/test_faults.py).
Run against the real haproxy with stand-in replicas that say who they are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.prod.services import require, wait_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from prod import PY, Profile, free_ports  # noqa: E402

#: A stand-in replica: answers every POST with its own name, GET (the check) with 200.
REPLICA = (
    "import http.server, json, sys\n"
    "name, port = sys.argv[1], int(sys.argv[2])\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    protocol_version = 'HTTP/1.1'\n"
    "    def _send(self, body):\n"
    "        self.send_response(200); self.send_header('Content-Length', str(len(body)))\n"
    "        self.end_headers(); self.wfile.write(body)\n"
    "    def do_POST(self):\n"
    "        self.rfile.read(int(self.headers.get('Content-Length', 0)))\n"
    "        self._send(json.dumps(name).encode())\n"
    "    def do_GET(self):\n"
    "        self._send(b'ok')\n"
    "    def log_message(self, *a): pass\n"
    "http.server.ThreadingHTTPServer(('127.0.0.1', port), H).serve_forever()\n"
)


@pytest.fixture()
def balancer(tmp_path: Path) -> Iterator[tuple[Profile, list[subprocess.Popen]]]:
    require("haproxy")
    rasa_port, action_port = free_ports(2)
    profile = Profile(model="unused", replicas=3, var_dir=tmp_path, movable_ports=True,
                      rasa_port=rasa_port, action_port=action_port)
    replicas = [
        subprocess.Popen([PY, "-c", REPLICA, f"rasa{i}", str(port)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for i, port in enumerate(profile.rasa_ports)
    ]
    for port in profile.rasa_ports:  # up before haproxy's first check
        wait_port(port)
    config = tmp_path / "haproxy.cfg"
    config.write_text(profile.haproxy_config())
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    haproxy = subprocess.Popen([binary, "-f", str(config), "-db"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_port(profile.rasa_port)
        yield profile, replicas
    finally:
        for proc in (haproxy, *replicas):
            proc.kill()
            proc.wait(10)


def _served_by(profile: Profile, body: dict, headers: dict[str, str] | None = None) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{profile.rasa_port}/webhooks/any/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310 - loopback
        return json.loads(reply.read())


def test_each_conversation_stays_on_one_replica(balancer):
    profile, _ = balancer
    asks = {
        **{f"rest {i}": ({"sender": f"user-{i}", "message": "hi"}, None) for i in range(12)},
        **{f"telegram {i}": ({"message": {"chat": {"id": 4000 + i}, "text": "hi"}}, None)
           for i in range(4)},
        **{f"teams {i}": ({"conversation": {"id": f"a:conv{i}"}, "text": "hi"}, None)
           for i in range(4)},
        **{f"webchat {i}": ({"message": "hi"}, {"Authorization": f"Bearer token-{i}"})
           for i in range(4)},
    }
    served: dict[str, set[str]] = defaultdict(set)
    for _ in range(4):
        for name, (body, headers) in asks.items():
            served[name].add(_served_by(profile, body, headers))
    assert all(len(replicas) == 1 for replicas in served.values()), dict(served)
    assert len(set().union(*served.values())) == 3  # and conversations are spread


def test_a_replica_gone_moves_its_conversations_to_the_others(balancer):
    profile, replicas = balancer
    senders = [f"user-{i}" for i in range(12)]
    before = {s: _served_by(profile, {"sender": s}) for s in senders}
    gone = before[senders[0]]
    replicas[int(gone[-1])].kill()
    time.sleep(0.5)
    after = {s: _served_by(profile, {"sender": s}) for s in senders}  # retried elsewhere
    assert gone not in after.values()
    # the others' conversations stay where they were (consistent hashing)
    assert all(after[s] == before[s] for s in senders if before[s] != gone)
