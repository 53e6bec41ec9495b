"""Attacker holding every key of the bot server (issue 11: the one-master-key test).

With the master keys, the owner pepper and the updates key, and both databases, an
attacker decrypts every stored row: conversation events, drafts, routes, pickups, news,
enrolment. After a sealed referral, a deleted draft, a purged draft and "Forget me", none
of the people's details (names, date of birth, concern) nor the one-time password or link
may be in any of it. Before each lifecycle step the same view does find them (so the check
is not blind). Finally the idle purge erases whole conversations.

Real servers (Rasa + action server, REST and web chat) on loopback; the purge worker is
run as its own process with a clock moved forward.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.channels.test_webchat import call, issue_codes, say_http, sign_in
from tests.helpers.servers import ROOT, Assistant, running_assistant
from tests.helpers.stored import conversation_events, everything
from tests.helpers.vtr_answers import VTR_ANSWERS, draft_to_summary, text_of

pytestmark = pytest.mark.servers

CREDENTIALS = """\
bot.channels.rest.RestInput:
bot.channels.downloads.FileLinksInput:
bot.channels.webchat.WebChatInput:
  session_hours: 1
"""
SEALED = {
    **VTR_ANSWERS,
    "first name": "Albertine",
    "surname": "Vexholm",
    "date of birth": "29/02/2012",
    "in your own words": "He praises the heron-lantern brigade online.",
}
DELETED = ("Cressida", "Ombrewick")
PURGED = ("Leofric", "Thistlewaite")
FORGOTTEN = ("Marigold", "Quenby")


@pytest.fixture(scope="module")
def bot(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    tmp = tmp_path_factory.mktemp("masterkey")
    credentials = tmp / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    with running_assistant(model_path, tmp / "var", credentials=credentials) as running:
        yield running


def _purge(bot: Assistant, days_later: float, **env: str) -> dict:
    code = (
        "import datetime, json; from bot.referral.retention import purge_once; "
        "from bot.store.db import utcnow; "
        f"print(json.dumps(purge_once(utcnow() + datetime.timedelta(days={days_later}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**bot.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _start_draft(bot: Assistant, sender: str, first: str, surname: str) -> None:
    bot.say(sender, "start a referral")
    bot.say(sender, "no")
    bot.say(sender, first)
    assert "date of birth" in text_of(bot.say(sender, surname)).lower()


def _absent(view: str, *needles: str) -> None:
    for needle in needles:
        assert needle not in view, f"{needle!r} is still stored"


def test_after_seal_delete_purge_and_forget_me_no_stored_row_names_anyone(bot):
    var = bot.var_dir

    # 1. A referral sealed by the SET 2.5 password route (no inbox certificate here).
    sealed = f"dsl-{uuid.uuid4().hex[:8]}"
    assert "summary of the draft" in draft_to_summary(bot, sealed, SEALED).lower()
    assert "Vexholm" in everything(var)  # the view reads conversations and drafts
    reply = text_of(bot.say(sealed, "yes"))
    password = re.search(r"^\s*([a-z2-9]{20})\s*$", reply, re.M).group(1)  # as typed
    token = re.search(r"/webhooks/files/([A-Za-z0-9_-]+)", reply).group(1)
    # the conversation goes on after its words were removed
    assert "prevent" in text_of(bot.say(sealed, "what is prevent?")).lower()

    # 2. A draft deleted by its owner.
    deleted = f"dsl-{uuid.uuid4().hex[:8]}"
    _start_draft(bot, deleted, *DELETED)
    bot.say(deleted, "stop")
    assert "Ombrewick" in text_of(bot.say(deleted, "delete my draft"))
    assert "deleted" in text_of(bot.say(deleted, "yes")).lower()

    # 3. A draft left alone until the purge (retention 1 day; conversations kept 30).
    purged = f"dsl-{uuid.uuid4().hex[:8]}"
    _start_draft(bot, purged, *PURGED)
    assert "Thistlewaite" in everything(var)
    report = _purge(bot, 2, PREVENT_DRAFT_RETENTION_DAYS="1", PREVENT_DRAFT_WARNING_DAYS="0")
    assert report["purged"] == 1 and report["erased"] == 0, report

    # 4. "Forget me" in the web chat, in the middle of a draft.
    code = issue_codes(bot)[0]
    session = sign_in(bot, code)["token"]
    say_http(bot, session, "start a referral")
    say_http(bot, session, "no")
    say_http(bot, session, FORGOTTEN[0])
    say_http(bot, session, FORGOTTEN[1])
    assert "Quenby" in everything(var)
    status, _, body = call(bot, "forget", {}, token=session)
    assert status == 200, body

    view = everything(var)
    _absent(
        view, *(set(SEALED.values()) - set(VTR_ANSWERS.values())), *DELETED, *PURGED, *FORGOTTEN
    )
    _absent(view, password, password.replace(" ", ""), token)
    # The conversations that remain still have their shape (intents, actions) for Rasa.
    assert any(e.get("event") == "user" for e in conversation_events(var))

    # 5. Idle conversations are erased after the retention period (30 days by default).
    assert _purge(bot, 31)["erased"] >= 3
    assert conversation_events(var) == []


CHILD = ("Peregrine", "Wolstenholme")


def _pepper(bot: Assistant) -> bytes:
    import base64

    encoded = bot.env.get("PREVENT_OWNER_PEPPER") or (
        (bot.var_dir / "keys" / "owner.pepper").read_text().strip()
    )
    return base64.b64decode(encoded)


def _said(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def test_a_concern_recorded_then_deleted_on_request_leaves_no_name_in_any_row(bot):
    """Issue 17 with issue 11: the concern record holds the words, no conversation does.

    A teacher's concern names a child in their words and in the last answer of the form
    (the turn saved after the concern is recorded); the DSL reads it and asks about the
    child by name; the teacher hears the question. After each step no stored conversation
    event holds the name; after the DSL deletes the concern on request, no row of any
    table, every sealed column opened with the master keys, holds it either.
    """
    from bot.concerns import Concerns
    from bot.concerns.orgs import Orgs
    from tests.helpers.stored import keyring_of

    var = bot.var_dir
    url = f"sqlite:///{var / 'prevent.db'}"
    tag = uuid.uuid4().hex[:6]
    teacher, dsl = f"mk-teacher-{tag}", f"mk-dsl-{tag}"
    Orgs(url).add("Wren Academy", "essex", org_id=f"wren-{tag}")
    concerns = Concerns(url, keyring_of(var), _pepper(bot))
    concerns.staff.enrol(teacher, "rest", f"wren-{tag}", "teacher")
    concerns.staff.enrol(dsl, "rest", f"wren-{tag}", "dsl")

    def in_conversations() -> bool:
        text = json.dumps(conversation_events(var), ensure_ascii=False)
        return any(name in text for name in CHILD)

    assert "own words" in _said(bot.say(teacher, "I want to log a concern"))
    bot.say(teacher, "Peregrine Wolstenholme said the moth-banner league are right")
    assert in_conversations()  # the view sees the words while the form still needs them
    bot.say(teacher, "Wednesday lunchtime")
    receipt = _said(bot.say(teacher, "by Peregrine's locker"))
    [ref] = re.findall(r"\bC-[A-HJ-NP-Z2-9]{6}\b", receipt)
    assert "Wolstenholme" in everything(var)  # the concern record holds them (sealed)
    assert not in_conversations(), "the teacher's words stayed in the conversation"
    # the conversation goes on after its words were removed
    assert "prevent" in _said(bot.say(teacher, "what is prevent?")).lower()

    assert "Wolstenholme" in _said(bot.say(dsl, f"open {ref}"))
    bot.say(dsl, f'/concern_ask{{"concern_ref": "{ref}"}}')
    bot.say(dsl, "Has Peregrine said anything like it before?")
    assert "Has Peregrine said" in _said(bot.say(teacher, "my concerns"))
    assert not in_conversations(), "a DSL's view or question stayed in a conversation"

    bot.say(dsl, f'/concern_delete{{"concern_ref": "{ref}"}}')
    assert "deleted" in _said(bot.say(dsl, "Raised about the wrong pupil")).lower()
    view = everything(var)
    _absent(view, *CHILD, "moth-banner")
    assert [a for _, a, _, _ in concerns.audit(ref)] == ["raised", "read", "deleted"]
