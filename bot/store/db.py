"""Database engines and sessions (SQLite by default, PostgreSQL in prod), and owner hashes.

The tables themselves are declared in one place, `bot.store.tables` (one module per area);
`Base`, `utcnow`, `DraftRow` and `NoticeRow` are re-exported here for existing imports.
Only ciphertext and metadata are stored: who owns a draft is a keyed hash of the
sender id, field values are encrypted (`bot.store.crypto`), and nothing here names a
person in plain.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.store.schema import ensure_schema
from bot.store.tables import Base, DraftRow, NoticeRow, utcnow

__all__ = [
    "Base", "DraftRow", "NoticeRow", "make_engine", "owner_hash", "read_row", "read_scope",
    "session_scope", "utcnow",
]


def owner_hash(sender_id: str, pepper: bytes) -> str:
    """Owners are matched by HMAC of the channel's sender id, never stored in plain."""
    return hmac.new(pepper, sender_id.encode(), hashlib.sha256).hexdigest()


def private_sqlite_file(database: str | None) -> None:
    """Make a SQLite database file (and its -wal/-shm) readable by its owner only (0600).

    Created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database
    file's mode), and an existing file with looser modes is tightened: the umask (often 022)
    would otherwise leave every row readable to every local account.

    An existing file is never opened here, only stat'ed and chmod'ed: SQLite's locks are
    POSIX locks, which a process loses on a file as soon as it closes *any* descriptor of
    that file. Opening and closing it while this process already had it open through
    SQLite (a second engine on the same database) dropped them; the next process to close
    the database then found itself alone, checkpointed and deleted the WAL, and every
    later commit of this process went into the deleted WAL, seen by no other process (the
    purge worker redacted a stale conversation: tests/store/test_sqlite_locks.py).
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # not ours to open: see above
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            continue


def open_engine(url: str, **options: Any) -> Engine:
    """`sqlalchemy.create_engine`, but a SQLite file is first made 0600 (`private_sqlite_file`).

    Why one door: every engine on the project's own databases (stores, migrations, the
    migration status command) opens through here, so none can create a database under the
    umask, readable by every local account (tests/security/test_secret_files.py checks
    that no other module calls `create_engine` on them)."""
    if url.startswith("sqlite"):
        private_sqlite_file(make_url(url).database)
    return create_engine(url, **options)


def make_engine(url: str, pre_ping: bool = True, autocommit: bool = False) -> Engine:
    pooled: dict[str, Any] = {}
    if url.startswith("sqlite") and make_url(url).database not in (None, "", ":memory:"):
        # SQLAlchemy 1.4 gives a SQLite file no pool: every session opened a connection,
        # ran the pragmas below and closed it (a fifth of the action server's CPU under
        # load). A small pool keeps a few open; SQLite still has one writer at a time.
        pooled = {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
    if autocommit:
        pooled["isolation_level"] = "AUTOCOMMIT"
    engine = open_engine(url, future=True, pool_pre_ping=pre_ping, **pooled)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten
            cursor.close()

    return engine


@functools.lru_cache(maxsize=4)
def _factory(url: str) -> sessionmaker:
    return sessionmaker(bind=make_engine(url), future=True, expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on error.

    Tables are made by migrations only (`make migrate`); the first use of a database in
    a process checks it is at the newest revision (`bot.store.schema.ensure_schema`).
    """
    factory = _factory(url)
    ensure_schema(factory.kw["bind"], "app")
    session: Session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope(url: str) -> Iterator[Connection]:
    """A pooled connection for read-only Core queries, without an ORM session (no
    identity map, no commit). Rolled back (nothing to undo) when closed."""
    engine = _factory(url).kw["bind"]
    ensure_schema(engine, "app")
    with engine.connect() as connection:
        yield connection


@functools.lru_cache(maxsize=4)
def _read_engine(url: str) -> Engine:
    return make_engine(url, pre_ping=False, autocommit=True)


def read_row(url: str, statement: Any, params: dict[str, Any] | None = None) -> Any:
    """The first row of one read-only Core statement (None if none): the checks every
    turn makes, which almost always find nothing.

    One round trip to the database: the connection is in autocommit (no BEGIN, no
    ROLLBACK around a lone SELECT) and is not pinged at checkout (`pool_pre_ping` costs
    a `SELECT 1` each time). A connection the server dropped (a restart) fails the
    statement instead; SQLAlchemy then discards the pool, and the statement is tried
    once more on a new connection. Nothing is cached: what another process wrote is
    seen on the next call."""
    ensure_schema(_factory(url).kw["bind"], "app")
    engine = _read_engine(url)
    for attempt in (1, 2):
        try:
            with engine.connect() as connection:
                return connection.execute(statement, params or {}).first()
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    return None  # not reached
