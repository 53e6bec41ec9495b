"""The web chat channel: real Rasa and action servers, real HTTP, real headless Chromium.

One assistant for the module (with `rest` and the web chat switched on in a credentials file
of its own); invite codes are issued with the enrolment CLI under the assistant's
environment, so they land in its database. An invite code brings a personal sign-in key,
which signs the same person in again later, to the same conversation and drafts.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.wording import phrase
from tests.helpers.browser import chrome_driver, save_screenshot
from tests.helpers.servers import ROOT, Assistant, running_assistant

pytestmark = pytest.mark.servers

CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")
#: A personal sign-in key as shown: 16 characters of the unambiguous alphabet, 4 groups.
PERSONAL_KEY = re.compile(r"^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$")
KEY_SHOWN = (
    "This is your personal sign-in key. Keep it safe, like a password: you need it to come "
    "back to this chat and your saved drafts. It is shown only now."
)
CREDENTIALS = """\
rest:
bot.channels.webchat.WebChatInput:
  session_hours: 1
  enrol_rate: "1000/60"
"""
TRIAGE_OPENING = "Should I refer? A 15 year old keeps sharing nazi memes, no immediate danger"
TRIAGE_ANSWERS = ["no", "no", "his parents know", "yes I've spoken to our DSL"]
REFERRAL_BUTTON = "Start a VTR referral draft"
KNIFE = "A pupil has a knife in his blazer and says he'll use it at lunch"
SENTINEL_NAME = "Zebedee"
SENTINEL_SURNAME = "Quillfeather"


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def webchat(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    tmp = tmp_path_factory.mktemp("webchat")
    credentials = tmp / "credentials.yml"
    credentials.write_text(CREDENTIALS)
    with running_assistant(model_path, tmp / "var", credentials=credentials) as bot:
        yield bot


def issue_codes(bot: Assistant, count: int = 1, channel: str = "webchat") -> list[str]:
    """Invite codes from the enrolment CLI, in the running assistant's database."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.enrolment", "invite", "--channel", channel]
        + ["--label", "webchat test", "--count", str(count)],
        cwd=ROOT,
        env=bot.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    codes = CODE.findall(result.stdout)
    assert len(codes) == count, result.stdout + result.stderr
    return codes


def page_url(bot: Assistant) -> str:
    return f"{bot.base_url}/webhooks/webchat/"


def call(
    bot: Assistant,
    path: str,
    body: bytes | dict | None = None,
    token: str | None = None,
    method: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-cased headers, body) of a request to the web chat, errors included."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(page_url(bot) + path, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                (response.read()),
            )
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def sign_in(bot: Assistant, code: str) -> dict:
    """The answer to POST /enrol for an invite code or personal key (which must work)."""
    status, _, body = call(bot, "enrol", {"code": code})
    assert status == 200, body
    return json.loads(body)


def enrol(bot: Assistant, code: str) -> str:
    return sign_in(bot, code)["token"]


def sender_of(token: str) -> str:
    return token.split(".")[0]


def replies_text(body: bytes) -> str:
    return "\n".join(r.get("text") or "" for r in json.loads(body))


def say_http(bot: Assistant, token: str, text: str) -> str:
    status, _, body = call(bot, "message", {"message": text}, token=token)
    assert status == 200, body
    return replies_text(body)


