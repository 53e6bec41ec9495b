"""Channels render, never phrase: every sentence a channel shows comes from guidance/.

Scans the channel modules, the web chat's script and its page templates for English
sentences (each of these tests fails on the code before issue 15, where the refusals, the
card headlines and the page's words were typed into the code), and checks that the 999 and
police headlines say the same thing on every channel and in the replies they head.
"""

from __future__ import annotations

import ast
import json
import re
from html.parser import HTMLParser

import pytest
import yaml

from bot.channels import adaptive_cards as cards
from bot.channels.webchat import PAGES, STATIC_DIR, render_page, script_wording
from bot.wording import INTERFACE_FILE, WordingError, contacts, fields_of, phrase
from tests.conftest import ROOT

#: Every channel module (push says domain responses from domain/*.yml; ops and rest answer
#: machines), so a new one is scanned too.
CHANNEL_MODULES = sorted(
    p for p in (ROOT / "bot" / "channels").glob("*.py") if p.name != "__init__.py"
)
CHAT_JS = STATIC_DIR / "chat.js"
BANNER_OUTCOMES = ("emergency", "police")


# --------------------------------------------------------------------------- detectors


def looks_like_a_sentence(text: str) -> bool:
    """Words a person reads: two or more words with a capital, or ending like a sentence."""
    several = bool(re.search(r"[A-Za-z][a-z',]*\s+[A-Za-z]", text))  # words apart by spaces
    capital = bool(re.match(r"\s*[A-Z][a-z]", text))
    ends = bool(re.search(r"[a-z][.!?…:]\s*$", text))
    return (several and (capital or ends)) or (capital and ends)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _not_for_people(tree: ast.AST) -> set[int]:
    """Strings in log lines, exceptions and argparse help: for maintainers, not users."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        spoken_to_maintainers = False
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            spoken_to_maintainers = (
                owner in {"log", "logging", "parser"}
                or name.endswith(("Error", "Exception", "Mismatch", "Update"))
                or name in {"add_argument", "ArgumentParser"}
                # recognising the lines of a reply ("Source:"), not saying anything
                or name in {"startswith", "endswith"}
            )
        elif isinstance(node, ast.Raise):
            spoken_to_maintainers = True
        if spoken_to_maintainers:
            ids.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Constant))
    return ids


def sentences_in_python(source: str) -> list[str]:
    """String constants that read as sentences, docstrings and maintainers' strings aside."""
    tree = ast.parse(source)
    skip = _docstrings(tree) | _not_for_people(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and looks_like_a_sentence(node.value)
    ]


JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')


def _strip_js_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    return re.sub(r"(?m)^\s*//.*$|\s//\s.*$", "", source)


def sentences_in_script(source: str) -> list[str]:
    found = []
    for match in JS_STRING.finditer(_strip_js_comments(source)):
        literal = match.group(1) if match.group(1) is not None else match.group(2)
        if looks_like_a_sentence(literal):
            found.append(literal)
    return found


#: Attributes a person sees or hears (a screen reader reads aria-label and title).
SPOKEN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "value", "data-pointer"}
PLACEHOLDERS = re.compile(r"^(\s*\{\{\s*[a-z_]+\s*\}\}\s*)+$")


class _Words(HTMLParser):
    """Text a person sees in a page template, and spoken attribute values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value and re.search(r"[A-Za-z]", value):
                self.words.append(value)

    def handle_data(self, data: str) -> None:
        if re.search(r"[A-Za-z]", data):
            self.words.append(data.strip())


def words_not_from_data(template: str) -> list[str]:
    parser = _Words()
    parser.feed(template)
    return [w for w in parser.words if not PLACEHOLDERS.match(w)]


# --------------------------------------------------------------------------- the detectors work


def test_the_detectors_find_sentences_and_pass_identifiers():
    """The scans below prove something only if these catch what the old code held."""
    assert looks_like_a_sentence("That button has expired. Please type your answer instead.")
    assert looks_like_a_sentence("Sending…") and looks_like_a_sentence("You said")
    assert looks_like_a_sentence("Why") is False  # one word: see the card test below
    for identifier in (
        "use strict", "msg msg-", "noopener noreferrer", "Bearer ", "tel:", "Content-Type",
        "TextBlock", "default-src 'self'; script-src 'self'",
    ):  # fmt: skip
        assert not looks_like_a_sentence(identifier), identifier
    assert sentences_in_script('var x = "Tell the police now"; // "Not this one."') == [
        "Tell the police now"
    ]
    assert sentences_in_python('A = "Please choose:"\nlog.info("Not for users.")') == [
        "Please choose:"
    ]
    assert words_not_from_data('<p>{{hint}}</p><button aria-label="Close it">{{x}}</button>') == [
        "Close it"
    ]


# --------------------------------------------------------------------------- no sentences in code


@pytest.mark.parametrize("path", CHANNEL_MODULES, ids=lambda p: p.name)
def test_channel_modules_hold_no_sentences(path):
    assert sentences_in_python(path.read_text(encoding="utf-8")) == []


def test_the_chat_script_holds_no_sentences():
    assert sentences_in_script(CHAT_JS.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_templates_hold_no_sentences(page):
    assert words_not_from_data((STATIC_DIR / page).read_text(encoding="utf-8")) == []


def _strings(node: object) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def test_the_teams_app_manifest_holds_no_sentences():
    """Its names, description and command titles are `${{wording:...}}` placeholders."""
    manifest = json.loads((ROOT / "teams" / "manifest.json").read_text(encoding="utf-8"))
    assert [s for s in _strings(manifest) if looks_like_a_sentence(s)] == []


def test_cards_words_come_from_the_wording():
    """One-word headings slip past the sentence scan: check the card's words directly."""
    card = cards.outcome_card({"outcome": "refer", "reasons": ["r"], "citations": ["SET 2.5"]})
    texts = [block.get("text") for block in json.loads(json.dumps(card))["content"]["body"]]
    assert phrase("channels.teams.why") in texts
    assert phrase("channels.teams.policy_references", citations="SET 2.5") in texts


