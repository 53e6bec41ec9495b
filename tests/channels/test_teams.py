"""The Teams channel: card shapes (fast), then the real Rasa and action servers behind
/webhooks/teams/webhook, with Microsoft played on loopback (tests/helpers/bot_framework.py).

The assistant is started once for the module, configured for a multi-tenant app that
serves one tenant. Every refused request is checked three ways: its status, nothing posted
to the connector, and nothing written to the tracker store (so nothing reached Rasa).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sqlite3
import struct
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.channels import adaptive_cards as cards
from bot.channels.teams import (
    Connector,
    ConversationReference,
    TeamsInput,
    sender_id,
    user_text,
)
from bot.channels.teams_auth import AppToken, VouchedServiceUrls, settings_from
from bot.enrolment import Enrolment
from bot.wording import contacts, phrase
from tests.helpers.bot_framework import BotFramework, Posted, new_rsa_key
from tests.helpers.servers import ROOT, Assistant, free_port, running_assistant

#: Fixed owner pepper, so the test reads the same enrolment hashes as the channel.
PEPPER = base64.b64encode(b"teams-test-pepper-32-bytes-long!").decode()
#: An Entra object id on TEAMS_ALLOWED_USERS: served without an invite code.
ALLOW_LISTED = "5b1f0d2e-0000-4000-8000-00000000a11d"
KNIFE = "A pupil has a knife in his blazer and says he'll use it at lunch"
TRIAGE = "Should I refer? A 15 year old keeps sharing nazi memes, no immediate danger"
TRIAGE_ANSWERS = ["no", "no", "his parents know", "yes I've spoken to our DSL"]
START_DRAFT = "Start a VTR referral draft"
OUTCOME = {
    "outcome": "refer",
    "reasons": ["You have seen signs on at least one of the three dimensions."],
    "citations": ["SET 2.2", "SET 2.5"],
}
OUTCOME_TEXT = (
    "The SET policy suggests making a Prevent referral.\n\nWhy:\n• signs seen\n\n"
    "What to do next:\n• Complete the VTR form\n• Send it securely\n\nSource: SET 2.2"
)

REFUSAL_TEXT = phrase("common.enrolment.refusal")
WELCOME_TEXT = phrase("common.enrolment.welcome")


# --------------------------------------------------------------------------- shapes (fast)


def card_texts(card: dict[str, Any]) -> list[str]:
    """Every TextBlock's text in an Adaptive Card, in order, containers included."""
    found: list[str] = []

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("type") == "TextBlock":
                found.append(item["text"])
            walk(item.get("items") or [])

    walk(card["content"]["body"])
    return found


def test_outcome_card_has_headline_reasons_steps_citations_and_submit_buttons():
    buttons = [{"title": START_DRAFT, "payload": "/start_referral"}]
    card = cards.outcome_card(OUTCOME, OUTCOME_TEXT, buttons)
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    content, texts = card["content"], card_texts(card)
    assert content["type"] == "AdaptiveCard" and content["version"] == "1.4"
    headline = content["body"][0]
    assert headline["style"] == "warning"
    assert headline["items"][0]["text"].startswith("The SET policy suggests making")
    assert headline["items"][0]["weight"] == "Bolder"
    assert f"• {OUTCOME['reasons'][0]}" in texts
    assert "• signs seen" not in texts, "the reply's own Why: paragraph is not repeated"
    assert {"What to do next:", "• Complete the VTR form", "• Send it securely"} <= set(texts)
    assert "Source: SET 2.2" in texts, "the reply's sources, in words"
    assert not [t for t in texts if t.startswith("Policy references")], "said once"
    assert content["actions"] == [
        {"type": "Action.Submit", "title": START_DRAFT, "data": {"payload": "/start_referral"}}
    ]


def test_outcome_card_without_text_shows_the_payload():
    texts = card_texts(cards.outcome_card(OUTCOME))
    assert texts[0] == "Refer" and "Policy references: SET 2.2 · SET 2.5" in texts


