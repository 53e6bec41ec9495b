"""The concern core over a real SQLite file: schools, roles, access, chronology, at rest."""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
from datetime import date, timedelta

import pytest

from bot.concerns import NotAllowed, NotFound
from bot.concerns.orgs import Orgs
from bot.concerns.record import to_csv, to_dict, to_json, to_pdf
from bot.concerns.store import Concerns, Invalid, alert_message
from bot.enrolment import Enrolment
from bot.store.crypto import KeyRing

WORDS = "Marmaduke Fennimore drew a flag and said the crusade starts at the fete"


def _ring() -> KeyRing:
    return KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())


@pytest.fixture()
def world(tmp_path):
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    ring, pepper = _ring(), secrets.token_bytes(32)
    orgs = Orgs(url)
    orgs.add("St Mary's", "southend")
    orgs.add("Harbour College", "essex", retention_days=30)
    concerns = Concerns(url, ring, pepper)
    for sender, org, role in (
        ("t-a", "st-marys", "teacher"),
        ("t-a2", "st-marys", "teacher"),
        ("dsl-a", "st-marys", "dsl"),
        ("t-b", "harbour-college", "teacher"),
        ("dsl-b", "harbour-college", "dsl"),
    ):
        concerns.staff.enrol(sender, "telegram", org, role)
    return concerns, tmp_path / "bot.db", ring, pepper, url


def test_a_concern_reaches_only_its_own_schools_dsl(world):
    concerns, *_ = world
    concern, alerted = concerns.raise_concern("telegram:t-a", WORDS, "Tuesday break", "the playground")
    assert alerted == 1
    assert [a.kind for a in concerns.take_alerts("telegram:dsl-a")] == ["new"]
    assert concerns.take_alerts("telegram:dsl-b") == []
    assert concerns.list_for("telegram:dsl-b") == []
    assert concerns.list_for("telegram:t-a2") == []  # another teacher of the same school
    with pytest.raises(NotFound):
        concerns.open("telegram:dsl-b", concern.ref)
    with pytest.raises(NotFound):
        concerns.open("telegram:t-a2", concern.ref)
    with pytest.raises(NotAllowed):
        concerns.raise_concern("telegram:stranger", WORDS)
    assert [c.ref for c in concerns.list_for("telegram:dsl-a", only_new=True)] == [concern.ref]
    assert [c.ref for c in concerns.list_for("telegram:t-a")] == [concern.ref]


def test_read_receipt_question_answer_and_decisions_join_the_chronology(world):
    concerns, *_ = world
    concern, _ = concerns.raise_concern("telegram:t-a", WORDS, "Tuesday", "playground")
    opened = concerns.open("telegram:dsl-a", concern.ref)
    assert opened.details["words"] == WORDS and opened.status == "open"
    assert [a.kind for a in concerns.take_alerts("telegram:t-a")] == ["read"]
    concerns.open("telegram:dsl-a", concern.ref)  # a second read tells nobody again
    assert concerns.take_alerts("telegram:t-a") == []
    with pytest.raises(NotAllowed):
        concerns.ask("telegram:t-a", concern.ref, "a teacher cannot ask")
    concerns.ask("telegram:dsl-a", concern.ref, "Who else was there?")
    [question] = concerns.take_alerts("telegram:t-a")
    assert question.kind == "question" and question.text == "Who else was there?"
    with pytest.raises(NotAllowed):
        concerns.answer("telegram:dsl-a", concern.ref, "only the raiser answers")
    concerns.answer("telegram:t-a", concern.ref, "Two friends, Year 9")
    [answer] = concerns.take_alerts("telegram:dsl-a")[-1:]
    assert answer.kind == "answer" and "Year 9" in answer.text
    with pytest.raises(Invalid):
        concerns.decide("telegram:dsl-a", concern.ref, "nfa", "  ")
    with pytest.raises(Invalid):
        concerns.decide("telegram:dsl-a", concern.ref, "monitor", "watch", review_on=date(2000, 1, 1))
    review = date.today() + timedelta(days=14)
    concerns.decide("telegram:dsl-a", concern.ref, "monitor", "Isolated remark; watch", review_on=review)
    final = concerns.decide("telegram:dsl-a", concern.ref, "refer", "He repeated it to a TA")
    kinds = [s.kind for s in final.steps]
    assert kinds == ["raised", "read", "question", "answer", "decision", "decision"]
    assert final.decision.data == {
        "decision": "refer",
        "reasons": "He repeated it to a TA",
        "changed_from": "monitor",
    }
    assert final.review_due is None
    # The teacher who raised it is told each decision: its kind, never the reasons.
    told = [alert_message(a) for a in concerns.take_alerts("telegram:t-a")]
    assert [(m["response"], m["alert_detail"]) for m in told] == [
        ("utter_concern_alert_decided", "monitoring, with a review date"),
        ("utter_concern_alert_decided", "referred to Prevent"),
    ]
    record = to_dict(*concerns.record("telegram:dsl-a", concern.ref))
    assert [d["decision"] for d in record["decisions"]] == ["monitor", "refer"]
    assert record["decisions"][0]["review_on"] == review.isoformat()
    assert json.loads(to_json(*concerns.record("telegram:t-a", concern.ref)))["reference"] == concern.ref
    assert "He repeated it to a TA" in to_csv(*concerns.record("telegram:dsl-a", concern.ref)).decode()
    assert to_pdf(*concerns.record("telegram:dsl-a", concern.ref)).startswith(b"%PDF")
    actions = [a for _, a, _, _ in concerns.audit(concern.ref)]
    assert actions[:3] == ["raised", "read", "decided"] and actions.count("exported") == 4


