"""Attacker: a forged tracker posted straight to the action server (issue 11, finding 1).

Sender ids are not secret (a Telegram id, a Teams id). Without authentication anyone who
reached the action server's port could post a tracker for that id and get the person's
drafts decrypted back, or delete and confirm them. The real servers run here; the attacker
knows the port and the sender id, but not the shared secret.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from bot.actions.auth import HEADER
from tests.helpers.vtr_answers import text_of

pytestmark = pytest.mark.servers

NAME = "Ottoline"


def _forged_call(sender: str, action: str, slots: dict | None = None) -> dict:
    tracker = {
        "sender_id": sender,
        "slots": slots or {},
        "latest_message": {"text": "my drafts", "intent": {"name": "list_drafts"}},
        "latest_input_channel": "rest",
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {
        "next_action": action,
        "sender_id": sender,
        "tracker": tracker,
        "domain": {},
        "version": "3.6.2",
    }


def _post(url: str, body: dict, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_forged_tracker_without_the_secret_gets_401_and_nothing_decrypted(assistant):
    sender = f"{uuid.uuid4().int % 10**9}"  # looks like a Telegram id
    assistant.say(sender, "start a referral")
    assistant.say(sender, "no")
    assistant.say(sender, NAME)
    webhook = f"http://127.0.0.1:{assistant.action_port}/webhook"
    secret = assistant.env["PREVENT_ACTION_SERVER_TOKEN"]

    for action in ("action_list_drafts", "action_ask_delete_draft", "action_confirm_draft"):
        for headers in ({}, {HEADER: ""}, {HEADER: secret[:-1] + "x"}, {HEADER: secret + "x"}):
            status, body = _post(webhook, _forged_call(sender, action), headers)
            assert status == 401, (action, headers, status)
            assert NAME.encode() not in body
    assert _get(f"http://127.0.0.1:{assistant.action_port}/actions", {}) == 401
    assert _get(f"http://127.0.0.1:{assistant.action_port}/health", {}) == 200

    # The draft is still there for its owner: nothing was deleted or confirmed.
    assert NAME in text_of(assistant.say(sender, "my drafts"))


def test_with_the_secret_the_same_call_is_served(assistant):
    """Shows the 401s above come from the secret, not from a malformed call."""
    sender = f"{uuid.uuid4().int % 10**9}"
    webhook = f"http://127.0.0.1:{assistant.action_port}/webhook"
    secret = assistant.env["PREVENT_ACTION_SERVER_TOKEN"]
    status, body = _post(webhook, _forged_call(sender, "action_list_drafts"), {HEADER: secret})
    assert status == 200, body
    assert b"utter_no_drafts" in body


def test_the_action_server_listens_on_loopback_only(assistant):
    """rasa-sdk binds every interface by default; ours binds 127.0.0.1 (/proc/net/tcp)."""
    port = f"{assistant.action_port:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]  # noqa: SIM115
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, _, local_port = local.rpartition(":")
            if local_port == port and state == "0A":  # LISTEN
                listening.append(address)
    assert listening, "the action server is listening"
    assert set(listening) <= {"0100007F", "00000000000000000000000001000000"}, listening
