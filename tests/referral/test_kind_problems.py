"""Every rejection the referral says (referral_forms/messages.yml) tells the user what to do
next, and the reply that carries it says that everything else is kept: nothing typed is
lost and nobody is left guessing (e.g. "This part is needed for the referral." alone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.referral.form import _messages_file

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = _messages_file()["problems"]
#: A next step: a question to the user, or words that ask for something.
NEXT_STEP = re.compile(
    r"\?|\b(?:please|could you|can you|you can|is fine)\b|(?:^|[.:!;]\s+|, )"
    r"(?:say|type|send|choose|answer|add|check|give|call|copy|go ahead)\b",
    re.I,
)
FILLED = {"question": "Is anyone in danger right now?", "text": "31/02/2010", "words": "x",
          "length": 2500, "max": 2000, "day_month": "14/02", "options": "Yes, No", "name": "A B", "label": "Capacity",
          "questions": "“Capacity” and “Consent”"}  # fmt: skip


@pytest.mark.parametrize("key", sorted(PROBLEMS))
def test_each_problem_says_what_to_do_next(key: str):
    if key in ("question_in_list", "list_join"):  # parts of now_apply, not said alone
        return
    if key in ("kept_for_concern", "kept_name", "now_applies", "now_apply"):  # before a question
        assert "kept" in PROBLEMS[key] or "ask" in PROBLEMS[key]
        return
    said = PROBLEMS[key].format(**FILLED)
    assert NEXT_STEP.search(said), said


def test_the_reply_with_a_problem_says_everything_else_is_kept():
    domain = yaml.safe_load((ROOT / "domain" / "referral.yml").read_text(encoding="utf-8"))
    for variant in domain["responses"]["utter_field_problem"]:
        assert "{problem}" in variant["text"] and "kept" in variant["text"]


def test_too_long_says_the_words_are_not_lost():
    said = PROBLEMS["too_long"]
    assert "still" in said and "chat" in said  # the message is still there to copy
