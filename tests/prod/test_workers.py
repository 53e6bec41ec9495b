"""Several delivery workers at once (real processes) on one PostgreSQL outbox: every
referral reaches the inbox exactly once, and the workers share the queue."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bot.delivery import SENT, DeliveryWorker, SmtpSettings, enqueue
from bot.delivery.outbox import OutboxRow
from bot.store.db import session_scope, utcnow
from tests.helpers.servers import free_port
from tests.helpers.smtp import RecordingInbox
from tests.prod.pg import new_pg_database

ROOT = Path(__file__).resolve().parents[2]
ENVELOPE = (
    b"MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; "
    b"name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\nTUlJQ0lDQ0lBUkU=\r\n"
)


class SlowInbox(RecordingInbox):
    """Takes a moment per message, so that two workers overlap."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(0.03)
        return await super().handle_DATA(server, session, envelope)


def queue(url: str, count: int) -> list[str]:
    references = [f"VTR-W{n:03d}" for n in range(count)]
    for reference in references:
        enqueue(url, ENVELOPE, ["prevent@essex.pnn.police.uk"], reference, "s", "bot@x.example")
    return references


def start_worker(url: str, smtp_port: int, var_dir: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.delivery.worker", "--every", "0.2"],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PREVENT_VAR_DIR": str(var_dir),
            "PREVENT_DATABASE_URL": url,
            "PREVENT_SMTP_HOST": "127.0.0.1",
            "PREVENT_SMTP_PORT": str(smtp_port),
            "PREVENT_SMTP_SECURITY": "none",
            "PREVENT_DELIVERY_BATCH": "3",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def statuses(url: str) -> Counter:
    with session_scope(url) as session:
        return Counter(status for (status,) in session.execute(sa.select(OutboxRow.status)))


@pytest.fixture()
def inbox():
    handler = SlowInbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.mark.prod
def test_two_worker_processes_send_each_referral_exactly_once(postgres_url, inbox, tmp_path):
    handler, port = inbox
    url = new_pg_database(postgres_url, "workers")
    references = queue(url, 40)
    workers = [start_worker(url, port, tmp_path) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while statuses(url)[SENT] < len(references):
            assert time.monotonic() < deadline, f"not all sent: {statuses(url)}"
            for worker in workers:
                assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(10)
    sent = Counter(handler.message_ids())
    assert sorted(sent) == sorted(f"<{r}@prevent-assistant.invalid>" for r in references)
    assert set(sent.values()) == {1}, [m for m, n in sent.items() if n > 1]
    with session_scope(url) as session:
        claims = session.execute(sa.select(OutboxRow.claimed_by)).scalars()
        holders = {claim.split("#")[0] for claim in claims}  # worker id # claim
    assert len(holders) == 2  # both workers took part


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_claims_never_hand_one_row_to_two_workers(backend, request, tmp_path):
    """Many claims racing in threads (no SMTP): the claimed sets are disjoint."""
    from concurrent.futures import ThreadPoolExecutor

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'outbox.db'}"
    else:
        url = new_pg_database(request.getfixturevalue("postgres_url"), "claims")
    queue(url, 30)
    settings = SmtpSettings("127.0.0.1", 1, security="none")
    workers = [DeliveryWorker(url, settings, batch=4) for _ in range(4)]
    now = utcnow() + timedelta(seconds=1)

    def drain(worker: DeliveryWorker) -> list[str]:
        taken: list[str] = []
        for _ in range(20):
            for attempt in range(50):
                try:
                    taken += worker._claim_due(now)
                    break
                except sa.exc.OperationalError:  # SQLite: busy, another writer holds it
                    time.sleep(0.01 * (attempt + 1))
        return taken

    with ThreadPoolExecutor(4) as pool:
        claimed = list(pool.map(drain, workers))
    everything = [row for rows in claimed for row in rows]
    assert len(everything) == 30
    assert len(set(everything)) == 30  # no row claimed twice
