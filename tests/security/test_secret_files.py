"""L2 and L5: the owner pepper and key files cannot be empty or short, or read by others.

A short or empty pepper makes owner hashes and web chat session tokens forgeable; a key file
created with O_EXCL and then written could be read empty by a process started at the same
moment; SQLite databases and the audit head were created with the umask (often 0644).
"""

from __future__ import annotations

import ast
import base64
import os
import stat
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.review.audit import AuditLog
from bot.store import crypto
from bot.store.db import make_engine, session_scope
from tests.helpers.settings import reread_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def loose_umask():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture()
def fresh_pepper(monkeypatch, tmp_path):
    monkeypatch.setenv("PREVENT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PREVENT_OWNER_PEPPER", raising=False)
    return tmp_path / "var" / "keys" / "owner.pepper"


def _pepper(monkeypatch) -> bytes:
    """The pepper as a process started with this environment would load it."""
    return reread_settings(monkeypatch).pepper


@pytest.mark.parametrize("pepper", [b"", b"short", b"x" * 31])
def test_an_empty_or_short_pepper_is_refused(monkeypatch, fresh_pepper, pepper):
    monkeypatch.setenv("PREVENT_OWNER_PEPPER", base64.b64encode(pepper).decode() or "=")
    with pytest.raises(crypto.CryptoError):
        _pepper(monkeypatch)


def test_an_empty_pepper_file_is_refused(fresh_pepper, monkeypatch):
    fresh_pepper.parent.mkdir(parents=True)
    fresh_pepper.write_text("")  # what a reader racing the old O_EXCL-then-write could see
    with pytest.raises(crypto.CryptoError):
        _pepper(monkeypatch)


def test_a_generated_pepper_is_32_bytes_and_0600(fresh_pepper, loose_umask, monkeypatch):
    assert len(_pepper(monkeypatch)) == 32
    assert _mode(fresh_pepper) == 0o600


def test_racing_creators_all_read_one_whole_key(tmp_path, loose_umask):
    """Sixteen processes' worth of creators at once: one wins, nobody reads a partial file."""
    path = tmp_path / "keys" / "master.key"
    start = threading.Barrier(16)

    def load(_: int) -> crypto.KeyRing:
        start.wait()
        return crypto._key_file_ring(path, create=True)

    with ThreadPoolExecutor(16) as pool:
        rings = list(pool.map(load, range(16)))
    wrapped = rings[0].wrap(b"d" * 32, "record")
    assert all(ring.unwrap(wrapped, "record") == b"d" * 32 for ring in rings)
    assert _mode(path) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["master.key"]  # no temp left


def test_sqlite_databases_and_the_audit_head_are_0600(tmp_path, loose_umask):
    database = tmp_path / "var" / "prevent.db"
    url = f"sqlite:///{database}"
    make_engine(url).dispose()
    assert _mode(database) == 0o600
    head = tmp_path / "var" / "audit.head"
    AuditLog(url, b"k" * 32, head).record("cli:test", "account_created", "ok", detail="x")
    assert _mode(head) == 0o600
    loose = tmp_path / "old.db"
    loose.write_bytes(b"")
    os.chmod(loose, 0o644)  # made by an earlier version under the umask
    with session_scope(f"sqlite:///{loose}"):
        pass
    assert _mode(loose) == 0o600
    for extra in loose.parent.glob("old.db-*"):
        assert _mode(extra) == 0o600


def test_every_way_into_a_sqlite_database_makes_it_0600(tmp_path, loose_umask):
    """Not only `make_engine`: the conversation vault, the migrations and `migrate show`
    each opened their own engine, and a database they created first was left 0644."""
    from bot.store.conversations import ConversationVault
    from bot.store.migrate import show, upgrade

    vault_db, migrated, shown = (tmp_path / n for n in ("vault.db", "migrated.db", "shown.db"))
    ConversationVault(f"sqlite:///{vault_db}", crypto.KeyRing({"k1": b"k" * 32}, "k1"), b"p" * 32)
    upgrade(f"sqlite:///{migrated}")
    show(f"sqlite:///{shown}", "app")
    for database in (vault_db, migrated, shown):
        assert database.exists() and _mode(database) == 0o600, database


#: Calls that open a database connection or engine, by the name called.
_OPENERS = {"create_engine", "create_async_engine", "engine_from_config", "connect"}
#: (file, function) allowed to call one: the one door; the tracker store's engines, made
#: from the engine Rasa opened on a file already made 0600 (bot/rasa_ext/tracker_store.py);
#: the PostgreSQL-only leader lock and `make prod`'s database creation.
_ALLOWED_OPENERS = {
    ("bot/store/db.py", "open_engine"),
    ("bot/runtime/tracker_store.py", "_pool_sqlite"),
    ("bot/runtime/tracker_store.py", "_autocommit"),
    ("bot/store/leader.py", "_lead_postgres"),
    ("scripts/prod.py", "_create_database"),  # PostgreSQL's own `postgres` database
}


def _openers(path: Path) -> Iterator[tuple[str, str]]:
    """(function, name called) for every call to an opener in `path`'s source; `connect`
    only as `sqlite3.connect`/`psycopg2.connect` (an engine's own `.connect()` is fine)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node: ast.AST, function: str) -> Iterator[tuple[str, str]]:
        for child in ast.iter_child_nodes(node):
            inside = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inside = child.name
            if isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(getattr(func, "value", None), "id", "")
                if name in _OPENERS and (name != "connect" or owner in {"sqlite3", "psycopg2"}):
                    yield inside, name
            yield from visit(child, inside)

    yield from visit(tree, "<module>")


def test_no_function_opens_its_own_engine_around_the_one_door():
    """`bot.store.db.open_engine` is the one place an engine on the project's databases is
    made (so a SQLite file is always 0600); the few others are named, by function."""
    root = Path(__file__).resolve().parents[2]
    found = {
        (str(path.relative_to(root)), function, name)
        for folder in ("bot", "migrations", "scripts")
        for path in sorted((root / folder).rglob("*.py"))
        for function, name in _openers(path)
    }
    offenders = {f for f in found if f[:2] not in _ALLOWED_OPENERS}
    assert offenders == set()
    assert {f[:2] for f in found} == _ALLOWED_OPENERS  # none allowed that no longer is


def test_the_tracker_database_is_0600_before_rasa_creates_its_tables(
    tmp_path, loose_umask, monkeypatch
):
    """Rasa's SQLTrackerStore creates the file and its tables in its constructor: a file
    made there under the umask could be opened by another account before a later chmod."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    from bot.config import Config, use_config
    from bot.rasa_ext.tracker_store import EncryptedSQLTrackerStore

    tracker_db = tmp_path / "tracker.db"
    modes_on_entry: list[int | None] = []
    rasa_init = SQLTrackerStore.__init__

    def recording_init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        modes_on_entry.append(_mode(tracker_db) if tracker_db.exists() else None)
        rasa_init(self, *args, **kwargs)

    monkeypatch.setattr(SQLTrackerStore, "__init__", recording_init)
    keys = "v1:" + base64.b64encode(b"t" * 32).decode()
    with use_config(Config.from_env({**os.environ, "PREVENT_MASTER_KEYS": keys})):
        EncryptedSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tracker_db))
    assert modes_on_entry == [0o600]
    assert _mode(tracker_db) == 0o600