def files_under(folder: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# ---------------------------------------------------------------- personal keys


def test_personal_keys_are_random_and_derive_a_stable_sender_id():
    import math

    from bot.channels.webchat_auth import (
        PERSONAL_KEY_LENGTH,
        PersonalKeys,
        SessionTokens,
        new_personal_key,
        normalise_personal_key,
    )
    from bot.enrolment import CODE_ALPHABET

    assert PERSONAL_KEY_LENGTH * math.log2(len(CODE_ALPHABET)) >= 75
    keys = {new_personal_key() for _ in range(500)}
    assert len(keys) == 500 and all(PERSONAL_KEY.match(k) for k in keys)

    pepper = b"pepper" * 6
    derive = PersonalKeys.from_pepper(pepper)
    key = next(iter(keys))
    sender = derive.sender_of(key)
    assert re.fullmatch(r"webchat-[0-9a-f]{32}", sender)
    assert derive.sender_of(f"  {key.lower().replace('-', ' ')} ") == sender  # retyped
    assert PersonalKeys.from_pepper(b"other" * 7).sender_of(key) != sender
    assert len({derive.sender_of(k) for k in keys}) == 500
    # Its own key: the sender id is not a session-token signature of the same text.
    token_key = SessionTokens.from_pepper(pepper, 60)._key
    assert token_key != derive._key
    for not_a_key in ("ABCD-EFGH-JKMN", key + "A", key[:-1] + "0", key[:-1] + "O", "", "l" * 16):
        assert normalise_personal_key(not_a_key) is None, not_a_key
        with pytest.raises(ValueError):
            derive.sender_of(not_a_key)


# ---------------------------------------------------------------- HTTP


def test_page_and_assets_are_served_with_strict_security_headers(webchat):
    status, headers, body = call(webchat, "")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"

    html = body.decode()
    assert "<style" not in html and " style=" not in html  # no inline styles
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="static/chat.js" defer>']
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing off-site
    assert 'role="log"' in html and 'aria-live="polite"' in html
    assert 'role="alert"' in html
    assert "If someone is in immediate danger, call 999" in html

    for name, content_type in (("chat.js", "text/javascript"), ("chat.css", "text/css")):
        status, headers, asset = call(webchat, f"static/{name}")
        assert status == 200 and headers["content-type"].startswith(content_type)
        assert headers["x-content-type-options"] == "nosniff"
        assert b"innerHTML" not in asset and not re.search(rb"https?://", asset)
    assert call(webchat, "static/index.html")[0] == 404
    assert call(webchat, "static/..%2Fwebchat.py")[0] == 404


def test_the_page_without_its_trailing_slash_redirects_relatively(webchat):
    parts = urlsplit(webchat.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", "/webhooks/webchat")
        response = connection.getresponse()
        assert response.status in (301, 302, 307, 308)
        assert response.getheader("Location") == "webchat/"
    finally:
        connection.close()


def test_messages_need_a_valid_session_token(webchat):
    message = {"message": "what is channel?"}
    status, headers, body = call(webchat, "message", message)
    assert status == 401 and json.loads(body)["error"] == "session"
    assert "content-security-policy" in headers
    assert call(webchat, "message", message, token="nonsense")[0] == 401

    token = enrol(webchat, issue_codes(webchat)[0])
    sender, expiry, signature = token.split(".")
    assert abs(int(expiry) - time.time() - 3600) < 120  # session_hours: 1
    forged = [
        f"{sender}.{int(expiry) + 3600}.{signature}",  # a longer session
        f"webchat-{'0' * 32}.{expiry}.{signature}",  # someone else
        f"{sender}.{expiry}.{signature[:-2]}AA",
        f"{sender}.{int(time.time()) - 10}.{signature}",  # expired
        token + ".x",
    ]
    for bad in forged:
        assert call(webchat, "message", message, token=bad)[0] == 401, bad
    status, _, body = call(webchat, "message", message, token=token)
    assert status == 200 and "SET" in replies_text(body)


def test_malformed_requests_get_400_with_a_json_error(webchat):
    token = enrol(webchat, issue_codes(webchat)[0])
    for body in (b"{not json", b"[1, 2]", b'"hello"', b"\xff\xfe", b""):
        status, headers, answer = call(webchat, "message", body, token=token)
        assert status == 400, body
        assert headers["content-type"].startswith("application/json")
        assert json.loads(answer)["error"] == "bad_json"
    for body in ({}, {"message": 42}, {"message": "   "}, {"message": ["hi"]}):
        status, _, answer = call(webchat, "message", body, token=token)
        assert status == 400 and json.loads(answer)["error"] == "bad_request", body
    assert call(webchat, "message", {"message": "x" * 20_001}, token=token)[0] == 413
    for body in (b"{oops", b"null", json.dumps({"code": 12}).encode(), b"{}"):
        status, _, answer = call(webchat, "enrol", body)
        assert status == 400 and "error" in json.loads(answer), body
    # Nothing crashed: the same session still talks.
    status, _, body = call(webchat, "message", {"message": "what is prevent?"}, token=token)
    assert status == 200 and replies_text(body).strip()


def test_an_invite_code_works_once_and_only_for_the_web_chat(webchat):
    good, spare = issue_codes(webchat, 2)
    (telegram,) = issue_codes(webchat, channel="telegram")

    status, _, body = call(webchat, "enrol", {"code": "ABCD-EFGH-JKMN"})
    assert status == 403 and "didn't work" in json.loads(body)["message"]
    assert call(webchat, "enrol", {"code": telegram})[0] == 403

    token = enrol(webchat, good.lower().replace("-", " "))  # people retype codes
    assert call(webchat, "enrol", {"code": good})[0] == 403  # used

    status, _, body = call(webchat, "message", {"message": KNIFE}, token=token)
    assert status == 200
    replies = json.loads(body)
    emergency = next(r for r in replies if (r.get("custom") or {}).get("outcome") == "emergency")
    assert "999" in emergency["text"]  # text and payload arrive together

    # "Forget me" stops its token; another person's code is unaffected.
    assert call(webchat, "forget", {}, token=token)[0] == 200
    assert call(webchat, "message", {"message": "hello"}, token=token)[0] == 401
    assert call(webchat, "message", {"message": "hello"}, token=enrol(webchat, spare))[0] == 200


def test_a_personal_key_signs_in_again_to_the_same_conversation_and_drafts(webchat):
    code = issue_codes(webchat)[0]
    first = sign_in(webchat, code)
    key = first["personal_key"]
    assert PERSONAL_KEY.match(key), key
    token = first["token"]
    assert sender_of(token).startswith("webchat-") and len(sender_of(token)) == 8 + 32

    # A draft started in the first session, then left.
    assert "immediate danger" in say_http(webchat, token, "start a referral").lower()
    assert "first name" in say_http(webchat, token, "no").lower()
    assert "surname" in say_http(webchat, token, SENTINEL_NAME).lower()
    assert "date of birth" in say_http(webchat, token, SENTINEL_SURNAME).lower()
    say_http(webchat, token, "stop")

    # Another day, another session: the key (retyped) brings back the same sender.
    again = sign_in(webchat, key.lower().replace("-", " "))
    assert "personal_key" not in again  # a key is only ever shown once
    assert sender_of(again["token"]) == sender_of(token)
    assert f"{SENTINEL_NAME} {SENTINEL_SURNAME}" in say_http(webchat, again["token"], "my drafts")
    assert "date of birth" in say_http(webchat, again["token"], "continue my draft").lower()
    # And again: a key works as often as it is needed; the invite code only once.
    assert sender_of(sign_in(webchat, key)["token"]) == sender_of(token)
    assert call(webchat, "enrol", {"code": code})[0] == 403

    # Someone else's key is someone else: no drafts of this person's.
    other = sign_in(webchat, issue_codes(webchat)[0])
    assert other["personal_key"] != key
    assert sender_of(other["token"]) != sender_of(token)
    mine = say_http(webchat, other["token"], "my drafts")
    assert SENTINEL_NAME not in mine and "no saved drafts" in mine.lower()


def test_wrong_and_forgotten_personal_keys_are_refused_and_no_key_is_kept(webchat):
    status, _, body = call(webchat, "enrol", {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert status == 403 and "didn't work" in json.loads(body)["message"]

    first = sign_in(webchat, issue_codes(webchat)[0])
    key, token = first["personal_key"], first["token"]
    sender = sender_of(token)
    off_by_one = key[:-1] + ("B" if key[-1] == "A" else "A")
    for wrong in (off_by_one, key[:-5], key + "-ABCD", key.replace("-", "")[:12]):
        status, _, body = call(webchat, "enrol", {"code": wrong})
        assert status == 403 and json.loads(body)["error"] == "code_refused", wrong
    assert "prevent" in say_http(webchat, token, "what is prevent?").lower()
    later = enrol(webchat, key)

    # "Forget me" needs a session, then un-enrols: every token and the key stop working.
    assert call(webchat, "forget", {})[0] == 401
    assert call(webchat, "forget", {}, token="nonsense")[0] == 401
    status, _, body = call(webchat, "forget", {}, token=token)
    assert status == 200 and json.loads(body) == {"forgotten": True}
    for old in (token, later):
        assert call(webchat, "message", {"message": "hello"}, token=old)[0] == 401
    status, _, body = call(webchat, "enrol", {"code": key})
    assert status == 403 and "didn't work" in json.loads(body)["message"]
    assert call(webchat, "forget", {}, token=later)[0] == 401

    # Neither the key nor the sender id derived from it is in any file the assistant wrote
    # (databases, their journals, both servers' logs); the databases were written to.
    files = files_under(webchat.var_dir)
    assert any(p.name == "tracker.db" for p in files) and any(p.suffix == ".log" for p in files)
    plain = key.replace("-", "")
    for needle in (key, plain, key.lower(), plain.lower(), sender, sender.removeprefix("webchat-")):
        for path, data in files.items():
            assert needle.encode() not in data, f"{needle!r} found in {path.name}"


# ---------------------------------------------------------------- in headless Chromium


@pytest.fixture(scope="module")
def driver(webchat):
    with chrome_driver() as browser:
        yield browser


def js(driver, script: str, *args):
    return driver.execute_script(script, *args)


def wait_for(driver, condition, timeout: float = 60, what: str = "condition"):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: condition(d), message=f"timed out waiting for {what}"
    )


def bot_texts(driver) -> list[str]:
    return js(driver, "return [...document.querySelectorAll('.msg-bot')].map(e => e.textContent)")


def active(driver) -> str:
    return js(
        driver,
        "const e = document.activeElement;"
        "return e ? (e.id || e.tagName.toLowerCase() + ':' + e.textContent.trim()) : ''",
    )


def idle(driver) -> bool:
    return js(driver, "return document.getElementById('status').textContent === ''")


def csp_errors(driver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def browser_enrol(driver, bot: Assistant, code: str | None = None) -> str | None:
    """Sign in with `code` (a fresh invite code if None); returns the personal key shown, if
    any, after pressing "I've kept it safe"."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.ID, "invite-code")
    field.clear()
    field.send_keys(code or issue_codes(bot)[0], Keys.ENTER)
    wait_for(
        driver,
        lambda d: (
            d.find_element(By.ID, "message").is_displayed()
            or d.find_element(By.ID, "key-view").is_displayed()
        ),
        30,
        "chat view or the personal key",
    )
    key = None
    if driver.find_element(By.ID, "key-view").is_displayed():
        key = driver.find_element(By.ID, "personal-key").text
        driver.find_element(By.ID, "key-kept").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "message").is_displayed(), 30, "chat view")
    return key


def sign_out(driver) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "end-session").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "invite-code").is_displayed(), 30, "sign-in")


@pytest.fixture
def chat(driver, webchat):
    """The page, signed in (enrolling with a fresh code if it is not)."""
    from selenium.webdriver.common.by import By

    if not driver.current_url.startswith(page_url(webchat)):
        driver.get(page_url(webchat))
    if not driver.find_element(By.ID, "chat-view").is_displayed():
        browser_enrol(driver, webchat)
    return driver


def say(driver, text: str) -> list[str]:
    """Type `text`, press Enter, and return the texts of the assistant's new messages."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    before = len(bot_texts(driver))
    box = driver.find_element(By.ID, "message")
    box.send_keys(text, Keys.ENTER)
    wait_for(driver, lambda d: idle(d) and len(bot_texts(d)) > before, 60, f"a reply to {text!r}")
    assert box.get_attribute("value") == ""
    assert active(driver) == "message", "focus stays in the message box after sending"
    return bot_texts(driver)[before:]


def test_browser_enrolment_refuses_a_wrong_code_then_accepts_a_good_one(driver, webchat):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(page_url(webchat))
    assert driver.title == "Prevent safeguarding assistant"
    label = driver.find_element(By.CSS_SELECTOR, "label[for=invite-code]")
    assert label.text == "Invite code or personal sign-in key"
    assert not driver.find_element(By.ID, "chat-view").is_displayed()

    field = driver.find_element(By.ID, "invite-code")
    field.send_keys("ABCD-EFGH-JKMN", Keys.ENTER)
    error = driver.find_element(By.ID, "invite-error")
    wait_for(driver, lambda d: error.text, 30, "the wrong-code message")
    assert "didn't work" in error.text and error.get_attribute("role") == "alert"
    assert field.get_attribute("aria-invalid") == "true"
    assert active(driver) == "invite-code"
    save_screenshot(driver, "webchat-enrol")

    browser_enrol(driver, webchat)
    assert active(driver) == "message"
    token = js(driver, "return sessionStorage.getItem('prevent-webchat-session')")
    assert token and "webchat-" in token
    assert js(driver, "return document.cookie") == ""  # the session is never a cookie
    assert not csp_errors(driver)


def test_browser_guidance_answer_cites_set_and_a_topic_button_sends_its_payload(chat):
    from selenium.webdriver.common.by import By

    replies = say(chat, "what is channel?")
    assert "SET" in "\n".join(replies)
    user = chat.find_elements(By.CSS_SELECTOR, ".msg-user")[-1]
    assert "what is channel?" in user.text

    buttons = chat.find_elements(By.CSS_SELECTOR, ".msg-bot:last-child .choices button")
    assert buttons, "the guidance answer offers related topics as buttons"
    assert all(b.tag_name == "button" for b in buttons)
    before = len(bot_texts(chat))
    title = buttons[0].text
    buttons[0].click()
    wait_for(chat, lambda d: idle(d) and len(bot_texts(d)) > before, 60, "the topic's answer")
    # The log shows the button's title as what the user said, not the payload.
    assert chat.find_elements(By.CSS_SELECTOR, ".msg-user")[-1].text.endswith(title)
    assert "/ask_guidance" not in chat.find_element(By.ID, "log").text
    assert active(chat) == "message"


def test_browser_triage_outcome_button_reached_and_pressed_by_keyboard(chat):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    say(chat, TRIAGE_OPENING)
    selector = f"//div[contains(@class,'msg-bot')]//button[normalize-space()='{REFERRAL_BUTTON}']"
    for answer in TRIAGE_ANSWERS:
        say(chat, answer)
        if chat.find_elements(By.XPATH, selector):
            break
    assert chat.find_elements(By.XPATH, selector), "the outcome offers a referral draft"

    # Keyboard only, from the top of the page: Tab reaches the outcome's button, then the box.
    target = f"button:{REFERRAL_BUTTON}"
    js(chat, "document.querySelector('.skip-link').focus()")
    seen: list[str] = [active(chat)]
    for _ in range(40):
        ActionChains(chat).send_keys(Keys.TAB).perform()
        seen.append(active(chat))
        if seen[-1] == "message":
            break
    assert target in seen and seen[-1] == "message", seen
    for _ in range(10):  # back to the button
        ActionChains(chat).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        if active(chat) == target:
            break
    assert active(chat) == target
    focused = chat.switch_to.active_element
    assert js(chat, "return getComputedStyle(arguments[0]).outlineStyle", focused) != "none"
    before = len(bot_texts(chat))
    ActionChains(chat).send_keys(Keys.ENTER).perform()
    wait_for(chat, lambda d: idle(d) and len(bot_texts(d)) > before, 60, "the draft to start")
    replies = "\n".join(bot_texts(chat)[before:]).lower()
    assert "draft" in replies and "referral" in replies
    assert chat.find_elements(By.CSS_SELECTOR, ".msg-user")[-1].text.endswith(REFERRAL_BUTTON)
    assert active(chat) == "message"
    # And onwards from the box: Tab goes to Send (older choices are retired).
    ActionChains(chat).send_keys(Keys.TAB).perform()
    assert active(chat) == "send"


def test_browser_emergency_shows_the_banner_with_the_bots_words(chat):
    from selenium.webdriver.common.by import By

    replies = say(chat, KNIFE)
    banner = chat.find_element(By.ID, "emergency")
    wait_for(chat, lambda d: banner.is_displayed(), 10, "the emergency banner")
    assert banner.get_attribute("role") == "alert"
    assert banner.find_element(By.TAG_NAME, "h2").text == phrase(
        "common.outcome_headline.emergency"
    )
    assert "999" in banner.text
    # The body is the assistant's own reply (its words, not the page's), shown once: the
    # log points to the banner instead of repeating the same paragraph (issue 12).
    body = "\n".join(p.text for p in banner.find_elements(By.TAG_NAME, "p"))
    assert body.startswith("Call 999 now.")
    assert body not in "\n".join(bot_texts(chat))
    assert any("red box" in r for r in replies)
    # Where the banner sits depends on the screen: the pointer names no position (QA B9).
    pointer = next(r for r in replies if "red box" in r)
    assert not any(w in pointer.lower() for w in ("above", "below", "left", "right"))
    assert banner.find_element(By.CSS_SELECTOR, "a[href='tel:999']")
    assert active(chat) == "message"
    js(chat, "arguments[0].scrollIntoView({block: 'center'})", banner)
    assert save_screenshot(chat, "webchat").stat().st_size > 5_000

    # Terrorism-related but not imminent: the police banner, with the hotline from the reply.
    say(chat, "A student has been researching how to make explosives for an attack next year")
    assert banner.find_element(By.TAG_NAME, "h2").text == phrase("common.outcome_headline.police")
    assert "0800 789 321" in banner.text
    assert banner.find_element(By.CSS_SELECTOR, "a[href='tel:0800789321']")
    police = "\n".join(p.text for p in banner.find_elements(By.TAG_NAME, "p"))
    # The earlier 999 advice is back in the log, in full, and on screen once.
    log = "\n".join(bot_texts(chat))
    assert body in log and log.count(body) == 1 and police not in log
    assert not csp_errors(chat)

    # The conversation moves on: the banner gives way, its words stay in the log once.
    say(chat, "what is channel?")
    wait_for(chat, lambda d: not banner.is_displayed(), 10, "the banner to give way")
    assert banner.text == ""
    log = "\n".join(bot_texts(chat))
    assert log.count(police) == 1 and log.count(body) == 1
    assert "red box" not in log


def test_browser_shift_enter_is_a_new_line_and_text_is_never_html(chat):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = chat.find_element(By.ID, "message")
    users = len(chat.find_elements(By.CSS_SELECTOR, ".msg-user"))
    box.send_keys("first line")
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys("second line")
    assert box.get_attribute("value") == "first line\nsecond line"
    assert len(chat.find_elements(By.CSS_SELECTOR, ".msg-user")) == users  # not sent
    box.clear()

    hostile = "<img src=x onerror=\"document.title='owned'\"> <b>where</b> do I send a referral?"
    say(chat, hostile)
    mine = chat.find_elements(By.CSS_SELECTOR, ".msg-user")[-1]
    assert hostile in mine.text
    assert not chat.find_elements(By.CSS_SELECTOR, "#log img, #log b")
    assert chat.title == "Prevent safeguarding assistant"


def test_browser_offline_keeps_the_typed_text_and_says_so_kindly(chat):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    typed = "Is a Prevent referral the same as a police investigation?"
    box = chat.find_element(By.ID, "message")
    chat.execute_cdp_cmd("Network.enable", {})
    conditions = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    # A slow network first: the page says it is sending and holds the text until answered.
    slow = {**conditions, "latency": 1500}
    chat.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, **slow})
    before = len(bot_texts(chat))
    box.send_keys("what is prevent?", Keys.ENTER)
    status = chat.find_element(By.ID, "status")
    wait_for(chat, lambda d: status.text.startswith("Sending"), 10, "the sending state")
    assert box.get_attribute("readonly") is not None
    assert box.get_attribute("value") == "what is prevent?"
    assert chat.find_element(By.ID, "send").get_attribute("aria-disabled") == "true"
    assert active(chat) == "message"
    wait_for(chat, lambda d: idle(d) and len(bot_texts(d)) > before, 60, "the slow reply")
    assert box.get_attribute("value") == "" and box.get_attribute("readonly") is None

    users = len(chat.find_elements(By.CSS_SELECTOR, ".msg-user"))
    chat.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, **conditions})
    try:
        box.send_keys(typed, Keys.ENTER)
        error = chat.find_element(By.ID, "composer-error")
        wait_for(chat, lambda d: error.text, 30, "the offline message")
        assert "couldn't reach" in error.text.lower() and "still in the box" in error.text
        assert box.get_attribute("value") == typed  # nothing typed is lost
        assert len(chat.find_elements(By.CSS_SELECTOR, ".msg-user")) == users
        assert active(chat) == "message"
    finally:
        chat.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, **conditions})
    before = len(bot_texts(chat))
    box.send_keys(Keys.ENTER)  # try again, same text
    wait_for(chat, lambda d: idle(d) and len(bot_texts(d)) > before, 60, "the retried reply")
    assert box.get_attribute("value") == "" and not error.text


