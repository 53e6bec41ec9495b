"""The production profile on one machine: PostgreSQL, Redis, haproxy, N Rasa replicas, N
action servers and the background jobs, all on loopback. Ctrl-C stops everything.

    make prod                      # 2 replicas
    make prod REPLICAS=3
    .venv/bin/python scripts/prod.py --replicas 2 --model models/xyz.tar.gz

Layout (ports from the environment, defaults shown):

    haproxy  127.0.0.1:$RASA_PORT (5005)          -> Rasa replicas 127.0.0.1:5101..510N
             127.0.0.1:$ACTION_SERVER_PORT (5055) -> action servers 127.0.0.1:5151..515N
    PostgreSQL 15  127.0.0.1:$PROD_PG_PORT (5433), data in var/prod/pg (kept between runs)
    Redis          127.0.0.1:$PROD_REDIS_PORT (6380), the turn lock store (nothing persisted)
    per replica: delivery worker (metrics on 9101..), draft purge, push (one leads)

The same pieces spread over several machines are described in README ("Production
profile"). This script is also what the fault tests drive (tests/prod/).
"""

from __future__ import annotations

import argparse
import functools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG_ROOT = Path("/usr/lib/postgresql")
DB_NAME = "prevent"


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, "").strip() or default)


def find_pg_bin() -> Path:
    """PostgreSQL 15's binaries (Debian layout), else the newest installed, else on PATH."""
    def usable(folder: Path) -> bool:
        return all((folder / n).is_file() for n in ("initdb", "pg_ctl", "postgres"))

    if usable(PG_ROOT / "15" / "bin"):
        return PG_ROOT / "15" / "bin"
    found = sorted(
        ((int(m.group()), d / "bin") for d in PG_ROOT.glob("*") if (m := re.match(r"\d+", d.name))),
        reverse=True,
    ) if PG_ROOT.is_dir() else []
    for _, folder in found:
        if usable(folder):
            return folder
    on_path = shutil.which("pg_ctl")
    if on_path and usable(Path(on_path).resolve().parent):
        return Path(on_path).resolve().parent
    raise SystemExit("PostgreSQL server binaries not found: apt-get install postgresql-15")


def bindable(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:`port` now (a listener of our own can bind it)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_ports(count: int) -> list[int]:
    """`count` different free loopback ports, all held open together while they are picked
    (so no two are the same); another process may still take one before it is used, which
    `Profile.start` catches (`PORT_TAKEN`) and answers with another port."""
    socks = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            socks.append(sock)
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


#: What a server's log says when its port was taken between our check and its bind.
PORT_TAKEN = re.compile(r"errno 98|address already in use", re.IGNORECASE)


def wait_port(port: int, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"process for port {port} exited ({proc.returncode})") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listening on 127.0.0.1:{port}") from None
            time.sleep(0.2)


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 - loopback only
                if reply.status == 200:
                    return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited ({proc.returncode})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} not ready after {timeout:.0f} s")
        time.sleep(0.5)


class Postgres:
    """A PostgreSQL server of its own in `base` (initdb once; runs as `postgres` under root)."""

    def __init__(self, base: Path, port: int) -> None:
        self.bin = find_pg_bin()
        self.base, self.port = base, port
        self.data, self.sockets = base / "data", base / "sockets"
        self.log = base / "server.log"
        self.user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / tool), *args]
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", PGTZ="UTC")
        done = subprocess.run(
            command, cwd=self.base, env=env, capture_output=True, text=True, timeout=120
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}\n{done.stderr}")
        return done

    def init(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.sockets.mkdir(mode=0o700, exist_ok=True)
        if self.user is not None:
            for path in (self.base, self.sockets):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb", "--pgdata", str(self.data), "--username", "postgres",
                "--auth-local=trust", "--auth-host=trust", "--encoding=UTF8", "--no-locale",
            )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.sockets}'",
            "max_connections": "200",
            "log_min_messages": "warning",
        }
        text = "".join(f"{k} = {v}\n" for k, v in settings.items())
        (self.data / "postgresql.auto.conf").write_text(text)

    def start(self) -> None:
        self._run("pg_ctl", "start", "--pgdata", str(self.data), "--log", str(self.log),
                  "--wait", "--timeout", "60")
        wait_port(self.port, 30)
        self._create_database()

    def _create_database(self) -> None:
        import psycopg2

        for _ in range(50):
            try:
                conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                        dbname="postgres")
                break
            except psycopg2.OperationalError:
                time.sleep(0.2)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{DB_NAME}"')
        conn.close()

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", mode, "--wait",
                      check=False)

    def restart(self) -> None:
        self.stop("fast")
        self.start()


