"""A whole triage conversation in plain Python, answered by fact name (bot.triage.conversation)."""

from __future__ import annotations

from pathlib import Path

from bot.guidance import load_guidance
from bot.triage import Triage
from bot.triage.conversation import TriageConversation
from bot.triage.outcome import area_contact

ROOT = Path(__file__).resolve().parents[2]
BASE = load_guidance(ROOT / "guidance")
TRIAGE = Triage.from_directory(ROOT / "guidance" / "triage")
INBOX = "prevent-test@essex.pnn.police.uk"


def play(
    opening: str,
    answers: dict[str, str],
    default: str = "no",
    default_area: str = "essex",
    max_turns: int = 20,
):
    """Plays a conversation; `answers` maps a fact name to the reply given when it is asked."""
    conv = TriageConversation(TRIAGE, lambda area: area_contact(BASE, area, INBOX, default_area))
    conv.start(opening)
    asked: list[str] = []
    for _ in range(max_turns):
        if conv.asked is None:
            break
        asked.append(conv.asked)
        conv.reply(answers.get(conv.asked, default))
    return conv, asked