def test_browser_an_ended_session_asks_to_sign_in_and_keeps_the_typed_text(chat, webchat):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    sign_out(chat)
    key = browser_enrol(chat, webchat)
    assert key and PERSONAL_KEY.match(key)
    js(
        chat,
        "const s = JSON.parse(sessionStorage.getItem('prevent-webchat-session'));"
        "s.token = s.token.replace(/.$/, c => c === 'A' ? 'B' : 'A');"
        "sessionStorage.setItem('prevent-webchat-session', JSON.stringify(s));"
        "location.reload();",
    )
    wait_for(chat, lambda d: d.find_element(By.ID, "message").is_displayed(), 30, "the page")
    typed = "what happens after a referral?"
    chat.find_element(By.ID, "message").send_keys(typed, Keys.ENTER)
    wait_for(chat, lambda d: d.find_element(By.ID, "invite-code").is_displayed(), 30, "code form")
    error = chat.find_element(By.ID, "invite-error").text
    assert "session has ended" in error and "personal sign-in key" in error
    assert active(chat) == "invite-code"

    assert browser_enrol(chat, webchat, key) is None  # the key: no new key, same chat
    assert chat.find_element(By.ID, "message").get_attribute("value") == typed
    before = len(bot_texts(chat))
    chat.find_element(By.ID, "message").send_keys(Keys.ENTER)
    wait_for(chat, lambda d: idle(d) and len(bot_texts(d)) > before, 60, "the reply")

    # Signing out forgets this tab's session and the conversation on the page, nothing else.
    sign_out(chat)
    assert js(chat, "return sessionStorage.getItem('prevent-webchat-session')") is None
    assert not chat.find_elements(By.CSS_SELECTOR, ".msg")
    signed_out = chat.find_element(By.CSS_SELECTOR, "#enrol-view [role=status]").text
    assert "signed out" in signed_out and "personal sign-in key" in signed_out
    assert active(chat) == "invite-code"
    assert call(webchat, "enrol", {"code": key})[0] == 200  # the key still works


