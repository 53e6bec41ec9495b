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
