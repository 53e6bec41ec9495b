"""The audit log: append-only in the database (SQLite and PostgreSQL) and hash-chained."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.review import audit as audit_module
from bot.review.audit import GENESIS, AuditLog, AuditRow, ensure_append_only
from bot.store.db import session_scope

KEY = b"k" * 32


@pytest.fixture(autouse=True)
def _keyed(monkeypatch, tmp_path):
    """Every AuditLog in this module has the audit key and a head file, as the app's has."""
    real_init = AuditLog.__init__
    head = tmp_path / "audit.head"

    def keyed(self, url, key=KEY, head_file=head):
        real_init(self, url, key, head_file)

    monkeypatch.setattr(AuditLog, "__init__", keyed)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("db_url")
    return request.getfixturevalue("fresh_pg_url")


def _fill(log: AuditLog, count: int = 5) -> None:
    for n in range(count):
        log.record("ada", "open_referral", "ok", reference=f"VTR-{n:04d}", detail=f"entry {n}")


def _execute(url: str, sql: str, **params: object) -> None:
    with session_scope(url) as session:
        session.execute(text(sql), params)


class TestAppendOnly:
    def test_the_database_refuses_to_change_a_row(self, any_db):
        log = AuditLog(any_db)
        _fill(log)
        with pytest.raises(DBAPIError, match="append-only"):
            _execute(any_db, "UPDATE review_audit SET actor = 'mallory' WHERE id = 2")
        assert {e.actor for e in log.recent()} == {"ada"}

    def test_the_database_refuses_to_delete_a_row(self, any_db):
        log = AuditLog(any_db)
        _fill(log)
        with pytest.raises(DBAPIError, match="append-only"):
            _execute(any_db, "DELETE FROM review_audit WHERE id = 3")
        with pytest.raises(DBAPIError, match="append-only"):
            _execute(any_db, "DELETE FROM review_audit")
        assert log.count() == 5

    def test_the_orm_cannot_change_a_row_either(self, any_db):
        log = AuditLog(any_db)
        _fill(log, 2)
        with pytest.raises(DBAPIError, match="append-only"):
            with session_scope(any_db) as session:
                session.query(AuditRow).first().detail = "rewritten"

    def test_postgresql_refuses_truncate(self, fresh_pg_url):
        log = AuditLog(fresh_pg_url)
        _fill(log, 2)
        with pytest.raises(DBAPIError, match="append-only"):
            _execute(fresh_pg_url, "TRUNCATE review_audit")
        assert log.count() == 2

    def test_guards_are_reinstalled_when_missing(self, any_db):
        log = AuditLog(any_db)
        _fill(log, 2)
        if any_db.startswith("sqlite"):
            _execute(any_db, "DROP TRIGGER review_audit_no_update")
        else:
            _execute(any_db, "DROP TRIGGER review_audit_no_update_delete ON review_audit")
        ensure_append_only(any_db)
        with pytest.raises(DBAPIError, match="append-only"):
            _execute(any_db, "UPDATE review_audit SET actor = 'mallory'")