def test_browser_personal_key_shown_once_then_sign_out_and_back_in_then_forget(driver, webchat):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(page_url(webchat))
    if driver.find_element(By.ID, "chat-view").is_displayed():
        sign_out(driver)
    driver.find_element(By.ID, "invite-code").send_keys(issue_codes(webchat)[0], Keys.ENTER)
    panel = driver.find_element(By.ID, "key-view")
    wait_for(driver, lambda d: panel.is_displayed(), 30, "the personal key")
    assert not driver.find_element(By.ID, "chat-view").is_displayed()
    # Focus is on the panel, which is named by its heading and described by the warning.
    assert active(driver) == "key-view"
    assert panel.find_element(By.TAG_NAME, "h1").text == "Your personal sign-in key"
    described = driver.find_element(By.ID, panel.get_attribute("aria-describedby"))
    assert " ".join(described.text.split()) == KEY_SHOWN
    shown = driver.find_element(By.ID, "personal-key")
    assert shown.tag_name == "code"
    key = shown.text
    assert PERSONAL_KEY.match(key), key
    kept = driver.find_element(By.ID, "key-kept")
    assert kept.text == "I've kept it safe" and kept.tag_name == "button"
    # A reload before it is acknowledged doesn't lose it (it is kept in the tab till then).
    driver.refresh()
    panel = driver.find_element(By.ID, "key-view")
    wait_for(driver, lambda d: panel.is_displayed(), 30, "the personal key again")
    shown, kept = (driver.find_element(By.ID, i) for i in ("personal-key", "key-kept"))
    assert shown.text == key and active(driver) == "key-view"

    # Copy (the clipboard API, where the browser allows it).
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": webchat.base_url,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )
    copy = driver.find_element(By.ID, "copy-key")
    assert copy.is_displayed()
    copy.click()
    copied = driver.find_element(By.ID, "copy-status")
    wait_for(driver, lambda d: copied.text, 10, "the copy status")
    assert copied.get_attribute("role") == "status"
    if copied.text.startswith("Copied"):
        clip = driver.execute_async_script(
            "navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))"
        )
        assert clip in (key, None)
    else:
        assert "copy it yourself" in copied.text

    # At 320px the key and its buttons fit.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        assert js(driver, "return document.documentElement.scrollWidth") <= 320
        for element_id in ("personal-key", "key-kept"):
            box = driver.find_element(By.ID, element_id).rect
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, element_id
        save_screenshot(driver, "webchat-personal-key-panel")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # Kept: on to the chat; the key leaves the page and the tab's storage.
    kept.click()
    wait_for(driver, lambda d: d.find_element(By.ID, "message").is_displayed(), 10, "the chat")
    assert not panel.is_displayed() and active(driver) == "message"
    assert shown.get_attribute("textContent") == ""
    storage = js(driver, "return JSON.stringify(Object.assign({}, sessionStorage))")
    assert key not in storage and key.replace("-", "") not in storage
    assert "prevent" in "\n".join(say(driver, "what is prevent?")).lower()

    # Sign out, then back in with the key: straight to the chat, which still works.
    sign_out(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, ".msg")
    assert active(driver) == "invite-code"
    assert browser_enrol(driver, webchat, key.lower()) is None
    note = driver.find_elements(By.CSS_SELECTOR, ".msg-note")[-1].text
    assert "Welcome back" in note and "drafts" in note
    assert "SET" in "\n".join(say(driver, "what is channel?"))
    save_screenshot(driver, "webchat-personal-key")

    # "Forget me" asks first; Cancel (or Escape) changes nothing.
    forget = driver.find_element(By.ID, "forget-me")
    confirm = driver.find_element(By.ID, "forget-confirm")
    assert not confirm.is_displayed() and forget.get_attribute("aria-expanded") == "false"
    forget.click()
    wait_for(driver, lambda d: confirm.is_displayed(), 5, "the confirmation")
    assert active(driver) == "forget-confirm" and forget.get_attribute("aria-expanded") == "true"
    assert "can't be undone" in confirm.text
    driver.find_element(By.ID, "forget-cancel").click()
    assert not confirm.is_displayed() and active(driver) == "forget-me"
    forget.click()
    wait_for(driver, lambda d: confirm.is_displayed(), 5, "the confirmation")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert not confirm.is_displayed() and active(driver) == "forget-me"
    assert driver.find_element(By.ID, "chat-view").is_displayed()
    assert call(webchat, "enrol", {"code": key})[0] == 200

    forget.click()
    wait_for(driver, lambda d: confirm.is_displayed(), 5, "the confirmation")
    driver.find_element(By.ID, "forget-yes").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "invite-code").is_displayed(), 30, "sign-in")
    assert "no longer works" in driver.find_element(By.ID, "enrol-view").text
    assert js(driver, "return sessionStorage.length") == 0
    assert not driver.find_elements(By.CSS_SELECTOR, ".msg")

    field = driver.find_element(By.ID, "invite-code")
    field.send_keys(key, Keys.ENTER)
    error = driver.find_element(By.ID, "invite-error")
    wait_for(driver, lambda d: error.text, 30, "the refusal")
    assert "didn't work" in error.text and active(driver) == "invite-code"
    assert not csp_errors(driver)


