"""A DSL's answers to the VTR form's questions, keyed by words of each question (e2e tests)."""

from __future__ import annotations

from tests.helpers.servers import Assistant

#: Question words -> answer. Tests override what they need (`{**VTR_ANSWERS, ...}`).
VTR_ANSWERS = {
    "immediate danger": "no",
    "first name": "Zoë",
    "surname": "Łukasz Wójcik",
    "date of birth": "14/02/2011",
    "gender": "prefer not to say",
    "home address": "don't know",
    "nationality": "British",
    "immigration": "don't know",
    "mother tongue": "English",
    "mobile number": "don't know",
    "school, college": "Moulsham Park Academy",
    "parents or carers": "Mum knows",
    "in your own words": "She has been sharing far-right videos.",
    "anything else to add": "that's all",
    "ideology or cause": "not sure",
    "engagement (set": "Watches the group's videos every night",
    "intent (set": "nothing seen",
    "capability (set": "don't know",
    "other vulnerabilities": "none known",
    "family been told": "Her mum knows and agrees",
    "dsl or prevent lead": "Yes, we agreed to refer",
    "other services": "none",
    "done about it": "spoke to her",
    "your name": "Dana Whitfield",
    "job title": "Head of Year",
    "organisation do you work": "Moulsham Park Academy",
    "relationship": "Head of year",
    "phone number can the police": "07700 900123",
    "your email": "d.w@example.org",
    "which area": "Essex",
}


def text_of(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def answer_for(question: str, answers: dict[str, str]) -> str:
    """The answer whose key words appear in the bot's question (fails loudly if none)."""
    key = next((k for k in answers if k in question.lower()), None)
    assert key, f"unexpected question: {question[-300:]}"
    return answers[key]


def draft_to_summary(bot: Assistant, sender: str, answers: dict[str, str]) -> str:
    """Start a referral and answer every question until the summary; returns its text."""
    last = text_of(bot.say(sender, "start a referral"))
    for _ in range(40):
        if "summary of the draft" in last.lower():
            return last
        last = text_of(bot.say(sender, answer_for(last, answers)))
    return last
