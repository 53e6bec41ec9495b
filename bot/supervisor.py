"""`make run`'s supervisor: start every process the assistant needs, keep them running.

    python -m bot.supervisor MODEL [--shell]

Why not bash background jobs: a process that died (the delivery worker racing another to
create the tables, a crash) stayed dead, unnoticed, while DSLs were told their referral was
on its way. Here:

* the tables are created once, before any process starts (no race on a fresh `var/`);
* the Rasa server, the action server, the delivery worker, the draft purge and the push
  sender are started; one that exits with an error (or a signal) is logged and restarted
  with a doubling backoff (1 s up to 60 s; back to 1 s once it has run a minute); one that
  exits cleanly (0: "nothing to do", e.g. no SMTP relay or no push channel configured) is
  logged and left stopped;
* Ctrl-C (SIGINT) or SIGTERM stops them all (SIGTERM, then SIGKILL after 10 s).

In `--shell` mode `rasa shell` runs in the foreground on this terminal; when it ends, all
the others are stopped. The settings are the environment's (scripts/env.sh): ports,
interfaces and the `PREVENT_*_EVERY_SECONDS` periods, as scripts/run.sh always read them.
Plain Python: no Rasa import here.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import process_environment

log = logging.getLogger("bot.supervisor")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
STABLE_AFTER = 60.0  # seconds of running that reset the backoff
STOP_GRACE = 10.0


@dataclass(frozen=True)
class Program:
    """One supervised process."""

    name: str
    argv: tuple[str, ...]
    foreground: bool = False  # keeps the terminal (rasa shell); its end stops everything
    #: Environment added for this program only (e.g. the action server's interface).
    env: tuple[tuple[str, str], ...] = ()


@dataclass
class _Running:
    program: Program
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = BACKOFF_FIRST
    restart_at: float | None = None
    finished: bool = False  # exited cleanly: not restarted
    history: list[int] = field(default_factory=list)  # exit codes, for tests and logs


def create_tables(database_url: str) -> None:
    """Create every table the bot's processes use, once, before any of them starts."""
    import bot.delivery.heartbeat  # noqa: F401 - each import registers its tables
    import bot.delivery.outbox  # noqa: F401
    import bot.delivery.pickup  # noqa: F401
    import bot.enrolment  # noqa: F401
    import bot.referral.updates  # noqa: F401
    from bot.store.db import session_scope

    with session_scope(database_url):
        pass  # session_scope creates what is missing


def _env_float(env: Mapping[str, str], name: str, default: float) -> str:
    value = (env.get(name) or "").strip()
    return value if value else str(default)


def programs(
    model: str, shell: bool, env: Mapping[str, str], python: str = sys.executable
) -> list[Program]:
    """What `make run` (or `make shell`) runs, with the settings from `env`."""
    actions = [python, "-m", "rasa_sdk", "--actions", "bot.actions"]
    actions += ["--port", env.get("ACTION_SERVER_PORT", "5055")]
    every = {
        "purge": _env_float(env, "PREVENT_PURGE_EVERY_SECONDS", 3600),
        "delivery": _env_float(env, "PREVENT_DELIVERY_EVERY_SECONDS", 10),
        "push": _env_float(env, "PREVENT_PUSH_EVERY_SECONDS", 5),
    }
    found = [
        # rasa-sdk reads its interface from SANIC_HOST: loopback unless configured.
        Program(
            "action server",
            tuple(actions),
            env=(("SANIC_HOST", env.get("ACTION_SERVER_INTERFACE", "") or "127.0.0.1"),),
        ),
        Program(
            "draft purge", (python, "-m", "bot.referral.retention", "--every", every["purge"])
        ),
        Program(
            "delivery worker", (python, "-m", "bot.delivery.worker", "--every", every["delivery"])
        ),
        # News for referrers on channels that can send first; exits 0 if none is set.
        Program("push", (python, "-m", "bot.channels.push", "--every", every["push"])),
    ]
    rasa = [python, "-m", "rasa"]
    if shell:
        found.append(
            Program(
                "rasa shell",
                (
                    *rasa, "shell", "-m", model, "--endpoints", "endpoints.yml",
                    "--interface", env.get("RASA_INTERFACE", "127.0.0.1") or "127.0.0.1",
                ),
                foreground=True,
            )
        )
    else:
        found.append(
            Program(
                "rasa",
                (
                    *rasa,
                    "run",
                    "-m",
                    model,
                    "--endpoints",
                    "endpoints.yml",
                    "--credentials",
                    env.get("PREVENT_CREDENTIALS", "") or "credentials.yml",
                    "--port",
                    env.get("RASA_PORT", "5005"),
                    "--interface",
                    env.get("RASA_INTERFACE", "127.0.0.1") or "127.0.0.1",
                ),
            )
        )
    return found


#: Rasa channels that take any sender id with no authentication.
UNAUTHENTICATED_CHANNELS = frozenset(
    {"rest", "socketio", "callback", "rasa", "bot.channels.rest.RestInput"}
)
#: Set to "true" to start anyway (e.g. a proxy that is known to block /webhooks/rest/).
ALLOW_PUBLIC_REST = "PREVENT_ALLOW_PUBLIC_REST"


