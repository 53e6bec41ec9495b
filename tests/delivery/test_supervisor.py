"""`make run`'s supervisor with real processes: tables first, restarts with backoff, clean stop.

The delivery worker run here is the real one (`python -m bot.delivery.worker`) against a
loopback SMTP server; it is killed with SIGKILL and must come back, beating its heartbeat
again (the confirm path's "is a worker alive?").
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy
from aiosmtpd.controller import Controller

from bot import supervisor as sup
from bot.delivery import heartbeat
from tests.helpers.servers import ROOT, free_port
from tests.helpers.smtp import RecordingInbox

MASTER = "v1:" + "A" * 43 + "="


def _wait(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_tables_exist_before_any_process_starts(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    sup.create_tables(url)
    names = set(sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names())
    assert {
        "drafts",
        "notices",
        "outbox",
        "pickups",
        "referral_routes",
        "referral_updates",
        "worker_heartbeats",
        "invites",
        "members",
    } <= names


def test_a_failing_program_is_restarted_with_backoff_and_a_clean_exit_is_not(caplog):
    failing = sup.Program("failing", (sys.executable, "-c", "raise SystemExit(3)"))
    done = sup.Program("done", (sys.executable, "-c", "pass"))
    steady = sup.Program("steady", (sys.executable, "-c", "import time; time.sleep(60)"))
    supervisor = sup.Supervisor([failing, done, steady], cwd=ROOT)
    caplog.set_level(logging.INFO, logger="bot.supervisor")
    supervisor.start_all()
    try:
        by_name = {r.program.name: r for r in supervisor.running}
        started = time.monotonic()
        # Dies at once, restarted after 1 s, dies, restarted after 2 s, dies again.
        while len(by_name["failing"].history) < 3 and time.monotonic() - started < 30:
            assert supervisor.poll()
            time.sleep(0.05)
        took = time.monotonic() - started
        assert by_name["failing"].history[:3] == [3, 3, 3]
        assert by_name["failing"].restarts == 3 and took >= 3.0  # 1 s + 2 s of backoff
        assert by_name["failing"].backoff == 8  # doubling
        assert by_name["done"].process is None or by_name["done"].process.wait(10) == 0
        supervisor.poll()
        assert by_name["done"].history == [0] and by_name["done"].finished
        assert by_name["steady"].process is not None and by_name["steady"].history == []
        assert "failing died (exit code 3" in caplog.text
        assert "restarting in 1 s (restart 1)" in caplog.text
        assert "restarting in 2 s (restart 2)" in caplog.text
        steady_process = by_name["steady"].process
    finally:
        supervisor.stop_all(grace=5)
    assert steady_process.poll() is not None  # stopped, not left running


def test_the_real_delivery_worker_killed_is_restarted_and_beats_again(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'prevent.db'}"
    sup.create_tables(url)
    port = free_port()
    controller = Controller(RecordingInbox(), hostname="127.0.0.1", port=port)
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
        "PREVENT_DELIVERY_EVERY_SECONDS": "0.3",
    }
    worker = next(p for p in sup.programs("model.tar.gz", False, env) if "worker" in p.name)
    assert worker.argv[-2:] == ("--every", "0.3")  # PREVENT_DELIVERY_EVERY_SECONDS kept
    supervisor = sup.Supervisor([worker], cwd=ROOT, env=env)
    stop = threading.Event()

    def loop() -> None:
        supervisor.start_all()
        while not stop.is_set() and supervisor.poll():
            time.sleep(0.1)

    thread = threading.Thread(target=loop, daemon=True)
    alive = timedelta(seconds=2)
    try:
        assert not heartbeat.is_alive(url, alive)  # nothing beats yet: no "on its way"
        thread.start()
        assert _wait(lambda: heartbeat.is_alive(url, alive)), "the worker never beat"
        running = supervisor.running[0]
        first_pid = running.process.pid
        os.killpg(first_pid, signal.SIGKILL)
        assert _wait(lambda: running.restarts == 1 and running.process is not None)
        assert running.process.pid != first_pid and running.history == [-signal.SIGKILL]
        killed_at = heartbeat.last_beat(url)
        assert _wait(lambda: heartbeat.last_beat(url) > killed_at), "no beat after the restart"
    finally:
        stop.set()
        thread.join(10)
        supervisor.stop_all(grace=5)
        controller.stop()
    assert _wait(lambda: not heartbeat.is_alive(url, alive), timeout=5)


def test_programs_keep_the_settings_make_run_always_read():
    env = {
        "ACTION_SERVER_PORT": "6055",
        "RASA_PORT": "6005",
        "RASA_INTERFACE": "127.0.0.2",
        "PREVENT_PURGE_EVERY_SECONDS": "60",
        "PREVENT_PUSH_EVERY_SECONDS": "7",
    }
    found = {p.name: p.argv for p in sup.programs("m.tar.gz", False, env, python="py")}
    assert found["action server"][-2:] == ("--port", "6055")
    assert found["rasa"][-4:] == ("--port", "6005", "--interface", "127.0.0.2")
    assert found["draft purge"][-1] == "60" and found["push"][-1] == "7"
    assert found["delivery worker"][-1] == "10"
    shell = {p.name: p for p in sup.programs("m.tar.gz", True, {}, python="py")}
    assert shell["rasa shell"].foreground and "rasa" not in shell
    assert shell["rasa shell"].argv[:4] == ("py", "-m", "rasa", "shell")
