"""Reading the REST channel's replies in end-to-end tests: their text, and the triage
outcomes their custom payloads carry."""

from __future__ import annotations


def reply_text(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def reply_outcomes(replies: list[dict]) -> list[str]:
    return [
        r["custom"]["outcome"]
        for r in replies
        if isinstance(r.get("custom"), dict) and "outcome" in r["custom"]
    ]