class TestHashChain:
    def test_an_untouched_log_verifies(self, any_db):
        log = AuditLog(any_db)
        assert log.verify().ok and log.verify().head == GENESIS
        _fill(log, 7)
        check = log.verify()
        assert check.ok and check.rows == 7
        assert check.head == log.recent(1)[0].row_hash

    def test_an_altered_row_is_found(self, any_db):
        # Given someone with the database owner's rights, who can drop the guards
        log = AuditLog(any_db)
        _fill(log, 6)
        self._drop_guards(any_db)
        # When they rewrite who did something
        _execute(any_db, "UPDATE review_audit SET actor = 'someone-else' WHERE id = 4")
        # Then the chain names the row
        check = log.verify()
        assert not check.ok and check.broken_at == 4 and "altered" in check.problem

    def test_a_removed_row_is_found(self, any_db):
        log = AuditLog(any_db)
        _fill(log, 6)
        self._drop_guards(any_db)
        _execute(any_db, "DELETE FROM review_audit WHERE id = 3")
        check = log.verify()
        assert not check.ok and check.broken_at == 4 and "missing" in check.problem

    def test_a_recomputed_row_breaks_the_next_link(self, any_db):
        # A forger who rewrites a row AND recomputes its hash still breaks the next link.
        from bot.review.audit import _content_hash

        log = AuditLog(any_db)
        _fill(log, 4)
        self._drop_guards(any_db)
        second = sorted(log.recent(), key=lambda e: e.id)[1]
        with session_scope(any_db) as session:
            prev_hash = session.get(AuditRow, second.id).prev_hash
        forged = _content_hash(
            KEY,
            prev_hash,
            second.at,
            "mallory",
            second.action,
            second.reference,
            second.outcome,
            "x",
        )
        _execute(
            any_db,
            "UPDATE review_audit SET actor = 'mallory', detail = 'x', row_hash = :forged "
            "WHERE id = :id",
            forged=forged,
            id=second.id,
        )
        check = log.verify()
        assert not check.ok and check.broken_at == second.id + 1
        assert "missing or moved" in check.problem

    def test_concurrent_writers_keep_one_chain(self, db_url):
        log = AuditLog(db_url)
        errors: list[BaseException] = []

        def write(worker: int) -> None:
            try:
                for n in range(10):
                    log.record(f"staff{worker}", "view_queue", "ok", detail=str(n))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        check = log.verify()
        assert check.ok and check.rows == 40

    def test_concurrent_processes_keep_one_chain(self, any_db, tmp_path):
        # Across processes the unique prev_hash makes the loser of a race retry.
        import multiprocessing

        AuditLog(any_db)
        context = multiprocessing.get_context("spawn")
        workers = [
            context.Process(target=_append_many, args=(any_db, w, tmp_path / "audit.head"))
            for w in range(3)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0, 0, 0]
        check = AuditLog(any_db).verify()
        assert check.ok and check.rows == 45

    def test_details_are_one_line_and_bounded(self, db_url):
        log = AuditLog(db_url)
        entry = log.record("ada", "add_note", "ok", detail="line one\nline two " + "x" * 500)
        assert "\n" not in entry.detail and len(entry.detail) == 300
        assert log.verify().ok

    @staticmethod
    def _drop_guards(url: str) -> None:
        if url.startswith("sqlite"):
            _execute(url, "DROP TRIGGER review_audit_no_update")
            _execute(url, "DROP TRIGGER review_audit_no_delete")
        else:
            _execute(url, "DROP TRIGGER review_audit_no_update_delete ON review_audit")


def _append_many(url: str, worker: int, head=None) -> None:
    log = AuditLog(url, KEY, head)
    for n in range(15):
        log.record(f"process{worker}", "view_queue", "ok", detail=str(n))


def test_entries_about_one_referral_newest_first(db_url):
    log = AuditLog(db_url)
    _fill(log, 3)
    log.record("rita", "set_status", "ok", reference="VTR-0001", detail="received -> screening")
    entries = log.for_reference("VTR-0001")
    assert [e.action for e in entries] == ["set_status", "open_referral"]
    assert [e.action for e in log.for_reference("VTR-0001", ("set_status",))] == ["set_status"]