def test_browser_at_320px_with_reduced_motion(chat):
    from selenium.webdriver.common.by import By

    chat.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True},
    )
    chat.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
    )
    try:
        say(chat, "what is prevent?")
        say(chat, KNIFE)
        assert js(chat, "return document.documentElement.scrollWidth") <= 320
        for element_id in ("message", "send", "emergency"):
            box = chat.find_element(By.ID, element_id).rect
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, element_id
        animation = js(
            chat,
            "return getComputedStyle(document.querySelector('.msg-bot:last-child')).animationName",
        )
        assert animation == "none"
        save_screenshot(chat, "webchat-320")
    finally:
        chat.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        chat.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    assert not csp_errors(chat)


# Words (and e-mail addresses up to 30 characters) split across two lines although they would
# fit on one line of the bubble.
SPLIT_WORDS = """
const out = [];
const bubble = arguments[0];
const style = getComputedStyle(bubble);
const room = bubble.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  for (const m of node.textContent.matchAll(/[A-Za-z'@.]+/g)) {
    const word = m[0].replace(/[.']+$/, "");
    if (word.length < 2 || word.length > 30) continue;
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + word.length);
    const rects = [...range.getClientRects()];
    const tops = new Set(rects.map(r => Math.round(r.top)));
    const wide = rects.reduce((sum, r) => sum + r.width, 0);
    if (tops.size > 1 && wide < room) out.push(word);  // split although it fits a line
  }
}
return out;
"""


