"""Teams message shapes built from Rasa replies: text, hero cards, Adaptive Cards. Plain data.

Why cards: a triage outcome is something a practitioner acts on, so in Teams it arrives as
one card (headline, why, what next, policy references, and its buttons) instead of a run of
separate bubbles. The emergency and police replies stay unmistakable: their words go first
as an ordinary message (the text is what a notification and a screen reader announce) and a
red "Call 999 now" card follows. Buttons carry the Rasa payload back as the user's text.

Pure functions of their arguments and of the interface wording (`bot.wording`: every word
a card shows comes from guidance/interface.yml); no Rasa, no network, so the shapes are easy
to test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.wording import phrase

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
HERO_CARD = "application/vnd.microsoft.card.hero"
#: 1.4 renders on Teams desktop, web and mobile.
ADAPTIVE_CARD_VERSION = "1.4"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

EMERGENCY_OUTCOMES = frozenset({"emergency", "police"})
#: Container styles: red for danger, amber for "act on this", green for "no referral".
OUTCOME_STYLES = {
    "emergency": "attention",
    "police": "attention",
    "refer": "warning",
    "consult_dsl": "warning",
    "safeguarding": "warning",
    "no_concern": "good",
    "no_referral": "good",
}


def emergency_headlines() -> dict[str, tuple[str, str]]:
    """Card headline and subline per outcome, from guidance/interface.yml (`common.
    outcome_headline`, the same words as the web chat's banner; the hotline number comes
    from guidance/contacts.yml)."""
    return {
        outcome: (
            phrase(f"common.outcome_headline.{outcome}"),
            phrase(f"common.outcome_subline.{outcome}"),
        )
        for outcome in sorted(EMERGENCY_OUTCOMES)
    }


MAX_TITLE_CHARS = 80


# --------------------------------------------------------------------------- reading Rasa


def is_outcome(custom: Any) -> bool:
    """A triage or risk outcome payload (the `outcome`/`reasons`/`citations` contract)."""
    return isinstance(custom, Mapping) and isinstance(custom.get("outcome"), str)


def is_emergency(custom: Any) -> bool:
    """The 999 or Anti-Terrorist Hotline reply, which must come first and stand out."""
    return is_outcome(custom) and custom["outcome"] in EMERGENCY_OUTCOMES


def button_payload(button: Mapping[str, Any]) -> str:
    """What pressing a button sends back: its payload, else its title."""
    return str(button.get("payload") or button.get("title") or "")


def button_title(button: Mapping[str, Any]) -> str:
    return str(button.get("title") or button.get("payload") or "")[:MAX_TITLE_CHARS]


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, trimmed, empties dropped."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _strings(values: Any) -> list[str]:
    return [str(v) for v in values if str(v).strip()] if isinstance(values, list) else []


# --------------------------------------------------------------------------- text


def no_links(text: str) -> str:
    """Break markdown link syntax: replies quote the user's own words (the risk reasons
    do), and those must not turn into links that look like the assistant's advice."""
    return text.replace("](", "]\u200b(")


def teams_text(text: str) -> str:
    """Rasa text as Teams markdown: Teams joins single line breaks, so each one becomes a
    paragraph break (the bullet lists of the guidance would run together otherwise)."""
    lines = (text or "").strip().splitlines()
    return no_links("\n\n".join(line.rstrip() for line in lines if line.strip()))


def summary(text: str, limit: int = 140) -> str:
    """The first paragraph, cut to notification length."""
    first = next(iter(paragraphs(text)), "")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- hero cards


def message_back(button: Mapping[str, Any]) -> dict[str, Any]:
    """A hero-card button: shows its title in the chat, sends the payload to the bot."""
    payload = button_payload(button)
    return {
        "type": "messageBack",
        "title": button_title(button),
        "displayText": button_title(button),
        "text": payload,
        "value": {"payload": payload},
    }


def hero_card(
    text: str, buttons: Iterable[Mapping[str, Any]] = (), image: str = ""
) -> dict[str, Any]:
    """An attachment with the text and a button per Rasa button (card actions)."""
    content: dict[str, Any] = {"buttons": [message_back(b) for b in buttons]}
    if text:
        content["text"] = teams_text(text)
    if image:
        content["images"] = [{"url": image}]
    return {"contentType": HERO_CARD, "content": content}