def test_quoted_words_cannot_become_links():
    card = cards.outcome_card({**OUTCOME, "reasons": ["mentions '[call](https://evil.example)'"]})
    assert "](" not in json.dumps(card)
    assert "](" not in cards.teams_text("see [here](https://evil.example)")


def test_emergency_card_is_red_large_and_bold():
    card = cards.emergency_card({"outcome": "emergency", "reasons": ["knife"], "citations": []})
    banner = card["content"]["body"][0]
    assert banner["style"] == "attention"
    first = banner["items"][0]
    assert first["text"] == "Call 999 now"
    assert (first["size"], first["weight"], first["color"]) == ("ExtraLarge", "Bolder", "Attention")
    police = cards.emergency_card({"outcome": "police"})
    # The same headline as the web chat's banner; the number from guidance/contacts.yml.
    assert card_texts(police)[0] == phrase("common.outcome_headline.police")
    assert contacts()["anti_terrorist_hotline"] in card_texts(police)[1]
    assert "999" in card_texts(police)[1]


def test_hero_card_buttons_send_the_payload_and_show_the_title():
    card = cards.hero_card("Is anyone in danger?", [{"title": "Yes", "payload": "/affirm"}])
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    (button,) = card["content"]["buttons"]
    assert button["type"] == "messageBack" and button["displayText"] == "Yes"
    assert button["text"] == "/affirm" and button["value"] == {"payload": "/affirm"}


def test_teams_text_keeps_line_breaks():
    assert cards.teams_text("Why:\n• one\n• two\n\nEnd") == "Why:\n\n• one\n\n• two\n\nEnd"


def test_user_text_is_the_button_payload_else_the_text_without_mentions():
    assert user_text({"text": "<at>Prevent</at> what is channel?"}) == "what is channel?"
    assert user_text({"text": "x", "value": {"payload": "/start_referral"}}) == "/start_referral"
    assert user_text({"value": json.dumps({"payload": "/deny"})}) == "/deny"
    assert user_text({"value": {"other": 1}, "text": "hello"}) == "hello"
    assert user_text({"type": "message"}) == ""


def test_sender_is_the_entra_object_id_when_there_is_one():
    assert sender_id({"from": {"id": "29:abc", "aadObjectId": "guid"}}) == "guid"
    assert sender_id({"from": {"id": "29:abc"}}) == "29:abc"


def test_reply_goes_to_the_activity_with_ids_encoded():
    activity = {
        "id": "1:23",
        "conversation": {"id": "a:x;messageid=9"},
        "from": {"id": "u"},
        "recipient": {"id": "b"},
    }
    reference = ConversationReference.of(activity, "https://smba.trafficmanager.net/amer/")
    assert reference.activities_url == (
        "https://smba.trafficmanager.net/amer/v3/conversations/a%3Ax%3Bmessageid%3D9"
        "/activities/1%3A23"
    )
    reply = reference.reply(text="hi")
    assert reply["from"] == {"id": "b"} and reply["recipient"] == {"id": "u"}
    assert reply["replyToId"] == "1:23"


def test_unconfigured_channel_answers_503_and_calls_nothing():
    channel = TeamsInput(settings_from({}, {}))
    called: list[Any] = []

    async def on_new_message(message: Any) -> None:
        called.append(message)

    status, _ = asyncio.run(channel.handle("Bearer x", b"{}", on_new_message))
    assert status == 503 and not called


def test_the_app_token_never_goes_to_an_unvouched_service_url():
    with BotFramework() as bf:
        settings = settings_from(None, bf.env())
        connector = Connector(AppToken(settings), VouchedServiceUrls())
        reference = ConversationReference.of(bf.activity("hi"), bf.service_url)
        assert asyncio.run(connector.post(reference, reference.reply(text="x"))) is False
        assert not bf.posted and bf.hits["token"] == 0


