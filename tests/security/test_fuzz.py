"""Fuzz (hypothesis): hostile messages and request bodies against every chat endpoint.

Issue 11: across REST, the web chat, Telegram and Teams, nothing an attacker sends may
produce a 5xx, an unhandled exception in either server's log, or a server that stops
answering. One assistant runs with all four channels (Telegram's Bot API and Microsoft's
Bot Framework played on loopback); each example is one HTTP request, its status checked
at once, and the logs are read at the end.

How many: `PREVENT_FUZZ_EXAMPLES` (default 240, split over the five endpoint tests: under two
minutes). The closing figures of a 10,000-example run are in the helper's note.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.enrolment import Enrolment
from tests.helpers.bot_framework import BotFramework
from tests.helpers.servers import Assistant, running_assistant
from tests.helpers.telegram_api import running_fake_telegram

pytestmark = pytest.mark.servers

TOTAL = int(os.environ.get("PREVENT_FUZZ_EXAMPLES", "240"))
ENDPOINTS = 5
PER_ENDPOINT = max(1, TOTAL // ENDPOINTS)
TOKEN = "123456789:FUZZ-loopback-token"
SECRET = "fuzz-webhook-secret"
PEPPER = base64.b64encode(b"fuzz-test-pepper-32-bytes-long!!").decode()
CREDENTIALS = """\
bot.channels.rest.RestInput:
bot.channels.downloads.FileLinksInput:
bot.channels.webchat.WebChatInput:
  session_hours: 1
bot.channels.telegram.TelegramInput:
  access_token: ${TELEGRAM_BOT_TOKEN}
  webhook_secret: ${TELEGRAM_WEBHOOK_SECRET}
  api_base_url: ${TELEGRAM_API_BASE_URL}