def is_loopback(interface: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"; false for 0.0.0.0, :: and any other name."""
    host = (interface or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def rest_exposure(env: Mapping[str, str], root: Path) -> str | None:
    """Why `make run` must not start (REST reachable beyond loopback), or None if it may.

    REST (and Rasa's other unauthenticated channels) accept any sender id; loading them
    while Rasa listens on a public interface is fail-open (issue 11 review M6). The fix is
    `PREVENT_CREDENTIALS=credentials.production.yml`; `PREVENT_ALLOW_PUBLIC_REST=true`
    overrides the refusal for a deployment that blocks the REST path some other way.
    """
    interface = env.get("RASA_INTERFACE", "") or "127.0.0.1"
    if is_loopback(interface):
        return None
    if (env.get(ALLOW_PUBLIC_REST) or "").strip().lower() in ("1", "true", "yes"):
        return None
    import yaml

    name = env.get("PREVENT_CREDENTIALS", "") or "credentials.yml"
    path = Path(name) if Path(name).is_absolute() else root / name
    try:
        channels = set(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (OSError, yaml.YAMLError) as exc:
        return f"cannot read the credentials file {name} ({type(exc).__name__})"
    loaded = sorted(channels & UNAUTHENTICATED_CHANNELS)
    if not loaded:
        return None
    return (
        f"RASA_INTERFACE={interface} is not a loopback address, and {name} loads "
        f"{', '.join(loaded)}, which takes any sender id with no authentication. Use "
        "PREVENT_CREDENTIALS=credentials.production.yml (no REST), or RASA_INTERFACE=127.0.0.1 "
        f"behind the proxy; set {ALLOW_PUBLIC_REST}=true only if REST is blocked otherwise."
    )


class Supervisor:
    """Starts the programs, restarts the ones that fail, stops them all on request."""

    def __init__(
        self,
        programs: Sequence[Program],
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.running = [_Running(p) for p in programs]
        self.cwd = cwd
        self.env = dict(process_environment() if env is None else env)
        self.clock = clock
        self.stopping = False

    def start_all(self) -> None:
        for item in self.running:
            self._start(item)

    def _start(self, item: _Running) -> None:
        program = item.program
        item.process = subprocess.Popen(
            list(program.argv),
            cwd=self.cwd,
            env={**self.env, **dict(program.env)} if program.env else self.env,
            # Background programs get their own session so Ctrl-C reaches only the
            # supervisor, which stops them in order; the shell keeps the terminal.
            start_new_session=not program.foreground,
        )
        item.started_at = self.clock()
        item.restart_at = None
        log.info("started %s (pid %d)", program.name, item.process.pid)

    def poll(self) -> bool:
        """One round: notice exits, restart what is due. False once everything should stop."""
        now = self.clock()
        for item in self.running:
            process = item.process
            if process is not None:
                code = process.poll()
                if code is None:
                    if now - item.started_at >= STABLE_AFTER:
                        item.backoff = BACKOFF_FIRST
                    continue
                item.process = None
                item.history.append(code)
                ran = now - item.started_at
                if item.program.foreground:
                    log.info("%s ended (code %d): stopping everything", item.program.name, code)
                    return False
                if code == 0:
                    item.finished = True
                    log.info("%s finished (nothing for it to do); not restarted", item.program.name)
                    continue
                item.restart_at = now + item.backoff
                item.restarts += 1
                log.error(
                    "%s died (exit code %d after %.1f s); restarting in %.0f s (restart %d)",
                    item.program.name,
                    code,
                    ran,
                    item.backoff,
                    item.restarts,
                )
                item.backoff = min(item.backoff * 2, BACKOFF_MAX)
            elif item.restart_at is not None and now >= item.restart_at and not self.stopping:
                self._start(item)
        return True

    def stop_all(self, grace: float = STOP_GRACE) -> None:
        self.stopping = True
        alive = [i for i in self.running if i.process is not None and i.process.poll() is None]
        for item in alive:
            item.process.terminate()
        deadline = time.monotonic() + grace
        for item in alive:
            try:
                item.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0f s: killed", item.program.name, grace)
                item.process.kill()
                item.process.wait()
        log.info("all stopped")

    def run(self, every: float = 0.5) -> None:
        """Supervise until Ctrl-C, SIGTERM, or the foreground program ends."""

        def on_term(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_term)
        try:
            self.start_all()
            while self.poll():
                time.sleep(every)
        except KeyboardInterrupt:
            log.info("stopping")
        finally:
            self.stop_all()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="the trained model (scripts/model.py prints it)")
    parser.add_argument("--shell", action="store_true", help="rasa shell instead of rasa run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s supervisor: %(message)s")
    from bot.config import get_config

    config = get_config()
    create_tables(config.database_url)
    env = process_environment()  # handed on to every program started
    root = Path(__file__).resolve().parents[1]
    if not args.shell:
        refused = rest_exposure(env, root)
        if refused:
            print(f"Not starting: {refused}", file=sys.stderr)
            return 2
        port, host = env.get("RASA_PORT", "5005"), "localhost"
        print("Starting the assistant (Ctrl-C stops):")
        print(f"  REST channel  http://{host}:{port}/webhooks/rest/webhook")
        print(
            f"  web chat      http://{host}:{port}/webhooks/webchat/"
            "  (an invite code: make invite CHANNEL=webchat)"
        )
    Supervisor(programs(args.model, args.shell, env), cwd=root).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