# --------------------------------------------------------------------------- adaptive cards


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": no_links(text), "wrap": True, **style}


def submit_action(button: Mapping[str, Any]) -> dict[str, Any]:
    """An Action.Submit whose data carries the Rasa payload (it comes back as `value`)."""
    return {
        "type": "Action.Submit",
        "title": button_title(button),
        "data": {"payload": button_payload(button)},
    }


def adaptive_card(
    body: list[dict[str, Any]],
    actions: Iterable[Mapping[str, Any]] = (),
    fallback_text: str = "",
) -> dict[str, Any]:
    """An attachment holding an Adaptive Card, full width in Teams."""
    content: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "version": ADAPTIVE_CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    submit = [submit_action(b) for b in actions]
    if submit:
        content["actions"] = submit
    if fallback_text:
        content["fallbackText"] = fallback_text
    return {"contentType": ADAPTIVE_CARD, "content": content}


def _banner(style: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "Container", "style": style, "bleed": True, "items": blocks}


def _reason_blocks(reasons: list[str]) -> list[dict[str, Any]]:
    if not reasons:
        return []
    heading = text_block(phrase("channels.teams.why"), weight="Bolder", spacing="Medium")
    return [heading, *(text_block(f"• {r}", spacing="Small") for r in reasons)]


def _citation_blocks(citations: list[str]) -> list[dict[str, Any]]:
    if not citations:
        return []
    line = phrase("channels.teams.policy_references", citations=" · ".join(citations))
    return [text_block(line, isSubtle=True, size="Small", spacing="Medium")]


def _paragraph_blocks(paragraph: str) -> list[dict[str, Any]]:
    """One block per line (cards, like Teams, join single line breaks); a line ending in
    a colon is a heading ("What to do next:")."""
    blocks = []
    for index, line in enumerate(x.strip() for x in paragraph.splitlines() if x.strip()):
        style: dict[str, Any] = {"spacing": "Medium" if index == 0 else "Small"}
        if line.endswith(":") and len(line) < 60:
            style["weight"] = "Bolder"
        elif line.startswith(("Source:", "Sources:")):
            style.update(isSubtle=True, size="Small")
        blocks.append(text_block(line, **style))
    return blocks


def outcome_card(
    payload: Mapping[str, Any], text: str = "", buttons: Iterable[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """A triage outcome: the headline in a coloured band, why (from the payload's reasons),
    the rest of the reply (what to do next, notes, sources), and its buttons.

    Nothing is said twice: the reply's own "Why:" paragraph is left out when the payload
    lists the reasons, and the payload's citation ids are shown only when the reply has no
    "Source:" line (which names the same sections in words).
    """
    outcome = str(payload.get("outcome", ""))
    reasons, citations = _strings(payload.get("reasons")), _strings(payload.get("citations"))
    parts = paragraphs(text)
    headline = parts[0] if parts else outcome.replace("_", " ").capitalize()
    rest = [p for p in parts[1:] if not (reasons and p.lower().startswith("why:"))]
    if any(p.startswith(("Source:", "Sources:")) for p in rest):
        citations = []
    body = [
        _banner(
            OUTCOME_STYLES.get(outcome, "emphasis"),
            [text_block(headline, size="Large", weight="Bolder")],
        ),
        *_reason_blocks(reasons),
        *(block for p in rest for block in _paragraph_blocks(p)),
        *_citation_blocks(citations),
    ]
    return adaptive_card(body, buttons, fallback_text=text or headline)


def emergency_card(
    payload: Mapping[str, Any], buttons: Iterable[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The 999 / Anti-Terrorist Hotline card: a red band with the number, large and bold,
    then why. It follows the reply's text, which has already been sent on its own."""
    outcome = str(payload.get("outcome", "emergency"))
    headlines = emergency_headlines()
    headline, subline = headlines.get(outcome, headlines["emergency"])
    banner = _banner(
        "attention",
        [
            text_block(headline, size="ExtraLarge", weight="Bolder", color="Attention"),
            text_block(subline, weight="Bolder", spacing="Small"),
        ],
    )
    body = [
        banner,
        *_reason_blocks(_strings(payload.get("reasons"))),
        *_citation_blocks(_strings(payload.get("citations"))),
    ]
    return adaptive_card(body, buttons, fallback_text=f"{headline}. {subline}")
