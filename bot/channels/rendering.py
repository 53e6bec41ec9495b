"""Shaping replies for chat channels: cutting long replies into readable pieces, making text safe.

Every channel has a size limit and its own markup, but the rules for a good cut are the
same everywhere: a reader should get whole paragraphs, then whole lines, then whole
sentences, and only as a last resort a word cut in two. Plain functions with no framework
imports, so each channel can use them and they are tested without Rasa or a network.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

#: Where a long reply may be cut, best first. The cut goes after the separator.
BOUNDARIES = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ")

#: C0/C1 control characters except tab and newline: they carry nothing a reader needs and
#: some clients render them as boxes or reject the message.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def utf16_len(text: str) -> int:
    """Length as Telegram (and JavaScript) counts it: an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def clean_text(text: str) -> str:
    """Newlines normalised to \\n and control characters dropped (untrusted text in or out)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape_html(text: str) -> str:
    """For channels that parse HTML: everything the user or the bot wrote shows as typed."""
    return html.escape(clean_text(text), quote=True)


def _fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """The longest prefix length (in characters) whose measure is within `limit`."""
    if measure is len:
        return min(limit, len(text))
    low, high = 0, min(len(text), limit)  # measure(ch) >= 1, so never more chars than limit
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def _cut_point(window: str) -> int:
    """Where to end the next piece within `window`: the best boundary in its second half.

    A boundary in the first half would leave a stub of a message, so a lesser boundary
    further on is preferred; with none, the cut is hard (a very long word or link).
    """
    for boundary in BOUNDARIES:
        at = window.rfind(boundary)
        if at >= len(window) // 2:
            return at + len(boundary)
    return len(window)


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """`text` as pieces whose `measure` is at most `limit`, cut at the best boundary.

    Whitespace around the cuts is dropped (a piece never starts or ends with a blank
    line); empty text gives no pieces. Telegram passes `measure=utf16_len`.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pieces: list[str] = []
    rest = text.strip()
    while rest and measure(rest) > limit:
        window = rest[: max(1, _fitting_prefix(rest, limit, measure))]
        cut = _cut_point(window)
        piece = rest[:cut].rstrip()
        if not piece:  # only whitespace before the boundary: cut hard instead
            piece, cut = window, len(window)
        pieces.append(piece)
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def link_of(json_message: object) -> tuple[str, str] | None:
    """(title, url) of a reply's `link` payload ({"link": {"url", "title"}}), if it is a web
    address: the one-time PDF links, which each channel makes clickable its own way (a
    Telegram URL button, a Teams openUrl action). Anything but http(s) is refused."""
    if not isinstance(json_message, dict):
        return None
    link = json_message.get("link")
    if not isinstance(link, dict):
        return None
    url, title = str(link.get("url") or ""), clean_text(str(link.get("title") or "")).strip()
    if not re.fullmatch(r"https?://[^\s<>\"']+", url) or not title:
        return None
    return title, url
