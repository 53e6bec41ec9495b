"""Starts the real action server and Rasa server on free loopback ports for a test."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def trained_model() -> Path:
    """The model for the current data (trains once per data hash, see scripts/model.py)."""
    out = subprocess.run(
        [PYTHON, "scripts/model.py"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    # stdout is the path alone (`make run` passes it to the server as typed): a line of
    # training output there would reach `rasa run -m` as part of the model's path
    path = out.stdout.strip()
    assert path and "\n" not in path, f"scripts/model.py printed more than a path: {path!r}"
    return ROOT / path


def wait_http(url: str, deadline: float, proc: subprocess.Popen, log: Path) -> None:
    """Until `url` answers; fails early, with the log's tail, if the process exits."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not come up; log:\n{log.read_text()[-4000:]}")


@dataclass
class Assistant:
    """A running assistant: its REST webhook and the folder holding its data and logs."""

    rest_url: str
    var_dir: Path
    env: dict[str, str]
    pids: dict[str, int] = field(default_factory=dict)
    port: int = 0
    action_port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def say(self, sender: str, message: str, timeout: float = 60) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            self.rest_url, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return json.loads(response.read() or b"[]")


@contextmanager
def running_assistant(
    model: Path,
    var_dir: Path,
    extra_env: dict[str, str] | None = None,
    with_actions: bool = True,
    credentials: Path | None = None,
) -> Iterator[Assistant]:
    """Run both servers until the block ends; logs go to var_dir/*.log.

    With `with_actions=False` the action server is not started (its port stays closed),
    to show what a user sees when it is down. `credentials` replaces credentials.yml (to
    switch on a channel under test).
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "PREVENT_VAR_DIR": str(var_dir),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB_DIALECT": "sqlite",
        "TRACKER_DB": str(var_dir / "tracker.db"),
        "TRACKER_DB_HOST": "",
        "TRACKER_DB_USER": "",
        "TRACKER_DB_PASSWORD": "",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONPATH": str(ROOT),
        "PREVENT_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}",
        # Both servers hold the same secret (bot/actions/auth.py), fresh for each run.
        "PREVENT_ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
        **(extra_env or {}),
    }
    action_log, rasa_log = var_dir / "actions.log", var_dir / "rasa.log"
    procs: list[subprocess.Popen] = []
    try:
        with action_log.open("a") as alog, rasa_log.open("a") as rlog:
            actions = None
            if with_actions:
                actions = subprocess.Popen(
                    [
                        PYTHON,
                        "-m",
                        "rasa_sdk",
                        "--actions",
                        "bot.actions",
                        "--port",
                        str(action_port),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=alog,
                    stderr=subprocess.STDOUT,
                )
                procs.append(actions)
            rasa = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "rasa",
                    "run",
                    "-m",
                    str(model),
                    "--endpoints",
                    "endpoints.yml",
                    "--credentials",
                    str(credentials or "credentials.yml"),
                    "--port",
                    str(rasa_port),
                    "-i",
                    "127.0.0.1",
                ],
                cwd=ROOT,
                env=env,
                stdout=rlog,
                stderr=subprocess.STDOUT,
            )
            procs.append(rasa)
            deadline = time.monotonic() + 240
            if actions is not None:
                wait_http(f"http://127.0.0.1:{action_port}/health", deadline, actions, action_log)
            wait_http(f"http://127.0.0.1:{rasa_port}/", deadline, rasa, rasa_log)
            pids = {"rasa": rasa.pid, **({"actions": actions.pid} if actions else {})}
            yield Assistant(
                f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
                var_dir,
                env,
                pids,
                rasa_port,
                action_port,
            )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
