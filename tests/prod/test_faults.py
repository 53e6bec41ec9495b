"""Faults survived by the production profile, with real processes on loopback: PostgreSQL,
Redis, haproxy, two Rasa replicas, two action servers and two delivery workers, started
once for the module by scripts/prod.py (as `make prod` does).

* a Rasa replica killed under load: the other serves through haproxy; no conversation loses
  or reorders a turn (the client retries at most the one turn that was in flight);
* Redis down: turns refused (not served out of order), served again when it is back;
* PostgreSQL restarted in the middle of a confirm: the referral arrives exactly once;
* SMTP down, then up: the referral arrives afterwards, once;
* a delivery worker killed mid-send while another runs: the referral arrives once.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bot.wording import phrase
from tests.helpers.pki import make_inbox
from tests.helpers.servers import free_port
from tests.helpers.smtp import RecordingInbox
from tests.helpers.vtr_answers import VTR_ANSWERS, draft_to_summary, text_of
from tests.prod.services import require

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from prod import Profile  # noqa: E402

pytestmark = [pytest.mark.prod, pytest.mark.servers]


class Inbox(RecordingInbox):
    """Recording inbox whose RCPT step can be made slow (a send in progress)."""

    def __init__(self) -> None:
        super().__init__()
        self.slow_rcpt = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.slow_rcpt:
            await asyncio.sleep(self.slow_rcpt)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def count(self, reference: str) -> int:
        return Counter(self.message_ids())[f"<{reference}@prevent-assistant.invalid>"]


class Smtp:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def up(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Client:
    """A REST client of the load balancer, as a chat channel would be."""

    def __init__(self, url: str) -> None:
        self.url = url

    def say(self, sender: str, message: str, timeout: float = 60) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            return json.loads(reply.read() or b"[]")


@pytest.fixture(scope="module")
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.up()
    yield server
    server.down()


@pytest.fixture(scope="module")
def prod(model_path, smtp, tmp_path_factory) -> Iterator[Profile]:
    require("redis-server", "haproxy")
    # Not under pytest's private tmp: the PostgreSQL server runs as `postgres` under root.
    var = Path(tempfile.mkdtemp(prefix="prevent-prod-"))
    os.chmod(var, 0o711)  # noqa: S103 - the server user only passes through to prod/pg
    keys = make_inbox(var / "prevent-team")
    profile = Profile(
        model=str(model_path),
        replicas=2,
        var_dir=var,
        rasa_port=free_port(),
        action_port=free_port(),
        pg_port=free_port(),
        redis_port=free_port(),
        metrics_base_port=free_port(),
        movable_ports=True,  # replicas on free ports, moved if one is taken at start-up
        extra_env={
            "PREVENT_SMTP_HOST": "127.0.0.1",
            "PREVENT_SMTP_PORT": str(smtp.port),
            "PREVENT_SMTP_SECURITY": "none",
            "PREVENT_DELIVERY_BACKOFF_SECONDS": "1",
            "PREVENT_DELIVERY_STALE_SECONDS": "4",
            "PREVENT_DELIVERY_MAX_ATTEMPTS": "50",
            "PREVENT_INBOX_CERTS": str(keys.cert_file),
            "PREVENT_INBOX_ADDRESS": "prevent@essex.pnn.police.uk",
            "PREVENT_MIGRATE_ON_START": "",  # the profile migrates once, like make prod
        },
        jobs=True,
        extras=False,
    )
    try:
        profile.start(timeout=400)
        yield profile
    finally:
        profile.stop()
        # the processes' logs stay with pytest's temporary files, for a failure's post-mortem
        shutil.copytree(profile.logs, tmp_path_factory.mktemp("prod-logs"), dirs_exist_ok=True)
        shutil.rmtree(var, ignore_errors=True)


def user_turns(prod: Profile, senders: list[str]) -> dict[str, list[str]]:
    """The user messages stored for each conversation, in tracker order (read in a
    subprocess with the profile's keys and database)."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("dump_turns.py")), *senders],
        cwd=ROOT, env=prod.env(), capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(done.stdout)


MESSAGES = [
    "hello", "what is prevent?", "what is channel?", "do I need consent to refer?",
    "where do I send the referral form?", "who is the prevent lead in essex?",
    "what happens after a referral?", "does a referral go on their criminal record?",
]


def test_a_replica_killed_under_load_loses_and_reorders_no_turn(prod) -> None:
    client = Client(prod.url)
    senders = [f"load-{i}-{uuid.uuid4().hex[:6]}" for i in range(8)]
    turns = 8
    retried: Counter = Counter()
    failures: list[str] = []

    def conversation(sender: str) -> None:
        for t in range(turns):
            message = f"{MESSAGES[t % len(MESSAGES)]} ({t})"
            for _attempt in range(10):  # a failed turn is sent again (it may have run)
                try:
                    if client.say(sender, message, timeout=30):
                        break
                except (urllib.error.URLError, OSError):
                    pass
                retried[sender] += 1
                time.sleep(1)
            else:
                failures.append(f"{sender} turn {t}")

    threads = [threading.Thread(target=conversation, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    time.sleep(3)
    prod.rasa[0].kill()  # kill -9 one replica mid-load
    for thread in threads:
        thread.join(240)
    assert not failures
    stored = user_turns(prod, senders)
    for sender in senders:
        expected = [f"{MESSAGES[t % len(MESSAGES)]} ({t})" for t in range(turns)]
        got = stored[sender]
        deduplicated = [m for i, m in enumerate(got) if i == 0 or m != got[i - 1]]
        assert deduplicated == expected, (sender, got)  # nothing lost, nothing reordered
        assert len(got) - len(expected) <= retried[sender]  # only a retried turn repeats
    prod.rasa[0].start()  # back for the next tests
    prod.rasa[0].wait_ready(300)


def test_redis_down_refuses_turns_and_serves_them_when_back(prod) -> None:
    client = Client(prod.url)
    sender = f"redis-{uuid.uuid4().hex[:6]}"
    assert client.say(sender, "what is prevent?")
    prod.redis.stop()
    try:
        refused: list[tuple[int, str]] = []
        for _ in range(3):
            try:
                refused.append((200, json.dumps(client.say(sender, "what is channel?", 30))))
            except urllib.error.HTTPError as exc:
                refused.append((exc.code, exc.read().decode("utf-8", "replace")))
        # 503 every time: from a replica, which refused the turn and says "busy, send it
        # again" (bot.channels.refusals), or from haproxy once no replica is ready
        assert [status for status, _ in refused] == [503, 503, 503], refused
        busy = phrase("common.busy")
        from_replicas = [json.loads(body) for _, body in refused if body.startswith("[")]
        assert from_replicas, refused  # the first came at once, before haproxy's checks
        assert all(body == [{"recipient_id": sender, "text": busy}] for body in from_replicas)
    finally:
        prod.redis.start()
        prod.redis.wait_ready(20)
    deadline = time.monotonic() + 30
    while True:
        try:
            if client.say(sender, "what is channel? (again)"):
                break
        except urllib.error.HTTPError:
            pass
        assert time.monotonic() < deadline, "not served again after Redis came back"
        time.sleep(1)
    logs = "".join(p.log.read_text(errors="replace") for p in prod.rasa)
    assert "Turn refused: the lock store (redis) cannot be reached" in logs
    stored = user_turns(prod, [sender])[sender]
    assert stored[0] == "what is prevent?" and stored[-1] == "what is channel? (again)"
    assert "what is channel?" not in stored  # refused turns were not half-served


def _wait_delivered(smtp: Smtp, reference: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while smtp.inbox.count(reference) == 0:
        assert time.monotonic() < deadline, f"{reference} not delivered"
        time.sleep(0.5)
    time.sleep(3)  # any duplicate would arrive in this time (workers poll every 2 s)


def _reference(replies: list[dict]) -> str | None:
    import re

    found = re.search(r"\(reference ([^,\s)]+)", text_of(replies))
    return found.group(1) if found else None


ANSWERS = {**VTR_ANSWERS, "first name": "Zebedee", "surname": "Quillfeather"}


def test_postgres_restarted_in_the_middle_of_a_confirm_delivers_once(prod, smtp) -> None:
    client = Client(prod.url)
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    draft_to_summary(client, sender, ANSWERS)
    replies: list = []
    prod.postgres.stop("fast")
    thread = threading.Thread(target=lambda: replies.append(_try(client, sender, "yes")))
    thread.start()
    time.sleep(2)
    prod.postgres.start()
    thread.join(90)
    # the replica waited for the database (PREVENT_DB_RETRY_SECONDS) instead of answering
    # from an empty tracker: the confirm went through once it was back
    reference = _reference(replies[0] or [])
    assert reference, f"no receipt after the database came back: {replies}"
    _wait_delivered(smtp, reference)
    assert smtp.inbox.count(reference) == 1


def _try(client: Client, sender: str, message: str) -> list[dict] | None:
    try:
        return client.say(sender, message, timeout=60)
    except (urllib.error.URLError, OSError):
        return None


def _queue(prod: Profile, reference: str) -> None:
    code = (
        "import sys; from bot.delivery import enqueue; "
        "enqueue(sys.argv[1], b'Content-Type: application/pkcs7-mime\\r\\n\\r\\nAAAA\\r\\n', "
        "['prevent@essex.pnn.police.uk'], sys.argv[2], 'VTR referral', 'bot@x.example')"
    )
    subprocess.run([sys.executable, "-c", code, prod.postgres.url, reference], cwd=ROOT,
                   env=prod.env(), check=True, timeout=60)


def test_smtp_down_then_up_delivers_once(prod, smtp) -> None:
    reference = f"VTR-SMTP-{uuid.uuid4().hex[:6]}"
    smtp.down()
    try:
        _queue(prod, reference)
        time.sleep(6)  # several failed attempts meanwhile
        assert smtp.inbox.count(reference) == 0
    finally:
        smtp.up()
    _wait_delivered(smtp, reference, timeout=60)
    assert smtp.inbox.count(reference) == 1


def test_a_worker_killed_mid_send_with_two_running_delivers_once(prod, smtp) -> None:
    reference = f"VTR-KILL-{uuid.uuid4().hex[:6]}"
    smtp.inbox.slow_rcpt = 6.0  # the send stays in progress long enough to kill it
    try:
        _queue(prod, reference)
        holder = _wait_claimed(prod, reference)
        victim = next(w for w in prod.workers if w.proc and w.proc.pid == holder)
        victim.kill()
        smtp.inbox.slow_rcpt = 0.0
    finally:
        smtp.inbox.slow_rcpt = 0.0
    _wait_delivered(smtp, reference, timeout=60)
    assert smtp.inbox.count(reference) == 1
    victim.start()


def _wait_claimed(prod: Profile, reference: str) -> int:
    """The pid of the worker process that claimed the row."""
    code = (
        "import sys, sqlalchemy as sa; e = sa.create_engine(sys.argv[1]); "
        "print(e.connect().execute(sa.text('select claimed_by from outbox where reference = "
        ":r and status = :s'), {'r': sys.argv[2], 's': 'sending'}).scalar() or '')"
    )
    deadline = time.monotonic() + 30
    while True:
        out = subprocess.run([sys.executable, "-c", code, prod.postgres.url, reference],
                             capture_output=True, text=True, check=True).stdout.strip()
        if out:
            return int(out.split("#")[0].split(":")[1])
        assert time.monotonic() < deadline, "no worker claimed the referral"
        time.sleep(0.3)


def _scrape(url: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout  # a process just restarted may still be starting
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 - loopback
                return reply.read().decode()
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _total(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_after_a_conversation_carry_no_personal_data(prod) -> None:
    client = Client(prod.url)
    sender = f"metrics-{uuid.uuid4().hex[:8]}"
    before = sum(
        _total(_scrape(f"http://127.0.0.1:{r.port}/webhooks/ops/metrics"),
               "prevent_turns_total", channel="rest")
        for r in prod.rasa
    )
    secret = "Yusuf Blackwood has a knife in his bag and says he will stab someone today"
    assert client.say(sender, secret)
    assert client.say(sender, "what is channel?")
    scraped = [_scrape(f"http://127.0.0.1:{r.port}/webhooks/ops/metrics") for r in prod.rasa]
    after = sum(_total(t, "prevent_turns_total", channel="rest") for t in scraped)
    assert after - before == 2
    assert sum(_total(t, "prevent_turn_seconds_count", channel="rest") for t in scraped) >= 2
    assert sum(_total(t, "prevent_risk_outcomes_total", outcome="emergency") for t in scraped) >= 1
    for status in ("live", "ready"):
        for replica in prod.rasa:
            assert _scrape(f"http://127.0.0.1:{replica.port}/webhooks/ops/{status}")
    worker = next(w for w in prod.workers if w.alive())
    port = int(worker.env["PREVENT_METRICS_PORT"])
    jobs = _scrape(f"http://127.0.0.1:{port}/metrics")
    assert _total(jobs, "prevent_outbox_depth", status="sent") >= 1  # the earlier tests'
    assert "prevent_dead_letters" in jobs and "prevent_push_backlog" in jobs
    assert _scrape(f"http://127.0.0.1:{port}/ready")
    everything = "".join(scraped) + jobs
    for personal in (sender, "Yusuf", "Blackwood", "knife", "VTR-"):
        assert personal not in everything
