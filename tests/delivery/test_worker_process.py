"""The real worker process, killed mid-send and restarted: the referral still arrives once.

A loopback SMTP server (aiosmtpd) holds the first connection in the middle of the SMTP
transaction; the worker is killed with SIGKILL there, so nothing it would do on a clean
shutdown happens. The restarted worker finds the row still "sending", waits until it is
stale, and sends it again with the same Message-ID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller

from bot.delivery import SENT, enqueue, receipt
from bot.referral.updates import ReferrerUpdates, load_updates_key
from bot.store.crypto import KeyRing
from tests.helpers.servers import ROOT, free_port

ENVELOPE = (
    b"MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; "
    b"name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\nTUlJQ0lDQ0lBUkU=\r\n"
)
MASTER = "v1:" + "A" * 43 + "="


class StallingInbox:
    """Accepts mail, but holds the first transaction at RCPT until released."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.first_rcpt = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        import asyncio

        if not self.first_rcpt.is_set():
            self.first_rcpt.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.delivery.worker", "--every", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_a_worker_killed_mid_send_and_restarted_delivers_exactly_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'prevent.db'}"
    inbox, port = StallingInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PREVENT_VAR_DIR": str(tmp_path),
        "PREVENT_DATABASE_URL": url,
        "PREVENT_MASTER_KEYS": MASTER,
        "PREVENT_SMTP_HOST": "127.0.0.1",
        "PREVENT_SMTP_PORT": str(port),
        "PREVENT_SMTP_SECURITY": "none",
        "PREVENT_DELIVERY_STALE_SECONDS": "2",
        "PREVENT_DELIVERY_BACKOFF_SECONDS": "1",
    }
    updates = ReferrerUpdates(url, KeyRing.parse(MASTER), b"pepper" * 6, load_updates_key(tmp_path))
    updates.register("VTR-KILL0001", "dsl-1", "rest")
    enqueue(url, ENVELOPE, ["prevent@essex.pnn.police.uk"], "VTR-KILL0001", "VTR", "bot@x.example")
    log = tmp_path / "worker.log"
    first = _worker(env, log)
    try:
        assert inbox.first_rcpt.wait(30), log.read_text()
        os.killpg(first.pid, signal.SIGKILL)  # mid-transaction, no clean-up at all
        first.wait(10)
        assert receipt(url, "VTR-KILL0001").status == "sending"
        inbox.release.set()
        second = _worker(env, log)
        try:
            deadline = time.monotonic() + 30
            while receipt(url, "VTR-KILL0001").status != SENT and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)  # a duplicate, if there were one, would come now
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(10)
    finally:
        inbox.release.set()
        controller.stop()
    assert receipt(url, "VTR-KILL0001").status == SENT, log.read_text()
    assert len(inbox.messages) == 1
    assert message_from_bytes(inbox.messages[0])["Message-ID"] == (
        "<VTR-KILL0001@prevent-assistant.invalid>"
    )
    # ...and the referrer hears once that it arrived.
    assert [u.kind for u in updates.take_for("dsl-1")] == ["sent"]
