"""One active copy of a periodic job (push, purge) however many replicas run it.

Each replica starts the job; before each round it asks `Leadership.lead()`, and only
the one holding the lock works, the others stand by. On PostgreSQL the lock is a
session-level advisory lock held by a connection kept open for as long as the process
leads: if the process dies its connection closes, the lock is freed, and a standby takes
over at its next round. On SQLite (one machine) it is an exclusive lock on a file next
to the database, freed by the kernel when the process ends.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)


def _lock_id(name: str) -> int:
    """A stable signed 64-bit id for pg_try_advisory_lock."""
    digest = hashlib.sha256(f"prevent:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Leadership:
    """`lead()` is True while this process is the one that runs job `name`."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self._parsed = make_url(url)
        self._connection: Any = None
        self._engine: Any = None
        self._file: IO[str] | None = None

    def lead(self) -> bool:
        try:
            if self._parsed.get_backend_name() == "postgresql":
                return self._lead_postgres()
            return self._lead_file()
        except Exception as exc:  # noqa: BLE001 - the database is away: nobody leads here
            log.warning("leadership of %s unknown (%s): standing by", self.name, type(exc).__name__)
            self.release()
            return False

    def _lead_postgres(self) -> bool:
        if self._connection is not None:
            self._connection.execute(text("SELECT 1"))  # still connected: still ours
            return True
        if self._engine is None:
            # No pool: closing the connection must end the session, and with it the lock.
            self._engine = create_engine(self.url, future=True, poolclass=NullPool)
        connection = self._engine.connect()
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:id)"), {"id": _lock_id(self.name)}
        ).scalar()
        connection.commit()
        if got:
            self._connection = connection
            log.info("leading %s", self.name)
            return True
        connection.close()
        return False

    def _lead_file(self) -> bool:
        if self._file is not None:
            return True
        database = self._parsed.database or "memory"
        path = Path(f"{database}.{self.name}.leader")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")  # noqa: SIM115 - kept open while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001, S110 - it is gone either way
                pass
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None