@dataclass
class Proc:
    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    port: int | None = None
    health: str | None = None
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log_start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("a") as out:
            self.proc = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the supervisor, which stops them in order
            )

    def wait_ready(self, timeout: float) -> None:
        if self.health:
            wait_http(self.health, timeout, self.proc)
        elif self.port:
            wait_port(self.port, timeout, self.proc)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def port_was_taken(self) -> bool:
        """The process exited because its port was in use (said in this start's log)."""
        if self.alive() or not self.log.exists():
            return False
        with self.log.open("rb") as log:
            log.seek(getattr(self, "log_start", 0))
            return bool(PORT_TAKEN.search(log.read().decode("utf-8", "replace")))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if not self.alive():
            return
        assert self.proc is not None
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


@dataclass
class Profile:
    """Everything `make prod` runs; `start()` brings it up, `stop()` takes it down."""

    model: str
    replicas: int = 2
    var_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("PREVENT_VAR_DIR", "") or ROOT / "var")
    )
    rasa_port: int = field(default_factory=lambda: _port("RASA_PORT", 5005))
    action_port: int = field(default_factory=lambda: _port("ACTION_SERVER_PORT", 5055))
    pg_port: int = field(default_factory=lambda: _port("PROD_PG_PORT", 5433))
    redis_port: int = field(default_factory=lambda: _port("PROD_REDIS_PORT", 6380))
    rasa_base_port: int = field(default_factory=lambda: _port("PROD_RASA_BASE_PORT", 5100))
    action_base_port: int = field(default_factory=lambda: _port("PROD_ACTION_BASE_PORT", 5150))
    metrics_base_port: int = field(default_factory=lambda: _port("PROD_METRICS_BASE_PORT", 9100))
    extra_env: dict[str, str] = field(default_factory=dict)
    jobs: bool = True  # delivery workers next to each replica
    extras: bool = True  # and the draft purge and the push loop (one of each leads)
    # Tests and benchmarks share the machine: replicas and action servers take free ports
    # (not base + 1 + i), and one whose port is taken at start-up moves to another.
    # `make prod` keeps its fixed, documented ports and says which one is in use.
    movable_ports: bool = False

    def __post_init__(self) -> None:
        self.var_dir = Path(self.var_dir)
        self.base = self.var_dir / "prod"
        self.logs = self.base / "logs"
        self.postgres = Postgres(self.base / "pg", self.pg_port)
        self.redis: Proc | None = None
        self.haproxy: Proc | None = None
        self.rasa: list[Proc] = []
        self.actions: list[Proc] = []
        self.workers: list[Proc] = []
        self.others: list[Proc] = []
        if self.movable_ports:
            found = free_ports(2 * self.replicas)
            self.rasa_ports, self.action_ports = found[: self.replicas], found[self.replicas :]
        else:
            self.rasa_ports = [self.rasa_base_port + 1 + i for i in range(self.replicas)]
            self.action_ports = [self.action_base_port + 1 + i for i in range(self.replicas)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/1"

    @functools.cached_property
    def action_token(self) -> str:
        """The secret every call from a Rasa replica to an action server carries: from the
        environment, else generated once in var/keys (bot.config), shared by all replicas."""
        given = os.environ.get("PREVENT_ACTION_SERVER_TOKEN", "").strip()
        if given:
            return given
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PREVENT_VAR_DIR": str(self.var_dir)}
        done = subprocess.run(
            [PY, "-m", "bot.config", "action-server-token"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        return done.stdout.strip()

    def env(self, **more: str) -> dict[str, str]:
        db = self.postgres.url
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PREVENT_ACTION_SERVER_TOKEN": self.action_token,
            "PREVENT_VAR_DIR": str(self.var_dir),  # keys shared by all (var/keys)
            "PREVENT_DATABASE_URL": db,
            "TRACKER_DB_DIALECT": "postgresql",
            "TRACKER_DB": DB_NAME,
            "TRACKER_DB_HOST": db,  # Rasa takes a whole URL in the host
            "TRACKER_DB_USER": "",
            "TRACKER_DB_PASSWORD": "",
            "REDIS_URL": self.redis_url,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "PREVENT_PUBLIC_URL": os.environ.get("PREVENT_PUBLIC_URL", "")
            or f"http://localhost:{self.rasa_port}",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            **self.extra_env,
            **more,
        }

    # --- pieces ------------------------------------------------------------------

    def start_redis(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server missing: apt-get install redis-server")
        (self.base / "redis").mkdir(parents=True, exist_ok=True)
        self.redis = Proc(
            "redis",
            [binary, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.base / "redis")],
            dict(os.environ), self.logs / "redis.log", port=self.redis_port,
        )
        self.redis.start()
        self.redis.wait_ready(20)

    def migrate(self) -> None:
        subprocess.run([PY, "-m", "bot.store.migrate"], cwd=ROOT, env=self.env(), check=True,
                       stdout=subprocess.DEVNULL)

    def haproxy_config(self) -> str:
        rasa = "\n".join(
            f"    server rasa{i} 127.0.0.1:{port} check inter 2s fall 3 rise 2"
            for i, port in enumerate(self.rasa_ports)
        )
        actions = "\n".join(
            f"    server actions{i} 127.0.0.1:{port} check inter 2s fall 3 rise 2"
            for i, port in enumerate(self.action_ports)
        )
        return f"""# Generated by scripts/prod.py
global
    maxconn 4000
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    # a replica busy with turns still answers its check: only a dead or unready one is out
    timeout check 5s
    # a request that could not reach a replica goes to another (never one it reached)
    retries 3
    option redispatch
    retry-on conn-failure
frontend rasa
    bind 127.0.0.1:{self.rasa_port}
    default_backend rasa
backend rasa
    # Each conversation to one replica (its tracker is in that replica's cache: another
    # replica would first read and decrypt the turns it has not seen). Only an affinity:
    # the Redis turn lock orders the turns and the tracker store checks the database
    # every turn, so a conversation moved (a replica down) is served right, not stale.
    # The conversation: REST's sender, Telegram's chat, Teams' conversation, the web
    # chat's session token; a request naming none is balanced round robin.
    option http-buffer-request
    acl named var(txn.conv) -m found
    http-request set-var(txn.conv) req.body,json_query('$.sender')
    http-request set-var(txn.conv) req.body,json_query('$.message.chat.id') if !named
    http-request set-var(txn.conv) req.body,json_query('$.conversation.id') if !named
    http-request set-var(txn.conv) req.hdr(authorization) if !named
    balance hash var(txn.conv)
    hash-type consistent
    option httpchk GET /webhooks/ops/ready
{rasa}
frontend actions
    bind 127.0.0.1:{self.action_port}
    default_backend actions
backend actions
    balance roundrobin
    option httpchk GET /health
{actions}
"""

    def start_haproxy(self) -> None:
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(binary).exists():
            raise SystemExit("haproxy missing: apt-get install haproxy")
        config = self.base / "haproxy.cfg"
        config.write_text(self.haproxy_config())
        self.haproxy = Proc("haproxy", [binary, "-f", str(config), "-db"], dict(os.environ),
                            self.logs / "haproxy.log", port=self.rasa_port)
        self.haproxy.start()
        self.haproxy.wait_ready(20)
        time.sleep(0.5)  # another listener on its port answers too: haproxy exits at once
        if not self.haproxy.alive():
            raise RuntimeError("haproxy exited: see " + str(self.haproxy.log))

    def _start_haproxy_movable(self, tries: int = 3) -> None:
        """haproxy binds the two front ports everything else is told about (the replicas
        call their action servers through it), so it starts before them: its backends are
        marked down until they are ready. When ports may move and another process took a
        front port after it was picked, both front ports are picked again and it retries."""
        if not self.movable_ports:
            for port in (self.rasa_port, self.action_port):
                if not bindable(port):
                    raise SystemExit(f"port {port} is in use: set RASA_PORT / "
                                     "ACTION_SERVER_PORT to free ones")
        for attempt in range(tries):
            if self.movable_ports and not (bindable(self.rasa_port) and bindable(self.action_port)
                                           and self.rasa_port != self.action_port):
                self._move_front_ports()
            try:
                self.start_haproxy()
                return
            except (RuntimeError, TimeoutError):
                assert self.haproxy is not None
                moved = self.movable_ports and self.haproxy.port_was_taken()
                if not moved or attempt == tries - 1:
                    raise
            print(f"  haproxy: port {self.rasa_port} or {self.action_port} was taken; "
                  "picking others", flush=True)
            self._move_front_ports()

    def _ports_in_use(self) -> set[int]:
        """Every port this profile has given out: a port moved is never one of them."""
        return {*self.rasa_ports, *self.action_ports, self.rasa_port, self.action_port,
                self.pg_port, self.redis_port}

    def _move_front_ports(self) -> None:
        taken = self._ports_in_use()
        self.rasa_port, self.action_port = [p for p in free_ports(len(taken) + 2)
                                            if p not in taken][:2]

    def rasa_replica(self, i: int) -> Proc:
        port = self.rasa_ports[i]
        return Proc(
            f"rasa{i}",
            [PY, "-m", "rasa", "run", "-m", self.model, "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--port", str(port), "-i", "127.0.0.1"],
            self.env(RASA_PORT=str(port)), self.logs / f"rasa{i}.log", port=port,
            health=f"http://127.0.0.1:{port}/webhooks/ops/ready",
        )

    def action_server(self, i: int) -> Proc:
        port = self.action_ports[i]
        return Proc(
            f"actions{i}",
            [PY, "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(port)],
            self.env(), self.logs / f"actions{i}.log", port=port,
            health=f"http://127.0.0.1:{port}/health",
        )

    def worker(self, i: int, every: float = 2.0) -> Proc:
        port = self.metrics_base_port + 1 + i
        return Proc(
            f"worker{i}",
            [PY, "-m", "bot.delivery.worker", "--every", str(every)],
            self.env(PREVENT_METRICS_PORT=str(port)), self.logs / f"worker{i}.log", port=None,
        )

    # --- all of it -----------------------------------------------------------------

    def start(self, timeout: float = 600) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.postgres.init()
        self.postgres.start()
        self.start_redis()
        self.migrate()
        self._check_ports()
        self._start_haproxy_movable()
        self.actions = [self.action_server(i) for i in range(self.replicas)]
        self.rasa = [self.rasa_replica(i) for i in range(self.replicas)]
        for proc in (*self.actions, *self.rasa):
            proc.start()
        if self.jobs:
            self.workers = [self.worker(i) for i in range(self.replicas)]
            for i in range(self.replicas if self.extras else 0):
                self.others.append(Proc(
                    f"purge{i}", [PY, "-m", "bot.referral.retention", "--every",
                                  os.environ.get("PREVENT_PURGE_EVERY_SECONDS", "3600")],
                    self.env(), self.logs / f"purge{i}.log"))
                self.others.append(Proc(
                    f"push{i}", [PY, "-m", "bot.channels.push", "--every",
                                 os.environ.get("PREVENT_PUSH_EVERY_SECONDS", "5")],
                    self.env(), self.logs / f"push{i}.log"))
            for proc in (*self.workers, *self.others):
                proc.start()
        behind = (list(self.rasa_ports), list(self.action_ports))
        for proc in (*self.actions, *self.rasa):
            self._wait_ready(proc, timeout)
        if behind != (self.rasa_ports, self.action_ports):  # one moved: haproxy is told
            assert self.haproxy is not None
            self.haproxy.stop()
            self.start_haproxy()  # the same front ports: the replicas were told them
        wait_http(f"http://127.0.0.1:{self.rasa_port}/webhooks/ops/ready", 30)

    def _check_ports(self) -> None:
        """Every replica's and action server's port is free (else another is picked, or,
        with fixed ports, the start stops and says which port is in use)."""
        for ports in (self.rasa_ports, self.action_ports):
            for i, port in enumerate(ports):
                if bindable(port):
                    continue
                if not self.movable_ports:
                    raise SystemExit(f"port {port} is in use: set PROD_RASA_BASE_PORT / "
                                     "PROD_ACTION_BASE_PORT to free ones")
                taken = self._ports_in_use()
                ports[i] = next(p for p in free_ports(len(taken) + 1) if p not in taken)

    def _wait_ready(self, proc: Proc, timeout: float, tries: int = 3) -> None:
        """Until `proc` is ready; one that exited because its port was taken after the
        check (another process on this machine bound it first) is started again on a
        free port, when ports may move."""
        for attempt in range(tries):
            try:
                proc.wait_ready(timeout)
                return
            except RuntimeError:
                if not (self.movable_ports and proc.port_was_taken()) or attempt == tries - 1:
                    raise
            ports = self.rasa_ports if proc in self.rasa else self.action_ports
            group = self.rasa if proc in self.rasa else self.actions
            i = group.index(proc)
            taken = self._ports_in_use()
            ports[i] = next(p for p in free_ports(len(taken) + 1) if p not in taken)
            fresh = self.rasa_replica(i) if group is self.rasa else self.action_server(i)
            print(f"  {proc.name}: port {proc.port} was taken; starting on {ports[i]}",
                  flush=True)
            group[i] = proc = fresh
            proc.start()

    def all(self) -> list[Proc]:
        return [p for p in (self.haproxy, *self.rasa, *self.actions, *self.workers,
                            *self.others, self.redis) if p is not None]

    def stop(self) -> None:
        for proc in self.all():
            try:
                proc.stop()
            except Exception:  # noqa: BLE001, S110 - stop the rest whatever happened
                pass
        self.postgres.stop("fast")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", "2")))
    parser.add_argument("--model", help="model archive (default: scripts/model.py's)")
    args = parser.parse_args()
    model = args.model or subprocess.run(
        [PY, "scripts/model.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    profile = Profile(model=model, replicas=args.replicas)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            print("\nStopping the production profile ...", flush=True)
            profile.stop()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"Starting the production profile ({args.replicas} replicas); logs in "
          f"{profile.logs} (Ctrl-C stops all):", flush=True)
    try:
        profile.start()
    except BaseException:
        profile.stop()
        raise
    print(f"  REST channel (haproxy)  {profile.url}")
    print(f"  web chat                http://localhost:{profile.rasa_port}/webhooks/webchat/")
    for i, proc in enumerate(profile.rasa):
        print(f"  replica {i}: ready/metrics http://127.0.0.1:{proc.port}/webhooks/ops/ready"
              " | /metrics")
    print(f"  PostgreSQL {profile.postgres.url}   Redis {profile.redis_url}", flush=True)
    while True:
        time.sleep(2)
        for proc in profile.all():
            if not proc.alive() and not stopping:
                print(f"  {proc.name} exited ({proc.proc.returncode if proc.proc else '?'}); "
                      f"see {proc.log}", flush=True)
                if proc in profile.rasa or proc in profile.actions or proc is profile.haproxy:
                    proc.start()  # haproxy keeps the others serving meanwhile
                else:
                    profile.others = [p for p in profile.others if p is not proc]
                    profile.workers = [p for p in profile.workers if p is not proc]


if __name__ == "__main__":
    main()