def test_review_reminder_is_alerted_once_when_due(world):
    concerns, *_ = world
    concern, _ = concerns.raise_concern("telegram:t-a", WORDS)
    concerns.take_alerts("telegram:dsl-a")
    due = date.today() + timedelta(days=7)
    concerns.decide("telegram:dsl-a", concern.ref, "monitor", "watch", review_on=due)
    assert concerns.remind_due_reviews(today=due - timedelta(days=1)) == 0
    assert concerns.remind_due_reviews(today=due) == 1
    assert concerns.remind_due_reviews(today=due) == 0
    [alert] = concerns.take_alerts("telegram:dsl-a")
    assert alert.kind == "review" and alert.ref == concern.ref


def test_retention_and_deletion_are_audited_and_the_audit_is_append_only(world):
    concerns, path, *_ = world
    kept, _ = concerns.raise_concern("telegram:t-a", WORDS)
    old, _ = concerns.raise_concern("telegram:t-b", WORDS)  # Harbour College keeps 30 days
    from bot.store.db import utcnow

    assert concerns.purge_expired(default_days=3650, now=utcnow() + timedelta(days=31)) == 1
    assert [c.ref for c in concerns.list_for("telegram:dsl-b")] == []
    assert [c.ref for c in concerns.list_for("telegram:dsl-a")] == [kept.ref]
    with pytest.raises(NotAllowed):
        concerns.delete("telegram:t-a", kept.ref, "asked")
    concerns.delete("telegram:dsl-a", kept.ref, "Parent of Jane Roe (Y8) asked for erasure")
    assert concerns.list_for("telegram:dsl-a") == []
    assert [a for _, a, _, _ in concerns.audit(old.ref)][-1] == "purged"
    assert concerns.audit(kept.ref)[-1][1:] == (
        "deleted",
        concerns.staff.hash_of("telegram:dsl-a"),
        "on request",
    )
    # M2: the free-text reason is in no stored row (the audit can never be erased).
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"Jane Roe" not in data and b"erasure" not in data
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM concern_audit")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE concern_audit SET action = 'x'")


def test_every_row_is_unreadable_without_the_keys_and_readable_with_them(world):
    concerns, path, ring, pepper, url = world
    concern, _ = concerns.raise_concern("telegram:t-a", WORDS, "Tuesday", "the fete field")
    concerns.ask("telegram:dsl-a", concern.ref, "Did Marmaduke Fennimore say more?")
    concerns.answer("telegram:t-a", concern.ref, "Fennimore mentioned a website")
    raw = b"".join(p.read_bytes() for p in path.parent.glob("bot.db*"))
    for sentinel in (b"Marmaduke", b"Fennimore", b"fete", b"t-a", b"dsl-a"):
        assert sentinel not in raw
    # With the keys, the rows decrypt to what was said.
    assert Concerns(url, ring, pepper).open("telegram:t-a", concern.ref).details["words"] == WORDS
    # With another master key nothing opens.
    with pytest.raises(Exception, match="integrity|not loaded"):
        Concerns(url, _ring(), pepper).open("telegram:t-a", concern.ref)


def test_an_invite_for_a_school_and_role_enrols_the_holder_as_that(world, monkeypatch):
    _concerns, _path, _ring_unused, pepper, url = world
    spec = "v1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    concerns = Concerns(url, KeyRing.parse(spec), pepper)
    enrolment = Enrolment(url, pepper, KeyRing.parse(spec))  # seals the staff route
    invite = enrolment.issue("telegram", "", org="harbour-college", role="dsl")
    assert enrolment.redeem("telegram", "77001", invite.code)
    staff = concerns.whoami("telegram:77001")
    assert (staff.org_id, staff.role, staff.channel) == ("harbour-college", "dsl", "telegram")
    # The same id on another channel is somebody else (issue 11: ids namespaced by channel).
    for elsewhere in ("77001", "rest:77001", "webchat:77001", "teams:77001"):
        assert concerns.whoami(elsewhere) is None
    plain = enrolment.issue("telegram", "")
    assert enrolment.redeem("telegram", "77002", plain.code)
    assert concerns.whoami("telegram:77002") is None


def test_on_postgresql_too_the_audit_is_append_only_and_rows_are_sealed(postgres_url):
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DatabaseError

    url = postgres_url
    concerns = Concerns(url, _ring(), secrets.token_bytes(32))
    Orgs(url).add("St Mary's PG", "southend", org_id="st-marys-pg")
    concerns.staff.enrol("pg-teacher", "rest", "st-marys-pg", "teacher")
    concern, _ = concerns.raise_concern("rest:pg-teacher", WORDS)
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT payload FROM concerns WHERE ref = :ref"), {"ref": concern.ref}
        ).one()
        assert b"Marmaduke" not in bytes(row.payload)
        for statement in ("UPDATE concern_audit SET action = 'x'", "DELETE FROM concern_audit"):
            with pytest.raises(DatabaseError, match="append-only"):
                conn.execute(text(statement))
            conn.rollback()
    engine.dispose()
