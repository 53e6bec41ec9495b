"""Conversation lifecycle at rest (bot.store.conversations) against the real tracker store.

Redaction keeps a conversation Rasa can read back, without a word anyone typed or was shown;
erasure removes events and key, and the tracker store never writes new events under a key
whose row was erased by another process (its key cache is keyed by the stored row).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from bot.services import services
from bot.store.conversations import REDACTED, ConversationVault, forget_one_time_secrets
from tests.store import test_tracker_store as tts
from tests.store.test_tracker_store import SENDER, conversation, dicts, make_store, run

# The tracker store tests' fixtures: fresh keys per test, the domain, both databases.
keys, domain, backend, sqlite_db = tts.keys, tts.domain, tts.backend, tts.sqlite_db

NAMES = ("Callum", "Brennan", "Łukasz", "Wójcik")


def _vault(store) -> ConversationVault:
    return ConversationVault(
        str(store.engine.url.render_as_string(hide_password=False)), services().keyring, services().pepper
    )


def test_redaction_keeps_the_shape_and_drops_every_word(domain, backend):
    store = make_store(domain, backend)
    tracker = conversation(domain)
    run(store.save(tracker))
    assert any(
        name in json.dumps(dicts(run(store.retrieve_full_tracker(SENDER))), ensure_ascii=False)
        for name in NAMES
    )

    vault = _vault(store)
    assert vault.redact(vault.owner(SENDER)) > 0
    store.forget_cached_keys()
    again = run(make_store(domain, backend).retrieve_full_tracker(SENDER))
    stored = json.dumps(dicts(again), ensure_ascii=False)
    assert not [name for name in NAMES if name in stored]
    assert [e["event"] for e in dicts(again)] == [e["event"] for e in dicts(tracker)]
    assert again.latest_message.intent["name"] == "start_referral"
    assert again.active_loop_name == "vtr_form"
    assert REDACTED in stored


def test_erasure_removes_events_and_key_and_a_cached_key_is_never_reused(domain, sqlite_db):
    store = make_store(domain, {"dialect": "sqlite", "db": str(sqlite_db)})
    run(store.save(conversation(domain)))
    vault = _vault(store)
    assert vault.erase(vault.owner(SENDER)) > 0
    assert run(store.retrieve_full_tracker(SENDER)) is None
    # The same process (its key cache warm) starts the conversation again: the new events
    # must be readable by another process, i.e. written under a key that is stored.
    run(store.save(conversation(domain, text="a new start")))
    fresh = make_store(domain, {"dialect": "sqlite", "db": str(sqlite_db)})
    assert "a new start" in json.dumps(dicts(run(fresh.retrieve_full_tracker(SENDER))))


def test_idle_conversations_are_erased_after_the_retention_period(domain, sqlite_db):
    store = make_store(domain, {"dialect": "sqlite", "db": str(sqlite_db)})
    run(store.save(conversation(domain)))
    run(store.save(conversation(domain, "another-sender")))
    vault = _vault(store)
    last = datetime.fromtimestamp(1_700_000_020, tz=timezone.utc)  # the fixture's last event
    assert vault.purge_idle(30, now=last + timedelta(days=29)) == 0
    assert vault.purge_idle(30, now=last + timedelta(days=31)) == 2
    assert run(store.keys()) == []


def test_a_one_time_secret_leaves_no_text_and_no_template_values():
    shown = {
        "event": "bot",
        "text": "Password: abcd efgh. Link: https://x/webhooks/files/TOKEN",
        "data": {"custom": {"one_time_secret": True, "reference": "VTR-1"}},
        "metadata": {
            "utter_action": "utter_referral_password_route",
            "password": "abcd efgh",
            "link": "https://x/webhooks/files/TOKEN",
        },
    }
    kept = json.dumps(forget_one_time_secrets(shown))
    assert "abcd" not in kept and "TOKEN" not in kept
    assert "utter_referral_password_route" in kept