# --------------------------------------------------------------------------- the wording itself


def _every_key(node: object, trail: str = "") -> list[str]:
    if isinstance(node, dict):
        return [k for key, value in node.items() for k in _every_key(value, f"{trail}{key}.")]
    return [trail.rstrip(".")]


def test_every_channel_sentence_renders_with_its_contacts():
    """No missing contact, no stray brace: each sentence formats (fields given as names)."""
    data = yaml.safe_load(INTERFACE_FILE.read_text(encoding="utf-8"))
    keys = _every_key({"common": data["common"], "channels": data["channels"]})
    assert len(keys) > 80
    for key in keys:
        values = {name: f"<{name}>" for name in fields_of(_raw(data, key)) - {"contact"}}
        assert phrase(key, **values), key


def _raw(data: dict, key: str) -> str:
    node: object = data
    for part in key.split("."):
        assert isinstance(node, dict)
        node = node[part]
    assert isinstance(node, str), key
    return node


def test_numbers_are_only_in_contacts():
    """Phone numbers are {contact.x} in the wording (999, the emergency number, excepted)."""
    text = INTERFACE_FILE.read_text(encoding="utf-8")
    assert not re.findall(r"\b0\d{2,4} ?\d{3} ?\d{3,4}\b", text)
    assert "{contact.anti_terrorist_hotline}" in text
    police = phrase("common.outcome_subline.police")
    assert contacts()["anti_terrorist_hotline"] in police


def test_a_missing_sentence_is_an_error_not_a_blank():
    with pytest.raises(WordingError):
        phrase("channels.webchat.script.no_such_sentence")


def test_the_script_uses_only_sentences_it_is_given_and_all_of_them():
    source = CHAT_JS.read_text(encoding="utf-8")
    calls = re.findall(r"\bsay\(([^)]*)\)", source)  # say("key", ...), say(a ? "x" : "y")
    used = {key for call in calls for key in re.findall(r'"([a-z_]+)"', call)}
    given = set(script_wording())
    assert used and used <= given, used - given
    assert given - used <= {"headline"}, given - used


def test_the_page_carries_the_scripts_wording_as_data_not_as_script():
    page = render_page((STATIC_DIR / "index.html").read_text(encoding="utf-8"), PAGES["index.html"])
    assert not re.search(r"\{\{\s*[a-z_]+\s*\}\}", page)
    match = re.search(r'<body data-wording="([^"]*)">', page)
    assert match
    from html import unescape

    assert json.loads(unescape(match.group(1))) == script_wording()
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="static/chat.js" defer>']
    assert phrase("channels.webchat.page.danger_line") in page


# --------------------------------------------------------------------------- one headline


def test_the_999_and_police_headlines_are_the_same_on_every_channel_and_in_the_replies():
    """Teams once said "Anti-Terrorist Hotline" where the web chat said "Tell the police
    now". Now one sentence heads both, and the replies and triage outcomes open with it."""
    guidance = ROOT / "guidance"
    replies = yaml.safe_load((guidance / "replies.yml").read_text(encoding="utf-8"))["replies"]
    outcomes = yaml.safe_load((guidance / "triage" / "outcomes.yml").read_text(encoding="utf-8"))
    banner = script_wording()["headline"]
    assert sorted(banner) == sorted(BANNER_OUTCOMES)
    for outcome in BANNER_OUTCOMES:
        headline = phrase(f"common.outcome_headline.{outcome}")
        card = cards.emergency_card({"outcome": outcome})
        assert card["content"]["body"][0]["items"][0]["text"] == headline  # Teams
        assert banner[outcome] == headline  # the web chat
        assert headline.casefold() in replies[outcome]["text"].casefold(), outcome
        assert headline.casefold() in outcomes["outcomes"][outcome]["headline"].casefold()
