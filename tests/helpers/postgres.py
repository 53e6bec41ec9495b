"""A real, throwaway PostgreSQL server on loopback for the tests that need one.

`running_postgres()` runs `initdb` into a fresh temporary directory, starts the server with
`pg_ctl` on a free port of 127.0.0.1 (and a Unix socket in that directory only), creates
an empty database and yields its SQLAlchemy URL. When the block ends the server is stopped
(`pg_ctl stop -m immediate`) and the directory removed, whatever happened in between.

initdb refuses to run as root, so under root the server runs as the `postgres` system
user (through `runuser`), in a directory that user owns.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.helpers.servers import free_port

PG_ROOT = Path("/usr/lib/postgresql")
PREFERRED_MAJOR = "15"
SERVER_USER = "postgres"  # the system user the server runs as when the tests run as root
DB_SUPERUSER = "postgres"
DB_NAME = "prevent_test"
START_TIMEOUT = 30.0


class PostgresUnavailable(RuntimeError):
    """This machine cannot run a PostgreSQL server (binaries or a non-root user missing)."""


def find_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: PostgreSQL 15 first, else the newest installed."""

    def usable(folder: Path) -> bool:
        return all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))

    preferred = PG_ROOT / PREFERRED_MAJOR / "bin"
    if usable(preferred):
        return preferred
    candidates = []
    if PG_ROOT.is_dir():
        for child in PG_ROOT.iterdir():
            version = [int(part) for part in re.findall(r"\d+", child.name)]
            if version and usable(child / "bin"):
                candidates.append((version, child / "bin"))
    if candidates:
        return max(candidates)[1]
    on_path = shutil.which("pg_ctl")  # e.g. Homebrew or a distribution without versioned dirs
    if on_path and usable(Path(on_path).resolve().parent):
        return Path(on_path).resolve().parent
    return None


def _server_user() -> pwd.struct_passwd | None:
    """None when the tests do not run as root (the server then runs as the current user)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"the tests run as root, initdb refuses to, and there is no {SERVER_USER!r} "
            "system user to run the server as"
        ) from None


class _Server:
    def __init__(self, bin_dir: Path, base: Path, user: pwd.struct_passwd | None) -> None:
        self.bin_dir = bin_dir
        self.base = base
        self.user = user
        self.data = base / "data"
        self.sockets = base / "sockets"
        self.log = base / "server.log"
        self.port = 0

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / tool), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PGTZ": "UTC"}
        for name in [k for k in env if k.startswith("PG") and k != "PGTZ"]:
            env.pop(name)  # a developer's PGHOST/PGPORT/PGDATA must not leak in
        return subprocess.run(
            command,
            cwd=self.base,  # the server user may not be able to enter the test's cwd
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no server log)"

    def init(self) -> None:
        self.sockets.mkdir(mode=0o700)
        if self.user is not None:
            for path in (self.base, self.sockets):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        done = self.run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            DB_SUPERUSER,
            "--auth-local=trust",
            "--auth-host=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")

    def configure(self, port: int) -> None:
        self.port = port
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{self.sockets}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "50",
            "log_min_messages": "warning",
        }
        # postgresql.auto.conf is read last, so these win; rewritten on every (re)try.
        text = "".join(f"{key} = {value}\n" for key, value in settings.items())
        (self.data / "postgresql.auto.conf").write_text(text)

    def start(self) -> None:
        done = self.run(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.log),
            "--wait",
            "--timeout",
            str(int(START_TIMEOUT)),
            timeout=START_TIMEOUT + 15,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"pg_ctl start failed (port {self.port}):\n{done.stdout}\n{done.stderr}\n"
                f"server log:\n{self.log_tail()}"
            )

    def wait_ready(self) -> None:
        import psycopg2

        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                psycopg2.connect(
                    host="127.0.0.1",
                    port=self.port,
                    user=DB_SUPERUSER,
                    dbname="postgres",
                    connect_timeout=2,
                ).close()
                return
            except psycopg2.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"PostgreSQL on 127.0.0.1:{self.port} not accepting connections "
                        f"after {START_TIMEOUT:.0f} s: {exc}\nserver log:\n{self.log_tail()}"
                    ) from exc
                time.sleep(0.2)

    def create_database(self) -> str:
        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=DB_SUPERUSER, dbname="postgres"
        )
        try:
            conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE \"{DB_NAME}\" ENCODING 'UTF8' TEMPLATE template0")
        finally:
            conn.close()
        return f"postgresql://{DB_SUPERUSER}@127.0.0.1:{self.port}/{DB_NAME}"

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            done = self.run(
                "pg_ctl",
                "stop",
                "--pgdata",
                str(self.data),
                "--mode",
                "immediate",
                "--wait",
                timeout=30,
            )
            stopped = done.returncode == 0
        except subprocess.TimeoutExpired:
            stopped = False
        if not stopped:
            self._kill_postmaster()

    def _kill_postmaster(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 9)  # the postmaster; its children exit when it is gone
        except (OSError, ValueError, IndexError):
            pass


@contextmanager
def running_postgres(bin_dir: Path | None = None) -> Iterator[str]:
    """Start a throwaway server and yield the URL of an empty database in it.

    Raises PostgresUnavailable when this machine cannot run one, RuntimeError or
    TimeoutError when it can but the server did not come up.
    """
    bin_dir = bin_dir or find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            f"no PostgreSQL server binaries (initdb, pg_ctl, postgres) in {PG_ROOT}/*/bin or "
            "on PATH; install them (e.g. `apt-get install postgresql-15`) or set "
            "PREVENT_TEST_TRACKER_PG_URL to a disposable database"
        )
    user = _server_user()
    # Directly under the system temp dir: pytest's own temp dirs are private to the
    # current user, and the socket path must stay short (about 100 bytes at most).
    base = Path(tempfile.mkdtemp(prefix="prevent-pg-"))
    server = _Server(bin_dir, base, user)
    try:
        server.init()
        for attempt in range(3):
            server.configure(free_port())
            try:
                server.start()
                break
            except RuntimeError:
                # Another process may have taken the port between choosing and binding it.
                if attempt == 2 or "could not bind" not in server.log_tail():
                    raise
        server.wait_ready()
        yield server.create_database()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