bot.channels.teams.TeamsInput:
"""
TELEGRAM_USER = 777000111
TEAMS_USER = "0b5e1a7c-fuzz-4000-8000-00000000f022"

NASTY = [
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    "/restart",
    "/session_start",
    "/start_referral",
    '/affirm{"draft_id": "../../etc/passwd"}',
    '/edit_field{"field": "__class__"}',
    '/inform{"area": {"$gt": ""}}',
    "/inform{not json",
    "/" + "a" * 300,
    "${jndi:ldap://127.0.0.1/x}",
    "{{7*7}}{%raw%}",
    "%s%s%s%n",
    "\x00\x01\x02\x1b[31m",
    "\u202eevil\u202c",
    "\ufeff\u200b\u200d",
    "👩🏽‍🏫" * 50,
    "ABCD-EFGH-JKMN",
    "delete my draft",
    "confirm",
    "change the date of birth",
    "yes",
    "A pupil has a knife in his bag and will use it after school",
    "x" * 25_000,
]

texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=200),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=200, max_size=3000),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=50)),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
raw_bodies = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"", b"{", b"[]", b"null", b'"x"', b"1e999", b'{"a":' * 50, b"\xff\xfe"]),
    json_values.map(lambda v: json.dumps(v).encode()),
)
FUZZ = settings(
    max_examples=PER_ENDPOINT,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # report the failing example as found
    suppress_health_check=list(HealthCheck),
)


REQUESTS = {"sent": 0, "refused_4xx": 0}


def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    REQUESTS["sent"] += 1
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        REQUESTS["refused_4xx"] += exc.code < 500
        return exc.code, exc.read()


def _header(text: str) -> str:
    """Any text as raw header bytes (UTF-8 on the wire), minus what HTTP cannot carry."""
    raw = text.encode("utf-8", "surrogatepass")
    return bytes(b for b in raw if b not in (0, 10, 13)).decode("latin-1").strip()


def _ok(status: int, body: bytes, what: Any) -> None:
    assert status < 500, f"{status} for {what!r}: {body[:300]!r}"


class Stand:
    """The assistant with all its channels, and what each attacker needs to reach them."""

    def __init__(self, bot: Assistant, bf: BotFramework, session: str) -> None:
        self.bot, self.bf, self.session = bot, bf, session

    def url(self, path: str) -> str:
        return f"{self.bot.base_url}{path}"


@pytest.fixture(scope="module")
def stand(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stand]:
    tmp = tmp_path_factory.mktemp("fuzz")
    credentials = tmp / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    with running_fake_telegram(TOKEN) as telegram, BotFramework() as bf:
        env = {
            **bf.env(TEAMS_ALLOWED_USERS=TEAMS_USER),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TELEGRAM_API_BASE_URL": telegram.base_url,
            "PREVENT_OWNER_PEPPER": PEPPER,
            "PREVENT_DATABASE_URL": f"sqlite:///{tmp / 'var' / 'prevent.db'}",
        }
        (tmp / "var").mkdir()
        with running_assistant(
            model_path, tmp / "var", extra_env=env, credentials=credentials
        ) as bot:
            enrolment = Enrolment(env["PREVENT_DATABASE_URL"], base64.b64decode(PEPPER))
            # An enrolled Telegram user, so hostile text goes all the way into Rasa.
            code = enrolment.issue("telegram", "fuzz").code
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": TELEGRAM_USER, "type": "private"},
                    "from": {"id": TELEGRAM_USER, "is_bot": False, "first_name": "F"},
                    "text": code,
                },
            }
            assert _post_telegram(bot, json.dumps(update).encode())[0] == 200
            # A web chat session, likewise.
            status, body = _post(
                f"{bot.base_url}/webhooks/webchat/enrol",
                json.dumps({"code": enrolment.issue("webchat", "fuzz").code}).encode(),
            )
            assert status == 200, body
            started = time.monotonic()
            yield Stand(bot, bf, json.loads(body)["token"])
            print(
                f"\nfuzz: {PER_ENDPOINT * ENDPOINTS} examples over {ENDPOINTS} tests, {REQUESTS['sent']} requests "
                f"({REQUESTS['refused_4xx']} refused with 4xx, none 5xx), "
                f"{time.monotonic() - started:.0f} s"
            )


def _post_telegram(bot: Assistant, body: bytes, secret: str | None = SECRET) -> tuple[int, bytes]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    return _post(f"{bot.base_url}/webhooks/telegram/webhook", body, headers)


# ----------------------------------------------------------------------------------- REST


@FUZZ
@given(sender=json_values, message=json_values, metadata=json_values)
def test_rest_messages(stand, sender, message, metadata):
    body = json.dumps({"sender": sender, "message": message, "metadata": metadata}).encode()
    _ok(*_post(stand.url("/webhooks/rest/webhook"), body), body[:200])


@FUZZ
@given(body=raw_bodies, text=texts)
def test_rest_bodies_and_texts(stand, body, text):
    _ok(*_post(stand.url("/webhooks/rest/webhook"), body), body)
    good = json.dumps({"sender": "fuzz-rest", "message": text}).encode()
    _ok(*_post(stand.url("/webhooks/rest/webhook"), good), text[:200])


# ----------------------------------------------------------------------------------- web chat


@FUZZ
@given(text=texts, body=raw_bodies, token=st.one_of(texts, st.just("")))
def test_webchat(stand, text, body, token):
    auth = {"Authorization": f"Bearer {stand.session}"}
    message = json.dumps({"message": text}).encode()
    _ok(*_post(stand.url("/webhooks/webchat/message"), message, auth), text[:200])
    _ok(*_post(stand.url("/webhooks/webchat/message"), body, auth), body)
    _ok(*_post(stand.url("/webhooks/webchat/enrol"), body), body)
    forged = {"Authorization": _header(f"Bearer {token[:500]}")}
    _ok(*_post(stand.url("/webhooks/webchat/message"), message, forged), token[:100])
    _ok(*_post(stand.url("/webhooks/webchat/forget"), b"{}", forged), token[:100])


# ----------------------------------------------------------------------------------- Telegram


@FUZZ
@given(text=texts, body=raw_bodies, extra=json_values)
def test_telegram(stand, text, body, extra):
    update = {
        "update_id": 2,
        "message": {
            "message_id": 2,
            "date": int(time.time()),
            "chat": {"id": TELEGRAM_USER, "type": "private"},
            "from": {"id": TELEGRAM_USER, "is_bot": False, "first_name": "F"},
            "text": text,
        },
    }
    _ok(*_post_telegram(stand.bot, json.dumps(update).encode()), text[:200])
    _ok(*_post_telegram(stand.bot, body), body)
    hostile = {**update, "message": {**update["message"], "chat": extra, "entities": extra}}
    _ok(*_post_telegram(stand.bot, json.dumps(hostile).encode()), extra)
    _ok(*_post_telegram(stand.bot, body, secret=None), body)


# ----------------------------------------------------------------------------------- Teams


@FUZZ
@given(text=texts, body=raw_bodies, extra=json_values)
def test_teams(stand, text, body, extra):
    url = stand.url("/webhooks/teams/webhook")
    auth = {"Authorization": f"Bearer {stand.bf.token()}"}
    activity = stand.bf.activity(text, user=TEAMS_USER)
    _ok(*_post(url, json.dumps(activity).encode(), auth), text[:200])
    _ok(*_post(url, body, auth), body)
    hostile = {**activity, "value": extra, "from": extra, "conversation": extra}
    _ok(*_post(url, json.dumps(hostile).encode(), auth), extra)
    forged = {"Authorization": _header(f"Bearer {text[:200]}")}
    _ok(*_post(url, json.dumps(activity).encode(), forged), text[:100])


# ----------------------------------------------------------------------------------- afterwards


def test_still_answering_and_no_unhandled_exception_in_any_log(stand):
    replies = json.loads(
        _post(
            stand.url("/webhooks/rest/webhook"),
            json.dumps({"sender": "fuzz-after", "message": "what is prevent?"}).encode(),
        )[1]
    )
    assert any("prevent" in (r.get("text") or "").lower() for r in replies)
    for log in ("rasa.log", "actions.log"):
        text = (stand.bot.var_dir / log).read_text(errors="replace")
        for sign in ("Traceback", "Exception occurred", "Unhandled exception"):
            assert sign not in text, f"{sign} in {log}:\n{text[text.find(sign) - 2000 :][:4000]}"