def test_app_package_has_the_filled_manifest_and_both_icons(tmp_path):
    out, app_id = tmp_path / "app.zip", str(uuid.uuid4())
    env = {"TEAMS_APP_ID": app_id, "PREVENT_PUBLIC_URL": "https://prevent.example.org"}
    subprocess.run(
        [sys.executable, "teams/make_package.py", str(out)],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
        sizes = {
            name: struct.unpack(">II", package.read(name)[16:24])
            for name in ("color.png", "outline.png")
        }
    assert "${{" not in json.dumps(manifest)
    assert manifest["id"] == manifest["bots"][0]["botId"] == app_id
    assert manifest["bots"][0]["scopes"] == ["personal"]
    assert manifest["validDomains"] == ["prevent.example.org"]
    assert sizes == {"color.png": (192, 192), "outline.png": (32, 32)}
    # The words are interface wording (the number from contacts.yml), within Teams' limits.
    assert manifest["name"]["full"] == phrase("channels.teams.manifest.name_full")
    assert contacts()["anti_terrorist_hotline"] in manifest["description"]["full"]
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    assert commands[0]["title"] == phrase("channels.teams.manifest.command_refer")
    assert all(len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in commands)


def test_app_package_refuses_a_made_up_app_id(tmp_path):
    result = subprocess.run(
        [sys.executable, "teams/make_package.py", str(tmp_path / "app.zip")],
        cwd=ROOT,
        env={**os.environ, "TEAMS_APP_ID": "my-bot", "PREVENT_PUBLIC_URL": "https://x.org"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "GUID" in result.stderr


# --------------------------------------------------------------------------- end to end


@dataclass
class Teams:
    """The running assistant with its Teams channel, and the loopback Microsoft."""

    assistant: Assistant
    bf: BotFramework

    @property
    def webhook(self) -> str:
        return f"{self.assistant.base_url}/webhooks/teams/webhook"

    def post(
        self, activity: dict[str, Any] | bytes, authorization: str | None = ""
    ) -> tuple[int, Any]:
        """POST an activity; `authorization=""` means a valid Bot Connector token."""
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        headers = {"Content-Type": "application/json"}
        if authorization == "":
            authorization = f"Bearer {self.bf.token()}"
        if authorization is not None:
            headers["Authorization"] = authorization
        request = urllib.request.Request(self.webhook, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def events(self) -> int:
        """Rows in the tracker store: anything that reached Rasa adds some."""
        with sqlite3.connect(self.assistant.var_dir / "tracker.db") as db:
            return db.execute("SELECT COUNT(*) FROM events").fetchone()[0]

    def log(self) -> str:
        return (self.assistant.var_dir / "rasa.log").read_text(encoding="utf-8")

    def conversation(self, enrolled: bool = True) -> Conversation:
        """A new member of staff's chat, enrolled with an invite code unless told not to."""
        conversation = Conversation(self, str(uuid.uuid4()), f"a:{uuid.uuid4().hex};messageid=1")
        if enrolled:
            code = self.enrolment().issue("teams", "test school DSL").code
            assert "you're enrolled" in said(conversation.send(code))
        return conversation

    def enrolment(self) -> Enrolment:
        """The invite and member tables the channel inside Rasa uses."""
        url = self.assistant.env["PREVENT_DATABASE_URL"]
        return Enrolment(url, base64.b64decode(PEPPER))


@dataclass
class Conversation:
    """One user's personal chat with the bot."""

    teams: Teams
    user: str
    id: str

    def activity(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        return self.teams.bf.activity(text, user=self.user, conversation_id=self.id, **extra)

    def send(self, text: str | None = None, **extra: Any) -> list[Posted]:
        """Send a message; the replies it brought, in the order they were posted."""
        before = len(self.teams.bf.replies(self.id))
        activity = self.activity(text, **extra)
        status, _ = self.teams.post(activity)
        assert status == 200
        replies = self.teams.bf.replies(self.id)[before:]
        assert all(r.authorised and r.reply_to_id == activity["id"] for r in replies)
        return replies


@pytest.fixture(scope="module")
def bf() -> Iterator[BotFramework]:
    with BotFramework() as stub:
        yield stub


@pytest.fixture(scope="module")
def teams(model_path, bf, tmp_path_factory) -> Iterator[Teams]:
    var_dir = tmp_path_factory.mktemp("teams")
    credentials = var_dir / "credentials.yml"
    # As in credentials.yml: the channel listed without values, configured by TEAMS_*.
    credentials.write_text("rest:\nbot.channels.teams.TeamsInput:\n", encoding="utf-8")
    env = {
        **bf.env(TEAMS_ALLOWED_USERS=ALLOW_LISTED),
        "PREVENT_OWNER_PEPPER": PEPPER,
        "PREVENT_DATABASE_URL": f"sqlite:///{var_dir / 'prevent.db'}",
    }
    with running_assistant(
        model_path, var_dir, extra_env=env, credentials=credentials
    ) as assistant:
        yield Teams(assistant, bf)


def said(replies: list[Posted]) -> str:
    """What the replies say: their text and the text of any hero card."""
    texts = [r.text for r in replies]
    texts += [c["content"].get("text", "") for r in replies for c in r.cards]
    return " ".join(texts)


def adaptive(reply: Posted) -> dict[str, Any] | None:
    return next((c for c in reply.cards if c["contentType"] == cards.ADAPTIVE_CARD), None)


@pytest.mark.servers
def test_health_says_configured(teams):
    with urllib.request.urlopen(f"{teams.assistant.base_url}/webhooks/teams/") as response:
        assert json.loads(response.read()) == {"status": "ok", "configured": True}


@pytest.mark.servers
def test_a_verified_message_is_answered_through_the_connector(teams):
    conversation = teams.conversation()
    replies = conversation.send("what is prevent?")
    assert replies, "a reply was posted"
    reply = replies[0].activity
    assert reply["type"] == "message" and reply["conversation"]["id"] == conversation.id
    assert reply["from"]["id"] == f"28:{teams.bf.app_id}"
    assert reply["recipient"]["aadObjectId"] == conversation.user
    assert "prevent" in said(replies).lower()


Forge = Callable[[BotFramework, dict[str, Any]], tuple[dict[str, Any], str | None]]


def bearer(make: Callable[[BotFramework], str]) -> Forge:
    """The activity as sent, with a token made by `make`."""
    return lambda bf, activity: (activity, f"Bearer {make(bf)}")


#: case -> (forge the request, expected status, the reason the channel logs)
REFUSALS: dict[str, tuple[Forge, int, str]] = {
    "no-token": (lambda bf, a: (a, None), 401, "missing bearer token"),
    "wrong-audience": (bearer(lambda bf: bf.token(aud=str(uuid.uuid4()))), 401, "wrong audience"),
    "wrong-issuer": (bearer(lambda bf: bf.token(iss="https://evil.example")), 401, "wrong issuer"),
    "expired": (bearer(lambda bf: bf.token(exp=1_600_000_000)), 401, "token expired"),
    "unsigned": (bearer(BotFramework.unsigned_token), 401, "token algorithm not allowed"),
    "hs256": (bearer(BotFramework.hs256_token), 401, "token algorithm not allowed"),
    "other-key": (
        bearer(lambda bf: bf.sign(bf.claims(), key=new_rsa_key())),
        401,
        "bad signature",
    ),
    "service-url-mismatch": (
        lambda bf, a: ({**a, "serviceUrl": f"http://127.0.0.1:{free_port()}/evil/"}, ""),
        401,
        "service URL not vouched for by the token",
    ),
    # Issue 11, finding 4: another Bot Framework channel (Direct Line lets its client
    # choose any sender and tenant), or none named, used to pass.
    "other-channel": (
        lambda bf, a: ({**a, "channelId": "directline"}, ""),
        403,
        "channel not allowed",
    ),
    "webchat-channel": (
        lambda bf, a: ({**a, "channelId": "webchat"}, ""),
        403,
        "channel not allowed",
    ),
    "no-channel": (
        lambda bf, a: ({k: v for k, v in a.items() if k != "channelId"}, ""),
        403,
        "channel not allowed",
    ),
    # A token that vouches for a service URL that is not Teams' (HTTPS or loopback alike).
    "not-a-teams-service-url": (
        lambda bf, a: (
            {**a, "serviceUrl": (url := f"http://127.0.0.1:{free_port()}/evil/")},
            f"Bearer {bf.token(service_url=url)}",
        ),
        401,
        "service URL is not a Teams one",
    ),
    "token-tenant-differs": (
        bearer(lambda bf: bf.token(tid="another-tenant")),
        403,
        "tenant differs from the token's",
    ),
    "tenant-not-allowed": (
        lambda bf, a: (
            {**a, "channelData": {"tenant": {"id": "other"}}, "conversation": {"id": "c"}},
            "",
        ),
        403,
        "tenant not allowed",
    ),
}


@pytest.mark.servers
@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_forged_or_foreign_requests_are_refused_and_reach_nobody(teams, case):
    forge, expected, reason = REFUSALS[case]
    teams.conversation().send("hello")  # the tracker store exists and the app has a token
    conversation = teams.conversation()  # enrolled: refused for the forgery alone
    events, posted = teams.events(), len(teams.bf.posted)
    activity, authorization = forge(teams.bf, conversation.activity(KNIFE))
    status, body = teams.post(activity, authorization)
    assert status == expected, body
    assert len(teams.bf.posted) == posted, "nothing was posted"
    assert teams.events() == events, "nothing reached Rasa"
    assert f"request refused ({expected}): {reason}" in teams.log().splitlines()[-1]


@pytest.mark.servers
@pytest.mark.parametrize("body", [b"{not json", b"[]", b""], ids=["broken", "array", "empty"])
def test_malformed_json_is_400(teams, body):
    status, _ = teams.post(body)
    assert status == 400


@pytest.mark.servers
def test_other_activities_are_acknowledged_and_not_sent_to_rasa(teams):
    conversation = teams.conversation(enrolled=False)
    events = teams.events()
    added = conversation.activity(kind="conversationUpdate", membersAdded=[{"id": "29:x"}])
    assert teams.post(added)[0] == 200
    assert not teams.bf.replies(conversation.id) and teams.events() == events


@pytest.mark.servers
def test_group_chats_are_told_to_chat_one_to_one_and_nothing_reaches_rasa(teams):
    conversation = teams.conversation(enrolled=False)
    events = teams.events()
    activity = conversation.activity(KNIFE)
    activity["conversation"]["conversationType"] = "groupChat"
    assert teams.post(activity)[0] == 200
    (reply,) = teams.bf.replies(conversation.id)
    assert "one-to-one" in reply.text and "999" in reply.text
    assert teams.events() == events


@pytest.mark.servers
def test_a_message_without_a_sender_is_400(teams):
    activity = teams.conversation().activity("hello")
    activity["from"] = {}
    assert teams.post(activity)[0] == 400


@pytest.mark.servers
def test_emergency_reply_comes_first_as_plain_text_then_a_red_card(teams):
    replies = teams.conversation().send(KNIFE)
    first = replies[0]
    assert "999" in first.text and not first.cards
    card = next(adaptive(r) for r in replies if adaptive(r))
    assert card_texts(card)[0] == "Call 999 now"
    assert card["content"]["body"][0]["style"] == "attention"


@pytest.mark.servers
def test_triage_outcome_is_a_card_whose_button_starts_the_draft(teams):
    conversation = teams.conversation()
    replies = conversation.send(TRIAGE)
    card = None
    for answer in TRIAGE_ANSWERS:
        replies = conversation.send(answer)
        card = next((adaptive(r) for r in replies if adaptive(r)), None)
        if card:
            break
    assert card is not None, [r.activity for r in replies]
    assert card_texts(card)[0].startswith("The SET policy suggests making a Prevent referral")
    outcome = next(r for r in replies if adaptive(r))
    assert outcome.activity["summary"] == card_texts(card)[0]
    actions = {a["title"]: a for a in card["content"]["actions"]}
    assert actions[START_DRAFT]["type"] == "Action.Submit"
    # Pressing the button: Teams posts a message activity whose value is the action's data.
    replies = conversation.send(value=actions[START_DRAFT]["data"])
    assert "Vulnerable to Radicalisation (VTR) referral" in said(replies)


@pytest.mark.servers
def test_neither_tokens_nor_message_text_are_logged(teams):
    log = teams.log()
    assert "request refused" in log, "the log is the one the channel writes to"
    secrets = [teams.bf.app_password, *teams.bf.access_tokens, "Bearer ", "eyJ"]
    words = [KNIFE, "nazi memes", "his parents know", "what is prevent?"]
    assert not [s for s in secrets if s in log]
    assert not [w for w in words if w.lower() in log.lower()]


@pytest.mark.servers
def test_a_pupil_in_the_same_tenant_is_refused_and_nothing_reaches_rasa(teams):
    """Issue 11, finding 4: the tenant holds pupils too; staff only (enrolled or listed)."""
    pupil = teams.conversation(enrolled=False)
    events = teams.events()
    for text in ("what is prevent?", KNIFE, "ABCD-EFGH-JKMN"):
        replies = pupil.send(text)
        assert said(replies) == REFUSAL_TEXT
    assert teams.events() == events, "nothing reached Rasa"


@pytest.mark.servers
def test_an_invite_code_enrols_one_person_once(teams):
    code = teams.enrolment().issue("teams", "test school DSL").code
    first, second = teams.conversation(enrolled=False), teams.conversation(enrolled=False)
    assert said(first.send(code)) == WELCOME_TEXT
    assert said(second.send(code)) == REFUSAL_TEXT
    assert "prevent" in said(first.send("what is prevent?")).lower()


@pytest.mark.servers
def test_an_allow_listed_entra_object_id_is_served_without_a_code(teams):
    listed = Conversation(teams, ALLOW_LISTED.upper(), f"a:{uuid.uuid4().hex};messageid=1")
    assert "prevent" in said(listed.send("what is prevent?")).lower()
def test_a_one_time_pdf_link_is_an_open_url_action():
    """The password route's link payload: a card whose button opens the link (openUrl)."""
    import asyncio

    from bot.channels.teams import TeamsOutput

    class Recorder:  # where the connector would post: the activities are kept
        def __init__(self) -> None:
            self.posted: list[dict[str, Any]] = []

        async def post(self, reference: Any, activity: dict[str, Any]) -> None:
            self.posted.append(activity)

    activity = {"id": "1", "conversation": {"id": "c"}, "from": {"id": "u"}, "recipient": {}}
    reference = ConversationReference.of(activity, "https://smba.trafficmanager.net/amer/")
    recorder = Recorder()
    out = TeamsOutput(recorder, reference)  # type: ignore[arg-type]
    url = "https://assistant.example.org/webhooks/files/AbC123"
    link = {"url": url, "title": "Download the password-protected PDF (works once)"}
    asyncio.run(out.send_custom_json("u", {"one_time_secret": True, "link": link}))
    asyncio.run(out.send_custom_json("u", {"link": {"url": "javascript:x", "title": "x"}}))
    assert len(recorder.posted) == 1
    card = recorder.posted[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert card["content"]["buttons"] == [
        {"type": "openUrl", "title": "Download the password-protected PDF (works once)", "value": url}
    ]
