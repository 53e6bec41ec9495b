"""Value types of the guidance knowledge base: sources, topics and area contacts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """A citable section of a source document, e.g. ``SET 2.4``."""

    id: str
    document: str
    section: str
    date: str = ""

    @property
    def label(self) -> str:
        """How the citation reads to a user: "SET 2.4 Consent", "Lewisham".

        SET sections are named by their heading; other documents by their short id.
        """
        if not self.id.startswith("SET ") or not self.section:
            return self.id
        heading = self.section.split("(")[0].strip().rstrip(".,;:")
        return f"{self.id} {heading}" if heading else self.id


@dataclass(frozen=True)
class Topic:
    """One question practitioners bring, with its paraphrased answer and citations."""

    id: str
    title: str
    answer: str
    citations: tuple[str, ...]
    examples: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    dated: str = ""
    file: str = ""


@dataclass(frozen=True)
class Reply:
    """A fixed reply the server sends on its own (the emergency and police routes)."""

    id: str
    text: str
    reasons: tuple[str, ...]
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Area:
    """A local area's Prevent contacts (SET Annex B, or the area's own seed document).

    Attributes:
        citation: the source of its contacts; `dated` the caveat shown with them.
        topic: the contacts topic that answers "who do I contact?" for this area.
        places: lower-case words that name the area in a message.
        within: an area this one lies inside (Southend in Essex): naming both means this one.
        set_policy: the SET policy's routes (police team, inbox) apply here.
        replaces: topics the area's own contacts topic answers in its place, because the
            area's own document puts its own procedure first (Lewisham: a 999 question gets
            "follow your own child protection procedures without delay; 999 if a child is
            at immediate risk", from Lewisham's page).
    """

    id: str
    name: str
    prevent_inbox: str
    contacts: tuple[Contact, ...] = ()
    citation: str = "SET Annex B"
    dated: str = ""
    topic: str = ""
    places: tuple[str, ...] = ()
    within: str = ""
    set_policy: bool = True
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicePreventTeam:
    """The Police Prevent Team: the secure inbox and the phone for the password fallback."""

    phone: str
    inbox: str
    citation: str


@dataclass(frozen=True)
class GuidanceBase:
    """Everything loaded from ``guidance/``, validated."""

    sources: dict[str, Source]
    topics: dict[str, Topic]
    areas: dict[str, Area]
    police: PolicePreventTeam
    replies: dict[str, Reply] = field(default_factory=dict)
    contacts_citation: str = "SET Annex B"
    contacts_dated: str = ""
    files: tuple[str, ...] = field(default=())
    #: Topics an area's contacts topic replaces when the user's area is known: for any area,
    #: and (routes that differ) for areas outside the SET policy only (contacts.yml).
    area_topics_any: frozenset[str] = frozenset()
    area_topics_outside_set: frozenset[str] = frozenset()
    #: Word starts naming what the assistant is about (guidance/scope/subjects.yml).
    subjects: tuple[str, ...] = ()
    #: Words naming another subject (pay and leave, IT, lesson content, travel, leisure):
    #: a message naming one of them and none of `subjects` is off topic (subjects.yml).
    elsewhere: tuple[str, ...] = ()
    #: Subject words other subjects use too ("referral", "duty", "policy"): they do not keep
    #: a message that names another subject in scope (subjects.yml `shared`).
    shared_subjects: tuple[str, ...] = ()
    #: Patterns of questions beyond the seeds on their own subject (another country, a past
    #: attack's facts, content for a lesson), and the process words that keep one in scope.
    beyond: tuple[str, ...] = ()
    process_subjects: tuple[str, ...] = ()
    #: Messages about other things, for the off-topic classifier (scope/off_topic_examples.yml).
    off_topic_examples: tuple[str, ...] = ()

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def area(self, area_id: str) -> Area:
        """The SET area by id, for the SET routes (triage, "not sure"): other areas' ids
        and unknown ids fall back to the first area (Essex covers all three)."""
        area = self.areas.get(area_id.lower())
        if area is not None and area.set_policy:
            return area
        return next(a for a in self.areas.values() if a.set_policy)

    def any_area(self, area_id: str | None) -> Area | None:
        """Any area by id, inside the SET policy or not (Lewisham has its own route)."""
        return self.areas.get((area_id or "").lower())

    def area_topic(self, topic_id: str, area_id: str) -> Topic | None:
        """The area's contacts topic, when it should answer in place of `topic_id`."""
        area = self.areas.get(area_id.lower())
        if area is None or area.topic not in self.topics:
            return None
        if topic_id in area.replaces or topic_id in self.area_topics_any or (
            not area.set_policy and topic_id in self.area_topics_outside_set
        ):
            return self.topics[area.topic]
        return None

    def cite(self, citation_ids: tuple[str, ...] | list[str]) -> list[str]:
        """Readable labels for citation ids, in order, without repeats."""
        return [self.sources[c].label for c in dict.fromkeys(citation_ids) if c in self.sources]
