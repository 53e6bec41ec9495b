"""Which area a message says the user works in ("we're a Southend school", "I'm in Lewisham").

Why: contacts differ by area (SET Annex B for Essex, Southend and Thurrock; Lewisham's own
route through the Met Police), so "who do I contact?" must be answered with the contacts of
the area the user names, not the default area's. The places that name each area live in
`guidance/contacts.yml` (`places`), beside the contacts.

Rules, in order:
- a place used as a place counts ("I'm at a school in Southend", "we're in Basildon", "a
  Thurrock Council leaflet"); a place that names something else is not where the user is:
  "Essex Police" is a force, "Southend United" a club, "Mr Birmingham" and "Clint Eastwood"
  people; "from Essex" / "outside Essex" / "left Essex" is somewhere the user is not (any more);
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
#: Words after a place that make it the name of something else (a police force, a club).
_SOMETHING_ELSE = re.compile(
    r"^\s+(?:police|constabulary|pnn|united|fc|f\.c\.|rovers|athletic|wanderers|"
    r"football club|city fc|city football club)\b"
)
#: A title before a place makes it a person's name ("Mr Birmingham", "Dr. Lewisham").
_TITLE = re.compile(
    r"\b(?:mr|mrs|ms|miss|mx|dr|prof|professor|sir|dame|lord|lady|rev|revd)\.?\s+$"
)
#: ... and so does a capitalised first name right before a capitalised place ("Clint
#: Eastwood"), unless that word is one a place is often written after ("North Essex", "The
#: Billericay School", "Our Basildon academy").
_NAME_BEFORE = re.compile(r"\b([A-Z][a-z]+) $")
_NOT_A_NAME = frozenset(
    """i a an the our my we us in at on near to for from of and or but by with as is are was
    north south east west mid central greater old new great little upper lower st saint
    county city borough district hi hello dear hey thanks so also then about across around
    prevent channel set dsl""".split()
)


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


def _in_a_name(text: str, lowered: str, match: re.Match[str]) -> bool:
    """The place is part of a person's or a club's name, not somewhere ("Mr Birmingham")."""
    before = lowered[: match.start()]
    if _TITLE.search(before) or _SOMETHING_ELSE.match(lowered[match.end() :]):
        return True
    name = _NAME_BEFORE.search(text[: match.start()])
    return bool(
        name
        and text[match.start() : match.start() + 1].isupper()
        and name.group(1).lower() not in _NOT_A_NAME
    )


def named_area(text: str, base: GuidanceBase) -> str | None:
    """The id of the area the message says the user is in, or None (see the module rules)."""
    lowered = text.lower().replace("\u2019", "'")
    here = [
        area_id
        for area_id, m in place_mentions(text, base)
        if not _NOT_HERE.search(lowered[: m.start()]) and not _in_a_name(text, lowered, m)
    ]
    if not here:
        return None
    named = set(here)
    inner = [a for a in here if base.areas[a].within in named]
    return (inner or here)[-1]


def set_areas(base: GuidanceBase) -> dict[str, str]:
    """The areas where the SET policy's routes apply (the VTR form's areas), id to name, in
    the order of `guidance/contacts.yml`: the one list of areas, no other is kept in code."""
    return {area.id: area.name for area in base.areas.values() if area.set_policy}


def without_places(text: str, base: GuidanceBase) -> str:
    """The message with its place names taken out: what it asks, wherever the user is."""
    return re.sub(r"\s{2,}", " ", _pattern(base).sub(" ", text.lower())).strip()