class TestAnAttackerWithTheDatabase:
    """Issue 11: someone who can write the database (and drop the guards) but lacks the key."""

    def test_deleting_rows_and_recomputing_a_plain_chain_is_found(self, any_db):
        import hashlib
        import json

        log = AuditLog(any_db)
        _fill(log, 8)
        TestHashChain._drop_guards(any_db)
        _execute(any_db, "DELETE FROM review_audit WHERE id IN (3, 4)")
        # Recompute the whole chain as a plain SHA-256 (what verify() accepted before).
        with session_scope(any_db) as session:
            rows = session.query(AuditRow).order_by(AuditRow.id).all()
            _execute(any_db, "UPDATE review_audit SET prev_hash = 'tmp-' || id")
            prev = GENESIS
            for row in rows:
                canonical = json.dumps(
                    [prev, row.at.isoformat(timespec="microseconds"), row.actor, row.action,
                     row.reference or "", row.outcome, row.detail or ""],
                    ensure_ascii=False, separators=(",", ":"),
                )  # fmt: skip
                digest = hashlib.sha256(canonical.encode()).hexdigest()
                _execute(
                    any_db,
                    "UPDATE review_audit SET prev_hash = :p, row_hash = :h WHERE id = :id",
                    p=prev, h=digest, id=row.id,
                )  # fmt: skip
                prev = digest
        check = log.verify()
        assert not check.ok and check.broken_at == 1 and "altered" in check.problem

    def test_recomputing_with_a_guessed_key_is_found(self, any_db):
        log = AuditLog(any_db)
        _fill(log, 4)
        forger = AuditLog(any_db, b"g" * 32)  # (installing the guards; then dropping them)
        TestHashChain._drop_guards(any_db)
        _execute(any_db, "DELETE FROM review_audit")
        for n in range(4):
            forger.record("ada", "open_referral", "ok", reference=f"VTR-{n:04d}", detail="x")
        assert not log.verify().ok

    def test_cutting_rows_off_the_end_is_found_from_the_head_file(self, any_db, tmp_path):
        log = AuditLog(any_db)
        _fill(log, 6)
        assert log.written_head()[0] == 6
        TestHashChain._drop_guards(any_db)
        _execute(any_db, "DELETE FROM review_audit WHERE id > 4")  # a valid, shorter chain
        check = log.verify()
        assert not check.ok and "cut short" in check.problem

    def test_a_deleted_head_file_is_found(self, any_db, tmp_path):
        log = AuditLog(any_db)
        _fill(log, 3)
        (tmp_path / "audit.head").unlink()
        check = log.verify()
        assert not check.ok and "head file is missing" in check.problem

    def test_the_head_goes_to_the_log_at_intervals(self, db_url, monkeypatch, caplog):
        monkeypatch.setattr(audit_module, "HEAD_LOG_EVERY", 3)
        log = AuditLog(db_url)
        with caplog.at_level("INFO", logger="bot.review.audit"):
            _fill(log, 7)
        heads = [r.getMessage() for r in caplog.records if "audit head" in r.getMessage()]
        assert len(heads) == 2 and heads[0].startswith("review audit head: row 3 ")
        assert log.verify().ok

    def test_the_key_is_not_in_the_database(self, db_url, tmp_path):
        log = AuditLog(db_url)
        _fill(log, 3)
        stored = b"".join(p.read_bytes() for p in tmp_path.glob("prevent.db*"))
        assert KEY not in stored


def test_the_command_line_checks_the_chain_against_the_written_head(tmp_path):
    import base64
    import subprocess
    import sys

    from bot.review.settings import ReviewSettings
    from tests.review.factories import ROOT

    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "PREVENT_VAR_DIR": str(tmp_path / "var"),
        "PREVENT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PREVENT_REVIEW_SECRET_KEY": base64.b64encode(b"s" * 32).decode(),
    }
    settings = ReviewSettings.from_env(env, need_updates_key=False)
    log = AuditLog.from_settings(settings)
    for n in range(4):
        log.record("ada", "view_queue", "ok", detail=str(n))

    def verify() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot.review.accounts", "verify-audit"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    ok = verify()
    assert ok.returncode == 0 and "4 entries" in ok.stdout, ok.stderr
    TestHashChain._drop_guards(settings.database_url)
    _execute(settings.database_url, "DELETE FROM review_audit WHERE id = 4")
    cut = verify()
    assert cut.returncode == 1 and "cut short" in cut.stderr
