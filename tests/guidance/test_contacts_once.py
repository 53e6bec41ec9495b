"""Every phone number and email address is written once, in guidance/contacts.yml: topics,
replies and example questions refer to it as ``{contact.<path>}``, filled in at load. A
number changed in one place can then never leave an old copy in another answer."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bot.guidance import load_guidance

ROOT = Path(__file__).resolve().parents[2]
GUIDANCE = ROOT / "guidance"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: UK numbers as written in the seeds: "0800 789 321", "01245 452196", "020 7946 0000".
_PHONE = re.compile(r"(?<![\w.])0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}(?![\w.])")


def _written(text: str) -> list[str]:
    return [e.lower().rstrip(".") for e in _EMAIL.findall(text)] + [
        re.sub(r"[ -]", "", p) for p in _PHONE.findall(text)
    ]


def test_no_phone_number_or_email_is_written_twice_in_guidance():
    counts: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for path in sorted(GUIDANCE.rglob("*.yml")):
        for item in _written(path.read_text(encoding="utf-8")):
            counts[item] += 1
            where.setdefault(item, []).append(str(path.relative_to(GUIDANCE)))
    twice = {item: where[item] for item, n in counts.items() if n > 1}
    assert not twice, f"write these once in contacts.yml and use {{contact...}}: {twice}"


def test_contact_references_are_filled_in_topics_and_example_questions():
    base = load_guidance(GUIDANCE)
    texts = [t.answer for t in base.topics.values()]
    texts += [e for t in base.topics.values() for e in t.examples]
    texts += [r.text for r in base.replies.values()]
    assert not [t for t in texts if "{contact." in t]
    inbox = base.police.inbox.lower()
    assert any(inbox in t.lower() for t in texts), "the police inbox is still in the answers"
