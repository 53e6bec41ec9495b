"""Confirm adapts, `submit` decides: the action reads the draft named in the conversation,
calls `bot.delivery.submit.submit` and says its result; the readable draft is then gone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.actions._common import owner_id
from bot.actions.referral import ActionConfirmDraft
from bot.config import get_config
from bot.delivery import heartbeat
from bot.delivery.outbox import receipt
from bot.delivery.submit import FILES_ROUTE
from bot.services import services
from bot.wording import CONTACTS_FILE
from tests.actions.conftest import responses, run, settings, slots_set, user_turn
from tests.helpers.pki import make_inbox
from tests.sealing.conftest import full_values

POLICE_PHONE = yaml.safe_load(CONTACTS_FILE.read_text())["police_prevent_team"]["phone"]


def _complete_draft() -> str:
    store = services().drafts
    owner = owner_id(user_turn("confirm"))
    draft = store.create(owner)
    draft.values.update(full_values())
    store.save(owner, draft)
    return draft.id


def _confirm(draft_id: str):
    return run(ActionConfirmDraft(), user_turn("confirm", "affirm", slots={"draft_id": draft_id}))


def _sealed(draft_id: str) -> bool:
    """Only metadata is left of a sealed draft: its status, reference and area."""
    draft = services().drafts.get(owner_id(user_turn("x")), draft_id)
    if draft.status != "sealed":
        return False
    assert set(draft.values) == {"area"}
    return True


def test_without_a_certificate_the_password_route_is_given_once(var: Path):
    draft_id = _complete_draft()
    events, messages = _confirm(draft_id)
    assert responses(messages) == ["utter_referral_password_route"]
    said = messages[0]
    assert said["link"].startswith(get_config().public_url + FILES_ROUTE)
    assert said["custom"]["one_time_secret"] is True
    assert said["police_phone"] == POLICE_PHONE
    token = said["link"].rsplit("/", 1)[1]
    assert services().pickups.take(token) is not None  # the protected PDF waits behind the link
    assert slots_set(events) == {"last_answer": "password_route", "draft_id": None}
    assert _sealed(draft_id)


@pytest.mark.parametrize(
    "worker_beat, response",
    [(False, "utter_referral_queued_no_worker"), (True, "utter_referral_queued")],
)
def test_with_a_certificate_it_is_sealed_and_queued(var: Path, worker_beat, response):
    certificate = str(make_inbox(var / "inbox").cert_file)
    with settings(var, PREVENT_INBOX_CERTS=certificate) as config:
        if worker_beat:
            heartbeat.beat(config.database_url)
        draft_id = _complete_draft()
        events, messages = _confirm(draft_id)
        assert responses(messages) == [response]
        queued = receipt(config.database_url, messages[0]["reference"])
        assert queued is not None and messages[0]["inbox"] == config.inbox_address
        assert slots_set(events) == {"last_answer": "sealed", "draft_id": None}
        assert _sealed(draft_id)


def test_a_refused_seal_keeps_the_draft_and_names_the_phone_route(var: Path):
    certificate = str(make_inbox(var / "inbox").cert_file)
    with settings(var, PREVENT_INBOX_CERTS=certificate, PREVENT_INBOX_ADDRESS="prevent@gmail.com"):
        draft_id = _complete_draft()
        events, messages = _confirm(draft_id)
        assert responses(messages) == ["utter_referral_not_sent"]
        assert messages[0]["problem"] and messages[0]["police_phone"] == POLICE_PHONE
        assert slots_set(events) == {"last_answer": "not_sent"}
        assert not _sealed(draft_id)


def test_an_incomplete_draft_is_not_submitted(var: Path):
    store = services().drafts
    owner = owner_id(user_turn("confirm"))
    draft = store.create(owner)
    store.save(owner, draft)
    events, messages = _confirm(draft.id)
    assert responses(messages) == ["utter_draft_not_complete"]
    assert slots_set(events) == {"last_answer": "draft_incomplete"}
    assert not _sealed(draft.id)