@pytest.mark.parametrize("width", [320, 375])
def test_browser_bubbles_use_the_width_of_a_phone_and_words_stay_whole(chat, width):
    """QA B8: on a phone, bot bubbles were about 166 px wide in a 375 px viewport and words
    and e-mail addresses broke mid-word. Bubbles now use most of the width; only addresses
    too long for a line are broken."""
    chat.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 760, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        replies = say(chat, "who is the prevent contact for thurrock?")
        assert any("@" in r for r in replies), replies
        bubble = js(chat, "return [...document.querySelectorAll('.msg-bot')].pop()")
        js(chat, "arguments[0].scrollIntoView({block: 'start'})", bubble)
        bubble_width = js(chat, "return arguments[0].getBoundingClientRect().width", bubble)
        assert bubble_width >= 0.7 * width, f"bubble {bubble_width:.0f} px at {width} px"
        assert js(chat, SPLIT_WORDS, bubble) == []
        assert js(chat, "return document.documentElement.scrollWidth") <= width
        save_screenshot(chat, f"webchat-bubble-{width}")
    finally:
        chat.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_browser_web_addresses_in_replies_are_links_and_nothing_else_is(chat):
    """A one-time PDF link (or any https address the assistant gives) can be clicked; a user's
    text is never turned into links, and only http(s) addresses ever become one."""
    from selenium.webdriver.common.by import By

    replies = say(chat, "link for the prevent training")
    assert "support-people-susceptible-to-radicalisation" in "\n".join(replies)
    links = chat.find_elements(By.CSS_SELECTOR, ".msg-bot:last-of-type a[href^='https://']")
    hrefs = [a.get_attribute("href") for a in links]
    assert any(
        h.startswith("https://www.support-people-susceptible-to-radicalisation.service.gov.uk/")
        for h in hrefs
    ), hrefs
    link = next(a for a in links if "support-people" in a.get_attribute("href"))
    assert link.text == link.get_attribute("href") and "noopener" in link.get_attribute("rel")
    assert not link.get_attribute("href").endswith((".", ","))
    say(chat, "is javascript:alert(1) or https://evil.example/ a link? what is prevent")
    mine = chat.find_elements(By.CSS_SELECTOR, ".msg-user")[-1]
    assert not mine.find_elements(By.TAG_NAME, "a")
    assert not chat.find_elements(By.CSS_SELECTOR, "#log a[href^='javascript']")


