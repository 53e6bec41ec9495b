"""SQLAlchemy 1.4 models and sessions: drafts and notices (SQLite by default, PostgreSQL in prod).

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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.store.schema import ensure_schema

# SQLAlchemy 1.4 ships no type information; `Any` lets mypy accept the mapped classes.
Base: Any = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class DraftRow(Base):
    """A referral draft: metadata in plain, everything the user typed encrypted."""

    __tablename__ = "drafts"

    id = Column(String(36), primary_key=True)
    owner = Column(String(64), index=True, nullable=False)  # keyed hash of the sender id
    status = Column(String(20), nullable=False, default="draft")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    key_version = Column(String(20), nullable=False)
    wrapped_key = Column(LargeBinary, nullable=False)
    payload = Column(LargeBinary, nullable=False)  # AES-GCM of the JSON form values
    purge_warned_at = Column(DateTime, nullable=True)


class NoticeRow(Base):
    """Something to tell an owner next time they talk (e.g. a draft about to be purged)."""

    __tablename__ = "notices"

    id = Column(Integer, primary_key=True, autoincrement=True)
    owner = Column(String(64), index=True, nullable=False)
    kind = Column(String(40), nullable=False)
    draft_id = Column(String(36), nullable=True)
    due_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


def owner_hash(sender_id: str, pepper: bytes) -> str:
    """Owners are matched by HMAC of the channel's sender id, never stored in plain."""
    return hmac.new(pepper, sender_id.encode(), hashlib.sha256).hexdigest()


def private_sqlite_file(database: str | None) -> None:
    """Make a SQLite database file (and its -wal/-shm) readable by its owner only (0600).

    Created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database
    file's mode), and an existing file with looser modes is tightened: the umask (often 022)
    would otherwise leave every row readable to every local account.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            continue


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        private_sqlite_file(make_url(url).database)
    pooled: dict[str, Any] = {}
    if url.startswith("sqlite") and make_url(url).database not in (None, "", ":memory:"):
        # SQLAlchemy 1.4 gives a SQLite file no pool: every session opened a connection,
        # ran the pragmas below and closed it (a fifth of the action server's CPU under
        # load). A small pool keeps a few open; SQLite still has one writer at a time.
        pooled = {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(url, future=True, pool_pre_ping=True, **pooled)
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
