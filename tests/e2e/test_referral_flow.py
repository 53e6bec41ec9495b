"""End to end: a VTR draft by chat with the real servers, restarts, and storage at rest."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.helpers.servers import running_assistant
from tests.helpers.vtr_answers import VTR_ANSWERS, answer_for

pytestmark = pytest.mark.servers

SENTINEL_NAME = "Zebedee"
SENTINEL_SURNAME = "Quillfeather"
SENTINEL_CONCERN = "marmalade-owl manifesto"


def _text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def _raw(path: Path) -> bytes:
    data = b""
    for candidate in (path, path.with_name(path.name + "-wal")):
        if candidate.exists():
            data += candidate.read_bytes()
    return data


def test_a_draft_survives_a_restart_and_nothing_typed_is_readable_on_disk(model_path, tmp_path):
    var = tmp_path / "var"
    sender = f"telegram-{uuid.uuid4().hex[:8]}"
    with running_assistant(model_path, var) as bot:
        assert "immediate danger" in _text(bot.say(sender, "start a referral")).lower()
        assert "first name" in _text(bot.say(sender, "no")).lower()
        assert "surname" in _text(bot.say(sender, SENTINEL_NAME)).lower()
        assert "date of birth" in _text(bot.say(sender, SENTINEL_SURNAME)).lower()
    # Given the servers were stopped mid-form, when they start again on the same data,
    # then the conversation carries on at the same question.
    with running_assistant(model_path, var) as bot:
        replies = bot.say(sender, "14/02/2011")
        assert "gender" in _text(replies).lower()
        bot.say(sender, "stop")
        summary = _text(bot.say(sender, "my drafts"))
        assert f"{SENTINEL_NAME} {SENTINEL_SURNAME}" in summary
        assert "gender" in _text(bot.say(sender, "continue my draft")).lower()
        bot.say(sender, "male")
        # a concern answer the tracker would otherwise hold in plain text
        bot.say(sender, "don't know")
    for db in (var / "tracker.db", var / "prevent.db"):
        data = _raw(db)
        assert data, f"{db.name} was written"
        for sentinel in (SENTINEL_NAME, SENTINEL_SURNAME, sender):
            assert sentinel.encode() not in data, f"{sentinel} readable in {db.name}"
    # Logs carry ids, not people: neither server logged a name or the sender id.
    for log in (var / "rasa.log", var / "actions.log"):
        text = log.read_text(errors="replace")
        assert text, f"{log.name} was written"
        for sentinel in (SENTINEL_NAME, SENTINEL_SURNAME, sender):
            assert sentinel not in text, f"{sentinel} in {log.name}"


def test_another_sender_cannot_reach_a_draft(assistant):
    owner, other = f"owner-{uuid.uuid4().hex[:6]}", f"other-{uuid.uuid4().hex[:6]}"
    assistant.say(owner, "start a referral")
    assistant.say(owner, "no")
    assistant.say(owner, SENTINEL_NAME)
    assert SENTINEL_NAME not in _text(assistant.say(other, "my drafts"))
    assert "no saved drafts" in _text(assistant.say(other, "my drafts")).lower()


def test_edit_dont_know_and_summary(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    answers = {**VTR_ANSWERS, "date of birth": "31/02/2011"}
    last = _text(assistant.say(sender, "I want to start a referral"))
    saw_problem = False
    for _ in range(40):
        if "summary of the draft" in last.lower():
            break
        reply = answer_for(last, answers)
        key = next(k for k in answers if k in last.lower())
        if key == "date of birth" and "real date" in last:
            saw_problem = True
        if key == "date of birth" and saw_problem:
            reply = "14/02/2011"
        last = _text(assistant.say(sender, reply))
    assert saw_problem, "an impossible date was refused"
    assert "summary of the draft" in last.lower()
    assert "Zoë" in last and "Łukasz Wójcik" in last and "14/02/2011" in last
    assert "Not known" in last
    # change a field by name, then the summary comes back with the new value
    assert "date of birth" in _text(assistant.say(sender, "change the date of birth")).lower()
    assert "about 15" in _text(assistant.say(sender, "about 15"))
    assert "password-protected pdf" in _text(assistant.say(sender, "yes")).lower()


def test_police_advice_inside_the_form_keeps_the_answer_and_goes_on(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "start a referral")
    assistant.say(sender, "no")
    assistant.say(sender, "Sam")
    replies = assistant.say(
        sender, "He says he is researching how to make explosives for an attack next year"
    )
    text = _text(replies)
    assert "0800 789 321" in text  # the police advice comes first
    assert "date of birth" in text.lower()  # and the form goes on: the surname was taken


def _to_surname(assistant, sender: str) -> None:
    assistant.say(sender, "start a referral")
    assistant.say(sender, "no")
    assert "surname" in _text(assistant.say(sender, "Aisha")).lower()


@pytest.mark.parametrize("answer", ["yes", "/affirm", "Yes, delete it", "yep go ahead"])
def test_delete_in_the_middle_of_the_form_is_confirmed_not_taken_as_an_answer(assistant, answer):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    _to_surname(assistant, sender)
    asked = _text(assistant.say(sender, "delete my draft"))
    assert "Delete draft" in asked and "(Aisha)" in asked
    assert "surname" not in asked.lower(), "the form asked its question in the same reply"
    done = _text(assistant.say(sender, answer))
    assert "is deleted" in done, f"{answer!r} did not confirm: {done}"
    assert "no saved drafts" in _text(assistant.say(sender, "my drafts")).lower()


def test_keeping_the_draft_goes_back_to_the_same_question(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    _to_surname(assistant, sender)
    assistant.say(sender, "delete my draft")
    kept = _text(assistant.say(sender, "no, keep it"))
    assert "surname" in kept.lower(), kept
    assert "date of birth" in _text(assistant.say(sender, "Khan")).lower()
    assistant.say(sender, "stop")
    drafts = _text(assistant.say(sender, "my drafts"))
    assert "Aisha Khan" in drafts, drafts


def test_a_worry_in_place_of_an_answer_is_not_saved_and_the_question_comes_back(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    _to_surname(assistant, sender)
    text = _text(assistant.say(sender, "she mentioned something about pills"))
    assert "danger" in text.lower()
    assert "surname" in text.lower() and "date of birth" not in text.lower(), text
    assert "date of birth" in _text(assistant.say(sender, "Khan")).lower()
    assistant.say(sender, "stop")
    drafts = _text(assistant.say(sender, "my drafts"))
    assert "Aisha Khan" in drafts and "pills" not in drafts


def test_random_bytes_are_never_saved_as_an_answer(assistant):
    import random

    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    _to_surname(assistant, sender)
    rng = random.Random(7)
    for _ in range(4):  # past the "third time, keep it as typed" point
        noise = bytes(rng.randrange(32, 256) for _ in range(200)).decode("latin-1")
        text = _text(assistant.say(sender, noise))
        assert "date of birth" not in text.lower(), "noise was taken as the surname"
    assert "date of birth" in _text(assistant.say(sender, "Khan")).lower()


def test_which_part_to_change_mid_form_is_not_followed_by_the_form_question(assistant):
    sender = f"dsl-{uuid.uuid4().hex[:8]}"
    _to_surname(assistant, sender)
    asked = _text(assistant.say(sender, "I need to change something"))
    assert "Which part" in asked and "And their surname" not in asked, asked
    # the reply to "which part?" is never taken as the surname
    assert "date of birth" not in _text(assistant.say(sender, "the first name")).lower()
    assert "first name" in _text(assistant.say(sender, "change the first name")).lower()
    assert "surname" in _text(assistant.say(sender, "Amira")).lower()
    assistant.say(sender, "stop")
    drafts = _text(assistant.say(sender, "my drafts"))
    assert "Amira" in drafts and "first name" not in drafts, drafts
