"""Which area a message says the user works in ("we're a Southend school", "I'm in Lewisham").

Why: contacts differ by area (SET Annex B for Essex, Southend and Thurrock; Lewisham's own
route through the Met Police), so "who do I contact?" must be answered with the contacts of
the area the user names, not the default area's. The places that name each area live in
`guidance/contacts.yml` (`places`), beside the contacts.

Rules, in order:
- a place that names something else is not where the user is: "Essex Police" is a force,
  "from Essex" / "outside Essex" / "left Essex" is somewhere the user is not (any more);
- naming an area and the area it lies in ("Southend, Essex") means the smaller one;
- otherwise the last area named wins ("moved from Essex to a Lewisham school").
"""

from __future__ import annotations

import functools
import re

from bot.guidance.model import GuidanceBase

#: Words before a place that say the user is not there.
_NOT_HERE = re.compile(
    r"\b(?:from|outside|out of|left|leaving|beyond|except)\s+(?:the\s+|a\s+|an\s+)?$"
)
#: Words after a place that make it the name of something else (a police force).
_SOMETHING_ELSE = re.compile(r"^\s+(?:police|constabulary|pnn)\b")


@functools.lru_cache(maxsize=8)
def _place_patterns(places: tuple[tuple[str, tuple[str, ...]], ...]) -> re.Pattern[str]:
    alternatives: list[str] = []
    for area_id, names in places:
        for name in sorted(names, key=len, reverse=True):
            words = r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", name))
            alternatives.append(f"(?P<{area_id}_{len(alternatives)}>\\b{words}\\b)")
    return re.compile("|".join(alternatives) or r"(?!x)x")


def _pattern(base: GuidanceBase) -> re.Pattern[str]:
    return _place_patterns(tuple((a.id, a.places) for a in base.areas.values()))


def place_mentions(text: str, base: GuidanceBase) -> list[tuple[str, re.Match[str]]]:
    """Every place named in `text`, with the id of its area, in order."""
    lowered = text.lower().replace("\u2019", "'")
    mentions = []
    for match in _pattern(base).finditer(lowered):
        group = match.lastgroup or ""
        mentions.append((group.rsplit("_", 1)[0], match))
    return mentions


def named_area(text: str, base: GuidanceBase) -> str | None:
    """The id of the area the message says the user is in, or None (see the module rules)."""
    lowered = text.lower().replace("\u2019", "'")
    here = [
        area_id
        for area_id, m in place_mentions(text, base)
        if not _NOT_HERE.search(lowered[: m.start()])
        and not _SOMETHING_ELSE.match(lowered[m.end() :])
    ]
    if not here:
        return None
    named = set(here)
    inner = [a for a in here if base.areas[a].within in named]
    return (inner or here)[-1]


def without_places(text: str, base: GuidanceBase) -> str:
    """The message with its place names taken out: what it asks, wherever the user is."""
    return re.sub(r"\s{2,}", " ", _pattern(base).sub(" ", text.lower())).strip()