def test_browser_quick_hide_clears_the_screen_and_signing_in_again_carries_on(driver, webchat):
    """Escape twice (or the button): a neutral page at once, nothing of the chat left in the
    page or the tab's storage; the personal key brings the same conversation back."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(page_url(webchat))
    if driver.find_element(By.ID, "chat-view").is_displayed():
        sign_out(driver)
    key = browser_enrol(driver, webchat)
    assert "immediate danger" in "\n".join(say(driver, "Should I refer?")).lower()
    ActionChains(driver).send_keys(Keys.ESCAPE).pause(0.1).send_keys(Keys.ESCAPE).perform()
    wait_for(driver, lambda d: d.current_url.endswith("/neutral.html"), 10, "the neutral page")
    assert driver.title == "New tab"
    shown = driver.find_element(By.TAG_NAME, "body").text
    assert shown == "Notes\nNo notes yet." and "danger" not in driver.page_source
    assert js(driver, "return sessionStorage.length") == 0
    # Back does not return to the chat: it was replaced in the history, and the token is gone.
    driver.get(page_url(webchat))
    assert driver.find_element(By.ID, "invite-code").is_displayed()
    assert not driver.find_elements(By.CSS_SELECTOR, ".msg")
    # One Escape does nothing; the button hides as well.
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert driver.current_url.startswith(page_url(webchat))
    # Signing in again: the triage goes on where it was (the next question, not a new chat).
    assert browser_enrol(driver, webchat, key) is None
    assert "how old" in "\n".join(say(driver, "no")).lower()
    driver.find_element(By.ID, "quick-hide").click()
    wait_for(driver, lambda d: d.current_url.endswith("/neutral.html"), 10, "the neutral page")
    assert "How old" not in driver.page_source and "Notes" in driver.page_source
    assert not csp_errors(driver)


def test_school_invites_by_role_then_a_teacher_tells_the_dsl_on_the_web_chat(webchat):
    """From the CLIs (a school, invites per role) to a concern read by the DSL, over HTTP."""

    def cli(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=webchat.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return result.stdout

    assert "st-aidans" in cli("bot.concerns.orgs", "add", "St Aidan's", "--area", "thurrock")
    teacher_code, dsl_code = (
        CODE.findall(
            cli(
                "bot.enrolment", "invite", "--channel", "webchat", "--org", "st-aidans", "--role", r
            )
        )[0]
        for r in ("teacher", "dsl")
    )
    teacher, first = enrol(webchat, teacher_code), sign_in(webchat, dsl_code)
    dsl, dsl_key = first["token"], first["personal_key"]
    assert "own words" in say_http(webchat, teacher, "I want to log a concern")
    say_http(webchat, teacher, "Jemima Quorndon copied a Thornfield logo into her book")
    say_http(webchat, teacher, "Wednesday lunchtime")
    receipt = say_http(webchat, teacher, "the dining hall")
    assert "1 DSL(s) at St Aidan's" in receipt
    [ref] = re.findall(r"\bC-[A-Z2-9]{6}\b", receipt)
    # The DSL coming back to the web chat is told how many updates wait for them.
    assert sign_in(webchat, dsl_key)["concern_alerts"] == 1
    seen = say_http(webchat, dsl, "new concerns")
    assert "1 concern update(s)" in seen and ref in seen
    assert "concern_alerts" not in sign_in(webchat, dsl_key)  # said once, then gone
    assert "Jemima Quorndon" in say_http(webchat, dsl, f"open {ref}")
    assert "has read your concern" in say_http(webchat, teacher, "my concerns")
