"""End to end: two schools, a teacher and a DSL in each, over the real servers.

A teacher's concern (after a triage) reaches only their own school's DSL, pushed through
the loopback Telegram Bot API; the other school's DSL sees nothing; the DSL's question
and the teacher's answer go round; "refer" starts a VTR draft filled in from the concern;
the decision record's PDF and JSON hold what was decided; nothing stored is readable
without the keys.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import re
import secrets
import urllib.request
from pathlib import Path

import pytest

from bot.channels.push import push_concern_alerts
from bot.channels.telegram import TelegramPusher, TelegramSettings
from bot.concerns import Concerns
from bot.concerns.orgs import Orgs
from bot.enrolment import Enrolment
from bot.referral.draft_store import DraftStore
from bot.store.crypto import KeyRing
from tests.helpers.servers import running_assistant
from tests.helpers.telegram_api import running_fake_telegram

pytestmark = pytest.mark.servers

WORDS = "Ottoline Brackenbury drew a Thornfield symbol on her planner and said the videos are right about immigrants"
TOKEN = "123456:TEST-concern-token"
DSL_A_TG, DSL_B_TG = "5550001", "5550002"  # the DSLs' Telegram user ids
DSL_A, DSL_B = "rest-dsl-a", "rest-dsl-b"  # the same DSLs on the REST channel
TEACHER_A, TEACHER_B = "rest-teacher-a", "rest-teacher-b"
REF = re.compile(r"\bC-[A-HJ-NP-Z2-9]{6}\b")


def _text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _buttons(replies: list[dict]) -> dict[str, str]:
    return {b["title"]: b["payload"] for r in replies for b in r.get("buttons") or []}


def _raw(var: Path) -> bytes:
    return b"".join(p.read_bytes() for p in var.glob("*.db*"))


def _payload(intent: str, **entities: str) -> str:
    return f"/{intent}{json.dumps(entities)}"


def test_a_concern_goes_from_teacher_to_their_own_dsl_and_is_decided(
    model_path, tmp_path, monkeypatch, request
):
    var = tmp_path / "var"
    master = "v1:" + base64.b64encode(secrets.token_bytes(32)).decode()
    pepper = secrets.token_bytes(32)
    env = {"PREVENT_MASTER_KEYS": master, "PREVENT_OWNER_PEPPER": base64.b64encode(pepper).decode()}
    var.mkdir(parents=True)
    url = f"sqlite:///{var / 'prevent.db'}"
    ring = KeyRing.parse(master)
    concerns = Concerns(url, ring, pepper)
    orgs = Orgs(url)
    orgs.add("St Mary's", "southend")
    orgs.add("Harbour College", "essex")
    # Teachers on the REST channel; DSLs on Telegram, enrolled by invites for their school.
    concerns.staff.enrol(TEACHER_A, "rest", "st-marys", "teacher")
    concerns.staff.enrol(TEACHER_B, "rest", "harbour-college", "teacher")
    # The tests speak REST, so the DSLs are also linked on REST (their own REST ids).
    concerns.staff.enrol(DSL_A, "rest", "st-marys", "dsl")
    concerns.staff.enrol(DSL_B, "rest", "harbour-college", "dsl")
    # Redeeming seals the DSL's Telegram route with the key ring given: the servers' keys.
    enrolment = Enrolment(url, pepper, ring)
    for dsl, org in ((DSL_A_TG, "st-marys"), (DSL_B_TG, "harbour-college")):
        code = enrolment.issue("telegram", org=org, role="dsl").code
        assert enrolment.redeem("telegram", dsl, code)

    with running_assistant(model_path, var, extra_env=env) as bot:
        # The teacher's triage ends with "Tell my DSL".
        bot.say(
            TEACHER_A,
            "Should I refer? A 15 year old keeps sharing nazi memes, no immediate danger",
        )
        replies = []
        for reply in ["no", "no", "his parents know", "yes I've spoken to our DSL"]:
            replies = bot.say(TEACHER_A, reply)
            if "Tell my DSL" in _buttons(replies):
                break
        assert _buttons(replies)["Tell my DSL"] == "/log_concern"
        assert "own words" in _text(bot.say(TEACHER_A, "/log_concern"))
        assert "when" in _text(bot.say(TEACHER_A, WORDS)).lower()
        assert "where" in _text(bot.say(TEACHER_A, "Tuesday morning break")).lower()
        receipt = _text(bot.say(TEACHER_A, "the library"))
        [ref] = REF.findall(receipt)
        assert "2 DSL(s) at St Mary's" in receipt  # St Mary's DSL on Telegram and on REST

        # Pushed to St Mary's DSL on Telegram, and to nobody at Harbour College.
        with running_fake_telegram(TOKEN) as fake:
            pusher = TelegramPusher(TelegramSettings(TOKEN, "secret", fake.base_url))
            assert asyncio.run(push_concern_alerts(concerns, {"telegram": pusher})) == 1
            [alert] = fake.messages_to(int(DSL_A_TG))
            assert fake.messages_to(int(DSL_B_TG)) == []
        assert ref in alert["text"] and WORDS not in alert["text"]

        # A Telegram DSL's id sent over the REST channel is nobody: no list, no concern,
        # no DSL step (issue 11: sender ids namespaced by channel wherever they are hashed).
        for step in ("new concerns", f"open {ref}", _payload("concern_open", concern_ref=ref)):
            said = _text(bot.say(DSL_A_TG, step))
            assert ref not in said and WORDS not in said and "isn't linked to a school" in said
        said = _text(
            bot.say(DSL_A_TG, _payload("concern_decide", concern_ref=ref, concern_decision="nfa"))
        )
        assert "isn't linked to a school" in said

        # The other school's DSL sees nothing, even with the reference.
        assert ref not in _text(bot.say(DSL_B, "new concerns"))
        assert WORDS not in _text(bot.say(DSL_B, f"open {ref}"))
        assert "can't find" in _text(bot.say(DSL_B, _payload("concern_open", concern_ref=ref)))
        assert ref not in _text(bot.say(TEACHER_B, "my concerns"))

        # The DSL reads it: the words, the triage advice with citations; the teacher is told.
        assert ref in _text(bot.say(DSL_A, "new concerns"))
        opened = bot.say(DSL_A, f"open {ref}")
        assert WORDS in _text(opened) and "SET" in _text(opened)
        receipt = _text(bot.say(TEACHER_A, "my concerns"))
        assert "1 concern update(s)" in receipt and "has read your concern" in receipt

        # Question and answer round trip.
        asked = bot.say(DSL_A, _buttons(opened)["Ask a question"])
        assert "what would you like to ask" in _text(asked).lower()
        bot.say(DSL_A, "Who else heard Ottoline say it?")
        told = _text(bot.say(TEACHER_A, "my concerns"))
        assert f'question about your concern {ref}: "Who else heard Ottoline say it?"' in told
        assert "answer" in _text(bot.say(TEACHER_A, f"answer {ref}")).lower()
        assert "added" in _text(bot.say(TEACHER_A, "Two Year 10 pupils and a TA"))
        assert "Two Year 10 pupils and a TA" in _text(bot.say(DSL_A, "new concerns"))
        assert (
            "only your school's dsl"
            in _text(
                bot.say(
                    TEACHER_A, _payload("concern_decide", concern_ref=ref, concern_decision="nfa")
                )
            ).lower()
        )

        # Decisions: monitor with a review date, then a change to refer asks why.
        bot.say(DSL_A, _payload("concern_decide", concern_ref=ref, concern_decision="monitor"))
        bot.say(DSL_A, "One remark, no other indicators yet")
        assert "after today" in _text(bot.say(DSL_A, "01/01/2001"))
        assert "Review on 15/01/2099" in _text(bot.say(DSL_A, "15/01/2099"))
        # The teacher is told the kind of decision, never its reasons.
        told = _text(bot.say(TEACHER_A, "my concerns"))
        assert f"Decision recorded on your concern {ref}: monitoring" in told
        assert "One remark" not in told
        change = bot.say(
            DSL_A, _payload("concern_decide", concern_ref=ref, concern_decision="refer")
        )
        assert "already has a decision" in _text(change)
        referred = _text(bot.say(DSL_A, "The TA heard a plan for Friday: refer now"))
        assert "VTR referral draft" in referred

        # The draft is the DSL's, filled in from the concern.
        [summary] = DraftStore(url, ring, pepper).list(f"rest:{DSL_A}")
        draft = DraftStore(url, ring, pepper).get(f"rest:{DSL_A}", summary.id)
        assert WORDS in draft.values["concern"] and "Two Year 10 pupils" in draft.values["concern"]
        assert draft.values["school"] == "St Mary's" and draft.values["area"] == "southend"
        bot.say(DSL_A, "stop")

        # The decision record: PDF and JSON hold what was decided.
        links = _text(bot.say(DSL_A, _payload("concern_export", concern_ref=ref)))
        urls = dict(re.findall(r"(PDF|JSON|CSV): (\S+)", links))
        record = json.loads(_get(urls["JSON"]))
        assert [d["decision"] for d in record["decisions"]] == ["monitor", "refer"]
        assert record["decisions"][1]["reasons"] == "The TA heard a plan for Friday: refer now"
        assert record["decisions"][1]["changed_from"] == "monitor"
        assert record["concern"]["words"] == WORDS and record["advice"]["citations"]
        pdf_text = _pdf_text(_get(urls["PDF"]))
        for expected in ("Refer to Prevent", "The TA heard a plan for Friday", "15/01/2099"[6:]):
            assert expected in pdf_text
        assert "Monitor" in _get(urls["CSV"]).decode()

        # Deletion on request, by the other school's DSL, for their own school's concern.
        bot.say(TEACHER_B, "I want to log a concern")
        for answer in ("A pupil drew a Thornfield symbol", "Monday", "Room 4"):
            last = _text(bot.say(TEACHER_B, answer))
        [other_ref] = REF.findall(last)
        assert "can't find" in _text(
            bot.say(DSL_A, _payload("concern_delete", concern_ref=other_ref))
        )
        bot.say(DSL_B, _payload("concern_delete", concern_ref=other_ref))
        assert "deleted" in _text(bot.say(DSL_B, "Raised about the wrong pupil"))
        assert other_ref not in _text(bot.say(DSL_B, "my concerns"))

    # At rest: no words, no names, no sender ids, in any database file.
    raw = _raw(var)
    assert raw
    for sentinel in ("Ottoline", "Brackenbury", "Thornfield", "Year 10", TEACHER_A, DSL_A_TG):
        assert sentinel.encode() not in raw, sentinel
    # With the keys, every step decrypts to what was said.
    steps = Concerns(url, ring, pepper).open(f"rest:{DSL_A}", ref).steps
    assert [s.kind for s in steps] == [
        "raised",
        "read",
        "question",
        "answer",
        "decision",
        "decision",
    ]
    assert [a for _, a, _, _ in concerns.audit(other_ref)] == ["raised", "read", "deleted"]
    other = KeyRing.parse("v1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    with pytest.raises(Exception, match="integrity"):
        Concerns(url, other, pepper).open(f"rest:{DSL_A}", ref)


def _get(link: str) -> bytes:
    with urllib.request.urlopen(link, timeout=30) as response:  # noqa: S310 - loopback
        return response.read()


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
